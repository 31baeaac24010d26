package toon

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// yearActivity is the shape of an activity-list answer: one flat object per
// activity with stable keys, optional measurements as null.
type yearActivity struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	SportType           string    `json:"sport_type"`
	StartDate           time.Time `json:"start_date"`
	DurationSeconds     int       `json:"duration_seconds"`
	MovingTimeSeconds   int       `json:"moving_time_seconds"`
	DistanceMeters      float64   `json:"distance_meters"`
	ElevationGainMeters float64   `json:"elevation_gain_meters"`
	AverageHeartRate    *float64  `json:"average_heart_rate"`
	MaxHeartRate        *float64  `json:"max_heart_rate"`
	AveragePowerWatts   *float64  `json:"average_power_watts"`
	AverageCadence      *float64  `json:"average_cadence"`
	CaloriesKcal        *float64  `json:"calories_kcal"`
	Trainer             bool      `json:"trainer"`
	HasStreams          bool      `json:"has_streams"`
}

type activityList struct {
	Activities []yearActivity `json:"activities"`
	Count      int            `json:"count"`
}

func round1(f float64) *float64 {
	r := math.Round(f*10) / 10
	return &r
}

// makeActivities builds n days of plausible training, deterministically.
func makeActivities(n int) []yearActivity {
	r := rand.New(rand.NewPCG(7, 365))
	start := time.Date(2025, 1, 1, 6, 30, 0, 0, time.UTC)
	sports := []string{"run", "ride", "run", "virtual_ride", "swim", "trail_run", "ride", "walk"}
	names := map[string][]string{
		"run":          {"Morning Run", "Easy Run", "Tempo Run", "Long Run", "Intervals 6x800m"},
		"trail_run":    {"Trail Run", "Hill Repeats"},
		"ride":         {"Lunch Ride", "Endurance Ride", "Gravel loop, windy", "Group Ride"},
		"virtual_ride": {"Zwift - Watopia", "Sweet Spot 3x15"},
		"swim":         {"Pool Swim", "Open Water Swim"},
		"walk":         {"Evening Walk"},
	}
	out := make([]yearActivity, n)
	for i := range out {
		sport := sports[r.IntN(len(sports))]
		dur := 1200 + r.IntN(9000)
		a := yearActivity{
			ID:                fmt.Sprintf("%d", 12000000000+r.Int64N(1000000000)),
			Name:              names[sport][r.IntN(len(names[sport]))],
			SportType:         sport,
			StartDate:         start.AddDate(0, 0, i).Add(time.Duration(r.IntN(12*3600)) * time.Second),
			DurationSeconds:   dur,
			MovingTimeSeconds: dur - r.IntN(300),
			HasStreams:        r.IntN(10) > 0,
		}
		speed := map[string]float64{"run": 3, "trail_run": 2.5, "ride": 8, "virtual_ride": 9, "swim": 0.9, "walk": 1.4}[sport]
		a.DistanceMeters = *round1(float64(a.MovingTimeSeconds) * speed * (0.8 + 0.4*r.Float64()))
		a.ElevationGainMeters = *round1(r.Float64() * 800)
		if sport != "swim" || r.IntN(2) == 0 {
			a.AverageHeartRate = round1(120 + 40*r.Float64())
			a.MaxHeartRate = round1(*a.AverageHeartRate + 10 + 25*r.Float64())
		}
		if strings.Contains(sport, "ride") {
			a.AveragePowerWatts = round1(150 + 120*r.Float64())
			a.AverageCadence = round1(80 + 15*r.Float64())
			a.Trainer = sport == "virtual_ride"
		} else if sport != "swim" {
			a.AverageCadence = round1(160 + 20*r.Float64())
		}
		if r.IntN(5) > 0 {
			a.CaloriesKcal = round1(float64(dur) * (0.15 + 0.1*r.Float64()))
		}
		out[i] = a
	}
	return out
}

// estimateTokens approximates an LLM tokenizer: each run of letters and
// digits is one token, each other visible character is one, and each line
// break together with the indentation after it is one; single spaces merge
// into the following word as BPE vocabularies do.
func estimateTokens(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isAlnum(c) || c >= 0x80:
			for i < len(s) && (isAlnum(s[i]) || s[i] >= 0x80) {
				i++
			}
			n++
		case c == '\n':
			for i < len(s) && (s[i] == '\n' || s[i] == ' ') {
				i++
			}
			n++
		case c == ' ' || c == '\t':
			i++
		default:
			i++
			n++
		}
	}
	return n
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c == '_'
}

func TestTokenSavingsYearOfActivities(t *testing.T) {
	acts := makeActivities(365)
	answer := activityList{Activities: acts, Count: len(acts)}
	js, err := json.Marshal(answer)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(answer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "activities[365]{id,name,sport_type,start_date,") {
		t.Fatalf("activities were not rendered as a table:\n%.300s", out)
	}
	back, err := Unmarshal(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, js, back)

	byteSaving := 1 - float64(len(out))/float64(len(js))
	jt, tt := estimateTokens(string(js)), estimateTokens(string(out))
	tokenSaving := 1 - float64(tt)/float64(jt)
	t.Logf("365 activities: JSON %d bytes / ~%d tokens; TOON %d bytes / ~%d tokens; saving %.1f%% bytes, %.1f%% tokens",
		len(js), jt, len(out), tt, 100*byteSaving, 100*tokenSaving)
	if byteSaving < 0.30 {
		t.Errorf("TOON saves only %.1f%% of the bytes of compact JSON, want >= 30%%", 100*byteSaving)
	}
	if tokenSaving < 0.30 {
		t.Errorf("TOON saves only %.1f%% of the estimated tokens of compact JSON, want >= 30%%", 100*tokenSaving)
	}
}

// TestTokenSavingsOmitempty measures the same year through fitness.Activity,
// whose optional fields are omitempty: key sets then differ between sports,
// which rules out tabular form (§9.3 needs one key set), and the saving
// shrinks to what dropping braces and quotes gives. Logged, not asserted,
// to inform how tool answers should be shaped for TOON.
func TestTokenSavingsOmitempty(t *testing.T) {
	year := makeActivities(365)
	acts := make([]fitness.Activity, len(year))
	for i, a := range year {
		acts[i] = fitness.Activity{
			ID: a.ID, Provider: "strava", Name: a.Name, Sport: fitness.Sport(a.SportType),
			StartTime: a.StartDate, ElapsedSeconds: a.DurationSeconds, MovingSeconds: a.MovingTimeSeconds,
			DistanceMeters: a.DistanceMeters, ElevationGainMeters: a.ElevationGainMeters,
			AverageHeartRate: a.AverageHeartRate, MaxHeartRate: a.MaxHeartRate,
			AveragePower: a.AveragePowerWatts, AverageCadence: a.AverageCadence,
			Calories: a.CaloriesKcal, Trainer: a.Trainer, HasStreams: a.HasStreams,
		}
	}
	js, err := json.Marshal(acts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(acts)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(out)
	if err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, js, back)
	jt, tt := estimateTokens(string(js)), estimateTokens(string(out))
	t.Logf("365 fitness.Activity (omitempty): JSON %d bytes / ~%d tokens; TOON %d bytes / ~%d tokens; saving %.1f%% bytes, %.1f%% tokens",
		len(js), jt, len(out), tt, 100*(1-float64(len(out))/float64(len(js))), 100*(1-float64(tt)/float64(jt)))

	// FromJSONFilled tabulates them over the union of keys: this is what
	// tool answers use.
	filled, err := FromJSONFilled(js)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(filled), "[365]{id,provider,name,sport_type,") {
		t.Fatalf("not tabulated:\n%.300s", filled)
	}
	back, err = Unmarshal(filled)
	if err != nil {
		t.Fatal(err)
	}
	// Same data, with absent optional fields now null.
	var want []map[string]any
	json.Unmarshal(js, &want)
	got := back.([]any)
	for i, w := range want {
		row := got[i].(map[string]any)
		for k, v := range row {
			if wv, ok := w[k]; ok {
				if fmt.Sprint(wv) != fmt.Sprint(toFloat(v)) {
					t.Fatalf("row %d key %s: %v vs %v", i, k, v, wv)
				}
			} else if v != nil {
				t.Fatalf("row %d key %s invented: %v", i, k, v)
			}
		}
	}
	ft := estimateTokens(string(filled))
	byteSaving, tokenSaving := 1-float64(len(filled))/float64(len(js)), 1-float64(ft)/float64(jt)
	t.Logf("365 fitness.Activity, FromJSONFilled: TOON %d bytes / ~%d tokens; saving %.1f%% bytes, %.1f%% tokens",
		len(filled), ft, 100*byteSaving, 100*tokenSaving)
	if byteSaving < 0.30 || tokenSaving < 0.30 {
		t.Errorf("filled TOON saves %.1f%% bytes and %.1f%% tokens, want >= 30%% each", 100*byteSaving, 100*tokenSaving)
	}
}

func toFloat(v any) any {
	if n, ok := v.(json.Number); ok {
		f, _ := n.Float64()
		return f
	}
	return v
}

func TestFilledTableKeepsListFormWhenSparse(t *testing.T) {
	// 3 rows, 6 distinct keys, each row 2 keys: a third of the cells.
	in := `[{"a":1,"b":2},{"c":3,"d":4},{"e":5,"f":6}]`
	out, err := FromJSONFilled([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "{a,b,c") {
		t.Fatalf("sparse objects were tabulated:\n%s", out)
	}
	out, _ = FromJSONFilled([]byte(`{"x":[{"a":1,"b":2},{"a":3}]}`))
	if string(out) != "x[2]{a,b}:\n  1,2\n  3,null" {
		t.Fatalf("filled table:\n%s", out)
	}
}

func TestEstimateTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{`{"id":12,"name":"Easy Run"}`, 16},
		{"a[2]{id,name}:\n  1,Easy Run\n  2,x", 19},
		{"", 0},
	} {
		if got := estimateTokens(tc.in); got != tc.want {
			t.Errorf("estimateTokens(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
