package intelligence

import (
	"fmt"
	"math"
	"slices"
)

// RecoveryInput holds the available recovery signals. Nil fields are
// missing; at least one factor is required.
type RecoveryInput struct {
	// SleepQualityScore is last night's SleepQuality score (0–100).
	SleepQualityScore *float64 `json:"sleep_quality_score,omitempty"`
	// HRVRMSSDMs and HRVBaselineMs give the HRV factor (both needed).
	HRVRMSSDMs    *float64 `json:"hrv_rmssd_ms,omitempty"`
	HRVBaselineMs *float64 `json:"hrv_baseline_ms,omitempty"`
	// RestingHRBPM and RestingHRBaselineBPM give the resting-HR factor.
	RestingHRBPM         *float64 `json:"resting_heart_rate_bpm,omitempty"`
	RestingHRBaselineBPM *float64 `json:"resting_heart_rate_baseline_bpm,omitempty"`
	// TSB gives the training-load factor.
	TSB *float64 `json:"tsb,omitempty"`
	// SleepDebtHours (e.g. from SleepDebt) gives the sleep-debt factor.
	SleepDebtHours *float64 `json:"sleep_debt_hours,omitempty"`
}

// RecoveryFactor is one scored input.
type RecoveryFactor struct {
	Name          string  `json:"name"`
	Score         float64 `json:"score"`
	NominalWeight float64 `json:"nominal_weight"`
	// Weight is the weight after renormalising over the factors present.
	Weight float64 `json:"weight"`
	Detail string  `json:"detail"`
}

// RecoveryScoreResult is the combined 0–100 recovery score.
type RecoveryScoreResult struct {
	Score float64 `json:"recovery_score"`
	// Band follows the tutorial: "fully_recovered" (≥ 90), "good"
	// (70–89), "partial" (50–69), "poor" (< 50).
	Band      string            `json:"band"`
	Algorithm RecoveryAlgorithm `json:"algorithm"`
	Factors   []RecoveryFactor  `json:"factors"`
	Missing   []string          `json:"missing_factors,omitempty"`
	// Confidence is "high" (≥ 4 factors), "medium" (2–3) or "low" (1).
	Confidence     string `json:"confidence"`
	Recommendation string `json:"recommendation"`
	Interpretation string `json:"interpretation"`
}

// Tutorial weights (ch21 §Recovery score).
var recoveryWeights = []struct {
	name   string
	weight float64
}{{"sleep", 0.30}, {"hrv", 0.25}, {"resting_hr", 0.20}, {"training_load", 0.15}, {"sleep_debt", 0.10}}

// RecoveryScore combines the available factors, each scored 0–100:
//
//   - sleep: the sleep quality score;
//   - hrv: 100 at or above baseline, 0 at 75 % of baseline, linear between;
//   - resting_hr: 100 at or below baseline, 0 at +10 bpm, linear between;
//   - training_load: TSBScore(tsb);
//   - sleep_debt: 100 × (1 − debt/10 h).
//
// weighted uses the tutorial's weights 0.30/0.25/0.20/0.15/0.10,
// renormalised over the factors present; additive is the plain mean;
// multiplicative the weighted geometric mean; minmax the lowest factor.
func RecoveryScore(algo RecoveryAlgorithm, in RecoveryInput) (RecoveryScoreResult, error) {
	if !slices.Contains([]RecoveryAlgorithm{RecoveryWeighted, RecoveryAdditive, RecoveryMultiplicative, RecoveryMinMax}, algo) {
		return RecoveryScoreResult{}, inputErr("algorithm", "%q is not a recovery algorithm (weighted, additive, multiplicative, minmax)", string(algo))
	}
	scores := map[string]RecoveryFactor{}
	if v := in.SleepQualityScore; v != nil {
		if err := checkRange("sleep_quality_score", *v, 0, 100, ""); err != nil {
			return RecoveryScoreResult{}, err
		}
		scores["sleep"] = RecoveryFactor{Score: *v, Detail: fmt.Sprintf("sleep quality %.0f/100", *v)}
	}
	if (in.HRVRMSSDMs == nil) != (in.HRVBaselineMs == nil) {
		field := "hrv_baseline_ms"
		if in.HRVRMSSDMs == nil {
			field = "hrv_rmssd_ms"
		}
		return RecoveryScoreResult{}, inputErr(field, "is required when the other HRV value is given")
	}
	if in.HRVRMSSDMs != nil {
		if err := checkRange("hrv_rmssd_ms", *in.HRVRMSSDMs, 1, 300, "ms"); err != nil {
			return RecoveryScoreResult{}, err
		}
		if err := checkRange("hrv_baseline_ms", *in.HRVBaselineMs, 1, 300, "ms"); err != nil {
			return RecoveryScoreResult{}, err
		}
		ratio := *in.HRVRMSSDMs / *in.HRVBaselineMs
		scores["hrv"] = RecoveryFactor{Score: 100 * clamp((ratio-0.75)/0.25, 0, 1),
			Detail: fmt.Sprintf("RMSSD %.0f ms is %+.0f%% vs baseline %.0f ms", *in.HRVRMSSDMs, (ratio-1)*100, *in.HRVBaselineMs)}
	}
	if (in.RestingHRBPM == nil) != (in.RestingHRBaselineBPM == nil) {
		field := "resting_heart_rate_baseline_bpm"
		if in.RestingHRBPM == nil {
			field = "resting_heart_rate_bpm"
		}
		return RecoveryScoreResult{}, inputErr(field, "is required when the other resting-HR value is given")
	}
	if in.RestingHRBPM != nil {
		if err := checkRange("resting_heart_rate_bpm", *in.RestingHRBPM, 20, 150, "bpm"); err != nil {
			return RecoveryScoreResult{}, err
		}
		if err := checkRange("resting_heart_rate_baseline_bpm", *in.RestingHRBaselineBPM, 20, 150, "bpm"); err != nil {
			return RecoveryScoreResult{}, err
		}
		diff := *in.RestingHRBPM - *in.RestingHRBaselineBPM
		scores["resting_hr"] = RecoveryFactor{Score: 100 * clamp(1-diff/10, 0, 1),
			Detail: fmt.Sprintf("resting HR %.0f bpm is %+.0f vs baseline", *in.RestingHRBPM, diff)}
	}
	if in.TSB != nil {
		if !finite(*in.TSB) {
			return RecoveryScoreResult{}, inputErr("tsb", "must be a finite number")
		}
		scores["training_load"] = RecoveryFactor{Score: TSBScore(*in.TSB), Detail: fmt.Sprintf("TSB %+.0f", *in.TSB)}
	}
	if in.SleepDebtHours != nil {
		if err := checkRange("sleep_debt_hours", *in.SleepDebtHours, 0, 200, "h"); err != nil {
			return RecoveryScoreResult{}, err
		}
		scores["sleep_debt"] = RecoveryFactor{Score: 100 * clamp(1-*in.SleepDebtHours/10, 0, 1),
			Detail: fmt.Sprintf("sleep debt %.1f h", *in.SleepDebtHours)}
	}
	if len(scores) == 0 {
		return RecoveryScoreResult{}, insufficient("recovery score", "sleep, HRV, resting heart rate, training load (TSB) or sleep debt")
	}
	r := RecoveryScoreResult{Algorithm: algo}
	var wsum float64
	for _, w := range recoveryWeights {
		f, ok := scores[w.name]
		if !ok {
			r.Missing = append(r.Missing, w.name)
			continue
		}
		f.Name, f.NominalWeight = w.name, w.weight
		wsum += w.weight
		r.Factors = append(r.Factors, f)
	}
	for i := range r.Factors {
		r.Factors[i].Weight = r.Factors[i].NominalWeight / wsum
		if algo == RecoveryAdditive || algo == RecoveryMinMax {
			r.Factors[i].Weight = 1 / float64(len(r.Factors))
		}
	}
	switch algo {
	case RecoveryWeighted, RecoveryAdditive:
		for _, f := range r.Factors {
			r.Score += f.Weight * f.Score
		}
	case RecoveryMultiplicative:
		lg := 0.0
		for _, f := range r.Factors {
			lg += f.Weight * math.Log(math.Max(f.Score, 1)/100)
		}
		r.Score = 100 * math.Exp(lg)
	case RecoveryMinMax:
		r.Score = 100
		for _, f := range r.Factors {
			r.Score = math.Min(r.Score, f.Score)
		}
	}
	switch n := len(r.Factors); {
	case n >= 4:
		r.Confidence = "high"
	case n >= 2:
		r.Confidence = "medium"
	default:
		r.Confidence = "low"
	}
	switch {
	case r.Score >= 90:
		r.Band, r.Recommendation = "fully_recovered", "ready for hard training"
	case r.Score >= 70:
		r.Band, r.Recommendation = "good", "moderate to hard training is fine"
	case r.Score >= 50:
		r.Band, r.Recommendation = "partial", "keep it easy to moderate today"
	default:
		r.Band, r.Recommendation = "poor", "rest day recommended"
	}
	r.Interpretation = fmt.Sprintf("Recovery %.0f/100 (%s): %s", r.Score, r.Band, r.Recommendation)
	return r, nil
}

// TSBScore maps TSB to a 0–100 readiness score (the seed's score_tsb with
// its discontinuity at +25 removed): 100 for TSB 5–15; 85 at 0; 60 at −10;
// 30 at −15; 0 at −30 and below; 90 at +25, falling 2 points per TSB unit
// above +25 to a floor of 60 (detraining).
func TSBScore(tsb float64) float64 {
	switch {
	case tsb > 25:
		return 90 - math.Min((tsb-25)*2, 30)
	case tsb > 15:
		return 100 - 10*(tsb-15)/10
	case tsb >= 5:
		return 100
	case tsb >= 0:
		return 85 + 15*tsb/5
	case tsb >= -10:
		return 60 + 25*(tsb+10)/10
	case tsb >= -15:
		return 30 + 30*(tsb+15)/5
	default:
		return 30 - math.Min((math.Abs(tsb)-15)/15*30, 30)
	}
}
