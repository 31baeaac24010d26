// Package nutritiontools declares the nutrition and recipe tools (ch18-22
// §2.2, tools 36–47): daily energy and macros, nutrient timing, food search
// and details, meal analysis, recipe constraints and validation, and the
// user's recipe book. Calculations are in package nutrition, food data
// behind fooddata.Source (USDA FoodData Central or the offline table), and
// recipes in a RecipeStore scoped by tenant and user.
package nutritiontools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/fooddata"
	"github.com/pierre-fitness/pierre/internal/nutrition"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/tools/fitnesstools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// Categories of these tools in listings.
const (
	Category       = "nutrition"
	RecipeCategory = "recipe_management"
)

// Deps are what the tools need.
type Deps struct {
	// Data reads the athlete's activities; nil disables inference from
	// training (then activity_level and workout_intensity are required).
	Data     *athletedata.Service
	Settings usersettings.Reader
	Foods    fooddata.Source
	Recipes  RecipeStore
	// Now is the clock for "recent" training; nil means time.Now.
	Now func() time.Time
}

type handlers struct {
	Deps
	training trainingReader
}

// Register adds the nutrition and recipe tools.
func Register(r *tools.Registry, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Settings == nil {
		d.Settings = usersettings.Defaults{}
	}
	h := &handlers{Deps: d, training: trainingReader{data: d.Data, settings: d.Settings, now: d.Now}}
	var providers []string
	if d.Data != nil {
		providers = d.Data.Registry().Names()
	}
	providerArg := tools.Enum("Activity provider to read recent training from. Omit to use the user's connected "+
		"provider by priority (strava, garmin, fitbit, whoop, coros, terra, then synthetic).", providers...)
	levels := levelNames()
	goals := make([]string, len(nutrition.Goals))
	for i, g := range nutrition.Goals {
		goals[i] = string(g)
	}
	r.Add(
		tools.New(tools.Spec{
			Name: "calculate_daily_nutrition", Title: "Calculate daily nutrition", Category: Category,
			Description: "Compute daily energy and macronutrient targets: BMR (Mifflin-St Jeor), TDEE (BMR x activity " +
				"factor 1.2-1.9), a goal-adjusted calorie target and protein/carbohydrate/fat grams from g/kg tables by goal " +
				"and sport. Omit activity_level to infer it from the athlete's recent activities (the answer then says " +
				"activity_level_source \"inferred\" and shows the training it read). Use it before meal planning or recipe " +
				"constraints. Returns {bmr, tdee, target_calories, protein_g, carbs_g, fat_g, macro_percentages, " +
				"activity_level, activity_level_source, recent_training?, method}.",
			Input: tools.Object(map[string]*tools.Schema{
				"weight_kg":         tools.Number("Body mass in kilograms.", nutrition.MinWeightKg, nutrition.MaxWeightKg),
				"height_cm":         tools.Number("Height in centimetres.", nutrition.MinHeightCm, nutrition.MaxHeightCm),
				"age":               tools.Integer("Age in years (Mifflin-St Jeor is validated from 10).", nutrition.MinAge, nutrition.MaxAge),
				"gender":            tools.Enum("Sex for the BMR equation.", "male", "female"),
				"activity_level":    tools.Enum("Habitual activity level. Omit to infer it from recent activities.", levels...),
				"training_goal":     tools.Enum("Training goal; sets the calorie adjustment and g/kg targets.", goals...),
				"sport":             tools.Enum("Main sport, for sport-specific protein and carbohydrate ranges.", fitnesstools.Sports...),
				"activity_provider": providerArg,
				"days_back":         tools.Integer("Days of recent training to read (default 14).", 1, 30),
			}, "weight_kg", "height_cm", "age", "gender", "training_goal"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, h.dailyNutrition),
		tools.New(tools.Spec{
			Name: "get_nutrient_timing", Title: "Get nutrient timing", Category: Category,
			Description: "Plan carbohydrate and protein around training: before (1-4 h), during (sessions over 60-90 min: " +
				"carbs per hour, fluid, sodium) and after (within 2 h), plus how to spread daily protein over meals. Give " +
				"workout_intensity, or omit it (or name activity_provider) to infer intensity from the last days_back days " +
				"of activities by volume and heart rate. Returns {workout_intensity, intensity_source (\"given\" or " +
				"\"inferred\"), pre_workout, during_workout, post_workout, daily_protein_distribution, recent_training?}.",
			Input: tools.Object(map[string]*tools.Schema{
				"weight_kg":         tools.Number("Body mass in kilograms.", nutrition.MinWeightKg, nutrition.MaxWeightKg),
				"daily_protein_g":   tools.Number("Daily protein target in grams (e.g. protein_g from calculate_daily_nutrition).", 1, 1400),
				"workout_intensity": tools.Enum("Intensity of the training to fuel. Omit to infer it from recent activities.", "low", "moderate", "high"),
				"activity_provider": providerArg,
				"days_back":         tools.Integer("Days of recent training to infer intensity from (default 7).", 1, 30),
				"meals_per_day":     tools.Integer("Meals to spread protein over (default 4).", 3, 8),
			}, "weight_kg", "daily_protein_g"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true},
		}, h.nutrientTiming),
		tools.New(tools.Spec{
			Name: "search_food", Title: "Search foods", Category: Category,
			Description: "Search the food database (USDA FoodData Central when the server has an API key, else the built-in " +
				"table of common foods with USDA values) by name; tolerant of plurals and typos, best match first. Use it " +
				"to find the fdc_id of a food for get_food_details, analyze_meal_nutrition or recipe ingredients. Returns " +
				"{query, foods[{fdc_id, description, data_type, nutrients_per_100g}], total_hits, page, total_pages, source}.",
			Input: tools.Object(map[string]*tools.Schema{
				"query":     tools.StringLen("Food name, e.g. \"chicken breast\" or \"greek yogurt\".", 1, 200),
				"page_size": tools.Integer("Results per page (default 10).", 1, fooddata.MaxPageSize),
				"page":      tools.Integer("Page number, from 1 (default 1).", 1, 1000),
			}, "query"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, h.searchFood),
		tools.New(tools.Spec{
			Name: "get_food_details", Title: "Get food details", Category: Category,
			Description: "Get one food's full composition by FDC ID: energy, protein, carbohydrate, fat, fibre, sugars, " +
				"sodium and minerals per 100 g, and household portions (grams per cup, tablespoon, piece). Use it after " +
				"search_food. Returns {food, portions_in_grams, source}.",
			Input: tools.Object(map[string]*tools.Schema{
				"fdc_id": tools.Integer("FoodData Central ID, from search_food.", 1, 1e9),
			}, "fdc_id"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, h.foodDetails),
		tools.New(tools.Spec{
			Name: "analyze_meal_nutrition", Title: "Analyze a meal", Category: Category,
			Description: "Total the calories, macronutrients, fibre, sugars, sodium and minerals of a meal given as foods " +
				"with amounts (grams, or servings of the food's USDA serving size), with each food's share and the macro " +
				"percentages. Use it to check what a meal provides. Returns {totals, total_grams, macro_percentages, " +
				"food_details[], source}.",
			Input: tools.Object(map[string]*tools.Schema{
				"foods": tools.Array("The meal's foods.", tools.Object(map[string]*tools.Schema{
					"fdc_id":      tools.Integer("FoodData Central ID, from search_food.", 1, 1e9),
					"grams":       tools.Number("Amount in grams.", 0, nutrition.MaxMealGrams),
					"servings":    tools.Number("Amount in servings (instead of grams).", 0, 50),
					"description": tools.StringLen("Free-text label, echoed back.", 0, 200),
				}, "fdc_id"), 1, 100),
			}, "foods"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, h.analyzeMeal),
	)
	h.registerRecipeTools(r)
}

// inputError turns the nutrition engine's *InputError into an argument
// error naming the field (JSON-RPC -32602).
func inputError(err error) error {
	var ie *nutrition.InputError
	if errors.As(err, &ie) {
		return tools.Invalid(ie.Field, ie.Reason)
	}
	return err
}

// relabel reports an *InputError under a parent argument, e.g. "unit"
// becomes "ingredients[2].unit".
func relabel(parent string, err error) error {
	var ie *nutrition.InputError
	if errors.As(err, &ie) {
		return tools.Invalid(parent+"."+ie.Field, ie.Reason)
	}
	return err
}

// foodError classifies a food-data failure for the food at field.
func foodError(field string, id int, err error) error {
	var ie *nutrition.InputError
	if errors.As(err, &ie) {
		return tools.Invalid(field, ie.Reason)
	}
	if errors.Is(err, fooddata.ErrNotFound) {
		return tools.Fail(tools.CodeNotFound, fmt.Sprintf("%s: no food has FDC ID %d", field, id),
			"find foods and their FDC IDs with search_food")
	}
	var ae *fooddata.APIError
	if errors.As(err, &ae) {
		switch ae.Kind {
		case fooddata.KindRateLimited:
			f := tools.Fail(tools.CodeProviderRateLimited, "USDA FoodData Central is rate limiting requests", "retry later")
			f.RetryAfter = int(ae.RetryAfter / time.Second)
			return f
		case fooddata.KindBadRequest:
			return tools.Invalid(field, "FoodData Central rejected the request: "+ae.Message)
		}
		return tools.Fail(tools.CodeProviderUnavailable, "USDA FoodData Central failed: "+ae.Message, "retry in a few minutes")
	}
	return fmt.Errorf("food %d: %w", id, err)
}

type dailyArgs struct {
	WeightKg         float64 `json:"weight_kg"`
	HeightCm         float64 `json:"height_cm"`
	Age              int     `json:"age"`
	Gender           string  `json:"gender"`
	ActivityLevel    string  `json:"activity_level"`
	TrainingGoal     string  `json:"training_goal"`
	Sport            string  `json:"sport"`
	ActivityProvider string  `json:"activity_provider"`
	DaysBack         int     `json:"days_back"`
}

type dailyAnswer struct {
	nutrition.DailyPlan
	ActivityLevel       nutrition.ActivityLevel `json:"activity_level"`
	ActivityLevelSource string                  `json:"activity_level_source"`
	ActivityLevelReason string                  `json:"activity_level_reason,omitempty"`
	RecentTraining      *recentTraining         `json:"recent_training,omitempty"`
}

func (h *handlers) dailyNutrition(ctx context.Context, c *tools.Call, in dailyArgs) (any, error) {
	sex, err := nutrition.ParseSex(in.Gender)
	if err != nil {
		return nil, inputError(err)
	}
	person := nutrition.Person{WeightKg: in.WeightKg, HeightCm: in.HeightCm, Age: in.Age, Sex: sex}
	bmr, err := nutrition.BMR(person)
	if err != nil {
		return nil, inputError(err)
	}
	days := in.DaysBack
	if days == 0 {
		days = 14
	}
	out := dailyAnswer{ActivityLevelSource: nutrition.IntensityGiven}
	// Training is read when the level must be inferred, or when the caller
	// names a provider to see it.
	if in.ActivityLevel == "" || in.ActivityProvider != "" {
		t, err := h.training.read(ctx, c.Principal, in.ActivityProvider, days, &person)
		switch {
		case err == nil:
			out.RecentTraining = &t
		case in.ActivityLevel == "":
			return nil, tools.Invalid("activity_level", "is required when recent training cannot be read ("+
				tools.AsFailure(err).Message+"); give one of "+strings.Join(levelNames(), ", "))
		}
	}
	level := nutrition.ActivityLevel(in.ActivityLevel)
	if level == "" {
		var perDay float64
		if out.RecentTraining.ExerciseKcalPerDay != nil {
			perDay = *out.RecentTraining.ExerciseKcalPerDay
		}
		var factor float64
		level, factor = inferActivityLevel(bmr, perDay)
		out.ActivityLevelSource = nutrition.IntensityInferred
		out.ActivityLevelReason = fmt.Sprintf("%.0f kcal/day of exercise over the last %d days (%d sessions, %.1f h/day) "+
			"on top of a sedentary day gives a factor of %.2f; the closest level is %s",
			perDay, days, out.RecentTraining.Sessions, out.RecentTraining.HoursPerDay, factor, level)
	}
	plan, err := nutrition.DailyNutrition(nutrition.DailyInput{Person: person, ActivityLevel: level,
		Goal: nutrition.Goal(in.TrainingGoal), Sport: fitness.Sport(in.Sport)})
	if err != nil {
		return nil, inputError(err)
	}
	out.DailyPlan, out.ActivityLevel = plan, level
	return out, nil
}

func levelNames() []string {
	out := make([]string, len(nutrition.ActivityLevels))
	for i, l := range nutrition.ActivityLevels {
		out[i] = string(l)
	}
	return out
}

type timingArgs struct {
	WeightKg         float64 `json:"weight_kg"`
	DailyProteinG    float64 `json:"daily_protein_g"`
	WorkoutIntensity string  `json:"workout_intensity"`
	ActivityProvider string  `json:"activity_provider"`
	DaysBack         int     `json:"days_back"`
	MealsPerDay      int     `json:"meals_per_day"`
}

type timingAnswer struct {
	nutrition.TimingPlan
	RecentTraining *recentTraining `json:"recent_training,omitempty"`
}

func (h *handlers) nutrientTiming(ctx context.Context, c *tools.Call, in timingArgs) (any, error) {
	days := in.DaysBack
	if days == 0 {
		days = 7
	}
	ti := nutrition.TimingInput{WeightKg: in.WeightKg, DailyProteinG: in.DailyProteinG,
		Intensity: nutrition.Intensity(in.WorkoutIntensity), MealsPerDay: in.MealsPerDay}
	var out timingAnswer
	var note string
	// A named provider means "infer from my training"; the given intensity
	// is then the fallback when the provider cannot be read.
	if in.WorkoutIntensity == "" || in.ActivityProvider != "" {
		t, err := h.training.read(ctx, c.Principal, in.ActivityProvider, days, nil)
		switch {
		case err == nil:
			out.RecentTraining = &t
			summary := t.summary
			ti.Summary, ti.Intensity = &summary, ""
		case in.WorkoutIntensity == "":
			return nil, tools.Invalid("workout_intensity", "is required when recent training cannot be read ("+
				tools.AsFailure(err).Message+"); give low, moderate or high")
		default:
			note = "recent training could not be read (" + tools.AsFailure(err).Message + "); the given workout_intensity was used"
		}
	}
	plan, err := nutrition.NutrientTiming(ti)
	if err != nil {
		return nil, inputError(err)
	}
	if note != "" {
		plan.Notes = append(plan.Notes, note)
	}
	out.TimingPlan = plan
	return out, nil
}

type searchArgs struct {
	Query    string `json:"query"`
	PageSize int    `json:"page_size"`
	Page     int    `json:"page"`
}

func (h *handlers) searchFood(ctx context.Context, _ *tools.Call, in searchArgs) (any, error) {
	size, page := in.PageSize, in.Page
	if size == 0 {
		size = fooddata.DefaultPageSize
	}
	if page == 0 {
		page = 1
	}
	if strings.TrimSpace(in.Query) == "" {
		return nil, tools.Invalid("query", "must not be blank")
	}
	res, err := h.Foods.Search(ctx, in.Query, page, size)
	if err != nil {
		return nil, foodError("query", 0, err)
	}
	return res, nil
}

type foodArgs struct {
	FDCID int `json:"fdc_id"`
}

func (h *handlers) foodDetails(ctx context.Context, _ *tools.Call, in foodArgs) (any, error) {
	f, err := h.Foods.Food(ctx, in.FDCID)
	if err != nil {
		return nil, foodError("fdc_id", in.FDCID, err)
	}
	return map[string]any{"food": f, "portions_in_grams": f.ForNutrition().Portions, "source": h.Foods.Name()}, nil
}

// fetchFoods loads the composition of each distinct id; field(i) names the
// argument that carried ids[i].
func (h *handlers) fetchFoods(ctx context.Context, ids []int, field func(int) string) (map[int]nutrition.Food, error) {
	out := make(map[int]nutrition.Food, len(ids))
	for i, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		f, err := h.Foods.Food(ctx, id)
		if err != nil {
			return nil, foodError(field(i), id, err)
		}
		out[id] = f.ForNutrition()
	}
	return out, nil
}

type mealArgs struct {
	Foods []struct {
		FDCID       int     `json:"fdc_id"`
		Grams       float64 `json:"grams"`
		Servings    float64 `json:"servings"`
		Description string  `json:"description"`
	} `json:"foods"`
}

type mealAnswer struct {
	nutrition.MealAnalysis
	Source string `json:"source"`
}

func (h *handlers) analyzeMeal(ctx context.Context, _ *tools.Call, in mealArgs) (any, error) {
	if len(in.Foods) == 0 {
		return nil, tools.Invalid("foods", "must not be empty")
	}
	items := make([]nutrition.MealItem, len(in.Foods))
	ids := make([]int, len(in.Foods))
	for i, f := range in.Foods {
		items[i] = nutrition.MealItem{FDCID: f.FDCID, Grams: f.Grams, Servings: f.Servings}
		ids[i] = f.FDCID
	}
	foods, err := h.fetchFoods(ctx, ids, func(i int) string { return fmt.Sprintf("foods[%d].fdc_id", i) })
	if err != nil {
		return nil, err
	}
	m, err := nutrition.AnalyzeMeal(items, foods)
	if err != nil {
		return nil, inputError(err)
	}
	return mealAnswer{MealAnalysis: m, Source: h.Foods.Name()}, nil
}
