package intelligence

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// MinSessionsForTrainingWeek is the session count that makes a 7-day
// block a "training week" for the weekly streak.
const MinSessionsForTrainingWeek = 3

// ConsistencyResult describes how regularly the athlete trains.
type ConsistencyResult struct {
	From            Date    `json:"from"`
	To              Date    `json:"to"`
	Weeks           int     `json:"weeks"`
	Sessions        int     `json:"sessions"`
	ActiveDays      int     `json:"active_days"`
	SessionsPerWeek float64 `json:"sessions_per_week"`
	// WeeklySessionsCV is the coefficient of variation (SD/mean) of the
	// weekly session counts.
	WeeklySessionsCV float64 `json:"weekly_sessions_cv"`
	// ConsistencyScore is 100 × (1 − CV), clamped to 0–100.
	ConsistencyScore float64 `json:"consistency_score"`
	// Band is "highly_variable" (< 30), "moderate" (30–60), "consistent"
	// (60–80) or "very_consistent" (≥ 80).
	Band                   string  `json:"band"`
	CurrentStreakDays      int     `json:"current_streak_days"`
	LongestStreakDays      int     `json:"longest_streak_days"`
	CurrentTrainingWeekRun int     `json:"current_weekly_streak_weeks"`
	ActiveWeeksPercent     float64 `json:"active_weeks_percent"`
	Interpretation         string  `json:"interpretation"`
}

type dayActivity struct {
	sessions int
	seconds  float64
	meters   float64
	elev     float64
}

func activitiesByDay(acts []fitness.Activity, loc *time.Location) map[Date]*dayActivity {
	m := map[Date]*dayActivity{}
	for i := range acts {
		a := &acts[i]
		d := DateOf(a.StartTime, loc)
		e := m[d]
		if e == nil {
			e = &dayActivity{}
			m[d] = e
		}
		e.sessions++
		e.seconds += float64(a.MovingOrElapsed())
		e.meters += a.DistanceMeters
		e.elev += a.ElevationGainMeters
	}
	return m
}

// TrainingConsistency analyses activities over [from, to] in 7-day blocks
// counted back from `to` (so weeks are complete): sessions per week, their
// coefficient of variation, daily streaks (the current streak survives a
// rest-so-far `to`), and the run of consecutive blocks with at least 3
// sessions. Needs at least 7 days.
func TrainingConsistency(acts []fitness.Activity, from, to Date, loc *time.Location) (ConsistencyResult, error) {
	if err := checkDateOrder("from", from, "to", to); err != nil {
		return ConsistencyResult{}, err
	}
	days := to.DaysSince(from) + 1
	if days < 7 {
		return ConsistencyResult{}, insufficient("training consistency", "a period of at least 7 days")
	}
	if days > MaxSeriesDays {
		return ConsistencyResult{}, inputErr("from", "must be less than %d days before to", MaxSeriesDays)
	}
	byDay := activitiesByDay(acts, loc)
	weeks := days / 7
	r := ConsistencyResult{From: to - Date(weeks*7-1), To: to, Weeks: weeks}
	counts := make([]float64, weeks) // oldest first
	for d, e := range byDay {
		if d < r.From || d > to {
			continue
		}
		r.Sessions += e.sessions
		r.ActiveDays++
		counts[weeks-1-to.DaysSince(d)/7] += float64(e.sessions)
	}
	m := mean(counts)
	r.SessionsPerWeek = m
	if m > 0 {
		var ss float64
		for _, c := range counts {
			ss += (c - m) * (c - m)
		}
		r.WeeklySessionsCV = math.Sqrt(ss/float64(weeks)) / m
		r.ConsistencyScore = clamp(100*(1-r.WeeklySessionsCV), 0, 100)
	}
	active := 0
	for _, c := range counts {
		if c > 0 {
			active++
		}
	}
	r.ActiveWeeksPercent = float64(active) / float64(weeks) * 100
	for k := weeks - 1; k >= 0 && counts[k] >= MinSessionsForTrainingWeek; k-- {
		r.CurrentTrainingWeekRun++
	}
	run := 0
	for d := r.From; d <= to; d++ {
		if byDay[d] != nil {
			run++
			r.LongestStreakDays = max(r.LongestStreakDays, run)
		} else {
			run = 0
		}
	}
	start := to
	if byDay[to] == nil {
		start = to - 1
	}
	for d := start; d >= r.From && byDay[d] != nil; d-- {
		r.CurrentStreakDays++
	}
	switch s := r.ConsistencyScore; {
	case s >= 80:
		r.Band = "very_consistent"
	case s >= 60:
		r.Band = "consistent"
	case s >= 30:
		r.Band = "moderate"
	default:
		r.Band = "highly_variable"
	}
	r.Interpretation = fmt.Sprintf("%.1f sessions/week over %d weeks (%s, score %.0f); %d-day current streak, %d consecutive weeks with %d+ sessions",
		r.SessionsPerWeek, weeks, r.Band, r.ConsistencyScore, r.CurrentStreakDays, r.CurrentTrainingWeekRun, MinSessionsForTrainingWeek)
	return r, nil
}

// WeekdayStat is the activity on one day of the week.
type WeekdayStat struct {
	Weekday         string  `json:"weekday"`
	Sessions        int     `json:"sessions"`
	SharePercent    float64 `json:"share_percent"`
	DurationSeconds float64 `json:"duration_seconds"`
	DistanceMeters  float64 `json:"distance_meters"`
}

// WeeklyRhythmResult is the day-of-week distribution.
type WeeklyRhythmResult struct {
	Days []WeekdayStat `json:"days"` // Monday first
	// MostCommonDays are up to three weekdays with the most sessions.
	MostCommonDays []string `json:"most_common_days"`
	// UsualRestDays have no sessions at all.
	UsualRestDays  []string `json:"usual_rest_days,omitempty"`
	LongSessionDay string   `json:"long_session_day,omitempty"`
	// HardEasyAlternation is the share of consecutive sessions that
	// switch between hard and easy (above/below the median load); a
	// pattern exists above 0.6.
	HardEasyAlternation *float64 `json:"hard_easy_alternation,omitempty"`
	AlternationPattern  bool     `json:"alternation_pattern"`
	Interpretation      string   `json:"interpretation"`
}

// WeeklyRhythm summarises which weekdays the athlete trains on. Sessions
// are labelled hard or easy by TSS when loads (matched by activity id) are
// given, else by duration.
func WeeklyRhythm(acts []fitness.Activity, loads []ActivityLoad, loc *time.Location) (WeeklyRhythmResult, error) {
	if len(acts) == 0 {
		return WeeklyRhythmResult{}, insufficient("weekly rhythm", "at least one activity")
	}
	var r WeeklyRhythmResult
	r.Days = make([]WeekdayStat, 7)
	for i := range 7 {
		r.Days[i].Weekday = time.Weekday((i + 1) % 7).String()
	}
	idx := func(w time.Weekday) int { return (int(w) + 6) % 7 }
	for i := range acts {
		a := &acts[i]
		d := &r.Days[idx(DateOf(a.StartTime, loc).Weekday())]
		d.Sessions++
		d.DurationSeconds += float64(a.MovingOrElapsed())
		d.DistanceMeters += a.DistanceMeters
	}
	bestLong := 0.0
	for i := range r.Days {
		d := &r.Days[i]
		d.SharePercent = float64(d.Sessions) / float64(len(acts)) * 100
		if d.Sessions == 0 {
			r.UsualRestDays = append(r.UsualRestDays, d.Weekday)
		} else if avg := d.DurationSeconds / float64(d.Sessions); avg > bestLong {
			bestLong, r.LongSessionDay = avg, d.Weekday
		}
	}
	order := make([]int, 7)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return r.Days[order[a]].Sessions > r.Days[order[b]].Sessions })
	for _, i := range order[:3] {
		if r.Days[i].Sessions > 0 {
			r.MostCommonDays = append(r.MostCommonDays, r.Days[i].Weekday)
		}
	}
	// Hard/easy alternation in chronological order.
	tss := map[string]float64{}
	for _, l := range loads {
		tss[l.ActivityID] += l.TSS
	}
	sorted := slices.Clone(acts)
	slices.SortStableFunc(sorted, func(a, b fitness.Activity) int { return a.StartTime.Compare(b.StartTime) })
	vals := make([]float64, len(sorted))
	for i := range sorted {
		if v, ok := tss[sorted[i].ID]; ok && len(loads) > 0 {
			vals[i] = v
		} else {
			vals[i] = float64(sorted[i].MovingOrElapsed())
		}
	}
	if len(vals) >= 3 {
		med := median(vals)
		alt := 0
		for i := 1; i < len(vals); i++ {
			if (vals[i] > med) != (vals[i-1] > med) {
				alt++
			}
		}
		s := float64(alt) / float64(len(vals)-1)
		r.HardEasyAlternation, r.AlternationPattern = &s, s > 0.6
	}
	r.Interpretation = fmt.Sprintf("Most sessions on %v", r.MostCommonDays)
	if r.LongSessionDay != "" {
		r.Interpretation += "; longest sessions on " + r.LongSessionDay
	}
	if r.AlternationPattern {
		r.Interpretation += "; hard and easy sessions alternate well"
	}
	return r, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// MonthVolume is one calendar month of training.
type MonthVolume struct {
	Month               string  `json:"month"` // YYYY-MM
	Sessions            int     `json:"sessions"`
	DurationSeconds     float64 `json:"duration_seconds"`
	DistanceMeters      float64 `json:"distance_meters"`
	ElevationGainMeters float64 `json:"elevation_gain_meters"`
}

// CalendarMonthAverage averages one month of the year across years.
type CalendarMonthAverage struct {
	Month              string  `json:"month"` // January…
	Years              int     `json:"years"`
	AvgSessions        float64 `json:"avg_sessions"`
	AvgDurationSeconds float64 `json:"avg_duration_seconds"`
	AvgDistanceMeters  float64 `json:"avg_distance_meters"`
}

// SeasonalResult is monthly volume over the history.
type SeasonalResult struct {
	Months          []MonthVolume          `json:"months"`
	ByCalendarMonth []CalendarMonthAverage `json:"by_calendar_month"`
	PeakMonth       string                 `json:"peak_month"`
	LowestMonth     string                 `json:"lowest_month"`
	// VolumeTrend is "increasing", "decreasing" or "stable": the
	// regression slope of monthly hours, relative to the mean, beyond ±5 %
	// per month.
	VolumeTrend    string `json:"volume_trend"`
	Interpretation string `json:"interpretation"`
}

// SeasonalTrends builds the monthly volume series (months without activity
// included) and averages by calendar month.
func SeasonalTrends(acts []fitness.Activity, loc *time.Location) (SeasonalResult, error) {
	if len(acts) == 0 {
		return SeasonalResult{}, insufficient("seasonal trends", "at least one activity")
	}
	if loc == nil {
		loc = time.UTC
	}
	type ym struct{ y, m int }
	byMonth := map[ym]*MonthVolume{}
	first, last := ym{1 << 30, 0}, ym{-1 << 30, 0}
	less := func(a, b ym) bool { return a.y < b.y || (a.y == b.y && a.m < b.m) }
	for i := range acts {
		a := &acts[i]
		t := a.StartTime.In(loc)
		k := ym{t.Year(), int(t.Month())}
		mv := byMonth[k]
		if mv == nil {
			mv = &MonthVolume{Month: fmt.Sprintf("%04d-%02d", k.y, k.m)}
			byMonth[k] = mv
		}
		mv.Sessions++
		mv.DurationSeconds += float64(a.MovingOrElapsed())
		mv.DistanceMeters += a.DistanceMeters
		mv.ElevationGainMeters += a.ElevationGainMeters
		if less(k, first) {
			first = k
		}
		if less(last, k) {
			last = k
		}
	}
	if (last.y-first.y)*12+last.m-first.m > 1200 {
		return SeasonalResult{}, inputErr("activities", "must span at most 100 years")
	}
	var r SeasonalResult
	type cal struct {
		years             int
		sessions, dur, km float64
	}
	cals := make([]cal, 12)
	for k := first; !less(last, k); {
		mv := byMonth[k]
		if mv == nil {
			mv = &MonthVolume{Month: fmt.Sprintf("%04d-%02d", k.y, k.m)}
		}
		r.Months = append(r.Months, *mv)
		c := &cals[k.m-1]
		c.years++
		c.sessions += float64(mv.Sessions)
		c.dur += mv.DurationSeconds
		c.km += mv.DistanceMeters
		k.m++
		if k.m > 12 {
			k.m, k.y = 1, k.y+1
		}
	}
	for i, c := range cals {
		if c.years == 0 {
			continue
		}
		n := float64(c.years)
		r.ByCalendarMonth = append(r.ByCalendarMonth, CalendarMonthAverage{Month: time.Month(i + 1).String(), Years: c.years,
			AvgSessions: c.sessions / n, AvgDurationSeconds: c.dur / n, AvgDistanceMeters: c.km / n})
	}
	peak, low := 0, 0
	hours := make([]float64, len(r.Months))
	xs := make([]float64, len(r.Months))
	for i, m := range r.Months {
		hours[i], xs[i] = m.DurationSeconds/3600, float64(i)
		if m.DurationSeconds > r.Months[peak].DurationSeconds {
			peak = i
		}
		if m.DurationSeconds < r.Months[low].DurationSeconds {
			low = i
		}
	}
	r.PeakMonth, r.LowestMonth = r.Months[peak].Month, r.Months[low].Month
	r.VolumeTrend = "stable"
	if reg, err := LinearRegression(xs, hours); err == nil {
		if mh := mean(hours); mh > 0 {
			switch rel := reg.Slope / mh; {
			case rel > 0.05:
				r.VolumeTrend = "increasing"
			case rel < -0.05:
				r.VolumeTrend = "decreasing"
			}
		}
	}
	r.Interpretation = fmt.Sprintf("%d months of training; peak %s (%.0f h), lowest %s (%.0f h); volume %s",
		len(r.Months), r.PeakMonth, r.Months[peak].DurationSeconds/3600, r.LowestMonth, r.Months[low].DurationSeconds/3600, r.VolumeTrend)
	return r, nil
}

// PlateauInput is what plateau detection reads.
type PlateauInput struct {
	// Performance are observations of a performance metric (e.g. pace at
	// a fixed heart rate, efficiency factor, best 20-min power).
	Performance    []TrendPoint `json:"performance"`
	Metric         string       `json:"metric"`
	HigherIsBetter bool         `json:"higher_is_better"`
	// Daily is the daily TSS series covering at least 2 × Weeks.
	Daily []DailyLoad `json:"daily"`
	// Weeks is the window (default 6).
	Weeks int `json:"weeks,omitempty"`
	// AsOf is the last day considered.
	AsOf Date `json:"as_of"`
}

// PlateauResult says whether performance has stalled despite training.
type PlateauResult struct {
	// Status is "plateau", "improving", "declining_despite_load" or
	// "reduced_load".
	Status            string      `json:"status"`
	Plateau           bool        `json:"plateau"`
	Weeks             int         `json:"weeks"`
	PerformanceTrend  TrendResult `json:"performance_trend"`
	LoadChangePercent float64     `json:"load_change_percent"`
	Suggestions       []string    `json:"suggestions,omitempty"`
	Interpretation    string      `json:"interpretation"`
}

// DetectPlateau flags a plateau when the performance trend over the last
// Weeks is flat (AnalyzeTrend "stable") although the mean daily load in
// the window is at least 90 % of the window before it.
func DetectPlateau(in PlateauInput) (PlateauResult, error) {
	weeks := in.Weeks
	if weeks == 0 {
		weeks = 6
	}
	if weeks < 3 || weeks > 52 {
		return PlateauResult{}, inputErr("weeks", "must be between 3 and 52, got %d", weeks)
	}
	winStart := in.AsOf - Date(weeks*7-1)
	var pts []TrendPoint
	for _, p := range in.Performance {
		d := DateOf(p.Time, time.UTC)
		if d >= winStart && d <= in.AsOf {
			pts = append(pts, p)
		}
	}
	if len(pts) < 4 {
		return PlateauResult{}, insufficient("plateau detection", fmt.Sprintf("at least 4 performance observations in the last %d weeks (have %d)", weeks, len(pts)))
	}
	cur, err := window(in.Daily, in.AsOf, weeks*7)
	if err != nil {
		return PlateauResult{}, err
	}
	prev, err := window(in.Daily, winStart-1, weeks*7)
	if err != nil {
		return PlateauResult{}, insufficient("plateau detection", fmt.Sprintf("%d weeks of training load before the window", weeks))
	}
	sum := func(ds []DailyLoad) float64 {
		s := 0.0
		for _, d := range ds {
			s += d.TSS
		}
		return s
	}
	cl, pl := sum(cur), sum(prev)
	tr, err := AnalyzeTrend(pts, in.Metric, in.HigherIsBetter)
	if err != nil {
		return PlateauResult{}, err
	}
	r := PlateauResult{Weeks: weeks, PerformanceTrend: tr}
	if pl > 0 {
		r.LoadChangePercent = (cl - pl) / pl * 100
	}
	loadKept := pl > 0 && cl >= 0.9*pl
	switch {
	case tr.Direction == "improving":
		r.Status = "improving"
	case !loadKept:
		r.Status = "reduced_load"
	case tr.Direction == "stable":
		r.Status, r.Plateau = "plateau", true
		r.Suggestions = []string{
			"Change the stimulus: add a block of intervals at a different intensity (e.g. VO2max or threshold work).",
			"Periodize: 3 weeks of progressive load, then a recovery week.",
			"Check recovery — sleep, nutrition and easy-day discipline.",
		}
	default:
		r.Status = "declining_despite_load"
		r.Suggestions = []string{"Performance is falling while load holds: possible overreaching — take a recovery week."}
	}
	r.Interpretation = fmt.Sprintf("%s over %d weeks: %s %s (%+.1f%%), training load %+.0f%% vs the previous %d weeks",
		r.Status, weeks, in.Metric, tr.Direction, tr.ChangePercent, r.LoadChangePercent, weeks)
	return r, nil
}

// WeeklyVolume is one 7-day block of training.
type WeeklyVolume struct {
	From            Date    `json:"from"`
	To              Date    `json:"to"`
	Sessions        int     `json:"sessions"`
	DurationSeconds float64 `json:"duration_seconds"`
	DistanceMeters  float64 `json:"distance_meters"`
	// ChangePercent is the duration change vs the previous block.
	ChangePercent *float64 `json:"change_percent,omitempty"`
}

// InjuryRiskResult flags load spikes.
type InjuryRiskResult struct {
	Date          Date           `json:"date"`
	WeeklyVolumes []WeeklyVolume `json:"weekly_volumes"`
	// RampWeeks counts blocks whose duration rose more than 10 % over the
	// previous block.
	RampWeeks int          `json:"ramp_weeks"`
	ACWR      *ACWRResult  `json:"acwr,omitempty"`
	Factors   []RiskFactor `json:"factors"`
	// RiskLevel is "low", "moderate" or "high".
	RiskLevel       string   `json:"risk_level"`
	Recommendations []string `json:"recommendations"`
	Interpretation  string   `json:"interpretation"`
}

// InjuryRisk looks at the last six 7-day blocks ending on `end`: weekly
// volume (time) increases above 10 % (the "10 % rule"), and ACWR when a
// daily load series with 28 days of history is given (daily may be nil).
// High risk: ACWR > 1.5 or last week's volume up more than 30 %;
// moderate: ACWR > 1.3 or last week up more than 10 %.
func InjuryRisk(acts []fitness.Activity, daily []DailyLoad, end Date, loc *time.Location) (InjuryRiskResult, error) {
	if len(acts) == 0 && len(daily) == 0 {
		return InjuryRiskResult{}, insufficient("injury risk", "activities or a daily load series")
	}
	byDay := activitiesByDay(acts, loc)
	r := InjuryRiskResult{Date: end}
	for k := 5; k >= 0; k-- {
		to := end - Date(7*k)
		w := WeeklyVolume{From: to - 6, To: to}
		for d := w.From; d <= to; d++ {
			if e := byDay[d]; e != nil {
				w.Sessions += e.sessions
				w.DurationSeconds += e.seconds
				w.DistanceMeters += e.meters
			}
		}
		if n := len(r.WeeklyVolumes); n > 0 && r.WeeklyVolumes[n-1].DurationSeconds > 0 {
			c := (w.DurationSeconds - r.WeeklyVolumes[n-1].DurationSeconds) / r.WeeklyVolumes[n-1].DurationSeconds * 100
			w.ChangePercent = &c
			if c > 10 {
				r.RampWeeks++
			}
		}
		r.WeeklyVolumes = append(r.WeeklyVolumes, w)
	}
	lastChange := 0.0
	if c := r.WeeklyVolumes[len(r.WeeklyVolumes)-1].ChangePercent; c != nil {
		lastChange = *c
	}
	r.Factors = append(r.Factors, RiskFactor{Name: "weekly_volume_ramp", Triggered: lastChange > 10, Value: lastChange, Threshold: 10,
		Message: "Weekly training time up more than 10% on the previous week"})
	level := 0
	if lastChange > 30 {
		level = 2
	} else if lastChange > 10 {
		level = 1
	}
	if len(daily) > 0 {
		if a, err := AcuteChronicWorkloadRatio(daily, end, ACWRRollingAverage); err == nil {
			r.ACWR = &a
			r.Factors = append(r.Factors, RiskFactor{Name: "acwr", Triggered: a.ACWR > 1.5, Value: a.ACWR, Threshold: 1.5,
				Message: "Acute:chronic workload ratio above 1.5"})
			switch {
			case a.ACWR > 1.5:
				level = 2
			case a.ACWR > 1.3:
				level = max(level, 1)
			}
		} else if !isInsufficient(err) {
			return InjuryRiskResult{}, err
		}
	}
	switch level {
	case 2:
		r.RiskLevel = "high"
		r.Recommendations = []string{"Reduce load this week to about the level of your last 4-week average.", "Replace one hard session with easy aerobic work."}
	case 1:
		r.RiskLevel = "moderate"
		r.Recommendations = []string{"Hold volume steady next week before increasing again; keep increases within 10% per week."}
	default:
		r.RiskLevel = "low"
		r.Recommendations = []string{"Load is progressing safely."}
	}
	r.Interpretation = fmt.Sprintf("Injury risk %s: last week's training time %+.0f%% vs the week before, %d of the last 5 weeks rose more than 10%%", r.RiskLevel, lastChange, r.RampWeeks)
	if r.ACWR != nil {
		r.Interpretation += fmt.Sprintf(", ACWR %.2f", r.ACWR.ACWR)
	}
	return r, nil
}
