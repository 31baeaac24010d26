package fooddata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

// FoodData Central JSON shapes. Three nutrient shapes occur:
//
//   - /food/{id} (full): {"nutrient": {"id": 1008, "number": "208",
//     "name": "Energy", "unitName": "kcal"}, "amount": 89}
//   - /food/{id}?format=abridged and the OpenAPI's AbridgedFoodNutrient:
//     {"number": "208", "name": "Energy", "amount": 89, "unitName": "kcal"}
//   - /foods/search results: {"nutrientId": 1008, "nutrientNumber": "208",
//     "nutrientName": "Energy", "unitName": "KCAL", "value": 89}
//
// All are read into fdcNutrient.

type fdcNutrient struct {
	Nutrient *struct {
		ID       flexInt    `json:"id"`
		Number   flexString `json:"number"`
		Name     string     `json:"name"`
		UnitName string     `json:"unitName"`
	} `json:"nutrient"`
	Amount *float64 `json:"amount"`

	NutrientID     flexInt    `json:"nutrientId"`
	NutrientNumber flexString `json:"nutrientNumber"`
	NutrientName   string     `json:"nutrientName"`
	UnitName       string     `json:"unitName"`
	Value          *float64   `json:"value"`

	Number flexString `json:"number"`
	Name   string     `json:"name"`
}

type fdcPortion struct {
	Amount             *float64 `json:"amount"`
	GramWeight         float64  `json:"gramWeight"`
	Modifier           string   `json:"modifier"`
	PortionDescription string   `json:"portionDescription"`
	MeasureUnit        *struct {
		Name         string `json:"name"`
		Abbreviation string `json:"abbreviation"`
	} `json:"measureUnit"`
}

// fdcCategory is a string in search results and an object in details.
type fdcCategory struct{ Description string }

func (c *fdcCategory) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		return json.Unmarshal(b, &c.Description)
	}
	var o struct {
		Description                  string `json:"description"`
		WweiaFoodCategoryDescription string `json:"wweiaFoodCategoryDescription"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	c.Description = o.Description
	if c.Description == "" {
		c.Description = o.WweiaFoodCategoryDescription
	}
	return nil
}

type fdcFood struct {
	FDCID                    flexInt       `json:"fdcId"`
	Description              string        `json:"description"`
	DataType                 string        `json:"dataType"`
	FoodCategory             *fdcCategory  `json:"foodCategory"`
	WweiaFoodCategory        *fdcCategory  `json:"wweiaFoodCategory"`
	BrandedFoodCategory      string        `json:"brandedFoodCategory"`
	BrandOwner               string        `json:"brandOwner"`
	NDBNumber                flexInt       `json:"ndbNumber"`
	FoodNutrients            []fdcNutrient `json:"foodNutrients"`
	FoodPortions             []fdcPortion  `json:"foodPortions"`
	ServingSize              *float64      `json:"servingSize"`
	ServingSizeUnit          string        `json:"servingSizeUnit"`
	HouseholdServingFullText string        `json:"householdServingFullText"`
}

type fdcSearch struct {
	TotalHits   int       `json:"totalHits"`
	CurrentPage int       `json:"currentPage"`
	TotalPages  int       `json:"totalPages"`
	Foods       []fdcFood `json:"foods"`
}

// flexInt accepts 9040, "9040" and "09040".
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<31 {
		return fmt.Errorf("not an integer: %.20s", s)
	}
	*f = flexInt(v)
	return nil
}

// flexString accepts "208" and 208.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// Nutrient identities: FoodData Central nutrient id and the legacy SR
// nutrient number.
type nutrientField int

const (
	fEnergyKcal nutrientField = iota + 1
	fEnergyKJ
	fEnergyAtwaterGeneral
	fEnergyAtwaterSpecific
	fProtein
	fCarbDifference
	fCarbSummation
	fFat
	fFiber
	fSugarsTotal
	fSugarsNLEA
	fSodium
	fSaturatedFat
	fPotassium
	fCalcium
	fIron
)

var nutrientByID = map[int]nutrientField{
	1008: fEnergyKcal, 1062: fEnergyKJ, 2047: fEnergyAtwaterGeneral, 2048: fEnergyAtwaterSpecific,
	1003: fProtein, 1005: fCarbDifference, 1050: fCarbSummation, 1004: fFat, 1079: fFiber,
	2000: fSugarsTotal, 1063: fSugarsNLEA, 1093: fSodium, 1258: fSaturatedFat, 1092: fPotassium,
	1087: fCalcium, 1089: fIron,
}

var nutrientByNumber = map[string]nutrientField{
	"208": fEnergyKcal, "268": fEnergyKJ, "957": fEnergyAtwaterGeneral, "958": fEnergyAtwaterSpecific,
	"203": fProtein, "205": fCarbDifference, "205.2": fCarbSummation, "204": fFat, "291": fFiber,
	"269": fSugarsTotal, "269.3": fSugarsNLEA, "307": fSodium, "606": fSaturatedFat, "306": fPotassium,
	"301": fCalcium, "303": fIron,
}

// nutrientByName is the last resort for payloads with names only.
var nutrientByName = map[string]nutrientField{
	"protein": fProtein, "total lipid (fat)": fFat, "carbohydrate, by difference": fCarbDifference,
	"carbohydrate, by summation": fCarbSummation, "fiber, total dietary": fFiber,
	"sugars, total including nlea": fSugarsNLEA, "total sugars": fSugarsTotal, "sugars, total": fSugarsTotal,
	"sodium, na": fSodium, "fatty acids, total saturated": fSaturatedFat, "potassium, k": fPotassium,
	"calcium, ca": fCalcium, "iron, fe": fIron,
	"energy (atwater general factors)": fEnergyAtwaterGeneral, "energy (atwater specific factors)": fEnergyAtwaterSpecific,
}

// mass/energy scale to the target unit of each field.
func toTarget(field nutrientField, value float64, unit string) (float64, bool) {
	u := strings.ToLower(strings.TrimSpace(unit))
	switch field {
	case fEnergyKcal, fEnergyAtwaterGeneral, fEnergyAtwaterSpecific, fEnergyKJ:
		switch u {
		case "kcal", "":
			if field == fEnergyKJ && u == "" {
				return value / 4.184, true
			}
			return value, true
		case "kj":
			return value / 4.184, true
		}
		return 0, false
	case fSodium, fPotassium, fCalcium, fIron:
		switch u {
		case "mg", "":
			return value, true
		case "g":
			return value * 1000, true
		case "ug", "µg", "mcg":
			return value / 1000, true
		}
		return 0, false
	default: // grams
		switch u {
		case "g", "":
			return value, true
		case "mg":
			return value / 1000, true
		case "ug", "µg", "mcg":
			return value / 1e6, true
		}
		return 0, false
	}
}

// mapNutrients reads per-100 g nutrients. Energy in kcal comes from, in
// order: Energy 1008/208 (kcal); Energy (Atwater Specific Factors)
// 2048/958; Energy (Atwater General Factors) 2047/957 — Foundation foods
// often report only these; Energy 1062/268 in kJ ÷ 4.184. An "Energy" entry
// without id or number is classified by its unit (kcal or kJ).
// Carbohydrate by difference is preferred to by summation, total sugars to
// NLEA sugars. Negative and non-finite values are ignored.
func mapNutrients(in []fdcNutrient) nutrition.Nutrients {
	got := map[nutrientField]float64{}
	for _, n := range in {
		id, number, name, unit := int(n.NutrientID), string(n.NutrientNumber), n.NutrientName, n.UnitName
		if n.Nutrient != nil {
			id, number, name, unit = int(n.Nutrient.ID), string(n.Nutrient.Number), n.Nutrient.Name, n.Nutrient.UnitName
		}
		if number == "" {
			number = string(n.Number)
		}
		if name == "" {
			name = n.Name
		}
		var v *float64
		switch {
		case n.Amount != nil:
			v = n.Amount
		case n.Value != nil:
			v = n.Value
		}
		if v == nil || !(*v >= 0) || math.IsInf(*v, 0) {
			continue
		}
		field, ok := nutrientByID[id]
		if !ok {
			field, ok = nutrientByNumber[number]
		}
		if !ok {
			lname := strings.ToLower(strings.TrimSpace(name))
			if lname == "energy" {
				ok = true
				field = fEnergyKcal
				if strings.EqualFold(strings.TrimSpace(unit), "kj") {
					field = fEnergyKJ
				}
			} else {
				field, ok = nutrientByName[lname]
			}
		}
		if !ok {
			continue
		}
		// An id says kcal but the unit says kJ (or the reverse): trust the unit.
		if field == fEnergyKcal && strings.EqualFold(strings.TrimSpace(unit), "kj") {
			field = fEnergyKJ
		}
		val, ok := toTarget(field, *v, unit)
		if !ok {
			continue
		}
		if _, dup := got[field]; !dup {
			got[field] = val
		}
	}
	first := func(fs ...nutrientField) float64 {
		for _, f := range fs {
			if v, ok := got[f]; ok {
				return v
			}
		}
		return 0
	}
	return nutrition.Nutrients{
		EnergyKcal:    first(fEnergyKcal, fEnergyAtwaterSpecific, fEnergyAtwaterGeneral, fEnergyKJ),
		ProteinG:      first(fProtein),
		CarbohydrateG: first(fCarbDifference, fCarbSummation),
		FatG:          first(fFat),
		FiberG:        first(fFiber),
		SugarsG:       first(fSugarsTotal, fSugarsNLEA),
		SodiumMg:      first(fSodium),
		SaturatedFatG: first(fSaturatedFat),
		PotassiumMg:   first(fPotassium),
		CalciumMg:     first(fCalcium),
		IronMg:        first(fIron),
	}
}

func (f fdcFood) toFood() Food {
	out := Food{
		FDCID: int(f.FDCID), Description: strings.TrimSpace(f.Description), DataType: f.DataType,
		BrandOwner: f.BrandOwner, NDBNumber: int(f.NDBNumber), Nutrients: mapNutrients(f.FoodNutrients),
		Source: SourceUSDA,
	}
	switch {
	case f.FoodCategory != nil && f.FoodCategory.Description != "":
		out.Category = f.FoodCategory.Description
	case f.WweiaFoodCategory != nil && f.WweiaFoodCategory.Description != "":
		out.Category = f.WweiaFoodCategory.Description
	default:
		out.Category = f.BrandedFoodCategory
	}
	for _, p := range f.FoodPortions {
		if !(p.GramWeight > 0) || math.IsInf(p.GramWeight, 0) {
			continue
		}
		amount := 1.0
		if p.Amount != nil && *p.Amount > 0 && !math.IsInf(*p.Amount, 0) {
			amount = *p.Amount
		}
		desc := strings.TrimSpace(p.PortionDescription)
		measure := ""
		if p.MeasureUnit != nil && !strings.EqualFold(p.MeasureUnit.Name, "undetermined") {
			measure = p.MeasureUnit.Name
		}
		if desc == "" {
			desc = strings.TrimSpace(strings.Join(nonEmpty(formatAmount(amount), measure, p.Modifier), " "))
		}
		unit := ClassifyMeasure(measure)
		if unit == "" {
			unit = ClassifyMeasure(p.Modifier)
		}
		if unit == "" {
			unit = ClassifyMeasure(strings.TrimLeft(desc, "0123456789./ "))
		}
		out.Portions = append(out.Portions, Portion{Description: desc, Amount: amount, Unit: unit, GramWeight: p.GramWeight})
	}
	// Branded foods: the label serving.
	if f.ServingSize != nil && *f.ServingSize > 0 && !math.IsInf(*f.ServingSize, 0) {
		u := strings.ToLower(f.ServingSizeUnit)
		if u == "g" || u == "grm" || u == "ml" || u == "mlt" {
			desc := f.HouseholdServingFullText
			if desc == "" {
				desc = fmt.Sprintf("%g %s", *f.ServingSize, u)
			}
			out.Portions = append(out.Portions, Portion{Description: desc, Amount: 1, Unit: "serving", GramWeight: *f.ServingSize})
		}
	}
	return out
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return out
}

func formatAmount(a float64) string { return strconv.FormatFloat(a, 'f', -1, 64) }

// ClassifyMeasure maps a household-measure text ("cup, sliced",
// "tablespoon", "medium (7\" to 7-7/8\" long)", "slice", "large") to
// "cup", "tbsp", "tsp", "piece", "oz", "serving", or "" when unknown.
func ClassifyMeasure(s string) string {
	w := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(w, ",( "); i >= 0 {
		w = w[:i]
	}
	w = strings.TrimSuffix(w, ".")
	switch w {
	case "cup", "cups", "c":
		return "cup"
	case "tbsp", "tablespoon", "tablespoons", "tbs":
		return "tbsp"
	case "tsp", "teaspoon", "teaspoons":
		return "tsp"
	case "oz", "ounce", "ounces":
		return "oz"
	case "serving", "servings", "portion":
		return "serving"
	case "medium", "large", "small", "extra", "piece", "pieces", "slice", "slices", "each", "whole",
		"fruit", "item", "egg", "banana", "apple", "orange", "potato", "bar", "cookie", "muffin",
		"bagel", "tortilla", "patty", "fillet", "breast", "drumstick", "thigh", "wing", "link", "frank",
		"sausage", "pancake", "waffle", "roll", "bun", "pita", "biscuit", "donut", "doughnut", "cake",
		"pie", "container", "packet", "pouch", "stalk", "spear", "clove", "leaf", "head", "ear",
		"carrot", "tomato", "onion", "pepper", "kiwifruit", "peach", "pear", "plum", "nectarine",
		"tangerine", "grapefruit", "lemon", "lime", "mango", "avocado", "date", "fig", "cracker", "chop", "steak",
		"cucumber", "beet", "sprout", "almond", "apricot", "croissant", "frankfurter", "marshmallow", "half",
		"olive", "pickle", "cookies", "crackers":
		return "piece"
	}
	return ""
}

// parseFood decodes a /food/{id} answer.
func parseFood(body []byte) (Food, error) {
	var f fdcFood
	if err := json.Unmarshal(body, &f); err != nil {
		return Food{}, err
	}
	if f.FDCID <= 0 {
		return Food{}, fmt.Errorf("answer has no fdcId")
	}
	return f.toFood(), nil
}

// parseSearch decodes a /foods/search answer.
func parseSearch(body []byte) (fdcSearch, []Food, error) {
	var s fdcSearch
	if err := json.Unmarshal(body, &s); err != nil {
		return fdcSearch{}, nil, err
	}
	foods := make([]Food, 0, len(s.Foods))
	for _, f := range s.Foods {
		if f.FDCID <= 0 {
			continue
		}
		foods = append(foods, f.toFood())
	}
	return s, foods, nil
}
