package coros

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// COROS open API JSON shapes (fields Pierre uses): start/end in Unix
// seconds, distance in meters, duration in seconds, heart rate in bpm,
// calorie in small calories (cal; 1 kcal = 1000 cal), avgFrequency in steps
// or revolutions per minute.

type envelope struct {
	Result  string    `json:"result"`
	Message string    `json:"message"`
	Data    []workout `json:"data"`
}

type workout struct {
	LabelID       string  `json:"labelId"`
	Mode          int     `json:"mode"`
	SubMode       int     `json:"subMode"`
	StartTime     int64   `json:"startTime"`
	EndTime       int64   `json:"endTime"`
	StartTimezone int     `json:"startTimezone"` // offset in 15-minute units
	Distance      float64 `json:"distance"`
	Duration      float64 `json:"duration"`
	AvgHeartRate  float64 `json:"avgHeartRate"`
	MaxHeartRate  float64 `json:"maxHeartRate"`
	AvgFrequency  float64 `json:"avgFrequency"`
	Calorie       float64 `json:"calorie"`
	Step          int     `json:"step"`
	FitURL        string  `json:"fitUrl"`
	DeviceName    string  `json:"deviceName"`
}

// err turns a non-"0000" result into a provider error. COROS reports token
// problems in the body with HTTP 200.
func (e *envelope) err() error {
	if e.Result == "0000" || e.Result == "" && e.Message == "OK" {
		return nil
	}
	if e.Result == "" && e.Message == "" {
		return invalid("answer without a result code")
	}
	code := e.Result
	if len(code) > 8 {
		code = code[:8]
	}
	if strings.Contains(strings.ToLower(e.Message), "token") {
		return &provider.Error{Provider: provider.Coros, Kind: provider.KindReauthRequired,
			Message: fmt.Sprintf("coros rejected the authorisation (code %q); reconnect COROS to continue", code)}
	}
	return &provider.Error{Provider: provider.Coros, Kind: provider.KindUnavailable,
		Message: fmt.Sprintf("coros answered with error code %q; try again later", code)}
}

func invalid(why string) error { return vendorhttp.InvalidData(provider.Coros, why, nil) }

type modeKey struct{ mode, sub int }

// Sport modes as COROS's open API documents them (mode/subMode).
var modes = map[modeKey]fitness.Sport{
	{8, 1}:  fitness.SportRun,        // outdoor run
	{8, 2}:  fitness.SportVirtualRun, // indoor run / treadmill
	{9, 1}:  fitness.SportRide,       // outdoor bike
	{9, 2}:  fitness.SportVirtualRide,
	{10, 1}: fitness.SportSwim, // pool swim
	{10, 2}: fitness.SportSwim, // open water
	{14, 0}: fitness.SportHike, // mountain climb
	{15, 0}: fitness.SportTrailRun,
	{16, 0}: fitness.SportHike,
	{18, 0}: fitness.SportWorkout, // gym cardio
	{19, 0}: fitness.SportNordicSki,
	{20, 0}: fitness.SportRun, // track run
	{21, 0}: fitness.SportAlpineSki,
}

var modeNames = map[int]string{
	8: "Run", 9: "Bike", 10: "Swim", 13: "Multisport", 14: "Mountain Climb", 15: "Trail Run",
	16: "Hike", 18: "Gym Cardio", 19: "Cross-country Ski", 20: "Track Run", 21: "Ski",
}

// MapSport maps a COROS mode/subMode onto fitness.Sport.
func MapSport(mode, sub int) fitness.Sport {
	if s, ok := modes[modeKey{mode, sub}]; ok {
		return s
	}
	if s, ok := modes[modeKey{mode, 0}]; ok {
		return s
	}
	switch mode {
	case 8:
		return fitness.SportRun
	case 9:
		return fitness.SportRide
	case 10:
		return fitness.SportSwim
	}
	return fitness.SportOther
}

// ActivityID is Pierre's id for a COROS workout: "<labelId>@<startTime>".
func ActivityID(labelID string, start int64) string {
	return labelID + "@" + strconv.FormatInt(start, 10)
}

func mapWorkout(w *workout) (fitness.Activity, error) {
	if w.LabelID == "" || strings.Contains(w.LabelID, "@") {
		return fitness.Activity{}, invalid("workout without a usable labelId")
	}
	if w.StartTime <= 0 {
		return fitness.Activity{}, invalid("workout without start time")
	}
	sport := MapSport(w.Mode, w.SubMode)
	name := modeNames[w.Mode]
	if name == "" {
		name = "Workout"
	}
	el := vendorhttp.Seconds(w.Duration)
	if el == 0 && w.EndTime > w.StartTime {
		el = int(min(w.EndTime-w.StartTime, 1<<31-1))
	}
	a := fitness.Activity{
		ID:               ActivityID(w.LabelID, w.StartTime),
		Provider:         provider.Coros,
		Name:             name,
		Sport:            sport,
		SportDetail:      fmt.Sprintf("mode %d/%d", w.Mode, w.SubMode),
		StartTime:        vendorhttp.Epoch(w.StartTime),
		ElapsedSeconds:   el,
		MovingSeconds:    el,
		AverageHeartRate: vendorhttp.Opt(w.AvgHeartRate),
		MaxHeartRate:     vendorhttp.Opt(w.MaxHeartRate),
		AverageCadence:   vendorhttp.Opt(w.AvgFrequency),
		Trainer:          sport == fitness.SportVirtualRun || sport == fitness.SportVirtualRide,
	}
	if vendorhttp.Finite(w.Distance) && w.Distance > 0 {
		a.DistanceMeters = w.Distance
		if el > 0 {
			a.AverageSpeed = fitness.Float(w.Distance / float64(el))
		}
	}
	if w.Calorie > 0 && vendorhttp.Finite(w.Calorie) {
		a.Calories = fitness.Float(w.Calorie / 1000)
	}
	return a, nil
}

// ParseWorkouts maps a sport-list answer (or a pushed batch of the same
// shape). Nothing is returned when any workout is malformed.
func ParseWorkouts(data []byte) ([]fitness.Activity, error) {
	env, err := vendorhttp.Decode[envelope](provider.Coros, data)
	if err != nil {
		return nil, err
	}
	if err := env.err(); err != nil {
		return nil, err
	}
	out := make([]fitness.Activity, 0, len(env.Data))
	for i := range env.Data {
		a, err := mapWorkout(&env.Data[i])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
