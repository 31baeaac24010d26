package intelligence

import (
	"fmt"
	"math"

	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// StandardPowerDurations are the durations (s) of the power bests Pierre
// reports: 5 s, 1, 5, 20 and 60 minutes.
var StandardPowerDurations = []int{5, 60, 300, 1200, 3600}

// StandardDistances are the distances (m) of the fastest-effort bests:
// 400 m, 1 km, 1 mile, 5 km, 10 km, half marathon, marathon.
var StandardDistances = []float64{Distance400m, Distance1km, DistanceMile, Distance5K, Distance10K, DistanceHalfMarathon, DistanceMarathon}

// PowerBest is the best mean power over a duration.
type PowerBest struct {
	DurationSeconds    int     `json:"duration_seconds"`
	Label              string  `json:"label"`
	PowerWatts         float64 `json:"power_watts"`
	StartOffsetSeconds int     `json:"start_offset_seconds"`
}

// BestPowerEfforts returns, for each duration, the highest mean power over
// any window of that many samples of a 1 Hz series (use GapsZeroFill so
// windows are wall-clock). Durations longer than the series are left out.
// O(n) per duration with a sliding sum.
func BestPowerEfforts(powerWatts []float64, durations []int) ([]PowerBest, error) {
	if err := checkSeries("power_watts", powerWatts); err != nil {
		return nil, err
	}
	if durations == nil {
		durations = StandardPowerDurations
	}
	out := make([]PowerBest, 0, len(durations))
	for i, d := range durations {
		if d <= 0 {
			return nil, inputErr(fmt.Sprintf("durations[%d]", i), "must be positive, got %d", d)
		}
		if d > len(powerWatts) {
			continue
		}
		w, start := maxMeanWindow(powerWatts, d)
		out = append(out, PowerBest{DurationSeconds: d, Label: durationLabel(d), PowerWatts: w, StartOffsetSeconds: start})
	}
	return out, nil
}

// maxMeanWindow assumes 0 < w ≤ len(xs).
func maxMeanWindow(xs []float64, w int) (float64, int) {
	sum := 0.0
	for _, x := range xs[:w] {
		sum += x
	}
	best, at := sum, 0
	for i := w; i < len(xs); i++ {
		sum += xs[i] - xs[i-w]
		if sum > best {
			best, at = sum, i-w+1
		}
	}
	return best / float64(w), at
}

func durationLabel(s int) string {
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600 && s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	case s%3600 == 0:
		return fmt.Sprintf("%d h", s/3600)
	default:
		return FormatDuration(float64(s))
	}
}

// DistanceBest is the fastest time over a distance within one activity.
type DistanceBest struct {
	DistanceMeters     float64 `json:"distance_meters"`
	Label              string  `json:"label"`
	TimeSeconds        float64 `json:"time_seconds"`
	Time               string  `json:"time"`
	PacePerKmSeconds   float64 `json:"pace_seconds_per_km"`
	StartOffsetSeconds float64 `json:"start_offset_seconds"`
}

// FastestDistanceEfforts finds, for each distance, the shortest time in
// which the athlete covered it anywhere in the activity, from parallel time
// (s) and cumulative distance (m) samples. The start of the segment is
// interpolated so the segment is exactly the distance long. Two pointers:
// O(n) per distance. Small GPS decreases in cumulative distance are
// ignored (running maximum).
func FastestDistanceEfforts(timeSeconds, distanceMeters []float64, distances []float64) ([]DistanceBest, error) {
	if len(timeSeconds) == 0 {
		return nil, inputErr("time_seconds", "must not be empty")
	}
	if len(distanceMeters) != len(timeSeconds) {
		return nil, inputErr("distance_meters", "must have the same length as time_seconds (%d), got %d", len(timeSeconds), len(distanceMeters))
	}
	if distances == nil {
		distances = StandardDistances
	}
	d := make([]float64, len(distanceMeters))
	run := 0.0
	for i, x := range distanceMeters {
		if !finite(x) || x < 0 {
			return nil, inputErr(fmt.Sprintf("distance_meters[%d]", i), "must be a finite, non-negative number, got %s", num(x))
		}
		if i > 0 && !(timeSeconds[i] > timeSeconds[i-1]) {
			return nil, inputErr(fmt.Sprintf("time_seconds[%d]", i), "must be greater than the previous sample (%s), got %s", num(timeSeconds[i-1]), num(timeSeconds[i]))
		}
		run = math.Max(run, x)
		d[i] = run
	}
	t := timeSeconds
	out := make([]DistanceBest, 0, len(distances))
	for k, target := range distances {
		if err := checkPositive(fmt.Sprintf("distances[%d]", k), target); err != nil {
			return nil, err
		}
		if d[len(d)-1]-d[0] < target {
			continue
		}
		best, bestStart := math.Inf(1), 0.0
		i := 0
		for j := 1; j < len(d); j++ {
			if d[j]-d[0] < target {
				continue
			}
			for i+1 < j && d[j]-d[i+1] >= target {
				i++
			}
			// Start point s in [i, i+1] with d(s) = d[j] − target.
			startDist := d[j] - target
			ts := t[i]
			if span := d[i+1] - d[i]; span > 0 && startDist > d[i] {
				ts = t[i] + (startDist-d[i])/span*(t[i+1]-t[i])
			}
			if el := t[j] - ts; el < best {
				best, bestStart = el, ts-t[0]
			}
		}
		if math.IsInf(best, 1) {
			continue
		}
		out = append(out, DistanceBest{DistanceMeters: target, Label: formatDistance(target), TimeSeconds: best,
			Time: FormatDuration(best), PacePerKmSeconds: best / target * 1000, StartOffsetSeconds: bestStart})
	}
	return out, nil
}

// BiggestClimbMeters is the largest altitude gain from a low point to a
// later high point (max over j of alt[j] − min_{i≤j} alt[i]); unlike
// summed elevation gain it does not accumulate sensor noise.
func BiggestClimbMeters(altitudeMeters []float64) (float64, error) {
	if len(altitudeMeters) == 0 {
		return 0, inputErr("altitude_meters", "must not be empty")
	}
	low, best := math.Inf(1), 0.0
	for i, a := range altitudeMeters {
		if !finite(a) {
			return 0, inputErr(fmt.Sprintf("altitude_meters[%d]", i), "must be a finite number, got %s", num(a))
		}
		low = math.Min(low, a)
		best = math.Max(best, a-low)
	}
	return best, nil
}

// ActivityBests are the bests found in one activity.
type ActivityBests struct {
	ActivityID          string         `json:"activity_id"`
	Date                Date           `json:"date"`
	Sport               fitness.Sport  `json:"sport_type"`
	Power               []PowerBest    `json:"power_bests,omitempty"`
	Fastest             []DistanceBest `json:"fastest_efforts,omitempty"`
	DistanceMeters      float64        `json:"distance_meters"`
	DurationSeconds     float64        `json:"duration_seconds"`
	ElevationGainMeters float64        `json:"elevation_gain_meters"`
	BiggestClimbMeters  float64        `json:"biggest_climb_meters,omitempty"`
}

// BestsFromActivity extracts power bests (standard durations), fastest
// efforts (standard distances up to the activity's length, for runs and
// walks/hikes only; rides get none) and the biggest climb from an activity
// and its streams (s may be nil: then only the totals are filled). The
// day is taken in loc (UTC when nil).
func BestsFromActivity(a *fitness.Activity, s *fitness.Streams, loc *time.Location) (ActivityBests, error) {
	if a == nil {
		return ActivityBests{}, inputErr("activity", "must not be nil")
	}
	b := ActivityBests{
		ActivityID: a.ID, Date: DateOf(a.StartTime, loc), Sport: a.Sport,
		DistanceMeters: a.DistanceMeters, DurationSeconds: float64(a.MovingOrElapsed()),
		ElevationGainMeters: a.ElevationGainMeters,
	}
	if s == nil || s.Len() == 0 {
		return b, nil
	}
	if len(s.PowerWatts) > 0 {
		p, err := StreamSeries(s, ChannelPower, GapsZeroFill)
		if err == nil {
			b.Power, _ = BestPowerEfforts(p, nil)
		}
	}
	fam := a.Sport.Family()
	if len(s.DistanceMeters) == s.Len() && (fam == fitness.SportRun || a.Sport == fitness.SportWalk || a.Sport == fitness.SportHike) {
		t := make([]float64, s.Len())
		d := make([]float64, s.Len())
		n := 0
		for i := range s.TimeSeconds {
			if n > 0 && float64(s.TimeSeconds[i]) <= t[n-1] {
				continue
			}
			t[n], d[n] = float64(s.TimeSeconds[i]), math.Max(float64(s.DistanceMeters[i]), 0)
			n++
		}
		b.Fastest, _ = FastestDistanceEfforts(t[:n], d[:n], nil)
	}
	if len(s.AltitudeMeters) > 0 {
		alt := make([]float64, len(s.AltitudeMeters))
		for i, v := range s.AltitudeMeters {
			alt[i] = float64(v)
		}
		b.BiggestClimbMeters, _ = BiggestClimbMeters(alt)
	}
	return b, nil
}

// PersonalRecord is the best value of one category across activities.
type PersonalRecord struct {
	// Category is e.g. "power_20min", "fastest_5_km", "longest_distance",
	// "longest_duration", "most_elevation_gain", "biggest_climb".
	Category   string        `json:"category"`
	Family     fitness.Sport `json:"sport_family"`
	Label      string        `json:"label"`
	Value      float64       `json:"value"`
	Unit       string        `json:"unit"`
	Display    string        `json:"display"`
	ActivityID string        `json:"activity_id"`
	Date       Date          `json:"date"`
}

// PersonalRecords picks the best of every category per sport family
// (run, ride, swim, other): highest power per duration, fastest time per
// distance, longest distance and duration, most elevation gain and biggest
// climb. Ties keep the earlier record. Output is ordered by family then
// category order of first appearance.
func PersonalRecords(all []ActivityBests) []PersonalRecord {
	type key struct {
		fam fitness.Sport
		cat string
	}
	best := map[key]int{}
	var out []PersonalRecord
	offer := func(r PersonalRecord, higherIsBetter bool) {
		k := key{r.Family, r.Category}
		i, ok := best[k]
		if !ok {
			best[k] = len(out)
			out = append(out, r)
			return
		}
		cur := out[i]
		better := r.Value > cur.Value
		if !higherIsBetter {
			better = r.Value < cur.Value
		}
		if better || (r.Value == cur.Value && r.Date < cur.Date) {
			out[i] = r
		}
	}
	for _, b := range all {
		fam := b.Sport.Family()
		base := PersonalRecord{Family: fam, ActivityID: b.ActivityID, Date: b.Date}
		for _, p := range b.Power {
			r := base
			r.Category, r.Label, r.Value, r.Unit = "power_"+compact(p.Label), "Best "+p.Label+" power", p.PowerWatts, "watts"
			r.Display = fmt.Sprintf("%.0f W", p.PowerWatts)
			offer(r, true)
		}
		for _, f := range b.Fastest {
			r := base
			r.Category, r.Label, r.Value, r.Unit = "fastest_"+compact(f.Label), "Fastest "+f.Label, f.TimeSeconds, "seconds"
			r.Display = f.Time
			offer(r, false)
		}
		if b.DistanceMeters > 0 {
			r := base
			r.Category, r.Label, r.Value, r.Unit = "longest_distance", "Longest distance", b.DistanceMeters, "meters"
			r.Display = fmt.Sprintf("%.2f km", b.DistanceMeters/1000)
			offer(r, true)
		}
		if b.DurationSeconds > 0 {
			r := base
			r.Category, r.Label, r.Value, r.Unit = "longest_duration", "Longest duration", b.DurationSeconds, "seconds"
			r.Display = FormatDuration(b.DurationSeconds)
			offer(r, true)
		}
		if b.ElevationGainMeters > 0 {
			r := base
			r.Category, r.Label, r.Value, r.Unit = "most_elevation_gain", "Most elevation gain", b.ElevationGainMeters, "meters"
			r.Display = fmt.Sprintf("%.0f m", b.ElevationGainMeters)
			offer(r, true)
		}
		if b.BiggestClimbMeters > 0 {
			r := base
			r.Category, r.Label, r.Value, r.Unit = "biggest_climb", "Biggest single climb", b.BiggestClimbMeters, "meters"
			r.Display = fmt.Sprintf("%.0f m", b.BiggestClimbMeters)
			offer(r, true)
		}
	}
	return out
}

// compact turns a label into a key part: "20 min" → "20_min".
func compact(label string) string {
	out := make([]byte, 0, len(label))
	for i := 0; i < len(label); i++ {
		switch c := label[i]; c {
		case ' ':
			out = append(out, '_')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
