package intelligence

import (
	"fmt"
	"math"
)

// Default time constants of the Performance Manager (days).
const (
	DefaultCTLDays = 42
	DefaultATLDays = 7
	// MaxSeriesDays bounds daily series (100 years) so a bad date cannot
	// allocate without limit.
	MaxSeriesDays = 36600
)

// ActivityLoad is one activity's training stress on its calendar day.
type ActivityLoad struct {
	ActivityID string  `json:"activity_id,omitempty"`
	Date       Date    `json:"date"`
	TSS        float64 `json:"tss"`
	// Method says how the TSS was obtained ("power_np", "hr_tss", …).
	Method string `json:"method,omitempty"`
}

// DailyLoad is the summed TSS of one day.
type DailyLoad struct {
	Date       Date    `json:"date"`
	TSS        float64 `json:"tss"`
	Activities int     `json:"activities"`
}

// DailyTSSSeries sums activity TSS per calendar day over [from, to]; days
// without activity are present with TSS 0. Loads outside the range are
// ignored, so start from the first activity to get the full history.
func DailyTSSSeries(loads []ActivityLoad, from, to Date) ([]DailyLoad, error) {
	if err := checkDateOrder("from", from, "to", to); err != nil {
		return nil, err
	}
	if to.DaysSince(from) >= MaxSeriesDays {
		return nil, inputErr("to", "must be less than %d days after from", MaxSeriesDays)
	}
	for i, l := range loads {
		if !(l.TSS >= 0 && l.TSS <= math.MaxFloat64) {
			return nil, checkNonNegative(fmt.Sprintf("loads[%d].tss", i), l.TSS)
		}
	}
	out := make([]DailyLoad, to.DaysSince(from)+1)
	for i := range out {
		out[i].Date = from.AddDays(i)
	}
	for _, l := range loads {
		if l.Date < from || l.Date > to {
			continue
		}
		d := &out[l.Date.DaysSince(from)]
		d.TSS += l.TSS
		d.Activities++
	}
	return out, nil
}

// LoadOptions tune ComputeTrainingLoad. The zero value means 42/7 days
// starting from 0.
type LoadOptions struct {
	CTLDays int `json:"ctl_days,omitempty"`
	ATLDays int `json:"atl_days,omitempty"`
	// InitialCTL and InitialATL seed the exponential and Kalman models
	// (e.g. from the end of an earlier series). Ignored by sma and wma.
	InitialCTL float64 `json:"initial_ctl,omitempty"`
	InitialATL float64 `json:"initial_atl,omitempty"`
}

// LoadPoint is the state of one day.
type LoadPoint struct {
	Date Date    `json:"date"`
	TSS  float64 `json:"tss"`
	CTL  float64 `json:"ctl"`
	ATL  float64 `json:"atl"`
	// TSB is CTL − ATL at the end of the day. (TrainingPeaks shows a day's
	// "form" as the previous day's CTL − ATL, i.e. the TSB of the point
	// before.)
	TSB float64 `json:"tsb"`
}

// TrainingLoadResult is the fitness/fatigue/form history and its current
// state (the last day).
type TrainingLoadResult struct {
	Algorithm TrainingLoadAlgorithm `json:"algorithm"`
	CTLDays   int                   `json:"ctl_days"`
	ATLDays   int                   `json:"atl_days"`
	Date      Date                  `json:"date"`
	CTL       float64               `json:"ctl"`
	ATL       float64               `json:"atl"`
	TSB       float64               `json:"tsb"`
	// RampRatePerWeek is the CTL change over the last 7 days (nil with
	// fewer than 8 days).
	RampRatePerWeek *float64 `json:"ramp_rate_ctl_per_week,omitempty"`
	// FormStatus is "peaked" (TSB > 25), "fresh" (10, 25], "balanced"
	// [−10, 10], "fatigued" [−30, −10) or "overreached" (< −30).
	FormStatus     string      `json:"form_status"`
	Interpretation string      `json:"interpretation"`
	RampNote       string      `json:"ramp_interpretation,omitempty"`
	Series         []LoadPoint `json:"series"`
}

// ComputeTrainingLoad runs the selected CTL/ATL model over a contiguous
// daily series (as returned by DailyTSSSeries). O(n) time.
func ComputeTrainingLoad(algo TrainingLoadAlgorithm, daily []DailyLoad, opts LoadOptions) (TrainingLoadResult, error) {
	ctlDays, atlDays := opts.CTLDays, opts.ATLDays
	if ctlDays == 0 {
		ctlDays = DefaultCTLDays
	}
	if atlDays == 0 {
		atlDays = DefaultATLDays
	}
	if ctlDays < 1 || ctlDays > 365 {
		return TrainingLoadResult{}, inputErr("ctl_days", "must be between 1 and 365, got %d", ctlDays)
	}
	if atlDays < 1 || atlDays > 365 {
		return TrainingLoadResult{}, inputErr("atl_days", "must be between 1 and 365, got %d", atlDays)
	}
	if err := checkNonNegative("initial_ctl", opts.InitialCTL); err != nil {
		return TrainingLoadResult{}, err
	}
	if err := checkNonNegative("initial_atl", opts.InitialATL); err != nil {
		return TrainingLoadResult{}, err
	}
	if len(daily) == 0 {
		return TrainingLoadResult{}, insufficient("training load", "at least one day of TSS")
	}
	tss := make([]float64, len(daily))
	for i, d := range daily {
		if !(d.TSS >= 0 && d.TSS <= math.MaxFloat64) {
			return TrainingLoadResult{}, checkNonNegative(fmt.Sprintf("daily[%d].tss", i), d.TSS)
		}
		if i > 0 && d.Date != daily[i-1].Date+1 {
			return TrainingLoadResult{}, inputErr(fmt.Sprintf("daily[%d].date", i), "(%s) must be the day after %s: the series must be contiguous and ascending", d.Date, daily[i-1].Date)
		}
		tss[i] = d.TSS
	}
	ctl, err := smoothLoad(algo, tss, ctlDays, opts.InitialCTL)
	if err != nil {
		return TrainingLoadResult{}, err
	}
	atl, _ := smoothLoad(algo, tss, atlDays, opts.InitialATL)
	series := make([]LoadPoint, len(daily))
	for i := range daily {
		series[i] = LoadPoint{Date: daily[i].Date, TSS: tss[i], CTL: ctl[i], ATL: atl[i], TSB: ctl[i] - atl[i]}
	}
	last := series[len(series)-1]
	r := TrainingLoadResult{
		Algorithm: algo, CTLDays: ctlDays, ATLDays: atlDays,
		Date: last.Date, CTL: last.CTL, ATL: last.ATL, TSB: last.TSB, Series: series,
	}
	r.FormStatus, r.Interpretation = FormStatus(last.TSB)
	if len(series) >= 8 {
		ramp := last.CTL - series[len(series)-8].CTL
		r.RampRatePerWeek = &ramp
		r.RampNote = rampInterpretation(ramp)
	}
	return r, nil
}

// smoothLoad applies one model with time constant n.
func smoothLoad(algo TrainingLoadAlgorithm, tss []float64, n int, init float64) ([]float64, error) {
	out := make([]float64, len(tss))
	switch algo {
	case LoadTrainingPeaks, LoadEMA:
		k := 1 / float64(n)
		if algo == LoadEMA {
			k = 2 / float64(n+1)
		}
		x := init
		for i, t := range tss {
			x += (t - x) * k
			out[i] = x
		}
	case LoadSMA:
		s := 0.0
		for i, t := range tss {
			s += t
			if i >= n {
				s -= tss[i-n]
			}
			out[i] = s / float64(n)
		}
	case LoadWMA:
		// W_t = Σ_{k=1..N} k·x_{t−N+k}; W_{t+1} = W_t − S_t + N·x_{t+1}.
		var s, w float64
		denom := float64(n*(n+1)) / 2
		for i, t := range tss {
			w += float64(n)*t - s
			s += t
			if i >= n {
				s -= tss[i-n]
			}
			out[i] = w / denom
		}
	case LoadKalman:
		kInf := 1 / float64(n)
		const r = 1.0
		q := kInf * kInf / (1 - kInf) * r
		x, p := init, 1e9 // diffuse prior: the first day sets the level
		if init > 0 {
			p = kInf * r
		}
		for i, t := range tss {
			pm := p + q
			k := pm / (pm + r)
			x += k * (t - x)
			p = (1 - k) * pm
			out[i] = x
		}
	default:
		return nil, inputErr("algorithm", "%q is not a training-load algorithm (trainingpeaks, ema, sma, wma, kalman)", string(algo))
	}
	return out, nil
}

// FormStatus classifies TSB with the tutorial's bands and returns a
// sentence an assistant can relay.
func FormStatus(tsb float64) (status, interpretation string) {
	switch {
	case tsb > 25:
		return "peaked", fmt.Sprintf("Peaked: TSB %+.0f — very fresh and ready for peak performance; fitness starts to fade if this lasts", tsb)
	case tsb > 10:
		return "fresh", fmt.Sprintf("Fresh: TSB %+.0f — good day for intensity or a race", tsb)
	case tsb >= -10:
		return "balanced", fmt.Sprintf("Balanced: TSB %+.0f — sustainable training load", tsb)
	case tsb >= -30:
		return "fatigued", fmt.Sprintf("Fatigued: TSB %+.0f — productive overload; keep easy days and sleep in the plan", tsb)
	default:
		return "overreached", fmt.Sprintf("Overreached: TSB %+.0f — high risk of overtraining; rest or train very easily", tsb)
	}
}

func rampInterpretation(ramp float64) string {
	switch {
	case ramp < -5:
		return fmt.Sprintf("CTL %+.1f/week: fitness is falling (taper, break or illness)", ramp)
	case ramp <= 0:
		return fmt.Sprintf("CTL %+.1f/week: fitness is stable or easing", ramp)
	case ramp <= 5:
		return fmt.Sprintf("CTL %+.1f/week: sustainable build", ramp)
	case ramp <= 8:
		return fmt.Sprintf("CTL %+.1f/week: aggressive build — sustainable only for a few weeks", ramp)
	default:
		return fmt.Sprintf("CTL %+.1f/week: very steep build — high risk of injury, illness or overreaching", ramp)
	}
}

// MonotonyResult is Foster's weekly monotony and strain.
type MonotonyResult struct {
	Method         string   `json:"method"` // "foster_1998"
	From           Date     `json:"from"`
	To             Date     `json:"to"`
	WeeklyLoad     float64  `json:"weekly_load_tss"`
	MeanDailyLoad  float64  `json:"mean_daily_load_tss"`
	StdDevDaily    float64  `json:"stddev_daily_load_tss"`
	Monotony       *float64 `json:"monotony,omitempty"` // nil when every day had the same load
	Strain         *float64 `json:"strain,omitempty"`
	HighMonotony   bool     `json:"high_monotony"`
	Interpretation string   `json:"interpretation"`
}

// FosterMonotony computes monotony = mean / SD of the 7 daily loads ending
// on `end`, and strain = weekly load × monotony (Foster 1998). SD is the
// sample standard deviation. Monotony above 2.0 is the warning level.
func FosterMonotony(daily []DailyLoad, end Date) (MonotonyResult, error) {
	week, err := window(daily, end, 7)
	if err != nil {
		return MonotonyResult{}, err
	}
	var sum float64
	for _, d := range week {
		sum += d.TSS
	}
	m := sum / 7
	var ss float64
	for _, d := range week {
		ss += (d.TSS - m) * (d.TSS - m)
	}
	sd := math.Sqrt(ss / 6)
	r := MonotonyResult{Method: "foster_1998", From: week[0].Date, To: end, WeeklyLoad: sum, MeanDailyLoad: m, StdDevDaily: sd}
	switch {
	case sum == 0:
		r.Interpretation = "No training load in the week."
	case sd < 1e-9:
		r.HighMonotony = true
		r.Interpretation = "Identical load every day: monotony is maximal — vary hard and easy days."
	default:
		mono := m / sd
		strain := sum * mono
		r.Monotony, r.Strain = &mono, &strain
		r.HighMonotony = mono > 2
		if r.HighMonotony {
			r.Interpretation = fmt.Sprintf("Monotony %.2f (> 2.0): days are too similar — Foster linked this with illness; add easy or rest days", mono)
		} else {
			r.Interpretation = fmt.Sprintf("Monotony %.2f: enough variation between hard and easy days", mono)
		}
	}
	return r, nil
}

// window returns the n days ending on end from a contiguous series.
func window(daily []DailyLoad, end Date, n int) ([]DailyLoad, error) {
	if len(daily) == 0 {
		return nil, insufficient("daily load", "a daily TSS series")
	}
	first := daily[0].Date
	if end < first || end > daily[len(daily)-1].Date {
		return nil, inputErr("end", "(%s) must fall within the series (%s to %s)", end, first, daily[len(daily)-1].Date)
	}
	i := end.DaysSince(first)
	if daily[i].Date != end {
		return nil, inputErr("daily", "must be contiguous and ascending (as from DailyTSSSeries)")
	}
	if i+1 < n {
		return nil, insufficient(fmt.Sprintf("a %d-day window", n), fmt.Sprintf("%d days of history before %s (have %d)", n, end, i+1))
	}
	return daily[i+1-n : i+1], nil
}

// ACWR methods.
const (
	ACWRRollingAverage = "rolling_average" // Gabbett 2016, coupled 7/28-day means
	ACWREWMA           = "ewma"            // Williams et al. 2017
)

// ACWRResult is the acute:chronic workload ratio.
type ACWRResult struct {
	Method  string  `json:"method"`
	Date    Date    `json:"date"`
	ACWR    float64 `json:"acwr"`
	Acute   float64 `json:"acute_load_tss_per_day"`
	Chronic float64 `json:"chronic_load_tss_per_day"`
	// Zone is "undertraining" (< 0.8), "sweet_spot" [0.8, 1.3],
	// "caution" (1.3, 1.5] or "danger" (> 1.5).
	Zone           string `json:"zone"`
	Interpretation string `json:"interpretation"`
}

// AcuteChronicWorkloadRatio computes ACWR on `end`: the 7-day mean daily
// load over the 28-day mean (rolling_average, Gabbett 2016), or the 7- and
// 28-day EWMAs with α = 2/(N+1) over the whole series (ewma, Williams et al.
// 2017). Needs 28 days of history.
func AcuteChronicWorkloadRatio(daily []DailyLoad, end Date, method string) (ACWRResult, error) {
	if method == "" {
		method = ACWRRollingAverage
	}
	if method != ACWRRollingAverage && method != ACWREWMA {
		return ACWRResult{}, inputErr("method", "must be %q or %q, got %q", ACWRRollingAverage, ACWREWMA, method)
	}
	chronicWin, err := window(daily, end, 28)
	if err != nil {
		return ACWRResult{}, err
	}
	r := ACWRResult{Method: method, Date: end}
	if method == ACWRRollingAverage {
		for i, d := range chronicWin {
			r.Chronic += d.TSS / 28
			if i >= 21 {
				r.Acute += d.TSS / 7
			}
		}
	} else {
		upto := daily[:end.DaysSince(daily[0].Date)+1]
		aa, ac := 2.0/8, 2.0/29
		for _, d := range upto {
			r.Acute = aa*d.TSS + (1-aa)*r.Acute
			r.Chronic = ac*d.TSS + (1-ac)*r.Chronic
		}
	}
	if r.Chronic <= 0 {
		return ACWRResult{}, insufficient("ACWR", "some training load in the last 28 days")
	}
	r.ACWR = r.Acute / r.Chronic
	r.Zone, r.Interpretation = acwrZone(r.ACWR)
	return r, nil
}

func acwrZone(v float64) (string, string) {
	switch {
	case v < 0.8:
		return "undertraining", fmt.Sprintf("ACWR %.2f: recent load is well below what you are used to — low injury risk, but fitness may slip", v)
	case v <= 1.3:
		return "sweet_spot", fmt.Sprintf("ACWR %.2f: in the 0.8–1.3 sweet spot — load is rising at a safe pace", v)
	case v <= 1.5:
		return "caution", fmt.Sprintf("ACWR %.2f: above 1.3 — load is rising quickly; hold it here for a while", v)
	default:
		return "danger", fmt.Sprintf("ACWR %.2f: above 1.5 — spike in load, the range linked with the highest injury risk; back off", v)
	}
}

// HardDayOptions define a "hard" day for ConsecutiveHardDays.
type HardDayOptions struct {
	// RelativeToCTL: a day is hard when its TSS ≥ RelativeToCTL × the
	// athlete's usual daily load (default 1.25).
	RelativeToCTL float64 `json:"relative_to_ctl,omitempty"`
	// MinTSS is an absolute floor so that a detrained athlete's short
	// sessions are not "hard" (default 50).
	MinTSS float64 `json:"min_tss,omitempty"`
}

func (o HardDayOptions) withDefaults() HardDayOptions {
	if o.RelativeToCTL <= 0 {
		o.RelativeToCTL = 1.25
	}
	if o.MinTSS <= 0 {
		o.MinTSS = 50
	}
	return o
}

// usualDailyLoad is the athlete's usual daily load before day i: the larger
// of the previous day's CTL and the mean TSS of the (up to) 28 previous
// days. The mean guards against CTL's slow start from zero.
func usualDailyLoad(series []LoadPoint, i int) float64 {
	if i == 0 {
		return 0
	}
	lo := max(0, i-28)
	s := 0.0
	for _, p := range series[lo:i] {
		s += p.TSS
	}
	return math.Max(series[i-1].CTL, s/float64(i-lo))
}

func isHardDay(series []LoadPoint, i int, o HardDayOptions) bool {
	return series[i].TSS >= math.Max(o.MinTSS, o.RelativeToCTL*usualDailyLoad(series, i))
}

// ConsecutiveHardDays counts hard days ending on the last point of the
// series. A day is hard when TSS ≥ max(MinTSS, RelativeToCTL × usual daily
// load), the usual load being the larger of the previous day's CTL and the
// mean of the previous 28 days: well above what the athlete is used to.
func ConsecutiveHardDays(series []LoadPoint, opts HardDayOptions) int {
	o := opts.withDefaults()
	n := 0
	for i := len(series) - 1; i >= 0 && isHardDay(series, i, o); i-- {
		n++
	}
	return n
}
