package nutrition

import (
	"math"
	"strings"
)

// Sex selects the Mifflin-St Jeor constant and the Keytel heart-rate
// equation. Wire values: "male", "female".
type Sex string

// Sexes.
const (
	Male   Sex = "male"
	Female Sex = "female"
)

// ParseSex accepts "male"/"female" (case-insensitive, also "m"/"f").
func ParseSex(s string) (Sex, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "male", "m", "man":
		return Male, nil
	case "female", "f", "woman":
		return Female, nil
	}
	return "", inputErr("gender", "must be \"male\" or \"female\", got %q", s)
}

// ActivityLevel is the habitual activity level used for the TDEE factor.
type ActivityLevel string

// Activity levels (wire enum of calculate_daily_nutrition).
const (
	Sedentary        ActivityLevel = "sedentary"         // desk job, little exercise
	LightlyActive    ActivityLevel = "lightly_active"    // light exercise 1–3 days/week
	ModeratelyActive ActivityLevel = "moderately_active" // moderate exercise 3–5 days/week
	VeryActive       ActivityLevel = "very_active"       // hard exercise 6–7 days/week
	ExtraActive      ActivityLevel = "extra_active"      // athlete, training twice a day
)

// ActivityLevels lists the levels in increasing order.
var ActivityLevels = []ActivityLevel{Sedentary, LightlyActive, ModeratelyActive, VeryActive, ExtraActive}

// activityFactors are the classic multipliers of BMR (McArdle, Katch &
// Katch; as used with Mifflin-St Jeor by the tutorial, ch. 22).
var activityFactors = map[ActivityLevel]float64{
	Sedentary:        1.2,
	LightlyActive:    1.375,
	ModeratelyActive: 1.55,
	VeryActive:       1.725,
	ExtraActive:      1.9,
}

// Factor returns the TDEE multiplier of the level, and false for an unknown
// level.
func (l ActivityLevel) Factor() (float64, bool) {
	f, ok := activityFactors[l]
	return f, ok
}

// ParseActivityLevel validates an activity level (case-insensitive; the
// tutorial's "extremely_active" is accepted for extra_active).
func ParseActivityLevel(s string) (ActivityLevel, error) {
	v := ActivityLevel(strings.ToLower(strings.TrimSpace(s)))
	if v == "extremely_active" {
		v = ExtraActive
	}
	if _, ok := activityFactors[v]; ok {
		return v, nil
	}
	return "", inputErr("activity_level", "unknown activity level %q; use one of sedentary, lightly_active, moderately_active, very_active, extra_active", s)
}

// Goal is the athlete's training goal.
type Goal string

// Goals (wire enum of calculate_daily_nutrition's training_goal).
const (
	Maintenance          Goal = "maintenance"
	WeightLoss           Goal = "weight_loss"
	MuscleGain           Goal = "muscle_gain"
	EndurancePerformance Goal = "endurance_performance"
)

// Goals lists the goals.
var Goals = []Goal{Maintenance, WeightLoss, MuscleGain, EndurancePerformance}

// ParseGoal validates a training goal (case-insensitive).
func ParseGoal(s string) (Goal, error) {
	g := Goal(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Goals {
		if g == k {
			return g, nil
		}
	}
	return "", inputErr("training_goal", "unknown goal %q; use one of maintenance, weight_loss, muscle_gain, endurance_performance", s)
}

// Plausible ranges for body measurements. Mifflin-St Jeor was derived on
// adults and is commonly applied from age 10; outside these ranges the
// equation is meaningless, so the functions refuse rather than guess.
const (
	MinAge      = 10
	MaxAge      = 120
	MinWeightKg = 20.0
	MaxWeightKg = 350.0
	MinHeightCm = 100.0
	MaxHeightCm = 250.0
)

// Person is what the energy equations need about the athlete.
type Person struct {
	WeightKg float64 `json:"weight_kg"`
	HeightCm float64 `json:"height_cm"`
	Age      int     `json:"age"`
	Sex      Sex     `json:"gender"`
}

// Validate checks every field and names the first bad one.
func (p Person) Validate() error {
	if err := checkWeight(p.WeightKg); err != nil {
		return err
	}
	if !finite(p.HeightCm) || p.HeightCm < MinHeightCm || p.HeightCm > MaxHeightCm {
		return inputErr("height_cm", "must be between %.0f and %.0f cm, got %v", MinHeightCm, MaxHeightCm, p.HeightCm)
	}
	if p.Age < MinAge || p.Age > MaxAge {
		return inputErr("age", "must be between %d and %d years (Mifflin-St Jeor is validated from age 10), got %d", MinAge, MaxAge, p.Age)
	}
	if p.Sex != Male && p.Sex != Female {
		return inputErr("gender", "must be \"male\" or \"female\", got %q", string(p.Sex))
	}
	return nil
}

func checkWeight(w float64) error {
	if !finite(w) || w < MinWeightKg || w > MaxWeightKg {
		return inputErr("weight_kg", "must be between %.0f and %.0f kg, got %v", MinWeightKg, MaxWeightKg, w)
	}
	return nil
}

// BMR is the Mifflin-St Jeor basal metabolic rate in kcal/day
// (Mifflin et al., Am J Clin Nutr 1990;51:241-7):
//
//	men:   10·kg + 6.25·cm − 5·age + 5
//	women: 10·kg + 6.25·cm − 5·age − 161
//
// 70 kg, 175 cm, 30 y: 1648.75 (male), 1482.75 (female).
func BMR(p Person) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	base := 10*p.WeightKg + 6.25*p.HeightCm - 5*float64(p.Age)
	if p.Sex == Male {
		return base + 5, nil
	}
	return base - 161, nil
}

// TDEE is total daily energy expenditure, BMR × activity factor (kcal/day).
// The factor already includes habitual exercise; do not add session energy
// on top (see [ExerciseEnergy] for building TDEE from logged sessions).
func TDEE(bmr float64, level ActivityLevel) (float64, error) {
	f, ok := level.Factor()
	if !ok {
		return 0, inputErr("activity_level", "unknown activity level %q", string(level))
	}
	if !finite(bmr) || bmr <= 0 {
		return 0, inputErr("bmr", "must be positive, got %v", bmr)
	}
	return bmr * f, nil
}

// round1 rounds to one decimal; round2 to two.
func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }
