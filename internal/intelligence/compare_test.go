package intelligence

import (
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

func TestCompareActivity(t *testing.T) {
	base := time.Date(2025, 4, 1, 7, 0, 0, 0, time.UTC)
	mk := func(id string, day int, meters float64, secs int, hr float64) fitness.Activity {
		return fitness.Activity{ID: id, Sport: fitness.SportRun, StartTime: base.AddDate(0, 0, day), DistanceMeters: meters,
			MovingSeconds: secs, AverageHeartRate: fitness.Float(hr)}
	}
	others := []fitness.Activity{
		mk("a", 0, 10000, 3000, 150), // 5:00/km
		mk("b", 2, 10500, 3150, 152), // 5:00/km
		mk("c", 4, 21000, 6600, 148), // not similar
		{ID: "ride", Sport: fitness.SportRide, StartTime: base, DistanceMeters: 10000, MovingSeconds: 1200},
	}
	target := mk("t", 6, 10000, 2850, 149) // 4:45/km
	r := must[ActivityComparison](t)(CompareActivity(&target, others, CompareSimilar))
	if len(r.ComparedWith) != 2 {
		t.Fatalf("%+v", r)
	}
	pace := r.Metrics[0]
	if pace.Metric != "pace" || !pace.Better {
		t.Fatalf("%+v", pace)
	}
	approx(t, "pace reference", pace.Reference, 300, 1e-9)
	approx(t, "pace change", pace.PercentChange, -5, 1e-9)
	pb := must[ActivityComparison](t)(CompareActivity(&target, others, ComparePersonalBest))
	for _, m := range pb.Metrics {
		if m.Metric == "distance" && m.Reference != 21000 {
			t.Fatalf("%+v", m)
		}
	}
	rec := must[ActivityComparison](t)(CompareActivity(&target, others, CompareRecent))
	if len(rec.ComparedWith) != 3 || rec.ComparedWith[0] != "c" {
		t.Fatalf("%+v", rec.ComparedWith)
	}
	_, err := CompareActivity(&target, nil, CompareAverage)
	wantInsufficient(t, err)
	_, err = CompareActivity(&target, others, "best")
	wantInputError(t, err, "comparison_type")
}

func TestTrendPointsFromActivities(t *testing.T) {
	base := time.Date(2025, 4, 1, 7, 0, 0, 0, time.UTC)
	acts := []fitness.Activity{
		{ID: "2", Sport: fitness.SportRun, StartTime: base.AddDate(0, 0, 2), DistanceMeters: 5000, MovingSeconds: 1500},
		{ID: "1", Sport: fitness.SportTrailRun, StartTime: base, DistanceMeters: 5000, MovingSeconds: 1600},
		{ID: "r", Sport: fitness.SportRide, StartTime: base, DistanceMeters: 20000, MovingSeconds: 2400},
		{ID: "s", Sport: fitness.SportRun, StartTime: base.AddDate(0, 0, 1), MovingSeconds: 600}, // no distance
	}
	pts := must[[]TrendPoint](t)(TrendPointsFromActivities(acts, MetricPace, fitness.SportRun))
	if len(pts) != 2 || pts[0].Value != 320 || pts[1].Value != 300 {
		t.Fatalf("%+v", pts)
	}
	_, err := TrendPointsFromActivities(acts, "vo2", "")
	wantInputError(t, err, "metric")
}
