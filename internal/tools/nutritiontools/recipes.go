package nutritiontools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/nutrition"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/tools"
)

var mealTimings = []string{string(nutrition.PreTraining), string(nutrition.PostTraining), string(nutrition.RestDay), string(nutrition.General)}

var restrictions = []string{"vegetarian", "vegan", "gluten_free", "dairy_free", "nut_free", "keto", "paleo"}

func mealTimingArg(desc string) *tools.Schema { return tools.Enum(desc, mealTimings...) }

func ingredientsArg() *tools.Schema {
	return tools.Array("Ingredients with amounts. Units: g, kg, mg, oz, lb, ml, l, cup, tbsp, tsp, fl oz, piece "+
		"(and their plurals and long names). Give fdc_id from search_food for accuracy; without it the name is "+
		"looked up and the best match used.", tools.Object(map[string]*tools.Schema{
		"name":     tools.StringLen("Ingredient name, e.g. \"chicken breast\".", 1, 200),
		"quantity": tools.Number("Amount in unit.", 0, 100000),
		"unit":     tools.StringLen("Unit of quantity, e.g. g, cup, tbsp, piece.", 1, 30),
		"fdc_id":   tools.Integer("FoodData Central ID of the food, from search_food.", 1, 1e9),
	}, "name", "quantity", "unit"), 1, 100)
}

func recipeIDArg() *tools.Schema {
	return tools.StringLen("Recipe id, from save_recipe, list_recipes or search_recipes.", 1, 100)
}

func (h *handlers) registerRecipeTools(r *tools.Registry) {
	recipeArgs := func(extra map[string]*tools.Schema) map[string]*tools.Schema {
		m := map[string]*tools.Schema{
			"name":                 tools.StringLen("Recipe name.", 1, 200),
			"ingredients":          ingredientsArg(),
			"meal_timing":          mealTimingArg("When the meal is eaten; sets the macro targets."),
			"servings":             tools.Integer("Servings the recipe makes (default 1); targets apply per serving.", 1, 100),
			"dietary_restrictions": tools.Array("Restrictions to check the ingredients against.", tools.Enum("A dietary restriction.", restrictions...), 0, 7),
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	r.Add(
		tools.New(tools.Spec{
			Name: "get_recipe_constraints", Title: "Get recipe constraints", Category: RecipeCategory,
			Description: "Get the nutrition targets a recipe should meet for a meal timing (pre_training, post_training, " +
				"rest_day, general): calories, protein/carbohydrate/fat percentages and grams, guidelines, example " +
				"ingredients and what to avoid. Call it before writing a recipe, then check the recipe with " +
				"validate_recipe. Calories: target_calories if given, else the timing's share of tdee if given, else a " +
				"default. Returns {meal_timing, target_calories, tdee_based, protein, carbs, fat, guidelines, " +
				"example_ingredients, avoid}.",
			Input: tools.Object(map[string]*tools.Schema{
				"meal_timing":     mealTimingArg("When the meal is eaten (default general)."),
				"target_calories": tools.Number("Calories the meal should provide.", 50, 5000),
				"tdee":            tools.Number("The athlete's daily energy expenditure (tdee from calculate_daily_nutrition).", 800, 10000),
			}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, h.recipeConstraints),
		tools.New(tools.Spec{
			Name: "validate_recipe", Title: "Validate a recipe", Category: RecipeCategory,
			Description: "Compute a recipe's calories and macros from its ingredients (amounts converted to grams with " +
				"the food's own portion weights, composition from USDA data), score its compliance (0-100) with the meal " +
				"timing's targets and give concrete suggestions (what to add or reduce, in grams); checks dietary " +
				"restrictions. Use it before save_recipe. Returns {total, per_serving, macro_percentages, targets, " +
				"compliance_score, compliant, ingredients[], suggestions[], warnings[]}.",
			Input: tools.Object(recipeArgs(map[string]*tools.Schema{
				"target_calories": tools.Number("Calories per serving to score against.", 50, 5000),
			}), "name", "ingredients", "meal_timing"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, h.validateRecipe),
		tools.New(tools.Spec{
			Name: "save_recipe", Title: "Save a recipe", Category: RecipeCategory,
			Description: "Save a recipe to the user's recipe book, with its nutrition computed from the ingredients and " +
				"its compliance score for the meal timing. Use it when the user wants to keep a recipe. Returns " +
				"{recipe_id, recipe, compliance_score, suggestions}.",
			Input: tools.Object(recipeArgs(map[string]*tools.Schema{
				"description":       tools.StringLen("Short description.", 0, 2000),
				"prep_time_minutes": tools.Integer("Preparation time in minutes.", 0, 1440),
				"cook_time_minutes": tools.Integer("Cooking time in minutes.", 0, 1440),
				"instructions":      tools.Array("Steps, in order.", tools.StringLen("One step.", 1, 2000), 0, 100),
				"tags":              tools.Array("Tags such as high-protein or quick (stored lower-case with hyphens).", tools.StringLen("A tag.", 1, 50), 0, 20),
				"skill_level":       tools.Enum("Cooking skill needed.", "beginner", "intermediate", "advanced"),
				"source":            tools.StringLen("Where the recipe came from.", 0, 500),
			}), "name", "ingredients", "meal_timing"),
			Annotations: tools.Annotations{OpenWorld: true},
		}, h.saveRecipe),
		tools.New(tools.Spec{
			Name: "list_recipes", Title: "List recipes", Category: RecipeCategory,
			Description: "List the user's saved recipes, newest first, optionally by meal timing and tags (a recipe must " +
				"have every tag given). Pages with an opaque cursor: pass next_cursor from the previous answer. Returns " +
				"{recipes[{recipe_id, name, meal_timing, servings, tags, per_serving, compliance_score, created_at}], count, next_cursor}.",
			Input: tools.Object(map[string]*tools.Schema{
				"meal_timing": mealTimingArg("Only recipes for this meal timing."),
				"tags":        tools.Array("Only recipes with all these tags.", tools.StringLen("A tag.", 1, 50), 0, 10),
				"limit":       tools.Integer("Recipes per page (default 20).", 1, 100),
				"cursor":      tools.StringLen("next_cursor of the previous page.", 1, 200),
			}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, h.listRecipes),
		tools.New(tools.Spec{
			Name: "get_recipe", Title: "Get a recipe", Category: RecipeCategory,
			Description: "Get one saved recipe in full: ingredients with grams and nutrients, instructions, tags, " +
				"nutrition per serving and compliance score. Returns {recipe}.",
			Input:       tools.Object(map[string]*tools.Schema{"recipe_id": recipeIDArg()}, "recipe_id"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, h.getRecipe),
		tools.New(tools.Spec{
			Name: "delete_recipe", Title: "Delete a recipe", Category: RecipeCategory,
			Description: "Delete one of the user's saved recipes for good. Returns {deleted: true, recipe_id}.",
			Input:       tools.Object(map[string]*tools.Schema{"recipe_id": recipeIDArg()}, "recipe_id"),
			Annotations: tools.Annotations{Destructive: true, Idempotent: true},
		}, h.deleteRecipe),
		tools.New(tools.Spec{
			Name: "search_recipes", Title: "Search recipes", Category: RecipeCategory,
			Description: "Full-text search of the user's saved recipes over name, ingredients and tags, most relevant " +
				"first; every word must match (word prefixes count, plurals match singulars). Returns {query, recipes[], count}.",
			Input: tools.Object(map[string]*tools.Schema{
				"query":       tools.StringLen("Words to find, e.g. \"chicken rice\".", 1, 200),
				"meal_timing": mealTimingArg("Only recipes for this meal timing."),
				"tags":        tools.Array("Only recipes with all these tags.", tools.StringLen("A tag.", 1, 50), 0, 10),
				"limit":       tools.Integer("Most recipes to return (default 10).", 1, 50),
			}, "query"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, h.searchRecipes),
	)
}

type constraintsArgs struct {
	MealTiming     string  `json:"meal_timing"`
	TargetCalories float64 `json:"target_calories"`
	TDEE           float64 `json:"tdee"`
}

func (h *handlers) recipeConstraints(_ context.Context, _ *tools.Call, in constraintsArgs) (any, error) {
	timing, err := nutrition.ParseMealTiming(in.MealTiming)
	if err != nil {
		return nil, inputError(err)
	}
	c, err := nutrition.GetRecipeConstraints(timing, in.TargetCalories, in.TDEE)
	if err != nil {
		return nil, inputError(err)
	}
	return c, nil
}

type ingredientArg struct {
	Name     string  `json:"name"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	FDCID    int     `json:"fdc_id"`
}

type recipeArgs struct {
	Name                string          `json:"name"`
	Ingredients         []ingredientArg `json:"ingredients"`
	MealTiming          string          `json:"meal_timing"`
	Servings            int             `json:"servings"`
	TargetCalories      float64         `json:"target_calories"`
	DietaryRestrictions []string        `json:"dietary_restrictions"`
	Description         string          `json:"description"`
	PrepTimeMinutes     int             `json:"prep_time_minutes"`
	CookTimeMinutes     int             `json:"cook_time_minutes"`
	Instructions        []string        `json:"instructions"`
	Tags                []string        `json:"tags"`
	SkillLevel          string          `json:"skill_level"`
	Source              string          `json:"source"`
}

// analyse resolves each ingredient to a food (its fdc_id, else the best
// search match for its name), checks its unit, and validates the recipe.
func (h *handlers) analyse(ctx context.Context, in recipeArgs) (nutrition.RecipeValidation, error) {
	if strings.TrimSpace(in.Name) == "" {
		return nutrition.RecipeValidation{}, tools.Invalid("name", "must not be blank")
	}
	if len(in.Ingredients) == 0 {
		return nutrition.RecipeValidation{}, tools.Invalid("ingredients", "must not be empty")
	}
	rec := nutrition.Recipe{Name: in.Name, MealTiming: nutrition.MealTiming(in.MealTiming), Servings: in.Servings,
		TargetCalories: in.TargetCalories, DietaryRestrictions: in.DietaryRestrictions}
	var matched []string
	ids := make([]int, len(in.Ingredients))
	for i, ing := range in.Ingredients {
		field := fmt.Sprintf("ingredients[%d]", i)
		// Check the unit before any lookup, so a typo is reported at once.
		if _, err := nutrition.ParseUnit(ing.Unit); err != nil {
			return nutrition.RecipeValidation{}, relabel(field, err)
		}
		id := ing.FDCID
		if id == 0 {
			res, err := h.Foods.Search(ctx, ing.Name, 1, 1)
			if err != nil {
				return nutrition.RecipeValidation{}, foodError(field+".name", 0, err)
			}
			if len(res.Foods) == 0 {
				return nutrition.RecipeValidation{}, tools.Invalid(field+".name",
					fmt.Sprintf("no food matches %q; find it with search_food and give its fdc_id", ing.Name))
			}
			id = res.Foods[0].FDCID
			matched = append(matched, fmt.Sprintf("%s: matched by name to %q (fdc_id %d); give fdc_id to choose another food",
				ing.Name, res.Foods[0].Description, id))
		}
		ids[i] = id
		rec.Ingredients = append(rec.Ingredients, nutrition.Ingredient{Name: ing.Name, Quantity: ing.Quantity, Unit: ing.Unit, FDCID: id})
	}
	foods, err := h.fetchFoods(ctx, ids, func(i int) string { return fmt.Sprintf("ingredients[%d].fdc_id", i) })
	if err != nil {
		return nutrition.RecipeValidation{}, err
	}
	v, err := nutrition.ValidateRecipe(rec, foods)
	if err != nil {
		return nutrition.RecipeValidation{}, inputError(err)
	}
	v.Warnings = append(matched, v.Warnings...)
	return v, nil
}

func (h *handlers) validateRecipe(ctx context.Context, _ *tools.Call, in recipeArgs) (any, error) {
	return h.analyse(ctx, in)
}

func (h *handlers) saveRecipe(ctx context.Context, c *tools.Call, in recipeArgs) (any, error) {
	v, err := h.analyse(ctx, in)
	if err != nil {
		return nil, err
	}
	rec := Recipe{ID: uuid.NewString(), TenantID: c.Principal.TenantID, UserID: c.Principal.UserID,
		Name: strings.TrimSpace(in.Name), Description: in.Description, MealTiming: string(v.MealTiming), Servings: v.Servings,
		PrepTimeMinutes: in.PrepTimeMinutes, CookTimeMinutes: in.CookTimeMinutes, Instructions: in.Instructions,
		Tags: []string{}, DietaryRestrictions: []string{}, SkillLevel: in.SkillLevel, Source: in.Source,
		Total: v.Total, PerServing: v.PerServing, MacroPercentages: v.MacroPercentages, ComplianceScore: v.ComplianceScore,
		CreatedAt: h.Now().UTC()}
	seen := map[string]bool{}
	for _, t := range in.Tags {
		if t = store.NormalizeTag(t); t != "" && !seen[t] {
			seen[t] = true
			rec.Tags = append(rec.Tags, t)
		}
	}
	for _, d := range in.DietaryRestrictions {
		rec.DietaryRestrictions = append(rec.DietaryRestrictions, strings.ToLower(d))
	}
	for i, ing := range v.Ingredients {
		rec.Ingredients = append(rec.Ingredients, RecipeIngredient{Name: ing.Name, Quantity: in.Ingredients[i].Quantity,
			Unit: in.Ingredients[i].Unit, FDCID: ing.FDCID, FoodDescription: ing.Description, Grams: ing.Grams, Nutrients: ing.Nutrients})
	}
	if err := h.Recipes.SaveRecipe(ctx, rec); err != nil {
		return nil, fmt.Errorf("save recipe: %w", err)
	}
	return map[string]any{"recipe_id": rec.ID, "recipe": rec, "compliance_score": v.ComplianceScore,
		"compliant": v.Compliant, "suggestions": v.Suggestions, "warnings": v.Warnings}, nil
}

// recipeSummary is a recipe as lists show it.
type recipeSummary struct {
	ID              string              `json:"recipe_id"`
	Name            string              `json:"name"`
	MealTiming      string              `json:"meal_timing"`
	Servings        int                 `json:"servings"`
	Tags            []string            `json:"tags"`
	PerServing      nutrition.Nutrients `json:"per_serving"`
	ComplianceScore int                 `json:"compliance_score"`
	CreatedAt       string              `json:"created_at"`
}

func summaries(rs []Recipe) []recipeSummary {
	out := make([]recipeSummary, len(rs))
	for i, r := range rs {
		tags := r.Tags
		if tags == nil {
			tags = []string{}
		}
		out[i] = recipeSummary{ID: r.ID, Name: r.Name, MealTiming: r.MealTiming, Servings: r.Servings, Tags: tags,
			PerServing: r.PerServing, ComplianceScore: r.ComplianceScore, CreatedAt: r.CreatedAt.Format("2006-01-02T15:04:05Z07:00")}
	}
	return out
}

type listArgs struct {
	MealTiming string   `json:"meal_timing"`
	Tags       []string `json:"tags"`
	Limit      int      `json:"limit"`
	Cursor     string   `json:"cursor"`
}

func (h *handlers) listRecipes(ctx context.Context, c *tools.Call, in listArgs) (any, error) {
	limit := in.Limit
	if limit == 0 {
		limit = 20
	}
	items, next, err := h.Recipes.ListRecipes(ctx, c.Principal.TenantID, c.Principal.UserID,
		RecipeFilter{MealTiming: in.MealTiming, Tags: in.Tags}, store.Page{Limit: limit, Cursor: in.Cursor})
	if errors.Is(err, store.ErrBadCursor) {
		return nil, tools.Invalid("cursor", "is not a next_cursor returned by list_recipes; omit it to start from the first page")
	}
	if err != nil {
		return nil, fmt.Errorf("list recipes: %w", err)
	}
	return map[string]any{"recipes": summaries(items), "count": len(items), "next_cursor": next}, nil
}

type recipeIDArgs struct {
	RecipeID string `json:"recipe_id"`
}

func recipeNotFound(id string) error {
	return tools.Fail(tools.CodeNotFound, fmt.Sprintf("recipe_id %q: no such recipe in this account", id),
		"call list_recipes or search_recipes to find recipe ids")
}

func (h *handlers) getRecipe(ctx context.Context, c *tools.Call, in recipeIDArgs) (any, error) {
	r, err := h.Recipes.Recipe(ctx, c.Principal.TenantID, c.Principal.UserID, in.RecipeID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, recipeNotFound(in.RecipeID)
	}
	if err != nil {
		return nil, fmt.Errorf("get recipe: %w", err)
	}
	return map[string]any{"recipe": r}, nil
}

func (h *handlers) deleteRecipe(ctx context.Context, c *tools.Call, in recipeIDArgs) (any, error) {
	err := h.Recipes.DeleteRecipe(ctx, c.Principal.TenantID, c.Principal.UserID, in.RecipeID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, recipeNotFound(in.RecipeID)
	}
	if err != nil {
		return nil, fmt.Errorf("delete recipe: %w", err)
	}
	return map[string]any{"deleted": true, "recipe_id": in.RecipeID}, nil
}

type searchRecipesArgs struct {
	Query      string   `json:"query"`
	MealTiming string   `json:"meal_timing"`
	Tags       []string `json:"tags"`
	Limit      int      `json:"limit"`
}

func (h *handlers) searchRecipes(ctx context.Context, c *tools.Call, in searchRecipesArgs) (any, error) {
	if len(store.SearchTerms(in.Query)) == 0 {
		return nil, tools.Invalid("query", "must contain at least one letter or digit")
	}
	limit := in.Limit
	if limit == 0 {
		limit = 10
	}
	items, err := h.Recipes.SearchRecipes(ctx, c.Principal.TenantID, c.Principal.UserID, in.Query,
		RecipeFilter{MealTiming: in.MealTiming, Tags: in.Tags}, limit)
	if err != nil {
		return nil, fmt.Errorf("search recipes: %w", err)
	}
	return map[string]any{"query": in.Query, "recipes": summaries(items), "count": len(items)}, nil
}
