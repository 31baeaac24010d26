package app_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// Every nutrition and recipe tool through MCP with no USDA key: the offline
// food table answers.
func TestNutritionToolsThroughMCP(t *testing.T) {
	t.Setenv("USDA_API_KEY", "")
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, d)
			cs := connect(t, s, demoToken(t, s), nil)

			// Mifflin-St Jeor: 70 kg, 175 cm, 30 y male = 1648.75 kcal; × 1.55.
			out := mustCall(t, cs, "calculate_daily_nutrition", map[string]any{"weight_kg": 70, "height_cm": 175, "age": 30,
				"gender": "male", "activity_level": "moderately_active", "training_goal": "maintenance"})
			if num(t, out, "bmr") != 1648.75 || math.Abs(num(t, out, "tdee")-2555.56) > 0.01 || out["activity_level_source"] != "given" {
				t.Fatalf("daily nutrition male: %v", out)
			}
			p, c, f := num(t, out, "protein_g"), num(t, out, "carbs_g"), num(t, out, "fat_g")
			if math.Abs(4*p+4*c+9*f-num(t, out, "target_calories")) > 2 {
				t.Fatalf("macros %v/%v/%v do not add up to the target", p, c, f)
			}
			out = mustCall(t, cs, "calculate_daily_nutrition", map[string]any{"weight_kg": 70, "height_cm": 175, "age": 30,
				"gender": "female", "activity_level": "sedentary", "training_goal": "maintenance"})
			if num(t, out, "bmr") != 1482.75 || num(t, out, "tdee") != 1779.3 {
				t.Fatalf("daily nutrition female: %v", out)
			}
			// Without activity_level the level is inferred from the demo athlete's training.
			out = mustCall(t, cs, "calculate_daily_nutrition", map[string]any{"weight_kg": 70, "height_cm": 175, "age": 30,
				"gender": "male", "training_goal": "endurance_performance"})
			rt, _ := out["recent_training"].(map[string]any)
			if out["activity_level_source"] != "inferred" || rt == nil || rt["provider"] != "synthetic" || num(t, rt, "sessions") == 0 ||
				num(t, rt, "tss_per_day") <= 0 || num(t, rt, "exercise_kcal_per_day") <= 0 {
				t.Fatalf("inferred level: %v", out)
			}

			// Nutrient timing: given, then inferred from the provider.
			out = mustCall(t, cs, "get_nutrient_timing", map[string]any{"weight_kg": 70, "daily_protein_g": 140, "workout_intensity": "moderate"})
			if out["intensity_source"] != "given" || num(t, out, "post_workout.carbs_g.recommended") != 70 ||
				num(t, out, "post_workout.protein_g.recommended") != 21 {
				t.Fatalf("timing given: %v", out)
			}
			out = mustCall(t, cs, "get_nutrient_timing", map[string]any{"weight_kg": 70, "daily_protein_g": 140, "activity_provider": "synthetic", "days_back": 7})
			if out["intensity_source"] != "inferred" || out["intensity_reason"] == "" || out["recent_training"] == nil {
				t.Fatalf("timing inferred: %v", out)
			}

			// Food search (typo tolerant) and details from the offline table.
			out = mustCall(t, cs, "search_food", map[string]any{"query": "bananna", "page_size": 3})
			foods := out["foods"].([]any)
			if out["source"] != "offline" || len(foods) == 0 || !strings.Contains(strings.ToLower(fmt.Sprint(foods[0].(map[string]any)["description"])), "banana") {
				t.Fatalf("search_food: %v", out)
			}
			out = mustCall(t, cs, "get_food_details", map[string]any{"fdc_id": 173944})
			food := out["food"].(map[string]any)
			if num(t, food, "nutrients_per_100g.energy_kcal") != 89 || num(t, out, "portions_in_grams.grams_per_piece") <= 0 {
				t.Fatalf("get_food_details banana: %v", out)
			}

			// Meal: 118 g of banana (USDA 89 kcal, 22.84 g carbs per 100 g).
			out = mustCall(t, cs, "analyze_meal_nutrition", map[string]any{"foods": []any{
				map[string]any{"fdc_id": 173944, "grams": 118}}})
			if num(t, out, "totals.energy_kcal") != 105 || num(t, out, "totals.carbohydrate_g") != 27 {
				t.Fatalf("meal: %v", out)
			}

			out = mustCall(t, cs, "get_recipe_constraints", map[string]any{"meal_timing": "post_training", "target_calories": 600})
			if num(t, out, "protein.percent") != 30 || num(t, out, "protein.grams") != 45 || out["tdee_based"] != false {
				t.Fatalf("constraints: %v", out)
			}
			out = mustCall(t, cs, "get_recipe_constraints", map[string]any{"meal_timing": "post_training", "tdee": 2500})
			if num(t, out, "target_calories") != 688 || out["tdee_based"] != true {
				t.Fatalf("constraints from tdee: %v", out)
			}

			bowl := map[string]any{"name": "Recovery Protein Bowl", "meal_timing": "post_training", "target_calories": 600,
				"ingredients": []any{
					map[string]any{"name": "chicken breast", "quantity": 200, "unit": "grams"},
					map[string]any{"name": "brown rice cooked", "quantity": 1, "unit": "cup"},
					map[string]any{"name": "broccoli", "quantity": 150, "unit": "g"},
				}}
			out = mustCall(t, cs, "validate_recipe", bowl)
			score := num(t, out, "compliance_score")
			if score <= 0 || score > 100 || num(t, out, "per_serving.protein_g") < 40 || len(out["suggestions"].([]any)) == 0 ||
				len(out["ingredients"].([]any)) != 3 {
				t.Fatalf("validate_recipe: %v", out)
			}

			// Save, list, get, search, delete.
			delete(bowl, "target_calories")
			bowl["tags"] = []any{"High Protein", "post-workout", "quick"}
			bowl["instructions"] = []any{"Cook rice", "Grill chicken", "Steam broccoli", "Combine and serve"}
			saved := mustCall(t, cs, "save_recipe", bowl)
			id, _ := saved["recipe_id"].(string)
			if id == "" {
				t.Fatalf("save_recipe: %v", saved)
			}
			mustCall(t, cs, "save_recipe", map[string]any{"name": "Overnight Oats", "meal_timing": "pre_training",
				"tags": []any{"make-ahead"}, "ingredients": []any{
					map[string]any{"name": "oats", "quantity": 80, "unit": "g"},
					map[string]any{"name": "banana", "quantity": 1, "unit": "piece", "fdc_id": 173944}}})
			out = mustCall(t, cs, "list_recipes", map[string]any{"limit": 1})
			if num(t, out, "count") != 1 || out["next_cursor"] == "" {
				t.Fatalf("list page 1: %v", out)
			}
			out = mustCall(t, cs, "list_recipes", map[string]any{"limit": 1, "cursor": out["next_cursor"]})
			if num(t, out, "count") != 1 || out["next_cursor"] != "" {
				t.Fatalf("list page 2: %v", out)
			}
			out = mustCall(t, cs, "list_recipes", map[string]any{"tags": []any{"high-protein"}})
			if num(t, out, "count") != 1 || out["recipes"].([]any)[0].(map[string]any)["recipe_id"] != id {
				t.Fatalf("list by tag: %v", out)
			}
			out = mustCall(t, cs, "get_recipe", map[string]any{"recipe_id": id})
			rec := out["recipe"].(map[string]any)
			if rec["name"] != "Recovery Protein Bowl" || len(rec["ingredients"].([]any)) != 3 || len(rec["instructions"].([]any)) != 4 {
				t.Fatalf("get_recipe: %v", out)
			}
			out = mustCall(t, cs, "search_recipes", map[string]any{"query": "broccoli"})
			if num(t, out, "count") != 1 || out["recipes"].([]any)[0].(map[string]any)["recipe_id"] != id {
				t.Fatalf("search_recipes: %v", out)
			}
			out = mustCall(t, cs, "delete_recipe", map[string]any{"recipe_id": id})
			if out["deleted"] != true {
				t.Fatalf("delete: %v", out)
			}
			res, _ := call(t, cs, "get_recipe", map[string]any{"recipe_id": id})
			if !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "recipe_id") {
				t.Fatalf("get after delete: %v", res.Content)
			}
			res, _ = call(t, cs, "delete_recipe", map[string]any{"recipe_id": id})
			if !res.IsError {
				t.Fatal("second delete succeeded")
			}
			if out = mustCall(t, cs, "search_recipes", map[string]any{"query": "broccoli"}); num(t, out, "count") != 0 {
				t.Fatalf("search after delete: %v", out)
			}
		})
	}
}

// Bad input is refused with the field named.
func TestNutritionToolsBadInput(t *testing.T) {
	t.Setenv("USDA_API_KEY", "")
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)
	ctx := context.Background()
	person := func(extra map[string]any) map[string]any {
		m := map[string]any{"weight_kg": 70, "height_cm": 175, "age": 30, "gender": "male",
			"activity_level": "sedentary", "training_goal": "maintenance"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	ing := func(unit string, qty float64) map[string]any {
		return map[string]any{"name": "Bowl", "meal_timing": "general", "ingredients": []any{
			map[string]any{"name": "rice", "quantity": qty, "unit": unit, "fdc_id": 173944}}}
	}
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"calculate_daily_nutrition", person(map[string]any{"age": 0}), `invalid argument "age": must be between 10 and 120`},
		{"calculate_daily_nutrition", person(map[string]any{"gender": "other"}), `invalid argument "gender"`},
		{"calculate_daily_nutrition", person(map[string]any{"weight_kg": -70}), `invalid argument "weight_kg"`},
		{"analyze_meal_nutrition", map[string]any{"foods": []any{map[string]any{"fdc_id": 173944, "grams": -5}}}, `invalid argument "foods[0].grams": must be between 0`},
		{"analyze_meal_nutrition", map[string]any{"foods": []any{}}, `invalid argument "foods": must not be empty`},
		{"analyze_meal_nutrition", map[string]any{"foods": []any{map[string]any{"fdc_id": 173944}}}, `invalid argument "foods[0].grams"`},
		{"validate_recipe", ing("handful", 1), `invalid argument "ingredients[0].unit": unknown unit "handful"`},
		{"validate_recipe", ing("g", -5), `invalid argument "ingredients[0].quantity"`},
		{"validate_recipe", map[string]any{"name": "Empty", "meal_timing": "general", "ingredients": []any{}}, `invalid argument "ingredients": must not be empty`},
		{"save_recipe", map[string]any{"name": "Empty", "meal_timing": "general", "ingredients": []any{}}, `invalid argument "ingredients": must not be empty`},
		{"validate_recipe", map[string]any{"name": "X", "meal_timing": "brunch", "ingredients": []any{}}, `invalid argument "ingredients"`},
		{"get_nutrient_timing", map[string]any{"weight_kg": 70, "daily_protein_g": 500, "workout_intensity": "high"}, `invalid argument "daily_protein_g"`},
		{"search_food", map[string]any{"query": ""}, `invalid argument "query": must not be empty`},
		{"search_recipes", map[string]any{"query": "!!!"}, `invalid argument "query": must contain at least one letter or digit`},
		{"list_recipes", map[string]any{"cursor": "garbage"}, `invalid argument "cursor"`},
	} {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: c.args})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: want error %q, got %v", c.tool, c.args, c.want, err)
		}
	}
	// An unknown FDC ID is a tool error that names the field and says what to do.
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"get_food_details", map[string]any{"fdc_id": 99999999}, "fdc_id: no food has FDC ID 99999999"},
		{"analyze_meal_nutrition", map[string]any{"foods": []any{map[string]any{"fdc_id": 173944, "grams": 10},
			map[string]any{"fdc_id": 99999999, "grams": 10}}}, "foods[1].fdc_id: no food has FDC ID 99999999"},
		{"validate_recipe", map[string]any{"name": "X", "meal_timing": "general", "ingredients": []any{
			map[string]any{"name": "mystery", "quantity": 1, "unit": "g", "fdc_id": 99999999}}}, "ingredients[0].fdc_id: no food has FDC ID"},
	} {
		res, _ := call(t, cs, c.tool, c.args)
		text := res.Content[0].(*mcp.TextContent).Text
		if !res.IsError || !strings.Contains(text, c.want) || !strings.Contains(text, "search_food") {
			t.Errorf("%s: want tool error %q, got %q", c.tool, c.want, text)
		}
	}
}

// A recipe saved by one user is invisible to another user of the same
// tenant and to a user of another tenant; they cannot delete it either.
func TestRecipesAreInvisibleToOtherUsersThroughMCP(t *testing.T) {
	t.Setenv("USDA_API_KEY", "")
	s := startServer(t, "sqlite")
	var root tokenBody
	s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
	var club struct{ ID string }
	if r := s.do(t, "POST", "/api/admin/tenants", root.AccessToken, map[string]string{"name": "Club B", "slug": "club-b"}, &club); r.StatusCode != 201 {
		t.Fatalf("create tenant: %d", r.StatusCode)
	}
	token := func(email, tenant string) string {
		body := map[string]string{"email": email, "password": pw}
		tenantID := root.User.TenantID
		if tenant != "" {
			body["tenant"], tenantID = tenant, club.ID
		}
		s.do(t, "POST", "/api/auth/register", "", body, nil)
		var list struct{ Users []struct{ ID, Email string } }
		s.do(t, "GET", "/api/admin/users?status=pending&tenant_id="+tenantID, root.AccessToken, nil, &list)
		for _, u := range list.Users {
			if u.Email == email {
				s.do(t, "POST", "/api/admin/users/"+u.ID+"/approve?tenant_id="+tenantID, root.AccessToken, nil, nil)
			}
		}
		var tb tokenBody
		if r := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": pw}, &tb); r.StatusCode != 200 {
			t.Fatalf("login %s: %d", email, r.StatusCode)
		}
		return tb.AccessToken
	}
	alice := connect(t, s, token("alice@example.com", ""), nil)
	dave := connect(t, s, token("dave@example.com", ""), nil)     // same tenant
	bob := connect(t, s, token("bob@example.com", "club-b"), nil) // other tenant
	saved := mustCall(t, alice, "save_recipe", map[string]any{"name": "Alice's Salmon Salad", "meal_timing": "rest_day",
		"ingredients": []any{map[string]any{"name": "salmon", "quantity": 150, "unit": "g"}}})
	id := saved["recipe_id"].(string)
	for name, cs := range map[string]*mcp.ClientSession{"same tenant": dave, "other tenant": bob} {
		if out := mustCall(t, cs, "list_recipes", nil); num(t, out, "count") != 0 {
			t.Errorf("%s lists %v", name, out)
		}
		if out := mustCall(t, cs, "search_recipes", map[string]any{"query": "salmon"}); num(t, out, "count") != 0 {
			t.Errorf("%s finds %v", name, out)
		}
		for _, tool := range []string{"get_recipe", "delete_recipe"} {
			if res, _ := call(t, cs, tool, map[string]any{"recipe_id": id}); !res.IsError {
				t.Errorf("%s can %s alice's recipe", name, tool)
			}
		}
	}
	if out := mustCall(t, alice, "get_recipe", map[string]any{"recipe_id": id}); out["recipe"] == nil {
		t.Fatal("alice lost her recipe")
	}
}
