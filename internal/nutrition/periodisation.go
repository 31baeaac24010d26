package nutrition

import (
	"fmt"
	"strings"
)

// DayType classifies a training day for carbohydrate periodisation.
type DayType string

// Day types, lightest to heaviest.
const (
	DayRest     DayType = "rest"
	DayEasy     DayType = "easy"
	DayModerate DayType = "moderate"
	DayHard     DayType = "hard"
	DayLong     DayType = "long" // long endurance session: top of the hard range
	DayRace     DayType = "race"
)

// carbDays are g/kg ranges (tutorial ch. 22, consistent with Burke et al.
// 2011 and Impey et al. 2018 "fuel for the work required"). The points are
// the tutorial's worked week: rest 3, easy 5, moderate 6, hard 8, long 9,
// race 10.
var carbDays = map[DayType]Range{
	DayRest:     rng(3, 4, 3),
	DayEasy:     rng(4, 5, 5),
	DayModerate: rng(5, 7, 6),
	DayHard:     rng(7, 9, 8),
	DayLong:     rng(8, 10, 9),
	DayRace:     rng(8, 12, 10),
}

// ParseDayType validates a day type (case-insensitive).
func ParseDayType(s string) (DayType, error) {
	d := DayType(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := carbDays[d]; ok {
		return d, nil
	}
	return "", inputErr("day_type", "unknown day type %q; use rest, easy, moderate, hard, long or race", s)
}

// DayCarbs is one day's carbohydrate target.
type DayCarbs struct {
	Day      DayType `json:"day_type"`
	GPerKg   Range   `json:"g_per_kg"`
	CarbsG   Range   `json:"carbs_g"`
	Guidance string  `json:"guidance"`
}

var dayGuidance = map[DayType]string{
	DayRest:     "Recovery day: lower carbohydrate, keep protein high",
	DayEasy:     "Easy training: moderate carbohydrate",
	DayModerate: "About an hour of moderate training: normal carbohydrate",
	DayHard:     "Hard or interval session: high carbohydrate, fuel before and after",
	DayLong:     "Long endurance session: high carbohydrate, fuel during as well",
	DayRace:     "Race day or carb-loading: maximum carbohydrate (carb-load 10-12 g/kg for 36-48 h before races over 90 min)",
}

// CarbsForDay returns the carbohydrate target of one day. 70 kg: rest
// 210 g, easy 350 g, moderate 420 g, hard 560 g, long 630 g, race 700 g.
func CarbsForDay(weightKg float64, day DayType) (DayCarbs, error) {
	if err := checkWeight(weightKg); err != nil {
		return DayCarbs{}, err
	}
	r, ok := carbDays[day]
	if !ok {
		return DayCarbs{}, inputErr("day_type", "unknown day type %q; use rest, easy, moderate, hard, long or race", string(day))
	}
	return DayCarbs{Day: day, GPerKg: r, CarbsG: r.times(weightKg), Guidance: dayGuidance[day]}, nil
}

// CarbPeriodisation returns the carbohydrate target of each day in order.
func CarbPeriodisation(weightKg float64, days []DayType) ([]DayCarbs, error) {
	if len(days) == 0 {
		return nil, inputErr("days", "give at least one day")
	}
	out := make([]DayCarbs, 0, len(days))
	for i, d := range days {
		c, err := CarbsForDay(weightKg, d)
		if err != nil {
			if FieldOf(err) == "day_type" {
				return nil, prefixField(err, fmt.Sprintf("days[%d]", i))
			}
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
