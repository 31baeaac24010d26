package analysistools

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/tools"
)

type fakeSampler struct {
	text string
	err  error
	got  string
}

func (f *fakeSampler) Sample(_ context.Context, _, prompt string, _ int) (string, error) {
	f.got = prompt
	return f.text, f.err
}

// The narrative comes from the client's model when it answers, and from
// the rules in every other case, with the reason given.
func TestNarrateFallsBackToRules(t *testing.T) {
	ctx := context.Background()
	facts := map[string]any{"tss": 87}
	for _, c := range []struct {
		name    string
		sampler tools.Sampler
		source  string
		note    string
	}{
		{"no sampling", nil, SourceRules, "does not support MCP sampling"},
		{"sampling error", &fakeSampler{err: errors.New("user declined")}, SourceRules, "sampling failed (user declined)"},
		{"empty answer", &fakeSampler{text: "  \n"}, SourceRules, "returned no text"},
		{"answer", &fakeSampler{text: " Good ride. "}, SourceSampling, ""},
	} {
		n := narrate(ctx, &tools.Call{Sampler: c.sampler}, "Explain.", facts, "Rules text.")
		if n.Source != c.source || (c.note != "" && !strings.Contains(n.Note, c.note)) {
			t.Errorf("%s: %+v", c.name, n)
		}
		want := "Rules text."
		if c.source == SourceSampling {
			want = "Good ride."
		}
		if n.Text != want {
			t.Errorf("%s: narrative %q, want %q", c.name, n.Text, want)
		}
		if fs, ok := c.sampler.(*fakeSampler); ok && (!strings.Contains(fs.got, `{"tss":87}`) || !strings.Contains(fs.got, "Rules text.")) {
			t.Errorf("%s: the model was not given the facts and the rule reading: %q", c.name, fs.got)
		}
	}
}

// Engine errors reach the assistant as what to fix: missing data says
// what is needed, a bad value names its field.
func TestEngineErrorsAreTranslated(t *testing.T) {
	_, err := intelligence.AnalyzeTrend(nil, "pace", false)
	f := tools.AsFailure(engineErr(err))
	if f.Code != tools.CodeNotEnoughData || !strings.Contains(f.Message, "trend of pace") || !strings.Contains(f.Hint, "at least 3 data points") {
		t.Errorf("insufficient data: %+v", f)
	}
	_, err = intelligence.SleepQuality(intelligence.SleepInput{DurationHours: 30})
	var ae *tools.ArgumentError
	if !errors.As(engineErr(err), &ae) || ae.Field != "duration_hours" {
		t.Errorf("input error: %v", engineErr(err))
	}
	nf := activityErr(provider.NotFound("strava", "activity", "42"), "42")
	if f := tools.AsFailure(nf); f.Code != tools.CodeNotFound || !strings.Contains(f.Message, `activity_id "42"`) || f.Provider != "strava" {
		t.Errorf("unknown activity: %+v", f)
	}
}

// Days are counted in the athlete's zone: a 23:30 run in Paris belongs to
// that evening, not to the next UTC day.
func TestDaysAreCountedInTheAthletesZone(t *testing.T) {
	acts := []fitness.Activity{{ID: "a", Timezone: "Europe/Paris", StartTime: time.Date(2026, 6, 1, 21, 30, 0, 0, time.UTC)}}
	loc := zoneOf(acts)
	if loc.String() != "Europe/Paris" {
		t.Fatalf("zone %v", loc)
	}
	today := intelligence.NewDate(2026, 6, 2)
	if got := weeklySessions(acts, today, loc, 2); got[1] != 1 {
		t.Errorf("weekly sessions %v", got)
	}
	if zoneOf([]fitness.Activity{{Timezone: "Not/AZone"}}) != time.UTC {
		t.Error("an unknown zone must fall back to UTC")
	}
}

// A race is the basis of a prediction even when a training run has a
// higher VDOT, because only a race is a known maximal effort.
func TestBestRunPrefersRaces(t *testing.T) {
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	acts := []fitness.Activity{
		{ID: "tempo", Sport: fitness.SportRun, StartTime: now.AddDate(0, 0, -3), DistanceMeters: 10000, MovingSeconds: 38 * 60},
		{ID: "race", Sport: fitness.SportRun, StartTime: now.AddDate(0, 0, -20), DistanceMeters: 5000, MovingSeconds: 21 * 60, Race: true},
		{ID: "ride", Sport: fitness.SportRide, StartTime: now.AddDate(0, 0, -1), DistanceMeters: 40000, MovingSeconds: 60 * 60},
		{ID: "old-race", Sport: fitness.SportRun, StartTime: now.AddDate(-1, 0, 0), DistanceMeters: 5000, MovingSeconds: 18 * 60, Race: true},
	}
	best, vdot, race := bestRun(acts, now.AddDate(0, 0, -predictionBasisDays))
	if best == nil || best.ID != "race" || !race || vdot < 46 || vdot > 48 { // Daniels: 5 km in 21:00 ≈ VDOT 47
		t.Errorf("best run %v (VDOT %.1f, race %v)", best, vdot, race)
	}
}

// The usual wake time is the median of recent nights, in local time.
func TestUsualWake(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	sd := &sleepData{}
	for i, hm := range [][2]int{{6, 30}, {7, 45}, {6, 40}} {
		sd.Sessions = append(sd.Sessions, fitness.SleepSession{EndTime: time.Date(2026, 6, 1+i, hm[0], hm[1], 0, 0, loc)})
	}
	if w := usualWake(sd, loc); w == nil || *w != 6*60+40 {
		t.Errorf("usual wake %v", w)
	}
}
