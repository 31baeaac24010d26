package intelligence

import (
	"fmt"
	"math"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Sleep constants (tutorial ch21 and its upstream configuration).
const (
	SleepAdultMinHours       = 7.0 // AASM/SRS consensus (Watson et al. 2015)
	SleepAthleteOptimalHours = 8.0
	SleepShortHours          = 6.0
	SleepVeryShortHours      = 5.0
	SleepLongHours           = 10.0 // NSF: > 10 h not recommended for adults (Hirshkowitz et al. 2015)
)

// SleepInput is one night for SleepQuality. Stage percentages are of total
// sleep time; AwakePercent is of time in bed. Nil fields are unknown.
type SleepInput struct {
	DurationHours     float64  `json:"duration_hours"`
	DeepPercent       *float64 `json:"deep_percent,omitempty"`
	REMPercent        *float64 `json:"rem_percent,omitempty"`
	LightPercent      *float64 `json:"light_percent,omitempty"`
	AwakePercent      *float64 `json:"awake_percent,omitempty"`
	EfficiencyPercent *float64 `json:"efficiency_percent,omitempty"`
}

// SleepInputFromSession converts a provider's sleep session: duration is
// the asleep time, stage percentages are of asleep time, awake percent of
// time in bed.
func SleepInputFromSession(s *fitness.SleepSession) (SleepInput, error) {
	if s == nil {
		return SleepInput{}, inputErr("sleep_session", "must not be nil")
	}
	if s.AsleepSeconds <= 0 {
		return SleepInput{}, inputErr("total_sleep_seconds", "must be positive, got %d", s.AsleepSeconds)
	}
	if s.InBedSeconds > 0 && s.InBedSeconds < s.AsleepSeconds {
		return SleepInput{}, inputErr("time_in_bed_seconds", "(%d) must not be less than total_sleep_seconds (%d)", s.InBedSeconds, s.AsleepSeconds)
	}
	in := SleepInput{DurationHours: float64(s.AsleepSeconds) / 3600}
	tst := float64(s.AsleepSeconds)
	pct := func(v *int) *float64 {
		if v == nil || *v < 0 {
			return nil
		}
		return ptr(float64(*v) / tst * 100)
	}
	if s.DeepSeconds != nil && s.REMSeconds != nil {
		in.DeepPercent, in.REMPercent = pct(s.DeepSeconds), pct(s.REMSeconds)
		if s.LightSeconds != nil {
			in.LightPercent = pct(s.LightSeconds)
		} else {
			in.LightPercent = ptr(math.Max(0, 100-*in.DeepPercent-*in.REMPercent))
		}
	}
	if s.AwakeSeconds != nil && *s.AwakeSeconds >= 0 {
		bed := float64(s.InBedSeconds)
		if bed <= 0 {
			bed = tst + float64(*s.AwakeSeconds)
		}
		in.AwakePercent = ptr(float64(*s.AwakeSeconds) / bed * 100)
	}
	if e, ok := s.Efficiency(); ok {
		in.EfficiencyPercent = ptr(e)
	}
	return in, nil
}

// SleepQualityResult scores one night 0–100.
type SleepQualityResult struct {
	QualityScore float64 `json:"sleep_quality_score"`
	// Band is "excellent" (≥ 85), "good" (≥ 70), "fair" (≥ 50) or "poor".
	Band            string   `json:"band"`
	Method          string   `json:"method"`
	DurationHours   float64  `json:"duration_hours"`
	DurationScore   float64  `json:"duration_score"`
	StagesScore     *float64 `json:"stages_score,omitempty"`
	EfficiencyScore *float64 `json:"efficiency_score,omitempty"`
	// EfficiencyBand follows the tutorial: > 90 % excellent, 85–90 good,
	// 75–85 fair, < 75 poor.
	EfficiencyBand string   `json:"efficiency_band,omitempty"`
	Issues         []string `json:"issues,omitempty"`
	Interpretation string   `json:"interpretation"`
}

// SleepQuality scores a night: 0.40 × duration + 0.35 × stages + 0.25 ×
// efficiency (0.60/0.40 without stages; duration alone without
// efficiency). Piecewise sub-scores are in docs/methodology.md: 8–10 h,
// deep ≥ 20 %, REM ≥ 25 %, light 45–60 % and efficiency ≥ 90 % score 100.
func SleepQuality(in SleepInput) (SleepQualityResult, error) {
	if err := checkRange("duration_hours", in.DurationHours, 0, 24, "h"); err != nil {
		return SleepQualityResult{}, err
	}
	for _, f := range []struct {
		n string
		v *float64
	}{{"deep_percent", in.DeepPercent}, {"rem_percent", in.REMPercent}, {"light_percent", in.LightPercent}, {"awake_percent", in.AwakePercent}, {"efficiency_percent", in.EfficiencyPercent}} {
		if f.v != nil {
			if err := checkRange(f.n, *f.v, 0, 100, "%"); err != nil {
				return SleepQualityResult{}, err
			}
		}
	}
	r := SleepQualityResult{DurationHours: in.DurationHours, DurationScore: sleepDurationScore(in.DurationHours)}
	switch d := in.DurationHours; {
	case d < SleepVeryShortHours:
		r.Issues = append(r.Issues, fmt.Sprintf("very short sleep (%.1f h; adults need at least 7 h, athletes 8)", d))
	case d < SleepAdultMinHours:
		r.Issues = append(r.Issues, fmt.Sprintf("short sleep (%.1f h; adults need at least 7 h, athletes 8)", d))
	case d > SleepLongHours:
		r.Issues = append(r.Issues, fmt.Sprintf("very long sleep (%.1f h): can signal illness or accumulated sleep debt", d))
	}
	hasStages := in.DeepPercent != nil && in.REMPercent != nil
	if hasStages {
		deep, rem := *in.DeepPercent, *in.REMPercent
		light := math.Max(0, 100-deep-rem)
		if in.LightPercent != nil {
			light = *in.LightPercent
		}
		penalty := 0.0
		if in.AwakePercent != nil && *in.AwakePercent > 5 {
			penalty = 2 * (*in.AwakePercent - 5)
		}
		s := clamp(0.4*deepScore(deep)+0.4*remScore(rem)+0.2*lightScore(light)-penalty, 0, 100)
		r.StagesScore = &s
		if deep < 15 {
			r.Issues = append(r.Issues, fmt.Sprintf("deep sleep %.0f%% (target 15–25%%)", deep))
		}
		if rem < 20 {
			r.Issues = append(r.Issues, fmt.Sprintf("REM sleep %.0f%% (target 20–25%%)", rem))
		}
	}
	if in.EfficiencyPercent != nil {
		e := *in.EfficiencyPercent
		s := efficiencyScore(e)
		r.EfficiencyScore = &s
		switch {
		case e > 90:
			r.EfficiencyBand = "excellent"
		case e >= 85:
			r.EfficiencyBand = "good"
		case e >= 75:
			r.EfficiencyBand = "fair"
		default:
			r.EfficiencyBand = "poor"
			r.Issues = append(r.Issues, fmt.Sprintf("sleep efficiency %.0f%% (below 75%%: much time awake in bed)", e))
		}
	}
	switch {
	case hasStages && r.EfficiencyScore != nil:
		r.Method = "duration_stages_efficiency"
		r.QualityScore = 0.40*r.DurationScore + 0.35**r.StagesScore + 0.25**r.EfficiencyScore
	case hasStages:
		r.Method = "duration_stages"
		r.QualityScore = (0.40*r.DurationScore + 0.35**r.StagesScore) / 0.75
	case r.EfficiencyScore != nil:
		r.Method = "duration_efficiency"
		r.QualityScore = 0.60*r.DurationScore + 0.40**r.EfficiencyScore
	default:
		r.Method = "duration_only"
		r.QualityScore = r.DurationScore
	}
	r.Band = scoreBand(r.QualityScore)
	r.Interpretation = fmt.Sprintf("Sleep quality %.0f/100 (%s) after %.1f h of sleep", r.QualityScore, r.Band, in.DurationHours)
	if len(r.Issues) > 0 {
		r.Interpretation += "; " + r.Issues[0]
	}
	return r, nil
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

func scoreBand(s float64) string {
	switch {
	case s >= 85:
		return "excellent"
	case s >= 70:
		return "good"
	case s >= 50:
		return "fair"
	default:
		return "poor"
	}
}

func sleepDurationScore(d float64) float64 {
	switch {
	case d > SleepLongHours:
		return math.Max(70, 100-10*(d-SleepLongHours))
	case d >= 8:
		return 100
	case d >= 7:
		return 85 + 15*(d-7)
	case d >= 6:
		return 60 + 25*(d-6)
	case d >= 5:
		return 30 + 30*(d-5)
	default:
		return 30 * d / 5
	}
}

func deepScore(p float64) float64 {
	switch {
	case p >= 20:
		return 100
	case p >= 15:
		return 70 + 30*(p-15)/5
	default:
		return 70 * p / 15
	}
}

func remScore(p float64) float64 {
	switch {
	case p >= 25:
		return 100
	case p >= 20:
		return 70 + 30*(p-20)/5
	default:
		return 70 * p / 20
	}
}

// lightScore is 100 within 45–60 % of sleep and loses 4 points per
// percentage point outside.
func lightScore(p float64) float64 {
	switch {
	case p < 45:
		return math.Max(0, 100-4*(45-p))
	case p > 60:
		return math.Max(0, 100-4*(p-60))
	default:
		return 100
	}
}

func efficiencyScore(e float64) float64 {
	switch {
	case e >= 90:
		return 100
	case e >= 85:
		return 85 + 15*(e-85)/5
	case e >= 75:
		return 65 + 20*(e-75)/10
	default:
		return 65 * e / 75
	}
}

// SleepNight is one night's sleep for multi-night analyses.
type SleepNight struct {
	Date          Date    `json:"date"`
	DurationHours float64 `json:"duration_hours"`
	// BedtimeMinutes is minutes after local midnight of the evening the
	// night began (may exceed 1440 for after-midnight bedtimes); optional.
	BedtimeMinutes *float64 `json:"bedtime_minutes,omitempty"`
}

// NightsFromSessions converts main sleeps (naps are skipped), using loc for
// the local bedtime.
func NightsFromSessions(sessions []fitness.SleepSession, loc *time.Location) ([]SleepNight, error) {
	if loc == nil {
		loc = time.UTC
	}
	var out []SleepNight
	for i := range sessions {
		s := &sessions[i]
		if s.Nap {
			continue
		}
		d, err := ParseDate(s.Date)
		if err != nil {
			if s.EndTime.IsZero() {
				return nil, inputErr(fmt.Sprintf("sessions[%d].date", i), "must be YYYY-MM-DD, got %q", s.Date)
			}
			d = DateOf(s.EndTime, loc)
		}
		n := SleepNight{Date: d, DurationHours: float64(s.AsleepSeconds) / 3600}
		if !s.StartTime.IsZero() {
			st := s.StartTime.In(loc)
			m := float64(st.Hour()*60 + st.Minute())
			if m < 12*60 { // after midnight: count past the evening's midnight
				m += 24 * 60
			}
			n.BedtimeMinutes = &m
		}
		out = append(out, n)
	}
	return out, nil
}

// SleepDebtResult is the cumulative shortfall over recent nights.
type SleepDebtResult struct {
	DebtHours         float64 `json:"sleep_debt_hours"`
	TargetHours       float64 `json:"target_hours"`
	NightsCounted     int     `json:"nights_counted"`
	NightsRequested   int     `json:"nights_requested"`
	AverageSleepHours float64 `json:"average_sleep_hours"`
	// Score is 100 × (1 − debt/10 h), clamped to 0–100: the recovery
	// factor.
	Score          float64 `json:"score"`
	Interpretation string  `json:"interpretation"`
}

// SleepDebt sums max(0, target − sleep) over the nights in
// [end − nights + 1, end]. Missing nights are not counted (unknown, not
// zero). target 0 means 8 h; nights 0 means 7.
func SleepDebt(history []SleepNight, end Date, nights int, targetHours float64) (SleepDebtResult, error) {
	if nights == 0 {
		nights = 7
	}
	if targetHours == 0 {
		targetHours = SleepAthleteOptimalHours
	}
	if nights < 1 || nights > 60 {
		return SleepDebtResult{}, inputErr("nights", "must be between 1 and 60, got %d", nights)
	}
	if err := checkRange("target_hours", targetHours, 4, 12, "h"); err != nil {
		return SleepDebtResult{}, err
	}
	perNight := map[Date]float64{}
	for i, n := range history {
		if err := checkRange(fmt.Sprintf("history[%d].duration_hours", i), n.DurationHours, 0, 24, "h"); err != nil {
			return SleepDebtResult{}, err
		}
		if n.Date > end-Date(nights) && n.Date <= end {
			perNight[n.Date] += n.DurationHours
		}
	}
	if len(perNight) == 0 {
		return SleepDebtResult{}, insufficient("sleep debt", fmt.Sprintf("sleep records in the %d nights up to %s", nights, end))
	}
	r := SleepDebtResult{TargetHours: targetHours, NightsCounted: len(perNight), NightsRequested: nights}
	total := 0.0
	for _, h := range perNight {
		r.DebtHours += math.Max(0, targetHours-h)
		total += h
	}
	r.AverageSleepHours = total / float64(len(perNight))
	r.Score = 100 * clamp(1-r.DebtHours/10, 0, 1)
	r.Interpretation = fmt.Sprintf("Sleep debt %.1f h over %d nights (average %.1f h against a %.0f h target)", r.DebtHours, r.NightsCounted, r.AverageSleepHours, targetHours)
	return r, nil
}

// SleepRecommendationInput describes the athlete's situation.
type SleepRecommendationInput struct {
	RecentNights []SleepNight `json:"recent_nights"`
	// TargetSleepHours defaults to 8.
	TargetSleepHours float64 `json:"target_sleep_hours,omitempty"`
	// WakeTimeMinutes is the usual wake time in minutes after midnight
	// (e.g. 390 for 06:30); when set, a bedtime is suggested.
	WakeTimeMinutes          *float64 `json:"wake_time_minutes,omitempty"`
	HardTrainingToday        bool     `json:"hard_training_today,omitempty"`
	RaceOrKeyWorkoutTomorrow bool     `json:"race_or_key_workout_tomorrow,omitempty"`
}

// SleepTip is one recommendation.
type SleepTip struct {
	Category string `json:"category"`
	Priority string `json:"priority"` // high, medium, low
	Text     string `json:"text"`
}

// SleepRecommendations is tonight's sleep plan.
type SleepRecommendations struct {
	TargetSleepHours          float64    `json:"target_sleep_hours"`
	SuggestedBedtime          string     `json:"suggested_bedtime,omitempty"` // HH:MM
	AverageSleepHours         *float64   `json:"average_sleep_hours,omitempty"`
	BedtimeVariabilityMinutes *float64   `json:"bedtime_variability_minutes,omitempty"`
	Tips                      []SleepTip `json:"recommendations"`
	Interpretation            string     `json:"interpretation"`
}

// RecommendSleep builds sleep advice from the tutorial's constants:
// consistent schedule (±30 min), bedroom 60–67 °F, wind-down 30–60 min, no
// caffeine within 6 h of bed, no screens 1–2 h before, +1–2 h after hard
// training, 8–9 h before a race or key workout, naps of 20–30 min (avoid
// > 90 min).
func RecommendSleep(in SleepRecommendationInput) (SleepRecommendations, error) {
	target := in.TargetSleepHours
	if target == 0 {
		target = SleepAthleteOptimalHours
	}
	if err := checkRange("target_sleep_hours", target, 5, 12, "h"); err != nil {
		return SleepRecommendations{}, err
	}
	if in.WakeTimeMinutes != nil {
		if err := checkRange("wake_time_minutes", *in.WakeTimeMinutes, 0, 1439, "min"); err != nil {
			return SleepRecommendations{}, err
		}
	}
	r := SleepRecommendations{}
	add := func(cat, prio, text string) { r.Tips = append(r.Tips, SleepTip{cat, prio, text}) }
	switch {
	case in.RaceOrKeyWorkoutTomorrow:
		target = math.Max(target, 8.5)
		add("timing", "high", "Race or key workout tomorrow: aim for 8–9 hours tonight; the night before matters, but so do the nights leading up to it.")
	case in.HardTrainingToday:
		target = math.Min(target+1, 10)
		add("recovery", "high", "Hard training today: sleep 1–2 hours more than usual to support recovery.")
	}
	r.TargetSleepHours = target
	if len(in.RecentNights) > 0 {
		var sum float64
		var beds []float64
		for i, n := range in.RecentNights {
			if err := checkRange(fmt.Sprintf("recent_nights[%d].duration_hours", i), n.DurationHours, 0, 24, "h"); err != nil {
				return SleepRecommendations{}, err
			}
			sum += n.DurationHours
			if n.BedtimeMinutes != nil {
				beds = append(beds, *n.BedtimeMinutes)
			}
		}
		avg := sum / float64(len(in.RecentNights))
		r.AverageSleepHours = &avg
		if avg < target-0.5 {
			add("duration", "high", fmt.Sprintf("You are averaging %.1f h against a %.1f h target: move bedtime earlier by %.0f minutes.", avg, target, math.Min((target-avg)*60, 90)))
		}
		if len(beds) >= 3 {
			sd := stddev(beds)
			r.BedtimeVariabilityMinutes = &sd
			if sd > 30 {
				add("consistency", "high", fmt.Sprintf("Bedtime varies by about ±%.0f minutes: keep it within ±30 minutes, weekends included.", sd))
			}
		}
	}
	if in.WakeTimeMinutes != nil {
		// Allow ~15 min to fall asleep.
		bed := math.Mod(*in.WakeTimeMinutes-target*60-15+2*1440, 1440)
		r.SuggestedBedtime = fmt.Sprintf("%02d:%02d", int(bed)/60, int(bed)%60)
	}
	add("environment", "medium", "Keep the bedroom cool (60–67 °F / 15.5–19.5 °C), dark and quiet.")
	add("routine", "medium", "Wind down for 30–60 minutes before bed.")
	add("caffeine", "medium", "No caffeine within 6 hours of bedtime.")
	add("screens", "low", "Avoid screens for 1–2 hours before bed.")
	add("naps", "low", "Naps of 20–30 minutes are fine; avoid naps longer than 90 minutes.")
	r.Interpretation = fmt.Sprintf("Aim for %.1f hours of sleep tonight", target)
	if r.SuggestedBedtime != "" {
		r.Interpretation += " — in bed by " + r.SuggestedBedtime
	}
	return r, nil
}

func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := mean(xs)
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}
