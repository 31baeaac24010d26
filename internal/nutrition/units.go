package nutrition

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Unit is a normalised ingredient unit.
type Unit string

// Units understood by [ToGrams].
const (
	Gram       Unit = "g"
	Kilogram   Unit = "kg"
	Milligram  Unit = "mg"
	Ounce      Unit = "oz"
	Pound      Unit = "lb"
	Millilitre Unit = "ml"
	Litre      Unit = "l"
	Cup        Unit = "cup"
	Tablespoon Unit = "tbsp"
	Teaspoon   Unit = "tsp"
	FluidOunce Unit = "fl_oz"
	Piece      Unit = "piece"
)

// Exact conversion factors. Weights: international avoirdupois ounce and
// pound. Volumes: US customary measures, the ones USDA household portions
// use (a cup is 236.6 ml, "about 240 g" of water in the tutorial).
const (
	GramsPerOunce = 28.349523125
	GramsPerPound = 453.59237
	MlPerCup      = 236.5882365
	MlPerTbsp     = MlPerCup / 16
	MlPerTsp      = MlPerCup / 48
	MlPerFluidOz  = MlPerCup / 8
	// WaterDensity is used for volumes of foods whose density is unknown.
	WaterDensity = 1.0
)

var unitAliases = map[string]Unit{
	"g": Gram, "gr": Gram, "gram": Gram, "grams": Gram, "gramme": Gram, "grammes": Gram,
	"kg": Kilogram, "kgs": Kilogram, "kilogram": Kilogram, "kilograms": Kilogram, "kilo": Kilogram, "kilos": Kilogram,
	"mg": Milligram, "milligram": Milligram, "milligrams": Milligram,
	"oz": Ounce, "ounce": Ounce, "ounces": Ounce,
	"lb": Pound, "lbs": Pound, "pound": Pound, "pounds": Pound,
	"ml": Millilitre, "milliliter": Millilitre, "milliliters": Millilitre, "millilitre": Millilitre, "millilitres": Millilitre, "cc": Millilitre,
	"l": Litre, "liter": Litre, "liters": Litre, "litre": Litre, "litres": Litre,
	"cup": Cup, "cups": Cup, "c": Cup,
	"tbsp": Tablespoon, "tbs": Tablespoon, "tbl": Tablespoon, "tablespoon": Tablespoon, "tablespoons": Tablespoon,
	"tsp": Teaspoon, "teaspoon": Teaspoon, "teaspoons": Teaspoon,
	"fl_oz": FluidOunce, "fl oz": FluidOunce, "floz": FluidOunce, "fluid ounce": FluidOunce, "fluid ounces": FluidOunce, "fl. oz": FluidOunce,
	"piece": Piece, "pieces": Piece, "pc": Piece, "pcs": Piece, "whole": Piece, "each": Piece, "ea": Piece,
	"item": Piece, "items": Piece, "unit": Piece, "units": Piece, "medium": Piece, "large": Piece, "small": Piece,
	"slice": Piece, "slices": Piece, "fruit": Piece, "egg": Piece, "eggs": Piece,
}

// ParseUnit normalises a unit name ("grams", "Tbsp", "cups", "whole"…).
// The empty string is grams. Unknown units are an *InputError on "unit".
func ParseUnit(s string) (Unit, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.TrimSuffix(k, ".")
	if k == "" {
		return Gram, nil
	}
	if u, ok := unitAliases[k]; ok {
		return u, nil
	}
	return "", inputErr("unit", "unknown unit %q; use g, kg, oz, lb, ml, l, cup, tbsp, tsp, fl oz or piece", s)
}

// Conversion is the result of [ToGrams].
type Conversion struct {
	Grams float64 `json:"grams"`
	// Basis says how the grams were obtained, e.g. "1 cup = 195 g (food
	// portion)" or "density unknown: water (1 g/ml)".
	Basis string `json:"basis"`
	// Approximate is true when a volume was converted with water's
	// density because the food's was unknown.
	Approximate bool `json:"approximate,omitempty"`
}

// ToGrams converts an ingredient amount to grams. Weights convert exactly;
// cups, tablespoons and teaspoons use the food's own household-measure
// weight when known, else its density, else water's; ml, l and fl oz use
// the density (else water); pieces need the food's typical piece weight and
// are an *InputError on "unit" otherwise.
func ToGrams(quantity float64, unit Unit, p Portions) (Conversion, error) {
	if !finite(quantity) {
		return Conversion{}, inputErr("quantity", "must be a number")
	}
	if quantity < 0 {
		return Conversion{}, inputErr("quantity", "must not be negative, got %v", quantity)
	}
	volume := func(ml float64, name string, direct float64) Conversion {
		if direct > 0 {
			return Conversion{Grams: quantity * direct, Basis: fmt.Sprintf("1 %s = %.4g g (food portion)", name, direct)}
		}
		if d, ok := p.Density(); ok {
			return Conversion{Grams: quantity * ml * d, Basis: fmt.Sprintf("1 %s = %.4g ml at %.3g g/ml", name, ml, d)}
		}
		return Conversion{Grams: quantity * ml * WaterDensity, Basis: fmt.Sprintf("1 %s = %.4g ml; density unknown, water (1 g/ml) used", name, ml), Approximate: true}
	}
	switch unit {
	case Gram:
		return Conversion{Grams: quantity, Basis: "grams"}, nil
	case Kilogram:
		return Conversion{Grams: quantity * 1000, Basis: "1 kg = 1000 g"}, nil
	case Milligram:
		return Conversion{Grams: quantity / 1000, Basis: "1 mg = 0.001 g"}, nil
	case Ounce:
		return Conversion{Grams: quantity * GramsPerOunce, Basis: "1 oz = 28.35 g"}, nil
	case Pound:
		return Conversion{Grams: quantity * GramsPerPound, Basis: "1 lb = 453.59 g"}, nil
	case Millilitre:
		return volume(1, "ml", 0), nil
	case Litre:
		return volume(1000, "l", 0), nil
	case FluidOunce:
		return volume(MlPerFluidOz, "fl oz", 0), nil
	case Cup:
		return volume(MlPerCup, "cup", p.GramsPerCup), nil
	case Tablespoon:
		direct := p.GramsPerTbsp
		if direct == 0 && p.GramsPerCup > 0 && p.DensityGPerML == 0 {
			direct = p.GramsPerCup / 16
		}
		return volume(MlPerTbsp, "tbsp", direct), nil
	case Teaspoon:
		direct := p.GramsPerTsp
		if direct == 0 && p.GramsPerTbsp > 0 {
			direct = p.GramsPerTbsp / 3
		} else if direct == 0 && p.GramsPerCup > 0 && p.DensityGPerML == 0 {
			direct = p.GramsPerCup / 48
		}
		return volume(MlPerTsp, "tsp", direct), nil
	case Piece:
		if p.GramsPerPiece <= 0 {
			return Conversion{}, inputErr("unit", "no typical piece weight is known for this food; give the amount in grams (or cups/tbsp)")
		}
		name := p.PieceName
		if name == "" {
			name = "piece"
		}
		return Conversion{Grams: quantity * p.GramsPerPiece, Basis: fmt.Sprintf("1 %s = %.4g g", name, p.GramsPerPiece)}, nil
	}
	return Conversion{}, inputErr("unit", "unknown unit %q; use g, kg, oz, lb, ml, l, cup, tbsp, tsp, fl oz or piece", string(unit))
}

// AmountToGrams parses the unit name and converts.
func AmountToGrams(quantity float64, unit string, p Portions) (Conversion, error) {
	u, err := ParseUnit(unit)
	if err != nil {
		return Conversion{}, err
	}
	return ToGrams(quantity, u, p)
}

var unicodeFractions = map[rune]float64{
	'½': 0.5, '⅓': 1.0 / 3, '⅔': 2.0 / 3, '¼': 0.25, '¾': 0.75, '⅕': 0.2, '⅖': 0.4, '⅗': 0.6, '⅘': 0.8,
	'⅙': 1.0 / 6, '⅚': 5.0 / 6, '⅛': 0.125, '⅜': 0.375, '⅝': 0.625, '⅞': 0.875,
}

var thousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)

// MaxQuantity bounds parsed amounts (a tonne of anything is a typo).
const MaxQuantity = 1e6

// ParseAmount reads a free-text amount such as "200g", "1 1/2 cups",
// "½ cup", "2 tbsp", "3.5 oz", "1,5 kg" or "2 large". A missing unit means
// grams. Errors are *InputError on "quantity" or "unit".
func ParseAmount(s string) (float64, Unit, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", inputErr("quantity", "empty amount")
	}
	if len(s) > 100 {
		return 0, "", inputErr("quantity", "amount text too long")
	}
	rs := []rune(s)
	i := 0
	var qty float64
	seen := false
	for i < len(rs) {
		for i < len(rs) && rs[i] == ' ' {
			i++
		}
		if i >= len(rs) {
			break
		}
		if f, ok := unicodeFractions[rs[i]]; ok {
			qty += f
			seen = true
			i++
			continue
		}
		if !unicode.IsDigit(rs[i]) && rs[i] != '.' {
			break
		}
		j := i
		for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == ',' || rs[j] == '/') {
			j++
		}
		tok := string(rs[i:j])
		v, err := parseNumberToken(tok)
		if err != nil {
			return 0, "", err
		}
		qty += v
		seen = true
		i = j
	}
	if !seen {
		return 0, "", inputErr("quantity", "no number in %q", s)
	}
	if qty > MaxQuantity || !finite(qty) {
		return 0, "", inputErr("quantity", "amount %v is implausibly large", qty)
	}
	rest := strings.TrimSpace(string(rs[i:]))
	// "2 cups of rice", "1 tbsp. olive oil": the unit is the first word(s).
	u, err := leadingUnit(rest)
	if err != nil {
		return 0, "", err
	}
	return qty, u, nil
}

func parseNumberToken(tok string) (float64, error) {
	if strings.Contains(tok, "/") {
		parts := strings.Split(tok, "/")
		if len(parts) != 2 {
			return 0, inputErr("quantity", "bad fraction %q", tok)
		}
		a, err1 := strconv.ParseFloat(parts[0], 64)
		b, err2 := strconv.ParseFloat(parts[1], 64)
		if err1 != nil || err2 != nil || b == 0 {
			return 0, inputErr("quantity", "bad fraction %q", tok)
		}
		return a / b, nil
	}
	if thousands.MatchString(tok) {
		tok = strings.ReplaceAll(tok, ",", "") // "1,000"
	} else if strings.Count(tok, ",") == 1 && !strings.Contains(tok, ".") {
		tok = strings.Replace(tok, ",", ".", 1) // decimal comma: "1,5"
	}
	v, err := strconv.ParseFloat(tok, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, inputErr("quantity", "bad number %q", tok)
	}
	return v, nil
}

func leadingUnit(rest string) (Unit, error) {
	if rest == "" {
		return Gram, nil
	}
	low := strings.ToLower(rest)
	for _, two := range []string{"fl oz", "fl. oz", "fluid ounce", "fluid ounces"} {
		if low == two || strings.HasPrefix(low, two+" ") || strings.HasPrefix(low, two+".") {
			return FluidOunce, nil
		}
	}
	word := low
	if k := strings.IndexFunc(low, func(r rune) bool { return r == ' ' || r == ',' || r == '(' }); k >= 0 {
		word = low[:k]
	}
	return ParseUnit(word)
}
