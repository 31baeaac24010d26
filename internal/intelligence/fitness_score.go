package intelligence

import (
	"fmt"
	"math"
)

// FitnessScoreInput is what the fitness score reads.
type FitnessScoreInput struct {
	// CTL is today's chronic training load.
	CTL float64 `json:"ctl"`
	// CTL28DaysAgo gives the progression component (nil: treated as
	// stable).
	CTL28DaysAgo *float64 `json:"ctl_28_days_ago,omitempty"`
	// WeeklySessions are session counts of recent complete weeks (4–12
	// weeks is typical).
	WeeklySessions []int `json:"weekly_sessions"`
	// RecoveryScore (0–100) applies the tutorial's adjustment when sleep
	// data is available.
	RecoveryScore *float64 `json:"recovery_score,omitempty"`
}

// FitnessComponent is one part of the fitness score.
type FitnessComponent struct {
	Name   string  `json:"name"`
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
	Detail string  `json:"detail"`
}

// FitnessScoreResult is the overall 0–100 fitness score.
type FitnessScoreResult struct {
	// Method is "pierre_composite_v1" (see FitnessScore).
	Method     string             `json:"method"`
	Score      float64            `json:"fitness_score"`
	BaseScore  float64            `json:"base_score"`
	Components []FitnessComponent `json:"components"`
	// RecoveryAdjustmentPercent is +5, 0, −5 or −10 (multiplicative).
	RecoveryAdjustmentPercent float64  `json:"recovery_adjustment_percent"`
	RecoveryScore             *float64 `json:"recovery_score,omitempty"`
	// Level is "excellent" (≥ 85), "good" (≥ 70), "moderate" (≥ 50) or
	// "developing".
	Level          string `json:"level"`
	Interpretation string `json:"interpretation"`
}

// FitnessScore is Pierre's composite (no published standard exists):
//
//	aerobic base (60 %):  100 × (1 − e^(−CTL/50))
//	consistency (25 %):   mean over weeks of min(sessions/4, 1) × 100
//	progression (15 %):   CTL ramp r per week → 60 + 8r (r ≤ 5), easing to
//	                      60 for very steep ramps; clamped 0–100
//
// then the tutorial's recovery adjustment, multiplicative: recovery 90–100
// → +5 %, 70–89 → 0, 50–69 → −5 %, < 50 → −10 %; clamped to 0–100.
func FitnessScore(in FitnessScoreInput) (FitnessScoreResult, error) {
	if err := checkNonNegative("ctl", in.CTL); err != nil {
		return FitnessScoreResult{}, err
	}
	if len(in.WeeklySessions) == 0 {
		return FitnessScoreResult{}, insufficient("fitness score", "at least one week of activity history")
	}
	base := 100 * (1 - math.Exp(-in.CTL/50))
	cons := 0.0
	for i, n := range in.WeeklySessions {
		if n < 0 {
			return FitnessScoreResult{}, inputErr(fmt.Sprintf("weekly_sessions[%d]", i), "must not be negative, got %d", n)
		}
		cons += math.Min(float64(n)/4, 1)
	}
	cons = cons / float64(len(in.WeeklySessions)) * 100
	ramp := 0.0
	if in.CTL28DaysAgo != nil {
		if err := checkNonNegative("ctl_28_days_ago", *in.CTL28DaysAgo); err != nil {
			return FitnessScoreResult{}, err
		}
		ramp = (in.CTL - *in.CTL28DaysAgo) / 4
	}
	prog := 60 + 8*ramp
	if ramp > 5 {
		prog = math.Max(100-5*(ramp-5), 60)
	}
	prog = clamp(prog, 0, 100)
	r := FitnessScoreResult{Method: "pierre_composite_v1", Components: []FitnessComponent{
		{Name: "aerobic_base", Score: base, Weight: 0.60, Detail: fmt.Sprintf("CTL %.0f", in.CTL)},
		{Name: "consistency", Score: cons, Weight: 0.25, Detail: fmt.Sprintf("%.1f sessions/week over %d weeks", meanInts(in.WeeklySessions), len(in.WeeklySessions))},
		{Name: "progression", Score: prog, Weight: 0.15, Detail: fmt.Sprintf("CTL %+.1f per week", ramp)},
	}}
	for _, c := range r.Components {
		r.BaseScore += c.Weight * c.Score
	}
	r.Score = r.BaseScore
	if in.RecoveryScore != nil {
		rs := *in.RecoveryScore
		if err := checkRange("recovery_score", rs, 0, 100, ""); err != nil {
			return FitnessScoreResult{}, err
		}
		r.RecoveryScore = &rs
		r.RecoveryAdjustmentPercent = RecoveryAdjustmentPercent(rs)
		r.Score = clamp(r.BaseScore*(1+r.RecoveryAdjustmentPercent/100), 0, 100)
	}
	switch {
	case r.Score >= 85:
		r.Level = "excellent"
	case r.Score >= 70:
		r.Level = "good"
	case r.Score >= 50:
		r.Level = "moderate"
	default:
		r.Level = "developing"
	}
	r.Interpretation = fmt.Sprintf("Fitness score %.0f/100 (%s): CTL %.0f, %.1f sessions/week", r.Score, r.Level, in.CTL, meanInts(in.WeeklySessions))
	if in.RecoveryScore != nil && r.RecoveryAdjustmentPercent != 0 {
		r.Interpretation += fmt.Sprintf(", %+.0f%% for recovery %.0f", r.RecoveryAdjustmentPercent, *in.RecoveryScore)
	}
	return r, nil
}

// RecoveryAdjustmentPercent is the tutorial's fitness-score adjustment for
// a recovery score: ≥ 90 → +5, 70–89 → 0, 50–69 → −5, < 50 → −10.
func RecoveryAdjustmentPercent(recovery float64) float64 {
	switch {
	case recovery >= 90:
		return 5
	case recovery >= 70:
		return 0
	case recovery >= 50:
		return -5
	default:
		return -10
	}
}

func meanInts(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0
	for _, x := range xs {
		s += x
	}
	return float64(s) / float64(len(xs))
}
