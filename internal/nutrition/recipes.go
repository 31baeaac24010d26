package nutrition

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// MealTiming is when a recipe is meant to be eaten.
type MealTiming string

// Meal timings (wire enum of the recipe tools).
const (
	PreTraining  MealTiming = "pre_training"
	PostTraining MealTiming = "post_training"
	RestDay      MealTiming = "rest_day"
	General      MealTiming = "general"
)

// ParseMealTiming validates a meal timing; "" is general.
func ParseMealTiming(s string) (MealTiming, error) {
	t := MealTiming(strings.ToLower(strings.TrimSpace(s)))
	if t == "" {
		return General, nil
	}
	if _, ok := timingSpecs[t]; ok {
		return t, nil
	}
	return "", inputErr("meal_timing", "unknown meal timing %q; use pre_training, post_training, rest_day or general", s)
}

type timingSpec struct {
	protein, carbs, fat float64 // % of energy
	tdeeShare           float64 // share of the day's TDEE
	fallbackKcal        float64
	use                 string
	guidelines          []string
	examples            []string
	avoid               []string
}

// Macro distributions by meal timing (tutorial ch. 22, "Combat des
// Chefs"): pre 20/55/25 (easily digested carbohydrate), post 30/45/25
// (protein for repair, carbohydrate for glycogen), rest day 30/35/35,
// general 25/45/30. Calorie shares of TDEE: pre 17.5 %, post 27.5 %, rest
// and general 25 %; fallbacks 400/600/500/500 kcal.
var timingSpecs = map[MealTiming]timingSpec{
	PreTraining: {20, 55, 25, 0.175, 400, "1-3 hours before a workout",
		[]string{"Easily digestible carbohydrate as the main energy source", "Moderate protein (0.15-0.25 g/kg)", "Low fat and low fibre to avoid GI distress", "Finish eating 1-3 hours before training"},
		[]string{"oats", "banana", "white rice", "bagel", "honey", "low-fat Greek yogurt", "berries", "white toast with jam"},
		[]string{"high-fat fried foods", "large portions of beans or cruciferous vegetables", "very spicy dishes"}},
	PostTraining: {30, 45, 25, 0.275, 600, "within 60 minutes after training",
		[]string{"20-40 g high-quality protein (0.25-0.3 g/kg)", "Carbohydrate 1.0-1.2 g/kg to restore glycogen", "Carb:protein about 3:1 after endurance work", "Include fluids and sodium to rehydrate"},
		[]string{"chicken breast", "salmon", "eggs", "Greek yogurt", "white or brown rice", "potatoes", "sweet potatoes", "quinoa", "milk"},
		[]string{"meals with almost no protein", "very high fat that slows digestion when refuelling quickly"}},
	RestDay: {30, 35, 35, 0.25, 500, "recovery and rest days",
		[]string{"Lower carbohydrate: training demand is low", "Keep protein high to support repair", "Healthy fats and plenty of vegetables for micronutrients"},
		[]string{"salmon", "eggs", "avocado", "nuts", "olive oil", "leafy greens", "lentils", "tofu", "cottage cheese"},
		[]string{"large servings of refined starch and sugar"}},
	General: {25, 45, 30, 0.25, 500, "balanced everyday meals",
		[]string{"Balanced plate: a quarter protein, a quarter starch, half vegetables", "Whole-food carbohydrate sources with fibre", "Mostly unsaturated fats"},
		[]string{"chicken", "fish", "beans", "whole-grain pasta", "brown rice", "vegetables", "olive oil", "fruit"},
		nil},
}

// MacroTarget is one macronutrient's target in a recipe.
type MacroTarget struct {
	Percent float64 `json:"percent"`
	Grams   float64 `json:"grams"`
}

// RecipeConstraints is the answer of get_recipe_constraints.
type RecipeConstraints struct {
	MealTiming         MealTiming  `json:"meal_timing"`
	Use                string      `json:"use"`
	TargetCalories     float64     `json:"target_calories"`
	TDEEBased          bool        `json:"tdee_based"`
	TDEE               float64     `json:"tdee,omitempty"`
	TDEEProportion     float64     `json:"tdee_proportion,omitempty"`
	Protein            MacroTarget `json:"protein"`
	Carbs              MacroTarget `json:"carbs"`
	Fat                MacroTarget `json:"fat"`
	Guidelines         []string    `json:"guidelines"`
	ExampleIngredients []string    `json:"example_ingredients"`
	Avoid              []string    `json:"avoid,omitempty"`
}

// GetRecipeConstraints returns macro targets, guidelines and example
// ingredients for a meal timing. Target calories, in priority order: the
// explicit targetCalories (> 0), TDEE × the timing's share (tdee > 0), or the
// timing's fallback (pre 400, post 600, rest/general 500 kcal).
func GetRecipeConstraints(timing MealTiming, targetCalories, tdee float64) (RecipeConstraints, error) {
	if timing == "" {
		timing = General
	}
	spec, ok := timingSpecs[timing]
	if !ok {
		return RecipeConstraints{}, inputErr("meal_timing", "unknown meal timing %q; use pre_training, post_training, rest_day or general", string(timing))
	}
	if !finite(targetCalories) || targetCalories < 0 || targetCalories > 5000 {
		return RecipeConstraints{}, inputErr("target_calories", "must be between 0 and 5000 kcal, got %v", targetCalories)
	}
	if !finite(tdee) || tdee < 0 || tdee > 10000 {
		return RecipeConstraints{}, inputErr("tdee", "must be between 0 and 10000 kcal, got %v", tdee)
	}
	c := RecipeConstraints{MealTiming: timing, Use: spec.use, Guidelines: spec.guidelines, ExampleIngredients: spec.examples, Avoid: spec.avoid}
	switch {
	case targetCalories > 0:
		c.TargetCalories = targetCalories
	case tdee > 0:
		c.TargetCalories, c.TDEEBased, c.TDEE, c.TDEEProportion = math.Round(tdee*spec.tdeeShare), true, tdee, spec.tdeeShare
	default:
		c.TargetCalories = spec.fallbackKcal
	}
	c.Protein = MacroTarget{spec.protein, round1(c.TargetCalories * spec.protein / 100 / KcalPerGramProtein)}
	c.Carbs = MacroTarget{spec.carbs, round1(c.TargetCalories * spec.carbs / 100 / KcalPerGramCarb)}
	c.Fat = MacroTarget{spec.fat, round1(c.TargetCalories * spec.fat / 100 / KcalPerGramFat)}
	return c, nil
}

// Ingredient is one line of a recipe. FDCID identifies the food (the tool
// layer resolves names to IDs with a food search before validating).
type Ingredient struct {
	Name     string  `json:"name"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	FDCID    int     `json:"fdc_id,omitempty"`
}

// Recipe is the input of [ValidateRecipe].
type Recipe struct {
	Name        string       `json:"name"`
	MealTiming  MealTiming   `json:"meal_timing"`
	Ingredients []Ingredient `json:"ingredients"`
	// Servings the recipe makes; 0 means 1. Targets apply per serving.
	Servings int `json:"servings,omitempty"`
	// TargetCalories per serving; 0 means none (macro shares only).
	TargetCalories      float64  `json:"target_calories,omitempty"`
	DietaryRestrictions []string `json:"dietary_restrictions,omitempty"`
}

// IngredientResult is one ingredient as analysed.
type IngredientResult struct {
	Name        string    `json:"name"`
	FDCID       int       `json:"fdc_id"`
	Description string    `json:"food_description"`
	Grams       float64   `json:"grams"`
	Conversion  string    `json:"conversion"`
	Approximate bool      `json:"approximate,omitempty"`
	Nutrients   Nutrients `json:"nutrients"`
}

// RecipeValidation is the answer of validate_recipe.
type RecipeValidation struct {
	Name             string             `json:"name"`
	MealTiming       MealTiming         `json:"meal_timing"`
	Servings         int                `json:"servings"`
	Total            Nutrients          `json:"total"`
	PerServing       Nutrients          `json:"per_serving"`
	MacroPercentages MacroPercentages   `json:"macro_percentages"`
	Targets          RecipeConstraints  `json:"targets"`
	ComplianceScore  int                `json:"compliance_score"`
	MacroScore       float64            `json:"macro_score"`
	CalorieScore     *float64           `json:"calorie_score,omitempty"`
	Compliant        bool               `json:"compliant"`
	Ingredients      []IngredientResult `json:"ingredients"`
	Suggestions      []string           `json:"suggestions"`
	Warnings         []string           `json:"warnings,omitempty"`
	ScoreMethod      string             `json:"score_method"`
}

// Compliance scoring (the seeds give no formula; this one is documented in
// docs/methodology.md):
//
//	macro score   = max(0, 100 − 2 × Σ |actual% − target%|)   over P, C, F
//	calorie score = max(0, 100 − 200 × |kcal − target| / target)
//	score         = 0.6 × macro + 0.4 × calorie (macro alone without a target)
//
// 5 percentage points off on two macros (10 in total) → 80; ±10 % calories
// → 80. A recipe is compliant at 80 or more.
const (
	macroScoreSlope   = 2.0
	calorieScoreSlope = 200.0
	CompliantScore    = 80
)

// ValidateRecipe computes a recipe's nutrition from its ingredients, scores
// it against the meal timing's targets and suggests concrete fixes. foods
// holds the composition of every ingredient's FDC ID.
func ValidateRecipe(r Recipe, foods map[int]Food) (RecipeValidation, error) {
	if strings.TrimSpace(r.Name) == "" {
		return RecipeValidation{}, inputErr("name", "must not be empty")
	}
	if len(r.Ingredients) == 0 {
		return RecipeValidation{}, inputErr("ingredients", "give at least one ingredient")
	}
	if len(r.Ingredients) > 100 {
		return RecipeValidation{}, inputErr("ingredients", "at most 100 ingredients, got %d", len(r.Ingredients))
	}
	timing, err := ParseMealTiming(string(r.MealTiming))
	if err != nil {
		return RecipeValidation{}, err
	}
	servings := r.Servings
	if servings == 0 {
		servings = 1
	}
	if servings < 0 || servings > 100 {
		return RecipeValidation{}, inputErr("servings", "must be between 1 and 100, got %d", r.Servings)
	}
	targets, err := GetRecipeConstraints(timing, r.TargetCalories, 0)
	if err != nil {
		return RecipeValidation{}, err
	}
	restrictions, err := parseRestrictions(r.DietaryRestrictions)
	if err != nil {
		return RecipeValidation{}, err
	}
	v := RecipeValidation{Name: r.Name, MealTiming: timing, Servings: servings, Targets: targets}
	var total Nutrients
	for i, ing := range r.Ingredients {
		field := fmt.Sprintf("ingredients[%d]", i)
		if ing.FDCID <= 0 {
			return RecipeValidation{}, inputErr(field+".fdc_id", "no food identified for %q; give fdc_id (find it with search_food)", ing.Name)
		}
		f, ok := foods[ing.FDCID]
		if !ok {
			return RecipeValidation{}, inputErr(field+".fdc_id", "unknown FDC ID %d", ing.FDCID)
		}
		conv, err := AmountToGrams(ing.Quantity, ing.Unit, f.Portions)
		if err != nil {
			return RecipeValidation{}, prefixField(err, field)
		}
		if conv.Grams <= 0 {
			return RecipeValidation{}, inputErr(field+".quantity", "must be positive")
		}
		if conv.Grams > MaxMealGrams*float64(servings) {
			return RecipeValidation{}, inputErr(field+".quantity", "%.0f g is implausibly large", conv.Grams)
		}
		n := f.Per100g.Scale(conv.Grams / 100)
		total = total.Add(n)
		name := ing.Name
		if name == "" {
			name = f.Description
		}
		v.Ingredients = append(v.Ingredients, IngredientResult{
			Name: name, FDCID: ing.FDCID, Description: f.Description, Grams: round1(conv.Grams),
			Conversion: conv.Basis, Approximate: conv.Approximate, Nutrients: n.Rounded(),
		})
		if conv.Approximate {
			v.Warnings = append(v.Warnings, fmt.Sprintf("%s: volume converted with water's density; weigh it for accuracy", name))
		}
	}
	per := total.Scale(1 / float64(servings))
	v.Total, v.PerServing = total.Rounded(), per.Rounded()
	v.MacroPercentages = Percentages(per.ProteinG, per.CarbohydrateG, per.FatG)
	dev := math.Abs(v.MacroPercentages.ProteinPercent-targets.Protein.Percent) +
		math.Abs(v.MacroPercentages.CarbsPercent-targets.Carbs.Percent) +
		math.Abs(v.MacroPercentages.FatPercent-targets.Fat.Percent)
	v.MacroScore = round1(math.Max(0, 100-macroScoreSlope*dev))
	score := v.MacroScore
	if r.TargetCalories > 0 {
		cs := round1(math.Max(0, 100-calorieScoreSlope*math.Abs(per.EnergyKcal-r.TargetCalories)/r.TargetCalories))
		v.CalorieScore = &cs
		score = 0.6*v.MacroScore + 0.4*cs
	}
	v.ComplianceScore = int(math.Round(score))
	v.Compliant = v.ComplianceScore >= CompliantScore
	v.ScoreMethod = "macro score = 100 - 2 x sum of |actual% - target%|; calorie score = 100 - 200 x relative calorie error; overall 0.6 macro + 0.4 calorie when target_calories is given"
	v.Suggestions = suggest(timing, per, r.TargetCalories, targets, v.Ingredients, servings)
	v.Warnings = append(v.Warnings, checkRestrictions(restrictions, v.Ingredients, v.MacroPercentages)...)
	return v, nil
}

// suggestionFood is a food proposed to fill a gap. Values per 100 g are
// USDA SR Legacy (NDB 01256, 05064, 20045, 09040, 08120, 04053, 12061).
type suggestionFood struct {
	name           string
	perGram        float64 // grams of the macro per gram of food
	householdGrams float64
	householdName  string
}

var (
	proteinFoods = map[MealTiming]suggestionFood{
		PreTraining:  {"plain nonfat Greek yogurt", 0.1019, 170, "container"},
		PostTraining: {"roasted chicken breast", 0.3102, 140, "cup, diced"},
		RestDay:      {"roasted chicken breast", 0.3102, 140, "cup, diced"},
		General:      {"plain nonfat Greek yogurt", 0.1019, 170, "container"},
	}
	carbFoods = map[MealTiming]suggestionFood{
		PreTraining:  {"banana", 0.2284, 118, "medium banana"},
		PostTraining: {"cooked white rice", 0.2817, 158, "cup"},
		RestDay:      {"rolled oats (dry)", 0.677, 81, "cup"},
		General:      {"cooked white rice", 0.2817, 158, "cup"},
	}
	fatFoods = map[MealTiming]suggestionFood{
		PreTraining:  {"almonds", 0.4993, 28, "small handful"},
		PostTraining: {"olive oil", 1.0, 13.5, "tbsp"},
		RestDay:      {"olive oil", 1.0, 13.5, "tbsp"},
		General:      {"olive oil", 1.0, 13.5, "tbsp"},
	}
)

func (s suggestionFood) amount(macroG float64) string {
	g := macroG / s.perGram
	g = math.Max(5, math.Round(g/5)*5)
	return fmt.Sprintf("%.0f g %s (~%.1f %s)", g, s.name, g/s.householdGrams, s.householdName)
}

// suggest builds concrete fixes for the per-serving gaps. The reference
// energy is the calorie target when given, else the recipe's own energy.
func suggest(timing MealTiming, per Nutrients, targetKcal float64, t RecipeConstraints, ings []IngredientResult, servings int) []string {
	var out []string
	ref := per.EnergyKcal
	if targetKcal > 0 {
		ref = targetKcal
	}
	type macro struct {
		name     string
		actual   float64
		target   float64
		slack    float64
		food     suggestionFood
		nutrient func(Nutrients) float64
	}
	ms := []macro{
		{"protein", per.ProteinG, ref * t.Protein.Percent / 100 / KcalPerGramProtein, 5, proteinFoods[timing], func(n Nutrients) float64 { return n.ProteinG }},
		{"carbohydrate", per.CarbohydrateG, ref * t.Carbs.Percent / 100 / KcalPerGramCarb, 10, carbFoods[timing], func(n Nutrients) float64 { return n.CarbohydrateG }},
		{"fat", per.FatG, ref * t.Fat.Percent / 100 / KcalPerGramFat, 5, fatFoods[timing], func(n Nutrients) float64 { return n.FatG }},
	}
	for _, m := range ms {
		gap := m.target - m.actual
		switch {
		case gap > m.slack:
			out = append(out, fmt.Sprintf("add %.0f g %s per serving: %s", gap, m.name, m.food.amount(gap)))
		case -gap > m.slack:
			// Cut the biggest contributor of this macro.
			sort.SliceStable(ings, func(i, j int) bool { return m.nutrient(ings[i].Nutrients) > m.nutrient(ings[j].Nutrients) })
			top := ings[0]
			perGram := m.nutrient(top.Nutrients) / top.Grams
			if perGram <= 0 {
				continue
			}
			cut := math.Min(top.Grams, -gap*float64(servings)/perGram)
			out = append(out, fmt.Sprintf("reduce %s by %.0f g per serving: use %.0f g less %s (%.0f g instead of %.0f g)",
				m.name, -gap, cut, top.Name, top.Grams-cut, top.Grams))
		}
	}
	if targetKcal > 0 && per.EnergyKcal > 0 {
		ratio := targetKcal / per.EnergyKcal
		if ratio < 0.85 || ratio > 1.15 {
			out = append(out, fmt.Sprintf("scale all quantities by %.2f to reach %.0f kcal per serving (now %.0f kcal)", ratio, targetKcal, per.EnergyKcal))
		}
	}
	if per.FiberG > 10 && timing == PreTraining {
		out = append(out, fmt.Sprintf("%.0f g fibre per serving is high before training; swap some whole grains or legumes for lower-fibre carbohydrate", per.FiberG))
	}
	if len(out) == 0 {
		out = append(out, "meets the targets for "+string(timing)+"; no changes needed")
	}
	return out
}

// Dietary restrictions (wire enum).
var knownRestrictions = map[string][]string{
	"vegetarian":  {"chicken", "beef", "pork", "turkey", "lamb", "veal", "ham", "bacon", "sausage", "salmon", "tuna", "fish", "shrimp", "crab", "lobster", "anchovy", "anchovies", "gelatin", "steak", "venison", "duck", "broiler", "broilers"},
	"vegan":       {"chicken", "beef", "pork", "turkey", "lamb", "veal", "ham", "bacon", "sausage", "salmon", "tuna", "fish", "shrimp", "crab", "lobster", "anchovy", "anchovies", "gelatin", "steak", "venison", "duck", "broiler", "broilers", "milk", "cheese", "yogurt", "butter", "cream", "whey", "casein", "egg", "honey"},
	"gluten_free": {"wheat", "barley", "rye", "bread", "pasta", "spaghetti", "macaroni", "couscous", "bulgur", "semolina", "flour", "bagel", "cracker", "seitan", "spelt"},
	"dairy_free":  {"milk", "cheese", "yogurt", "butter", "cream", "whey", "casein", "kefir"},
	"nut_free":    {"almond", "walnut", "cashew", "pecan", "hazelnut", "pistachio", "macadamia", "brazil", "peanut", "nut butter"},
	"keto":        nil, // checked on carbohydrate share
	"paleo":       {"wheat", "bread", "pasta", "rice", "oat", "oatmeal", "corn", "bean", "lentil", "pea", "peanut", "milk", "cheese", "yogurt", "sugar", "soy", "tofu"},
}

// gluten-free exceptions: "rice flour", "almond flour" etc. are fine.
var glutenFreeFlours = []string{"rice flour", "almond flour", "coconut flour", "corn flour", "cornflour", "buckwheat flour", "chickpea flour", "potato flour", "tapioca flour"}

func parseRestrictions(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for i, r := range in {
		k := strings.ToLower(strings.TrimSpace(r))
		if _, ok := knownRestrictions[k]; !ok {
			return nil, inputErr(fmt.Sprintf("dietary_restrictions[%d]", i), "unknown restriction %q; use vegetarian, vegan, gluten_free, dairy_free, nut_free, keto or paleo", r)
		}
		out = append(out, k)
	}
	return out, nil
}

func checkRestrictions(rs []string, ings []IngredientResult, pct MacroPercentages) []string {
	var out []string
	for _, r := range rs {
		if r == "keto" {
			if pct.CarbsPercent > 10 {
				out = append(out, fmt.Sprintf("keto: %.0f%% of energy from carbohydrate (keto is about 10%% or less)", pct.CarbsPercent))
			}
			continue
		}
		for _, ing := range ings {
			text := strings.ToLower(ing.Name + " " + ing.Description)
			if r == "gluten_free" {
				for _, ok := range glutenFreeFlours {
					text = strings.ReplaceAll(text, ok, "")
				}
			}
			if r == "nut_free" {
				text = strings.ReplaceAll(text, "coconut", "")
				text = strings.ReplaceAll(text, "nutmeg", "")
			}
			for _, w := range knownRestrictions[r] {
				if containsWord(text, w) {
					out = append(out, fmt.Sprintf("%s: %q looks incompatible (%s)", r, ing.Name, w))
					break
				}
			}
		}
	}
	return out
}

// containsWord reports whether w occurs in text as a whole word, alone or
// with a plural "s"/"es" ("egg" matches "eggs" but not "eggplant").
func containsWord(text, w string) bool {
	for i := 0; i < len(text); {
		k := strings.Index(text[i:], w)
		if k < 0 {
			return false
		}
		k += i
		end := k + len(w)
		if k == 0 || !isLetter(text[k-1]) {
			rest := text[end:]
			switch {
			case rest == "" || !isLetter(rest[0]):
				return true
			case strings.HasPrefix(rest, "s") && (len(rest) == 1 || !isLetter(rest[1])):
				return true
			case strings.HasPrefix(rest, "es") && (len(rest) == 2 || !isLetter(rest[2])):
				return true
			}
		}
		i = k + 1
	}
	return false
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' }
