package intelligence

import (
	"fmt"
	"math"
	"slices"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Activity metrics that can be compared and trended.
const (
	MetricPace          = "pace"           // seconds per km (lower is better)
	MetricSpeed         = "speed"          // m/s
	MetricHeartRate     = "heart_rate"     // average bpm (lower is better)
	MetricPower         = "power"          // average watts
	MetricDistance      = "distance"       // metres
	MetricDuration      = "duration"       // moving seconds
	MetricElevationGain = "elevation_gain" // metres
)

// activityMetric extracts a metric from an activity's summary.
func activityMetric(a *fitness.Activity, metric string) (float64, bool) {
	dur := float64(a.MovingOrElapsed())
	switch metric {
	case MetricPace:
		if a.DistanceMeters > 0 && dur > 0 {
			return dur / a.DistanceMeters * 1000, true
		}
	case MetricSpeed:
		if a.AverageSpeed != nil && *a.AverageSpeed > 0 {
			return *a.AverageSpeed, true
		}
		if a.DistanceMeters > 0 && dur > 0 {
			return a.DistanceMeters / dur, true
		}
	case MetricHeartRate:
		if a.AverageHeartRate != nil && *a.AverageHeartRate > 0 {
			return *a.AverageHeartRate, true
		}
	case MetricPower:
		if a.AveragePower != nil && *a.AveragePower > 0 {
			return *a.AveragePower, true
		}
	case MetricDistance:
		if a.DistanceMeters > 0 {
			return a.DistanceMeters, true
		}
	case MetricDuration:
		if dur > 0 {
			return dur, true
		}
	case MetricElevationGain:
		return a.ElevationGainMeters, true
	}
	return 0, false
}

var comparableMetrics = []string{MetricPace, MetricHeartRate, MetricPower, MetricDistance, MetricDuration, MetricElevationGain}

// TrendPointsFromActivities turns activities of one sport family (all
// when family is "") into points of a metric for AnalyzeTrend; activities
// without the metric are skipped. Points are in time order.
func TrendPointsFromActivities(acts []fitness.Activity, metric string, family fitness.Sport) ([]TrendPoint, error) {
	if _, ok := metricDirections[metric]; !ok || !slices.Contains(append(comparableMetrics, MetricSpeed), metric) {
		return nil, inputErr("metric", "must be one of pace, speed, heart_rate, power, distance, duration, elevation_gain, got %q", metric)
	}
	var pts []TrendPoint
	for i := range acts {
		a := &acts[i]
		if family != "" && a.Sport.Family() != family {
			continue
		}
		if v, ok := activityMetric(a, metric); ok {
			pts = append(pts, TrendPoint{Time: a.StartTime, Value: v})
		}
	}
	slices.SortStableFunc(pts, func(x, y TrendPoint) int { return x.Time.Compare(y.Time) })
	return pts, nil
}

// Comparison types of compare_activities.
const (
	CompareSimilar      = "similar_activities"
	ComparePersonalBest = "personal_best"
	CompareAverage      = "average"
	CompareRecent       = "recent"
)

// MetricComparison compares one metric with the reference.
type MetricComparison struct {
	Metric         string  `json:"metric"`
	Value          float64 `json:"value"`
	Reference      float64 `json:"reference"`
	Difference     float64 `json:"difference"`
	PercentChange  float64 `json:"percent_change"`
	HigherIsBetter bool    `json:"higher_is_better"`
	// Better is true when the activity beats the reference.
	Better bool `json:"better"`
}

// ActivityComparison compares an activity with others.
type ActivityComparison struct {
	ActivityID     string             `json:"activity_id"`
	ComparisonType string             `json:"comparison_type"`
	ComparedWith   []string           `json:"compared_with"`
	Metrics        []MetricComparison `json:"metrics"`
	Interpretation string             `json:"interpretation"`
}

// CompareActivity compares target with others of the same sport family:
// similar_activities (distance, or duration when there is no distance,
// within ±20 %: compared with their mean), average (all of them),
// recent (the five latest before the target) or personal_best (the best
// value of each metric). Pace and heart rate are better when lower.
func CompareActivity(target *fitness.Activity, others []fitness.Activity, comparisonType string) (ActivityComparison, error) {
	if target == nil {
		return ActivityComparison{}, inputErr("activity", "must not be nil")
	}
	fam := target.Sport.Family()
	var pool []*fitness.Activity
	for i := range others {
		o := &others[i]
		if o.ID == target.ID || o.Sport.Family() != fam {
			continue
		}
		pool = append(pool, o)
	}
	switch comparisonType {
	case CompareSimilar:
		ref, basis := target.DistanceMeters, MetricDistance
		if ref <= 0 {
			ref, basis = float64(target.MovingOrElapsed()), MetricDuration
		}
		pool = slices.DeleteFunc(pool, func(o *fitness.Activity) bool {
			v, ok := activityMetric(o, basis)
			return !ok || math.Abs(v-ref) > 0.2*ref
		})
	case CompareRecent:
		pool = slices.DeleteFunc(pool, func(o *fitness.Activity) bool { return !o.StartTime.Before(target.StartTime) })
		slices.SortFunc(pool, func(x, y *fitness.Activity) int { return y.StartTime.Compare(x.StartTime) })
		pool = pool[:min(5, len(pool))]
	case CompareAverage, ComparePersonalBest:
	default:
		return ActivityComparison{}, inputErr("comparison_type", "must be similar_activities, personal_best, average or recent, got %q", comparisonType)
	}
	if len(pool) == 0 {
		return ActivityComparison{}, insufficient("activity comparison", "other "+string(fam)+" activities to compare with")
	}
	r := ActivityComparison{ActivityID: target.ID, ComparisonType: comparisonType}
	for _, o := range pool {
		r.ComparedWith = append(r.ComparedWith, o.ID)
	}
	better, worse := 0, 0
	for _, m := range comparableMetrics {
		v, ok := activityMetric(target, m)
		if !ok {
			continue
		}
		higher := metricDirections[m]
		var vals []float64
		for _, o := range pool {
			if x, ok := activityMetric(o, m); ok {
				vals = append(vals, x)
			}
		}
		if len(vals) == 0 {
			continue
		}
		ref := mean(vals)
		if comparisonType == ComparePersonalBest {
			ref = slices.Max(vals)
			if !higher {
				ref = slices.Min(vals)
			}
		}
		mc := MetricComparison{Metric: m, Value: v, Reference: ref, Difference: v - ref, HigherIsBetter: higher}
		if ref != 0 {
			mc.PercentChange = (v - ref) / math.Abs(ref) * 100
		}
		mc.Better = (higher && v > ref) || (!higher && v < ref)
		if mc.Better {
			better++
		} else if v != ref {
			worse++
		}
		r.Metrics = append(r.Metrics, mc)
	}
	r.Interpretation = fmt.Sprintf("Compared with %d %s activit(ies) (%s): better on %d metric(s), worse on %d", len(pool), fam, comparisonType, better, worse)
	return r, nil
}
