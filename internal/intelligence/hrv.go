package intelligence

import (
	"fmt"
	"math"
)

// HRVReading is one morning (or overnight) RMSSD value.
type HRVReading struct {
	Date    Date    `json:"date"`
	RMSSDMs float64 `json:"rmssd_ms"`
}

// HRVOptions tune AnalyzeHRV. Zero values mean the defaults.
type HRVOptions struct {
	// RollingDays is the short window (default 7).
	RollingDays int `json:"rolling_days,omitempty"`
	// BaselineDays is the window before the rolling one that sets the
	// personal baseline (default 30).
	BaselineDays int `json:"baseline_days,omitempty"`
}

// HRVAnalysis compares recent RMSSD with the athlete's own baseline, the
// approach of Plews et al. (2012, 2013): the 7-day rolling mean of
// ln(RMSSD) against the baseline mean ± the smallest worthwhile change
// (0.5 × SD).
type HRVAnalysis struct {
	// Method is "ln_rmssd_rolling_vs_baseline".
	Method              string  `json:"method"`
	Date                Date    `json:"date"`
	LatestRMSSDMs       float64 `json:"latest_rmssd_ms"`
	RollingMeanRMSSDMs  float64 `json:"rolling_mean_rmssd_ms"`
	BaselineMeanRMSSDMs float64 `json:"baseline_mean_rmssd_ms"`
	RollingLnRMSSD      float64 `json:"rolling_ln_rmssd"`
	BaselineLnRMSSD     float64 `json:"baseline_ln_rmssd"`
	SWCLnRMSSD          float64 `json:"smallest_worthwhile_change_ln"`
	// NormalRangeLowMs/HighMs are exp(baseline ± SWC).
	NormalRangeLowMs  float64 `json:"normal_range_low_ms"`
	NormalRangeHighMs float64 `json:"normal_range_high_ms"`
	// RollingCVPercent is the coefficient of variation of ln RMSSD over the
	// rolling window; rising CV signals disturbed recovery.
	RollingCVPercent float64 `json:"rolling_cv_percent"`
	// Status is "within_normal", "below_normal" or "above_normal" (rolling
	// mean against baseline ± SWC).
	Status string `json:"status"`
	// ChangeVsRollingMs is latest − rolling mean.
	ChangeVsRollingMs float64 `json:"change_vs_rolling_mean_ms"`
	// BaselineDeviationPercent is latest vs the baseline mean.
	BaselineDeviationPercent float64 `json:"baseline_deviation_percent"`
	// RecoveryStatus is the seed's discrete day status: "recovered",
	// "normal", "fatigued" or "highly_fatigued".
	RecoveryStatus string `json:"recovery_status"`
	// TrendMsPerDay is the regression slope of RMSSD over the rolling and
	// baseline windows together.
	TrendMsPerDay float64 `json:"trend_ms_per_day"`
	// AbsoluteBand is the tutorial's RMSSD table: > 100 excellent, 60–100
	// good, 40–60 moderate, 20–40 poor, < 20 very poor.
	AbsoluteBand     string `json:"absolute_band"`
	RollingReadings  int    `json:"rolling_readings"`
	BaselineReadings int    `json:"baseline_readings"`
	Interpretation   string `json:"interpretation"`
}

// AnalyzeHRV analyses RMSSD readings up to asOf. It needs at least 3
// readings in the rolling window and 7 in the baseline window; duplicate
// days are averaged.
func AnalyzeHRV(readings []HRVReading, asOf Date, opts HRVOptions) (HRVAnalysis, error) {
	roll, base := opts.RollingDays, opts.BaselineDays
	if roll == 0 {
		roll = 7
	}
	if base == 0 {
		base = 30
	}
	if roll < 3 || roll > 28 {
		return HRVAnalysis{}, inputErr("rolling_days", "must be between 3 and 28, got %d", roll)
	}
	if base < 7 || base > 180 {
		return HRVAnalysis{}, inputErr("baseline_days", "must be between 7 and 180, got %d", base)
	}
	byDay := map[Date][]float64{}
	for i, r := range readings {
		if err := checkRange(fmt.Sprintf("readings[%d].rmssd_ms", i), r.RMSSDMs, 1, 300, "ms"); err != nil {
			return HRVAnalysis{}, err
		}
		byDay[r.Date] = append(byDay[r.Date], r.RMSSDMs)
	}
	rollStart, baseStart := asOf-Date(roll-1), asOf-Date(roll+base-1)
	var rollLn, baseLn, rollMs, baseMs []float64
	var trendX, trendY []float64
	latestDay, latest := Date(math.MinInt32), 0.0
	for d, vs := range byDay {
		if d > asOf || d < baseStart {
			continue
		}
		v := mean(vs)
		if d >= rollStart {
			rollLn, rollMs = append(rollLn, math.Log(v)), append(rollMs, v)
		} else {
			baseLn, baseMs = append(baseLn, math.Log(v)), append(baseMs, v)
		}
		trendX, trendY = append(trendX, float64(d.DaysSince(asOf))), append(trendY, v)
		if d > latestDay {
			latestDay, latest = d, v
		}
	}
	if len(rollLn) < 3 {
		return HRVAnalysis{}, insufficient("HRV analysis", fmt.Sprintf("at least 3 readings in the %d days up to %s (have %d)", roll, asOf, len(rollLn)))
	}
	if len(baseLn) < 7 {
		return HRVAnalysis{}, insufficient("HRV baseline", fmt.Sprintf("at least 7 readings in the %d days before the rolling window (have %d)", base, len(baseLn)))
	}
	a := HRVAnalysis{
		Method: "ln_rmssd_rolling_vs_baseline", Date: asOf, LatestRMSSDMs: latest,
		RollingMeanRMSSDMs: mean(rollMs), BaselineMeanRMSSDMs: mean(baseMs),
		RollingLnRMSSD: mean(rollLn), BaselineLnRMSSD: mean(baseLn),
		SWCLnRMSSD:      0.5 * stddev(baseLn),
		RollingReadings: len(rollLn), BaselineReadings: len(baseLn),
	}
	a.NormalRangeLowMs = math.Exp(a.BaselineLnRMSSD - a.SWCLnRMSSD)
	a.NormalRangeHighMs = math.Exp(a.BaselineLnRMSSD + a.SWCLnRMSSD)
	if a.RollingLnRMSSD != 0 {
		a.RollingCVPercent = stddev(rollLn) / a.RollingLnRMSSD * 100
	}
	switch {
	case a.RollingLnRMSSD < a.BaselineLnRMSSD-a.SWCLnRMSSD:
		a.Status = "below_normal"
	case a.RollingLnRMSSD > a.BaselineLnRMSSD+a.SWCLnRMSSD:
		a.Status = "above_normal"
	default:
		a.Status = "within_normal"
	}
	a.ChangeVsRollingMs = latest - a.RollingMeanRMSSDMs
	a.BaselineDeviationPercent = (latest - a.BaselineMeanRMSSDMs) / a.BaselineMeanRMSSDMs * 100
	switch {
	case a.BaselineDeviationPercent < -15:
		a.RecoveryStatus = "highly_fatigued"
	case a.BaselineDeviationPercent < -5 || a.ChangeVsRollingMs <= -10:
		a.RecoveryStatus = "fatigued"
	case a.ChangeVsRollingMs >= 5:
		a.RecoveryStatus = "recovered"
	default:
		a.RecoveryStatus = "normal"
	}
	if reg, err := LinearRegression(trendX, trendY); err == nil {
		a.TrendMsPerDay = reg.Slope
	}
	a.AbsoluteBand = rmssdBand(latest)
	switch a.Status {
	case "below_normal":
		a.Interpretation = fmt.Sprintf("HRV below your normal range: 7-day RMSSD %.0f ms vs baseline %.0f ms (normal %.0f–%.0f) — accumulated fatigue; favour easy training", a.RollingMeanRMSSDMs, a.BaselineMeanRMSSDMs, a.NormalRangeLowMs, a.NormalRangeHighMs)
	case "above_normal":
		a.Interpretation = fmt.Sprintf("HRV above your normal range: 7-day RMSSD %.0f ms vs baseline %.0f ms — usually good recovery; if it coincides with heavy fatigue it can also mean deep overreaching", a.RollingMeanRMSSDMs, a.BaselineMeanRMSSDMs)
	default:
		a.Interpretation = fmt.Sprintf("HRV within your normal range: 7-day RMSSD %.0f ms vs baseline %.0f ms (normal %.0f–%.0f) — train as planned", a.RollingMeanRMSSDMs, a.BaselineMeanRMSSDMs, a.NormalRangeLowMs, a.NormalRangeHighMs)
	}
	return a, nil
}

func rmssdBand(v float64) string {
	switch {
	case v > 100:
		return "excellent"
	case v >= 60:
		return "good"
	case v >= 40:
		return "moderate"
	case v >= 20:
		return "poor"
	default:
		return "very_poor"
	}
}
