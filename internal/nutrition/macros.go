package nutrition

import (
	"fmt"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Energy content of the macronutrients (Atwater general factors), kcal/g.
const (
	KcalPerGramProtein = 4.0
	KcalPerGramCarb    = 4.0
	KcalPerGramFat     = 9.0
)

// Fat share of energy: the acceptable macronutrient distribution range
// (IOM DRI 2005; ACSM/AND/DC 2016 position: 20–35 %). Fat is the balancing
// macro and is kept inside this band.
const (
	FatMinPercent = 20.0
	FatMaxPercent = 35.0
)

// Energy adjustments by goal, as a fraction of TDEE. A 20 % deficit is the
// usual moderate cut that preserves lean mass when protein is high (ISSN
// position stand on diets and body composition, Aragon et al. 2017); a
// 10 % surplus is a lean bulk (Iraki et al. 2019). Weight-loss targets are
// never set below BMR (low energy availability, IOC consensus on RED-S 2018).
var goalEnergyAdjust = map[Goal]float64{
	Maintenance:          0,
	WeightLoss:           -0.20,
	MuscleGain:           0.10,
	EndurancePerformance: 0,
}

// Range is a closed interval with a recommended point value inside it.
type Range struct {
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Point float64 `json:"recommended"`
}

func rng(min, max, point float64) Range { return Range{Min: min, Max: max, Point: point} }

func (r Range) times(k float64) Range {
	return Range{Min: round1(r.Min * k), Max: round1(r.Max * k), Point: round1(r.Point * k)}
}

// ProteinPerKg is the daily protein target in g/kg body mass for a goal at
// an activity level. Sources: RDA 0.8 g/kg for sedentary adults; ACSM/AND/DC
// 2016 (Thomas et al.) 1.2–2.0 g/kg for athletes; ISSN position stand on
// protein (Jäger et al. 2017) 1.4–2.0 g/kg, higher (up to ~2.4 g/kg, 2.3–3.1
// g/kg lean mass) during energy restriction; Morton et al. 2018 meta-analysis
// 1.6 g/kg (95 % CI up to 2.2) for hypertrophy; tutorial ch. 22 endurance
// 1.2–1.6, ultra-endurance 1.6–2.0 g/kg.
func ProteinPerKg(goal Goal, level ActivityLevel) (Range, error) {
	if _, ok := level.Factor(); !ok {
		return Range{}, inputErr("activity_level", "unknown activity level %q", string(level))
	}
	high := level == VeryActive || level == ExtraActive
	switch goal {
	case Maintenance:
		switch {
		case level == Sedentary:
			return rng(0.8, 1.0, 0.8), nil
		case high:
			return rng(1.4, 2.0, 1.6), nil
		default:
			return rng(1.0, 1.6, 1.2), nil
		}
	case WeightLoss:
		switch {
		case level == Sedentary:
			return rng(1.0, 1.6, 1.2), nil
		case high:
			return rng(1.8, 2.4, 2.0), nil
		default:
			return rng(1.4, 2.0, 1.6), nil
		}
	case MuscleGain:
		if high {
			return rng(1.6, 2.2, 2.0), nil
		}
		return rng(1.6, 2.2, 1.8), nil
	case EndurancePerformance:
		if high {
			return rng(1.4, 2.0, 1.6), nil
		}
		return rng(1.2, 1.6, 1.4), nil
	}
	return Range{}, inputErr("training_goal", "unknown goal %q", string(goal))
}

// CarbsPerKg is the daily carbohydrate target in g/kg body mass. Ranges by
// training volume from the ACSM/AND/DC 2016 position and Burke et al. 2011
// (J Sports Sci 29:S17): light 3–5, moderate (~1 h/day) 5–7, high (1–3 h/day)
// 6–10, very high (4–5 h/day) 8–12 g/kg. Weight loss takes the bottom of the
// range, endurance performance the upper quarter, the others the level's
// usual point.
func CarbsPerKg(goal Goal, level ActivityLevel) (Range, error) {
	var r Range
	switch level {
	case Sedentary:
		r = rng(3, 5, 3)
	case LightlyActive:
		r = rng(3, 5, 4)
	case ModeratelyActive:
		r = rng(5, 7, 6)
	case VeryActive:
		r = rng(6, 10, 8)
	case ExtraActive:
		r = rng(8, 12, 10)
	default:
		return Range{}, inputErr("activity_level", "unknown activity level %q", string(level))
	}
	switch goal {
	case WeightLoss:
		r.Point = r.Min
	case EndurancePerformance:
		r.Point = r.Min + 0.75*(r.Max-r.Min)
	case Maintenance, MuscleGain:
	default:
		return Range{}, inputErr("training_goal", "unknown goal %q", string(goal))
	}
	return r, nil
}

// MacroPercentages is the share of energy from each macronutrient.
type MacroPercentages struct {
	ProteinPercent float64 `json:"protein_percent"`
	CarbsPercent   float64 `json:"carbs_percent"`
	FatPercent     float64 `json:"fat_percent"`
}

// Percentages returns each macro's share of the energy the three supply
// (protein and carbohydrate 4 kcal/g, fat 9 kcal/g), rounded to 0.1 %.
// All zero when the grams are all zero.
func Percentages(proteinG, carbsG, fatG float64) MacroPercentages {
	p, c, f := proteinG*KcalPerGramProtein, carbsG*KcalPerGramCarb, fatG*KcalPerGramFat
	total := p + c + f
	if total <= 0 {
		return MacroPercentages{}
	}
	return MacroPercentages{
		ProteinPercent: round1(100 * p / total),
		CarbsPercent:   round1(100 * c / total),
		FatPercent:     round1(100 * f / total),
	}
}

// MacroSplit is a day's macronutrients in grams.
type MacroSplit struct {
	ProteinG float64 `json:"protein_g"`
	CarbsG   float64 `json:"carbs_g"`
	FatG     float64 `json:"fat_g"`
	// Notes explain any adjustment (fat clamped into 20–35 %, carbohydrate
	// trimmed to fit the energy target).
	Notes []string `json:"notes,omitempty"`
}

// SplitMacros turns an energy target and g/kg targets for protein and
// carbohydrate into grams: protein and carbohydrate are set from body mass,
// fat takes the remaining energy, and fat is kept within 20–35 % of energy by
// moving the difference to or from carbohydrate. The grams always add up to
// the energy target (e.g. 70 kg, 2800 kcal, 1.4 g/kg protein, 6 g/kg carbs →
// P 98 g, C 420 g, F 80.9 g; tutorial ch. 22 example).
func SplitMacros(targetKcal, weightKg, proteinGPerKg, carbGPerKg float64) (MacroSplit, error) {
	if err := checkWeight(weightKg); err != nil {
		return MacroSplit{}, err
	}
	if !finite(targetKcal) || targetKcal <= 0 {
		return MacroSplit{}, inputErr("target_calories", "must be positive, got %v", targetKcal)
	}
	if !finite(proteinGPerKg) || proteinGPerKg < 0 || proteinGPerKg > 4 {
		return MacroSplit{}, inputErr("protein_g_per_kg", "must be between 0 and 4, got %v", proteinGPerKg)
	}
	if !finite(carbGPerKg) || carbGPerKg < 0 || carbGPerKg > 15 {
		return MacroSplit{}, inputErr("carbs_g_per_kg", "must be between 0 and 15, got %v", carbGPerKg)
	}
	var notes []string
	protein := weightKg * proteinGPerKg
	if protein*KcalPerGramProtein > 0.5*targetKcal {
		protein = 0.5 * targetKcal / KcalPerGramProtein
		notes = append(notes, "protein capped at 50% of energy")
	}
	carbs := weightKg * carbGPerKg
	fatKcal := targetKcal - protein*KcalPerGramProtein - carbs*KcalPerGramCarb
	minFat, maxFat := targetKcal*FatMinPercent/100, targetKcal*FatMaxPercent/100
	switch {
	case fatKcal < minFat:
		fatKcal = minFat
		carbs = (targetKcal - protein*KcalPerGramProtein - fatKcal) / KcalPerGramCarb
		if carbs < 0 {
			carbs = 0
		}
		notes = append(notes, fmt.Sprintf("fat raised to the %.0f%% minimum; carbohydrate reduced to %.1f g/kg to fit the energy target", FatMinPercent, carbs/weightKg))
	case fatKcal > maxFat:
		fatKcal = maxFat
		carbs = (targetKcal - protein*KcalPerGramProtein - fatKcal) / KcalPerGramCarb
		notes = append(notes, fmt.Sprintf("fat capped at %.0f%% of energy; carbohydrate raised to %.1f g/kg to fit the energy target", FatMaxPercent, carbs/weightKg))
	}
	return MacroSplit{
		ProteinG: round1(protein),
		CarbsG:   round1(carbs),
		FatG:     round1(fatKcal / KcalPerGramFat),
		Notes:    notes,
	}, nil
}

// DailyInput is the input of [DailyNutrition] (calculate_daily_nutrition).
type DailyInput struct {
	Person
	ActivityLevel ActivityLevel `json:"activity_level"`
	Goal          Goal          `json:"training_goal"`
	// Sport, optional, adds sport-specific guidance ranges to the answer.
	Sport fitness.Sport `json:"sport,omitempty"`
}

// DailyPlan is a day's energy and macro targets.
type DailyPlan struct {
	BMR            float64 `json:"bmr"`
	ActivityFactor float64 `json:"activity_factor"`
	TDEE           float64 `json:"tdee"`
	// TargetCalories is TDEE adjusted for the goal (−20 % weight loss,
	// +10 % muscle gain); equal to TDEE otherwise.
	TargetCalories   float64          `json:"target_calories"`
	ProteinG         float64          `json:"protein_g"`
	CarbsG           float64          `json:"carbs_g"`
	FatG             float64          `json:"fat_g"`
	ProteinGPerKg    Range            `json:"protein_g_per_kg"`
	CarbsGPerKg      Range            `json:"carbs_g_per_kg"`
	MacroPercentages MacroPercentages `json:"macro_percentages"`
	Sport            *SportGuidance   `json:"sport_guidance,omitempty"`
	Method           string           `json:"method"`
	Notes            []string         `json:"notes,omitempty"`
}

// DailyNutrition computes BMR (Mifflin-St Jeor), TDEE (× activity factor),
// the goal's energy target and the macro split.
func DailyNutrition(in DailyInput) (DailyPlan, error) {
	bmr, err := BMR(in.Person)
	if err != nil {
		return DailyPlan{}, err
	}
	factor, ok := in.ActivityLevel.Factor()
	if !ok {
		return DailyPlan{}, inputErr("activity_level", "unknown activity level %q; use one of sedentary, lightly_active, moderately_active, very_active, extra_active", string(in.ActivityLevel))
	}
	adj, ok := goalEnergyAdjust[in.Goal]
	if !ok {
		return DailyPlan{}, inputErr("training_goal", "unknown goal %q; use one of maintenance, weight_loss, muscle_gain, endurance_performance", string(in.Goal))
	}
	var guidance *SportGuidance
	if in.Sport != "" {
		g := GuidanceForSport(in.Sport)
		guidance = &g
	}
	tdee := bmr * factor
	target := tdee * (1 + adj)
	var notes []string
	if target < bmr {
		target = bmr
		notes = append(notes, "energy target held at BMR: a deeper deficit risks low energy availability (RED-S)")
	}
	pr, _ := ProteinPerKg(in.Goal, in.ActivityLevel)
	cr, _ := CarbsPerKg(in.Goal, in.ActivityLevel)
	split, err := SplitMacros(target, in.WeightKg, pr.Point, cr.Point)
	if err != nil {
		return DailyPlan{}, err
	}
	notes = append(notes, split.Notes...)
	return DailyPlan{
		BMR:              round2(bmr),
		ActivityFactor:   factor,
		TDEE:             round2(tdee),
		TargetCalories:   round1(target),
		ProteinG:         split.ProteinG,
		CarbsG:           split.CarbsG,
		FatG:             split.FatG,
		ProteinGPerKg:    pr,
		CarbsGPerKg:      cr,
		MacroPercentages: Percentages(split.ProteinG, split.CarbsG, split.FatG),
		Sport:            guidance,
		Method:           "Mifflin-St Jeor + Activity Factor",
		Notes:            notes,
	}, nil
}

// SportGuidance is the published daily range for a kind of sport.
type SportGuidance struct {
	Sport         fitness.Sport `json:"sport"`
	Kind          string        `json:"kind"` // "endurance", "strength", "mixed", "skill"
	ProteinGPerKg Range         `json:"protein_g_per_kg"`
	CarbsGPerKg   Range         `json:"carbs_g_per_kg"`
	Source        string        `json:"source"`
}

// GuidanceForSport returns daily protein and carbohydrate ranges for a
// sport: endurance sports follow ACSM/AND/DC 2016 and Burke 2011 (protein
// 1.2–1.6 g/kg, carbohydrate 5–10 g/kg by volume); strength sports follow
// ISSN 2017 (protein 1.6–2.2 g/kg, carbohydrate 3–5 g/kg); low-energy skill
// sports (yoga, alpine skiing) 1.2–1.6 and 3–5; anything else mixed (ISSN
// 1.4–2.0 g/kg protein, 5–7 g/kg carbohydrate).
func GuidanceForSport(s fitness.Sport) SportGuidance {
	g := SportGuidance{Sport: s}
	switch {
	case s.Family() == fitness.SportRun || s.Family() == fitness.SportRide || s == fitness.SportSwim ||
		s == fitness.SportRowing || s == fitness.SportNordicSki || s == fitness.SportHike:
		g.Kind = "endurance"
		g.ProteinGPerKg = rng(1.2, 1.6, 1.4)
		g.CarbsGPerKg = rng(5, 10, 7)
		g.Source = "ACSM/AND/DC 2016 (Thomas et al.); Burke et al. 2011"
	case s == fitness.SportStrength:
		g.Kind = "strength"
		g.ProteinGPerKg = rng(1.6, 2.2, 1.8)
		g.CarbsGPerKg = rng(3, 5, 4)
		g.Source = "ISSN protein position stand 2017 (Jäger et al.); Morton et al. 2018"
	case s == fitness.SportYoga || s == fitness.SportAlpineSki || s == fitness.SportWalk:
		g.Kind = "skill"
		g.ProteinGPerKg = rng(1.2, 1.6, 1.2)
		g.CarbsGPerKg = rng(3, 5, 4)
		g.Source = "ACSM/AND/DC 2016 (light-intensity or skill-based activity)"
	default:
		g.Kind = "mixed"
		g.ProteinGPerKg = rng(1.4, 2.0, 1.6)
		g.CarbsGPerKg = rng(5, 7, 6)
		g.Source = "ISSN protein position stand 2017; ACSM/AND/DC 2016"
	}
	return g
}
