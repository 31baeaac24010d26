package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/nutrition"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
)

// owner creates a tenant and a user in it.
func owner(t testing.TB, s *sqlstore.Store, slug string) (tenantID, userID string) {
	t.Helper()
	ctx := context.Background()
	tn := tenant(slug, t0)
	if err := s.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	return tn.ID, addUser(t, s, tn.ID, slug)
}

func addUser(t testing.TB, s *sqlstore.Store, tenantID, name string) string {
	t.Helper()
	u := user(tenantID, name+"-"+uuid.NewString()[:8]+"@example.com", t0)
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func recipe(tenantID, userID, name, timing string, at time.Time, tags []string, ingredients ...string) store.Recipe {
	r := store.Recipe{ID: uuid.NewString(), TenantID: tenantID, UserID: userID, Name: name, MealTiming: timing,
		Servings: 1, Tags: tags, DietaryRestrictions: []string{}, CreatedAt: at,
		PerServing: nutrition.Nutrients{EnergyKcal: 600, ProteinG: 45}, ComplianceScore: 82}
	for _, in := range ingredients {
		r.Ingredients = append(r.Ingredients, store.RecipeIngredient{Name: in, Quantity: 100, Unit: "g", Grams: 100, FDCID: 1})
	}
	return r
}

func names(rs []store.Recipe) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

func TestRecipesAreScopedToTenantAndUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ta, ua := owner(t, s, "ta")
		ub := addUser(t, s, ta, "ub") // same tenant, other user
		tb, uc := owner(t, s, "tb")   // other tenant

		r := recipe(ta, ua, "Recovery Protein Bowl", "post_training", t0, []string{"High Protein", "quick"},
			"chicken breast", "brown rice", "broccoli")
		r.Instructions = []string{"Cook rice", "Grill chicken"}
		if err := s.SaveRecipe(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.Recipe(ctx, ta, ua, r.ID)
		if err != nil || got.Name != r.Name || len(got.Ingredients) != 3 || got.PerServing.ProteinG != 45 ||
			!got.CreatedAt.Equal(t0) || got.TenantID != ta || got.UserID != ua || len(got.Instructions) != 2 {
			t.Fatalf("owner reads back %+v, %v", got, err)
		}
		if err := s.SaveRecipe(ctx, r); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("saving the same id twice: want ErrConflict, got %v", err)
		}
		for _, o := range []struct{ name, tenant, user string }{
			{"other user, same tenant", ta, ub}, {"other tenant", tb, uc}, {"other tenant, owner's user id", tb, ua},
		} {
			if _, err := s.Recipe(ctx, o.tenant, o.user, r.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: get = %v, want ErrNotFound", o.name, err)
			}
			if items, _, err := s.ListRecipes(ctx, o.tenant, o.user, store.RecipeFilter{}, store.Page{}); err != nil || len(items) != 0 {
				t.Errorf("%s: list = %v, %v", o.name, names(items), err)
			}
			if items, err := s.SearchRecipes(ctx, o.tenant, o.user, "chicken", store.RecipeFilter{}, 10); err != nil || len(items) != 0 {
				t.Errorf("%s: search = %v, %v", o.name, names(items), err)
			}
			if err := s.DeleteRecipe(ctx, o.tenant, o.user, r.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: delete = %v, want ErrNotFound", o.name, err)
			}
		}
		// The failed deletes above left it in place.
		if _, err := s.Recipe(ctx, ta, ua, r.ID); err != nil {
			t.Fatalf("recipe gone after others tried to delete it: %v", err)
		}
		// Deleting is final: gone from get, list and search, and a second
		// delete is not found.
		if err := s.DeleteRecipe(ctx, ta, ua, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Recipe(ctx, ta, ua, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("get after delete: %v", err)
		}
		if items, _, _ := s.ListRecipes(ctx, ta, ua, store.RecipeFilter{}, store.Page{}); len(items) != 0 {
			t.Fatalf("list after delete: %v", names(items))
		}
		if items, _ := s.SearchRecipes(ctx, ta, ua, "chicken", store.RecipeFilter{}, 10); len(items) != 0 {
			t.Fatalf("search after delete: %v", names(items))
		}
		if err := s.DeleteRecipe(ctx, ta, ua, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestRecipeListPagesAndFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ta, ua := owner(t, s, "ta")
		var want []string
		for i := range 7 {
			timing := []string{"pre_training", "post_training", "rest_day"}[i%3]
			tags := []string{"t" + fmt.Sprint(i%2)}
			r := recipe(ta, ua, fmt.Sprintf("r%d", i), timing, t0.Add(time.Duration(i/2)*time.Minute), tags, "oats")
			if err := s.SaveRecipe(ctx, r); err != nil {
				t.Fatal(err)
			}
			want = append(want, r.Name)
		}
		// Newest first; two recipes share each minute, so ties are broken by id.
		var seen []string
		cur := ""
		for pages := 0; ; pages++ {
			items, next, err := s.ListRecipes(ctx, ta, ua, store.RecipeFilter{}, store.Page{Limit: 3, Cursor: cur})
			if err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(items); i++ {
				if items[i].CreatedAt.After(items[i-1].CreatedAt) {
					t.Fatalf("page not newest first: %v", names(items))
				}
			}
			seen = append(seen, names(items)...)
			if next == "" {
				if pages != 2 {
					t.Fatalf("want 3 pages of 3,3,1, got %d", pages+1)
				}
				break
			}
			cur = next
		}
		sort.Strings(seen)
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Fatalf("pages visit %v, want each of %v once", seen, want)
		}
		if _, _, err := s.ListRecipes(ctx, ta, ua, store.RecipeFilter{}, store.Page{Cursor: "not-a-cursor!"}); !errors.Is(err, store.ErrBadCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
		items, _, err := s.ListRecipes(ctx, ta, ua, store.RecipeFilter{MealTiming: "post_training"}, store.Page{})
		if err != nil || fmt.Sprint(names(items)) != "[r4 r1]" {
			t.Fatalf("meal_timing filter: %v %v", names(items), err)
		}
		items, _, err = s.ListRecipes(ctx, ta, ua, store.RecipeFilter{Tags: []string{"T1"}}, store.Page{})
		if err != nil || len(items) != 3 {
			t.Fatalf("tag filter t1: %v %v", names(items), err)
		}
		items, _, _ = s.ListRecipes(ctx, ta, ua, store.RecipeFilter{Tags: []string{"t"}}, store.Page{})
		if len(items) != 0 {
			t.Fatalf("tag filter matches a tag prefix: %v", names(items))
		}
	})
}

func TestRecipeSearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ta, ua := owner(t, s, "ta")
		for i, r := range []store.Recipe{
			recipe(ta, ua, "Recovery Protein Bowl", "post_training", t0, []string{"high-protein", "quick"}, "chicken breast", "brown rice", "broccoli"),
			recipe(ta, ua, "Overnight Oats", "pre_training", t0, []string{"make-ahead"}, "rolled oats", "milk", "bananas"),
			recipe(ta, ua, "Salmon Salad", "rest_day", t0, []string{"omega-3"}, "salmon", "spinach", "olive oil", "eggs"),
			recipe(ta, ua, "Chicken Curry", "general", t0, nil, "chicken thigh", "coconut milk", "white rice"),
		} {
			r.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
			if err := s.SaveRecipe(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		search := func(q string, f store.RecipeFilter) []string {
			t.Helper()
			items, err := s.SearchRecipes(ctx, ta, ua, q, f, 10)
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			return names(items)
		}
		cases := []struct {
			q    string
			f    store.RecipeFilter
			want string
		}{
			{"chicken", store.RecipeFilter{}, "[Chicken Curry Recovery Protein Bowl]"}, // name outranks ingredient
			{"rice chicken", store.RecipeFilter{}, "[Chicken Curry Recovery Protein Bowl]"},
			{"banana", store.RecipeFilter{}, "[Overnight Oats]"},              // stemming: bananas
			{"egg", store.RecipeFilter{}, "[Salmon Salad]"},                   // eggs
			{"high protein", store.RecipeFilter{}, "[Recovery Protein Bowl]"}, // tag words
			{"brocc", store.RecipeFilter{}, "[Recovery Protein Bowl]"},        // prefix
			{"chicken", store.RecipeFilter{MealTiming: "general"}, "[Chicken Curry]"},
			{"chicken", store.RecipeFilter{Tags: []string{"quick"}}, "[Recovery Protein Bowl]"},
			{"tofu", store.RecipeFilter{}, "[]"},
			// FTS syntax in the query is treated as words, never as operators.
			{`chicken" OR owner:* NEAR(`, store.RecipeFilter{}, "[]"},
			{`"salmon" -`, store.RecipeFilter{}, "[Salmon Salad]"},
			{"!!!", store.RecipeFilter{}, "[]"},
		}
		for _, c := range cases {
			if got := fmt.Sprint(search(c.q, c.f)); got != c.want {
				t.Errorf("search %q %+v = %s, want %s", c.q, c.f, got, c.want)
			}
		}
	})
}
