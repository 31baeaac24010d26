package intelligence

import (
	"fmt"
)

// OvertrainingInput is the current load state plus optional physiology.
type OvertrainingInput struct {
	CTL float64 `json:"ctl"`
	ATL float64 `json:"atl"`
	TSB float64 `json:"tsb"`
	// Optional markers; nil when unknown.
	RestingHRBPM         *float64 `json:"resting_heart_rate_bpm,omitempty"`
	RestingHRBaselineBPM *float64 `json:"resting_heart_rate_baseline_bpm,omitempty"`
	HRVRMSSDMs           *float64 `json:"hrv_rmssd_ms,omitempty"`
	HRVBaselineMs        *float64 `json:"hrv_baseline_ms,omitempty"`
	ACWR                 *float64 `json:"acwr,omitempty"`
	Monotony             *float64 `json:"monotony,omitempty"`
}

// RiskFactor is one overtraining warning sign.
type RiskFactor struct {
	Name      string  `json:"name"`
	Triggered bool    `json:"triggered"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Message   string  `json:"message"`
}

// OvertrainingResult is the overtraining risk assessment.
type OvertrainingResult struct {
	// RiskLevel is "low" (no factor), "moderate" (one) or "high" (two or
	// more, or the tutorial's physiological alert).
	RiskLevel string       `json:"risk_level"`
	Triggered int          `json:"factors_triggered"`
	Factors   []RiskFactor `json:"factors"`
	// PhysiologicalAlert is the tutorial's rule: resting HR > baseline + 8
	// AND HRV < 0.8 × baseline AND TSB < −30.
	PhysiologicalAlert bool   `json:"physiological_alert"`
	Recommendation     string `json:"recommendation"`
	Interpretation     string `json:"interpretation"`
}

// OvertrainingRisk checks the warning signs: acute load more than 30 %
// above chronic (ATL > 1.3 × CTL), ATL above 150 TSS/day, TSB below −30,
// and when known ACWR above 1.5, Foster monotony above 2.0, resting HR more
// than 8 bpm above baseline and HRV below 80 % of baseline.
func OvertrainingRisk(in OvertrainingInput) (OvertrainingResult, error) {
	if err := checkNonNegative("ctl", in.CTL); err != nil {
		return OvertrainingResult{}, err
	}
	if err := checkNonNegative("atl", in.ATL); err != nil {
		return OvertrainingResult{}, err
	}
	if !finite(in.TSB) {
		return OvertrainingResult{}, inputErr("tsb", "must be a finite number")
	}
	var r OvertrainingResult
	add := func(name string, trig bool, v, th float64, msg string) {
		r.Factors = append(r.Factors, RiskFactor{Name: name, Triggered: trig, Value: v, Threshold: th, Message: msg})
		if trig {
			r.Triggered++
		}
	}
	ratio := 0.0
	if in.CTL > 0 {
		ratio = in.ATL / in.CTL
	}
	add("acute_load_spike", in.CTL > 0 && ratio > 1.3, ratio, 1.3, "Acute load spike >30% above chronic load (ATL/CTL)")
	add("very_high_acute_load", in.ATL > 150, in.ATL, 150, "Very high acute load (>150 TSS/day)")
	add("deep_fatigue", in.TSB < -30, in.TSB, -30, "Deep fatigue (TSB < -30)")
	if in.ACWR != nil {
		add("acwr_danger_zone", *in.ACWR > 1.5, *in.ACWR, 1.5, "Acute:chronic workload ratio above 1.5")
	}
	if in.Monotony != nil {
		add("high_monotony", *in.Monotony > 2, *in.Monotony, 2, "Training monotony above 2.0 (Foster)")
	}
	rhrHigh, hrvLow := false, false
	if in.RestingHRBPM != nil && in.RestingHRBaselineBPM != nil {
		d := *in.RestingHRBPM - *in.RestingHRBaselineBPM
		rhrHigh = d > 8
		add("elevated_resting_hr", rhrHigh, d, 8, "Resting heart rate more than 8 bpm above baseline")
	}
	if in.HRVRMSSDMs != nil && in.HRVBaselineMs != nil {
		if err := checkPositive("hrv_baseline_ms", *in.HRVBaselineMs); err != nil {
			return OvertrainingResult{}, err
		}
		ratio := *in.HRVRMSSDMs / *in.HRVBaselineMs
		hrvLow = ratio < 0.8
		add("suppressed_hrv", hrvLow, ratio, 0.8, "HRV more than 20% below baseline")
	}
	r.PhysiologicalAlert = rhrHigh && hrvLow && in.TSB < -30
	switch {
	case r.PhysiologicalAlert || r.Triggered >= 2:
		r.RiskLevel = "high"
		r.Recommendation = "Take 2–3 rest or very easy days, prioritise sleep, and rebuild load gradually."
	case r.Triggered == 1:
		r.RiskLevel = "moderate"
		r.Recommendation = "Hold load steady this week and add an extra easy day."
	default:
		r.RiskLevel = "low"
		r.Recommendation = "No sign of overtraining; continue as planned."
	}
	if r.PhysiologicalAlert {
		r.Interpretation = "Overtraining risk detected: resting HR up, HRV down and TSB below −30 together. " + r.Recommendation
	} else {
		r.Interpretation = fmt.Sprintf("Overtraining risk %s (%d warning sign(s); ATL/CTL %.2f, TSB %+.0f). %s", r.RiskLevel, r.Triggered, ratio, in.TSB, r.Recommendation)
	}
	return r, nil
}

// RestDayInput is what the rest-day rule reads.
type RestDayInput struct {
	RecoveryScore       float64 `json:"recovery_score"`
	TSB                 float64 `json:"tsb"`
	ConsecutiveHardDays int     `json:"consecutive_hard_days"`
	// HRVTrend (ms/day) is reported but, as in the tutorial, does not
	// change the decision.
	HRVTrend *float64 `json:"hrv_trend_ms_per_day,omitempty"`
}

// Rest-day urgencies.
const (
	RestImmediate = "immediate"
	RestSoon      = "soon"
	RestNextDay   = "next_day"
	RestNone      = "none"
)

// RestDayRecommendation is the rest-day decision.
type RestDayRecommendation struct {
	// Urgency is "immediate", "soon", "next_day" or "none".
	Urgency         string `json:"urgency"`
	RestRecommended bool   `json:"rest_recommended"`
	Reason          string `json:"reason"`
	// RestType is "complete_rest", "active_recovery" or
	// "light_cross_training" ("" when no rest is needed).
	RestType       string       `json:"rest_type,omitempty"`
	Suggestions    []string     `json:"suggestions"`
	Inputs         RestDayInput `json:"inputs"`
	Interpretation string       `json:"interpretation"`
}

// SuggestRestDay applies the tutorial's rule, in order:
//
//	recovery < 30 or TSB < −40            → immediate
//	recovery < 50 and ≥ 3 hard days       → soon
//	≥ 6 consecutive hard days or TSB < −20 → next_day
//	otherwise                             → none
func SuggestRestDay(in RestDayInput) (RestDayRecommendation, error) {
	if err := checkRange("recovery_score", in.RecoveryScore, 0, 100, ""); err != nil {
		return RestDayRecommendation{}, err
	}
	if !finite(in.TSB) {
		return RestDayRecommendation{}, inputErr("tsb", "must be a finite number")
	}
	if in.ConsecutiveHardDays < 0 {
		return RestDayRecommendation{}, inputErr("consecutive_hard_days", "must not be negative, got %d", in.ConsecutiveHardDays)
	}
	r := RestDayRecommendation{Inputs: in}
	switch {
	case in.RecoveryScore < 30 || in.TSB < -40:
		r.Urgency, r.RestType = RestImmediate, "complete_rest"
		if in.RecoveryScore < 30 {
			r.Reason = fmt.Sprintf("recovery score %.0f is below 30", in.RecoveryScore)
		} else {
			r.Reason = fmt.Sprintf("TSB %+.0f is below −40", in.TSB)
		}
		r.Suggestions = []string{"Take today off completely.", "Prioritise sleep (8–9 h) and nutrition.", "Resume with easy sessions once recovery is above 50."}
	case in.RecoveryScore < 50 && in.ConsecutiveHardDays >= 3:
		r.Urgency, r.RestType = RestSoon, "active_recovery"
		r.Reason = fmt.Sprintf("recovery score %.0f after %d consecutive hard days", in.RecoveryScore, in.ConsecutiveHardDays)
		r.Suggestions = []string{"Plan a rest day within the next 1–2 days.", "Today: active recovery only — 20–30 min easy at < 60% of max HR."}
	case in.ConsecutiveHardDays >= 6 || in.TSB < -20:
		r.Urgency, r.RestType = RestNextDay, "light_cross_training"
		if in.ConsecutiveHardDays >= 6 {
			r.Reason = fmt.Sprintf("%d consecutive hard days", in.ConsecutiveHardDays)
		} else {
			r.Reason = fmt.Sprintf("TSB %+.0f is below −20", in.TSB)
		}
		r.Suggestions = []string{"Make tomorrow a rest or light cross-training day.", "Keep today's session controlled."}
	default:
		r.Urgency = RestNone
		r.Reason = "recovery and load are within normal limits"
		r.Suggestions = []string{"No extra rest needed; keep 1–2 recovery days per week."}
	}
	r.RestRecommended = r.Urgency != RestNone
	if in.HRVTrend != nil && *in.HRVTrend < 0 {
		r.Suggestions = append(r.Suggestions, fmt.Sprintf("HRV is trending down (%.1f ms/day): watch for accumulating fatigue.", *in.HRVTrend))
	}
	switch r.Urgency {
	case RestImmediate:
		r.Interpretation = "Rest today: " + r.Reason + "."
	case RestSoon:
		r.Interpretation = "Rest day soon: " + r.Reason + "."
	case RestNextDay:
		r.Interpretation = "Rest tomorrow: " + r.Reason + "."
	default:
		r.Interpretation = "No rest day needed: " + r.Reason + "."
	}
	return r, nil
}
