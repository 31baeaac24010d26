package nutrition

import "fmt"

// MealItem is one food of a meal: its FDC ID and either Grams or Servings.
type MealItem struct {
	FDCID    int     `json:"fdc_id"`
	Grams    float64 `json:"grams,omitempty"`
	Servings float64 `json:"servings,omitempty"`
}

// MealItemResult is one food's contribution.
type MealItemResult struct {
	FDCID       int       `json:"fdc_id"`
	Description string    `json:"description"`
	Grams       float64   `json:"grams"`
	Basis       string    `json:"basis"`
	Nutrients   Nutrients `json:"nutrients"`
}

// MealAnalysis is the answer of analyze_meal_nutrition.
type MealAnalysis struct {
	Totals           Nutrients        `json:"totals"`
	TotalGrams       float64          `json:"total_grams"`
	MacroPercentages MacroPercentages `json:"macro_percentages"`
	Foods            []MealItemResult `json:"food_details"`
	Notes            []string         `json:"notes,omitempty"`
}

// MaxMealGrams bounds one item (5 kg of a single food is a typo).
const MaxMealGrams = 5000.0

// AnalyzeMeal sums the nutrients of foods × grams (or × servings). foods
// holds the composition of every FDC ID the meal uses, as fetched by the
// caller; an ID missing from it is an *InputError on "foods[i].fdc_id".
// A serving is the food's Portions.ServingGrams, or 100 g when the food has
// none (said in the item's Basis and in Notes).
func AnalyzeMeal(items []MealItem, foods map[int]Food) (MealAnalysis, error) {
	if len(items) == 0 {
		return MealAnalysis{}, inputErr("foods", "give at least one food")
	}
	if len(items) > 100 {
		return MealAnalysis{}, inputErr("foods", "at most 100 foods per meal, got %d", len(items))
	}
	var out MealAnalysis
	var total Nutrients
	defaulted := false
	for i, it := range items {
		field := fmt.Sprintf("foods[%d]", i)
		f, ok := foods[it.FDCID]
		if !ok {
			return MealAnalysis{}, inputErr(field+".fdc_id", "unknown FDC ID %d; find foods with search_food", it.FDCID)
		}
		grams, basis, usedDefault, err := itemGrams(it, f)
		if err != nil {
			return MealAnalysis{}, prefixField(err, field)
		}
		defaulted = defaulted || usedDefault
		n := f.Per100g.Scale(grams / 100)
		total = total.Add(n)
		out.TotalGrams += grams
		out.Foods = append(out.Foods, MealItemResult{
			FDCID: it.FDCID, Description: f.Description, Grams: round1(grams), Basis: basis, Nutrients: n.Rounded(),
		})
	}
	out.Totals = total.Rounded()
	out.TotalGrams = round1(out.TotalGrams)
	out.MacroPercentages = Percentages(total.ProteinG, total.CarbohydrateG, total.FatG)
	if defaulted {
		out.Notes = append(out.Notes, "servings of foods without a known serving size were counted as 100 g")
	}
	return out, nil
}

func itemGrams(it MealItem, f Food) (grams float64, basis string, defaulted bool, err error) {
	switch {
	case !finite(it.Grams) || it.Grams < 0:
		return 0, "", false, inputErr("grams", "must not be negative, got %v", it.Grams)
	case !finite(it.Servings) || it.Servings < 0:
		return 0, "", false, inputErr("servings", "must not be negative, got %v", it.Servings)
	case it.Grams > 0 && it.Servings > 0:
		return 0, "", false, inputErr("grams", "give grams or servings, not both")
	case it.Grams > 0:
		grams, basis = it.Grams, "grams"
	case it.Servings > 0:
		sg := f.Portions.ServingGrams
		if sg <= 0 {
			sg, defaulted = 100, true
			basis = fmt.Sprintf("%g serving(s) × 100 g (no serving size known)", it.Servings)
		} else {
			basis = fmt.Sprintf("%g serving(s) × %g g", it.Servings, sg)
		}
		grams = it.Servings * sg
	default:
		return 0, "", false, inputErr("grams", "give a positive amount in grams (or servings)")
	}
	if grams > MaxMealGrams {
		return 0, "", false, inputErr("grams", "at most %.0f g of one food, got %.0f g", MaxMealGrams, grams)
	}
	return grams, basis, defaulted, nil
}
