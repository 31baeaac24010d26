package synthetic

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

var end = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestDeterministicAndStableAcrossDays(t *testing.T) {
	a := Generate(42, Triathlete, end)
	b := Generate(42, Triathlete, end)
	if !reflect.DeepEqual(a.Activities, b.Activities) || !reflect.DeepEqual(a.Sleep, b.Sleep) {
		t.Fatal("same seed and end must give the same data")
	}
	// A day later, the past is unchanged: every activity of the older
	// dataset (except those that fall out of the window) reappears as is.
	later := Generate(42, Triathlete, end.AddDate(0, 0, 1))
	byID := map[string]fitness.Activity{}
	for _, x := range later.Activities {
		byID[x.ID] = x
	}
	missing := 0
	for _, x := range a.Activities {
		y, ok := byID[x.ID]
		if !ok {
			missing++
			continue
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("activity %s changed between days:\n%+v\n%+v", x.ID, x, y)
		}
	}
	if missing > 3 {
		t.Fatalf("%d activities vanished in one day", missing)
	}
	if other := Generate(43, Triathlete, end); reflect.DeepEqual(other.Activities[:5], a.Activities[:5]) {
		t.Fatal("different seeds must give different athletes")
	}
}

func TestTriathleteYearIsRealistic(t *testing.T) {
	ds := Generate(7, Triathlete, end)
	acts := ds.Activities
	if len(acts) < 250 {
		t.Fatalf("only %d activities in %d days", len(acts), HistoryDays)
	}
	oldest := acts[len(acts)-1].StartTime
	if end.Sub(oldest) < 365*24*time.Hour {
		t.Fatalf("history starts %s, less than a year back", oldest)
	}
	counts := map[fitness.Sport]int{}
	streams, streamable, races := 0, 0, 0
	for i, a := range acts {
		counts[a.Sport]++
		if i > 0 && a.StartTime.After(acts[i-1].StartTime) {
			t.Fatal("activities must be newest first")
		}
		if a.Provider != provider.Synthetic || a.ID == "" || a.MovingSeconds <= 0 || a.ElapsedSeconds < a.MovingSeconds {
			t.Fatalf("bad activity %+v", a)
		}
		if a.Sport == fitness.SportRun || a.Sport == fitness.SportRide {
			streamable++
			if a.HasStreams {
				streams++
			}
			if a.AverageSpeed == nil || math.Abs(*a.AverageSpeed*float64(a.MovingSeconds)-a.DistanceMeters) > a.DistanceMeters*0.01 {
				t.Fatalf("speed × time ≠ distance for %+v", a)
			}
		}
		if a.Sport == fitness.SportRide && (a.AveragePower == nil || *a.AveragePower < 80 || *a.NormalizedPower < *a.AveragePower) {
			t.Fatalf("ride power implausible: %+v", a)
		}
		if a.Race {
			races++
		}
	}
	for _, s := range []fitness.Sport{fitness.SportRun, fitness.SportRide, fitness.SportSwim} {
		if counts[s] < 40 {
			t.Errorf("only %d %s activities in a year", counts[s], s)
		}
	}
	if float64(streams)/float64(streamable) < 0.8 {
		t.Errorf("streams on %d of %d runs/rides", streams, streamable)
	}
	if races < 2 {
		t.Errorf("%d races in a year of macrocycles", races)
	}
	if len(ds.Sleep) < 365 || len(ds.Recovery) != len(ds.Sleep) {
		t.Errorf("sleep %d, recovery %d records", len(ds.Sleep), len(ds.Recovery))
	}
	if ds.Athlete.FTPWatts == nil || ds.Athlete.MaxHeartRate == nil || ds.Athlete.Age(end) < 20 {
		t.Errorf("athlete incomplete: %+v", ds.Athlete)
	}
}

func TestStreamsAgreeWithSummary(t *testing.T) {
	ds := Generate(7, Triathlete, end)
	checked := 0
	for _, a := range ds.Activities {
		if !a.HasStreams || checked >= 6 {
			continue
		}
		checked++
		s, err := ds.Streams(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Len() != a.MovingSeconds || len(s.HeartRate) != s.Len() || len(s.LatLng) != s.Len() {
			t.Fatalf("lengths: %d samples for %d s", s.Len(), a.MovingSeconds)
		}
		if d := float64(s.DistanceMeters[s.Len()-1]); math.Abs(d-a.DistanceMeters) > a.DistanceMeters*0.005 {
			t.Errorf("%s: stream distance %.0f vs summary %.0f", a.ID, d, a.DistanceMeters)
		}
		var hr float64
		for _, h := range s.HeartRate {
			hr += float64(h)
		}
		if math.Abs(hr/float64(s.Len())-*a.AverageHeartRate) > 1.5 {
			t.Errorf("%s: stream HR %.1f vs summary %.0f", a.ID, hr/float64(s.Len()), *a.AverageHeartRate)
		}
		if a.Sport == fitness.SportRide {
			var p float64
			for _, w := range s.PowerWatts {
				p += float64(w)
			}
			if math.Abs(p/float64(s.Len())-*a.AveragePower) > 2 {
				t.Errorf("%s: stream power %.1f vs summary %.0f", a.ID, p/float64(s.Len()), *a.AveragePower)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no activity with streams")
	}
	if _, err := ds.Streams("nope"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestScenariosShowTheirSignal(t *testing.T) {
	beginner := Generate(1, BeginnerRunnerImproving, end)
	if n := len(beginner.Activities); n != 22 {
		t.Errorf("beginner: %d runs in six weeks, want 22 (3+3+4+4+4+4)", n)
	}
	first := beginner.Activities[len(beginner.Activities)-1]
	last := beginner.Activities[0]
	if *last.AverageSpeed <= *first.AverageSpeed*1.05 {
		t.Errorf("beginner did not get faster: %.2f → %.2f m/s", *first.AverageSpeed, *last.AverageSpeed)
	}

	meanHRV := func(ds *Dataset, fromDays, toDays int) float64 {
		var sum float64
		n := 0
		for _, r := range ds.Recovery {
			d, _ := time.Parse(time.DateOnly, r.Date)
			ago := int(end.Sub(d).Hours() / 24)
			if ago >= fromDays && ago < toDays {
				sum += *r.HRVRMSSDMs
				n++
			}
		}
		return sum / float64(n)
	}
	over := Generate(3, Overtraining, end)
	if recent, before := meanHRV(over, 0, 7), meanHRV(over, 60, 120); recent > before*0.85 {
		t.Errorf("overtraining HRV %.1f ms vs baseline %.1f: no suppression", recent, before)
	}
	injury := Generate(4, InjuryRecovery, end)
	for _, a := range injury.Activities {
		ago := end.Sub(a.StartTime).Hours() / 24
		if ago >= 14 && ago < 42 {
			t.Fatalf("injured athlete trained %0.f days ago", ago)
		}
	}
	cyclist := Generate(5, ExperiencedCyclistConsistent, end)
	for _, a := range cyclist.Activities[:50] {
		if a.Sport != fitness.SportRide {
			t.Fatalf("cyclist did %s", a.Sport)
		}
	}
}

func TestClientPaging(t *testing.T) {
	p := New(Options{Now: func() time.Time { return end }})
	c := p.NewClient(provider.Connection{UserKey: "tenant/user"})
	ctx := context.Background()
	seen := map[string]bool{}
	cursor := ""
	total := 0
	for {
		page, err := c.Activities(ctx, provider.ActivityQuery{Limit: 37, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Activities {
			if seen[a.ID] {
				t.Fatalf("duplicate %s", a.ID)
			}
			seen[a.ID] = true
		}
		total += len(page.Activities)
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if total != len(p.Dataset("tenant/user").Activities) {
		t.Fatalf("paging returned %d of %d", total, len(p.Dataset("tenant/user").Activities))
	}
	after, before := end.AddDate(0, -1, 0), end.AddDate(0, 0, -7)
	page, _ := c.Activities(ctx, provider.ActivityQuery{After: after, Before: before})
	for _, a := range page.Activities {
		if !a.StartTime.After(after) || !a.StartTime.Before(before) {
			t.Fatalf("%s outside (%s, %s)", a.StartTime, after, before)
		}
	}
	if len(page.Activities) < 10 {
		t.Fatalf("only %d activities in three weeks", len(page.Activities))
	}
	if _, err := c.Activities(ctx, provider.ActivityQuery{Cursor: "x"}); provider.KindOf(err) != provider.KindInvalidData {
		t.Fatalf("bad cursor: %v", err)
	}
	if _, err := c.Sleep(ctx, end, end.AddDate(0, 0, -3)); err == nil {
		t.Fatal("reversed range accepted")
	}
	sl, _ := c.Sleep(ctx, end.AddDate(0, 0, -7), end)
	if len(sl) != 7 {
		t.Fatalf("%d nights in a week", len(sl))
	}
}

func BenchmarkGenerateYear(b *testing.B) {
	for b.Loop() {
		Generate(42, Triathlete, end)
	}
}

func BenchmarkStreams4h(b *testing.B) {
	ds := Generate(42, Triathlete, end)
	var id string
	for _, a := range ds.Activities {
		if a.Sport == fitness.SportRide && a.HasStreams && a.MovingSeconds > 3*3600 {
			id = a.ID
			break
		}
	}
	for b.Loop() {
		ds.Streams(id)
	}
}
