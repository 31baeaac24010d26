package intelligence

import (
	"fmt"
)

// WeeklyLoad is the load of a 7-day block.
type WeeklyLoad struct {
	From Date    `json:"from"`
	To   Date    `json:"to"`
	TSS  float64 `json:"tss"`
}

// BalanceCheck is one of the tutorial's balance criteria.
type BalanceCheck struct {
	Name    string  `json:"name"`
	OK      bool    `json:"ok"`
	Value   float64 `json:"value"`
	Target  string  `json:"target"`
	Message string  `json:"message"`
}

// BalanceResult assesses training balance and the periodization phase.
type BalanceResult struct {
	Date Date    `json:"date"`
	CTL  float64 `json:"ctl"`
	ATL  float64 `json:"atl"`
	TSB  float64 `json:"tsb"`
	// WeeklyTSS are the last (up to four) 7-day blocks, oldest first, the
	// last ending on Date.
	WeeklyTSS                 []WeeklyLoad `json:"weekly_tss"`
	WeekOverWeekChangePercent *float64     `json:"week_over_week_change_percent,omitempty"`
	RecoveryDaysLast7         int          `json:"recovery_days_last_7"`
	HardDaysLast14            int          `json:"hard_days_last_14"`
	EasyDaysLast14            int          `json:"easy_days_last_14"`
	// Phase is "build", "recovery_week", "peak", "race_ready",
	// "overreaching", "detraining" or "maintenance".
	Phase            string         `json:"phase"`
	PhaseDescription string         `json:"phase_description"`
	Checks           []BalanceCheck `json:"checks"`
	Recommendations  []string       `json:"recommendations"`
	Interpretation   string         `json:"interpretation"`
}

// AssessTrainingBalance checks the tutorial's balance targets on a
// training-load series (at least 14 days; 28 or more gives all four weeks):
// TSB −10 to +10, weekly TSS growth 5–10 %, 1–2 recovery days per week and
// a hard:easy ratio of 1:2 to 1:3; and names the periodization phase from
// TSB and the weekly TSS change (build: TSB −10…−20, +5–10 %; recovery
// week: +10…+20, −40…−50 %; peak: +15…+25, about −30 %; race day:
// +20…+30). Hard days are as in ConsecutiveHardDays; a recovery day has
// TSS ≤ 0.5 × the usual daily load.
func AssessTrainingBalance(series []LoadPoint) (BalanceResult, error) {
	if len(series) < 14 {
		return BalanceResult{}, insufficient("training balance", fmt.Sprintf("at least 14 days of training load (have %d)", len(series)))
	}
	for i := 1; i < len(series); i++ {
		if series[i].Date != series[i-1].Date+1 {
			return BalanceResult{}, inputErr(fmt.Sprintf("series[%d].date", i), "must be the day after the previous point: the series must be contiguous")
		}
	}
	n := len(series)
	last := series[n-1]
	r := BalanceResult{Date: last.Date, CTL: last.CTL, ATL: last.ATL, TSB: last.TSB}
	for k := min(4, n/7) - 1; k >= 0; k-- {
		hi := n - 1 - 7*k
		w := WeeklyLoad{From: series[hi-6].Date, To: series[hi].Date}
		for _, p := range series[hi-6 : hi+1] {
			w.TSS += p.TSS
		}
		r.WeeklyTSS = append(r.WeeklyTSS, w)
	}
	var change float64
	hasChange := false
	if m := len(r.WeeklyTSS); m >= 2 && r.WeeklyTSS[m-2].TSS > 0 {
		change = (r.WeeklyTSS[m-1].TSS - r.WeeklyTSS[m-2].TSS) / r.WeeklyTSS[m-2].TSS * 100
		r.WeekOverWeekChangePercent, hasChange = &change, true
	}
	hardOpts := HardDayOptions{}.withDefaults()
	for i := n - 7; i < n; i++ {
		if series[i].TSS <= 0.5*usualDailyLoad(series, i) {
			r.RecoveryDaysLast7++
		}
	}
	for i := n - 14; i < n; i++ {
		if isHardDay(series, i, hardOpts) {
			r.HardDaysLast14++
		} else {
			r.EasyDaysLast14++
		}
	}

	tsb := last.TSB
	r.Checks = append(r.Checks, BalanceCheck{Name: "tsb_range", OK: tsb >= -10 && tsb <= 10, Value: tsb, Target: "−10 to +10",
		Message: fmt.Sprintf("TSB %+.0f", tsb)})
	if hasChange {
		c := BalanceCheck{Name: "weekly_tss_growth", OK: change >= 5 && change <= 10, Value: change, Target: "+5 to +10 %"}
		switch {
		case change > 10:
			c.Message = fmt.Sprintf("weekly TSS up %.0f%%: faster than the 10%% guideline", change)
			r.Recommendations = append(r.Recommendations, "Limit next week's load increase to 5–10%.")
		case change < 5:
			c.Message = fmt.Sprintf("weekly TSS %+.0f%%: not building (fine for recovery or taper weeks)", change)
		default:
			c.Message = fmt.Sprintf("weekly TSS up %.0f%%: progressive and sustainable", change)
		}
		r.Checks = append(r.Checks, c)
	}
	rc := BalanceCheck{Name: "recovery_days", OK: r.RecoveryDaysLast7 >= 1 && r.RecoveryDaysLast7 <= 2, Value: float64(r.RecoveryDaysLast7), Target: "1–2 per week",
		Message: fmt.Sprintf("%d recovery day(s) in the last 7", r.RecoveryDaysLast7)}
	if r.RecoveryDaysLast7 == 0 {
		r.Recommendations = append(r.Recommendations, "Add at least one recovery day (rest or very easy) each week.")
	}
	r.Checks = append(r.Checks, rc)
	hc := BalanceCheck{Name: "hard_easy_ratio", Target: "1:2 to 1:3"}
	if r.HardDaysLast14 == 0 {
		hc.Message = "no hard days in the last 14: fine for base or recovery, add quality sessions to build"
	} else {
		ratio := float64(r.EasyDaysLast14) / float64(r.HardDaysLast14)
		hc.Value, hc.OK = ratio, ratio >= 2 && ratio <= 3
		hc.Message = fmt.Sprintf("hard:easy 1:%.1f over the last 14 days", ratio)
		if ratio < 2 {
			r.Recommendations = append(r.Recommendations, "Too many hard days: follow each hard day with at least two easy ones.")
		}
	}
	r.Checks = append(r.Checks, hc)

	ramp := 0.0
	if n >= 8 {
		ramp = last.CTL - series[n-8].CTL
	}
	switch {
	case tsb < -30:
		r.Phase, r.PhaseDescription = "overreaching", "fatigue far above fitness (TSB < −30): back off before it becomes overtraining"
	case hasChange && change <= -35 && tsb >= 10 && tsb < 20:
		r.Phase, r.PhaseDescription = "recovery_week", "recovery week: load cut 40–50 %, TSB +10 to +20"
	case tsb >= 20 && hasChange && change < 0:
		r.Phase, r.PhaseDescription = "race_ready", "tapered and fresh (TSB +20 to +30): ready to race"
	case tsb >= 15 && hasChange && change <= -15:
		r.Phase, r.PhaseDescription = "peak", "peaking: load reduced about 30 %, TSB +15 to +25"
	case tsb > 10 && ramp < -3:
		r.Phase, r.PhaseDescription = "detraining", "fitness falling with little load: fine for a break, otherwise rebuild gradually"
	case tsb <= -10 && (!hasChange || change >= 0):
		r.Phase, r.PhaseDescription = "build", "building: productive fatigue (TSB −10 to −20) with rising weekly load"
	default:
		r.Phase, r.PhaseDescription = "maintenance", "steady load with balanced fatigue"
	}
	ok := 0
	for _, c := range r.Checks {
		if c.OK {
			ok++
		}
	}
	if len(r.Recommendations) == 0 {
		r.Recommendations = append(r.Recommendations, "Training balance looks sound; keep the current structure.")
	}
	r.Interpretation = fmt.Sprintf("Phase: %s (%s). %d of %d balance checks met.", r.Phase, r.PhaseDescription, ok, len(r.Checks))
	return r, nil
}
