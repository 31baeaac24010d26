package analysistools

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/tools"
)

func sleepTools(e *env) []*tools.Tool {
	sleepData := tools.Object(map[string]*tools.Schema{
		"date":               tools.Date("Day the sleep ended (YYYY-MM-DD)."),
		"duration_hours":     tools.Number("Total sleep time in hours.", 0.5, 24),
		"efficiency_percent": tools.Number("Time asleep / time in bed × 100.", 1, 100),
		"deep_sleep_hours":   tools.Number("Deep (N3) sleep in hours.", 0, 24),
		"rem_sleep_hours":    tools.Number("REM sleep in hours.", 0, 24),
		"light_sleep_hours":  tools.Number("Light (N1+N2) sleep in hours.", 0, 24),
		"awakenings":         tools.Integer("Number of awakenings.", 0, 100),
		"hrv_rmssd_ms":       tools.Number("Overnight HRV (RMSSD) in ms.", 1, 300),
	}, "duration_hours")
	sleepData.Description = "One night entered by hand instead of reading a provider."
	return []*tools.Tool{
		tools.New(tools.Spec{
			Name: "analyze_sleep_quality", Title: "Analyze sleep quality", Category: SleepCategory,
			Description: "Score sleep 0–100 from duration, stages (deep, REM, light) and efficiency, for last night and the " +
				"average of recent nights, with sleep debt against 8 h and the HRV trend against the athlete's baseline. " +
				"Reads the sleep provider, or scores one night given as sleep_data. Returns {sleep_provider, last_night" +
				"{sleep_quality_score, band, issues}, nights[], average_quality_score, sleep_debt, hrv, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"sleep_provider": e.sleepProviderArg(),
				"days_back":      tools.Integer("Nights to score (default 7).", 1, 30),
				"sleep_data":     sleepData,
			}),
			Annotations: readOnly,
		}, e.analyzeSleep),
		tools.New(tools.Spec{
			Name: "calculate_recovery_score", Title: "Recovery score", Category: SleepCategory,
			Description: "Calculate today's 0–100 recovery score from last night's sleep quality, HRV and resting heart rate " +
				"against their baselines, training load (TSB) and 7-night sleep debt, combined with the user's recovery " +
				"algorithm (default weighted 30/25/20/15/10 %). Returns {recovery_score{recovery_score, band, factors[], " +
				"confidence, recommendation}, providers_used{activity_provider, sleep_provider}, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"activity_provider": e.providerArg(),
				"sleep_provider":    e.sleepProviderArg(),
			}),
			Annotations: readOnly,
		}, e.recoveryScore),
		tools.New(tools.Spec{
			Name: "suggest_rest_day", Title: "Should I rest today?", Category: SleepCategory,
			Description: "Decide whether the athlete needs a rest day: immediate (recovery < 30 or TSB < −40), soon " +
				"(recovery < 50 after 3+ hard days), next_day (6+ hard days or TSB < −20) or none, with the rest type and " +
				"the overtraining risk behind it. Returns {rest_recommended, urgency, rest_type, reason, suggestions[], " +
				"recovery_score, training_load, overtraining, providers_used, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"activity_provider": e.providerArg(),
				"sleep_provider":    e.sleepProviderArg(),
			}),
			Annotations: readOnly,
		}, e.suggestRestDay),
		tools.New(tools.Spec{
			Name: "track_sleep_trends", Title: "Sleep trends", Category: SleepCategory,
			Description: "Track sleep over recent nights: trends (least squares, with R²) of sleep duration, sleep quality " +
				"score and HRV, averages, short nights and bedtime variability. Needs at least 7 nights. Returns " +
				"{sleep_provider, nights, average_sleep_hours, average_quality_score, trends{duration, quality, hrv}, " +
				"bedtime_variability_minutes, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"sleep_provider": e.sleepProviderArg(),
				"days_back":      tools.Integer("Nights to analyse (default 14).", 7, 90),
			}),
			Annotations: readOnly,
		}, e.sleepTrends),
		tools.New(tools.Spec{
			Name: "optimize_sleep_schedule", Title: "Optimize sleep schedule", Category: SleepCategory,
			Description: "Plan tonight's sleep: target hours (more after hard training, 8–9 h before a race or key workout), " +
				"a bedtime from the usual wake time, and prioritised advice on duration, schedule consistency, bedroom, " +
				"caffeine, screens and naps, from recent nights and today's training. Returns {target_sleep_hours, " +
				"suggested_bedtime, wake_time, recommendations[], providers_used, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"activity_provider":    e.providerArg(),
				"sleep_provider":       e.sleepProviderArg(),
				"target_sleep_hours":   tools.Number("Usual sleep target in hours (default 8).", 5, 12),
				"wake_time":            &tools.Schema{Type: "string", Pattern: `^([01]\d|2[0-3]):[0-5]\d$`, Description: "Wake time tomorrow, HH:MM (default: the usual wake time of recent nights)."},
				"key_workout_tomorrow": tools.Boolean("A race or key workout is planned tomorrow (default false)."),
			}),
			Annotations: readOnly,
		}, e.optimizeSleep),
	}
}

type manualNight struct {
	Date              string   `json:"date"`
	DurationHours     float64  `json:"duration_hours"`
	EfficiencyPercent *float64 `json:"efficiency_percent"`
	DeepHours         *float64 `json:"deep_sleep_hours"`
	REMHours          *float64 `json:"rem_sleep_hours"`
	LightHours        *float64 `json:"light_sleep_hours"`
	Awakenings        *int     `json:"awakenings"`
	HRVRMSSDMs        *float64 `json:"hrv_rmssd_ms"`
}

type sleepArgs struct {
	SleepProvider string       `json:"sleep_provider"`
	DaysBack      int          `json:"days_back"`
	SleepData     *manualNight `json:"sleep_data"`
}

// nightScore is one scored night.
type nightScore struct {
	Date          string   `json:"date"`
	DurationHours float64  `json:"duration_hours"`
	QualityScore  float64  `json:"sleep_quality_score"`
	Band          string   `json:"band"`
	HRVRMSSDMs    *float64 `json:"hrv_rmssd_ms,omitempty"`
}

func (e *env) analyzeSleep(ctx context.Context, c *tools.Call, in sleepArgs) (any, error) {
	if in.SleepData != nil {
		return manualSleep(in.SleepData)
	}
	days := in.DaysBack
	if days == 0 {
		days = 7
	}
	sd, err := e.sleep(ctx, c, in.SleepProvider, max(days, sleepHistoryDays), time.UTC)
	if err != nil {
		return nil, err
	}
	if len(sd.Sessions) == 0 {
		return nil, tools.NotEnoughData("no sleep recorded in the last "+strconv.Itoa(max(days, sleepHistoryDays))+" days",
			"wear a sleep tracker, or connect a provider that records sleep (get_connection_status)")
	}
	today := intelligence.DateOf(e.now(), time.UTC)
	var nights []nightScore
	var sum float64
	var last *intelligence.SleepQualityResult
	for i := range sd.Sessions {
		if today.DaysSince(sd.Nights[i].Date) >= days {
			continue
		}
		si, err := intelligence.SleepInputFromSession(&sd.Sessions[i])
		if err != nil {
			continue // an unreadable night is left out rather than failing the rest
		}
		q, err := intelligence.SleepQuality(si)
		if err != nil {
			continue
		}
		nights = append(nights, nightScore{Date: sd.Sessions[i].Date, DurationHours: round1(q.DurationHours),
			QualityScore: round1(q.QualityScore), Band: q.Band, HRVRMSSDMs: sd.Sessions[i].HRVRMSSDMs})
		sum += q.QualityScore
		last = &q
	}
	if len(nights) == 0 {
		return nil, tools.NotEnoughData(fmt.Sprintf("no scorable night in the last %d days", days), "increase days_back")
	}
	avg := sum / float64(len(nights))
	out := map[string]any{"sleep_provider": sd.Provider, "days_back": days, "last_night": last, "last_night_date": nights[len(nights)-1].Date,
		"nights": nights, "average_quality_score": round1(avg),
		"method": "0.40 duration + 0.35 stages + 0.25 efficiency (see docs/methodology.md)"}
	summary := fmt.Sprintf("%s. Average over %d night(s): %.0f/100.", last.Interpretation, len(nights), avg)
	if d, err := intelligence.SleepDebt(sd.Nights, today, 7, 0); err == nil {
		out["sleep_debt"] = d
		summary += " " + d.Interpretation + "."
	}
	if h, err := intelligence.AnalyzeHRV(sd.hrvReadings(), today, intelligence.HRVOptions{}); err == nil {
		out["hrv"] = h
		summary += " " + h.Interpretation + "."
	}
	out["summary"] = summary
	return out, nil
}

// manualSleep scores a night entered by hand.
func manualSleep(n *manualNight) (any, error) {
	in := intelligence.SleepInput{DurationHours: n.DurationHours, EfficiencyPercent: n.EfficiencyPercent}
	pct := func(field string, h *float64) (*float64, error) {
		if h == nil {
			return nil, nil
		}
		if *h > n.DurationHours {
			return nil, tools.Invalid("sleep_data."+field, fmt.Sprintf("(%g h) must not exceed duration_hours (%g h)", *h, n.DurationHours))
		}
		return ptr(*h / n.DurationHours * 100), nil
	}
	var err error
	if in.DeepPercent, err = pct("deep_sleep_hours", n.DeepHours); err != nil {
		return nil, err
	}
	if in.REMPercent, err = pct("rem_sleep_hours", n.REMHours); err != nil {
		return nil, err
	}
	if in.LightPercent, err = pct("light_sleep_hours", n.LightHours); err != nil {
		return nil, err
	}
	if in.DeepPercent != nil && in.REMPercent != nil && *in.DeepPercent+*in.REMPercent > 100.0001 {
		return nil, tools.Invalid("sleep_data.rem_sleep_hours", "deep and REM sleep together exceed duration_hours")
	}
	q, err := intelligence.SleepQuality(in)
	if err != nil {
		return nil, engineErr(err)
	}
	out := map[string]any{"sleep_provider": "manual", "last_night": q, "last_night_date": n.Date,
		"method": "0.40 duration + 0.35 stages + 0.25 efficiency (see docs/methodology.md)", "summary": q.Interpretation}
	if n.HRVRMSSDMs != nil {
		out["hrv_rmssd_ms"] = *n.HRVRMSSDMs
	}
	return out, nil
}

type providersArgs struct {
	ActivityProvider string `json:"activity_provider"`
	SleepProvider    string `json:"sleep_provider"`
}

// recoveryDays of training load feed the recovery tools (TSB only needs
// the warm-up before it).
const recoveryDays = 28

// readiness loads training load and sleep and computes recovery.
func (e *env) readiness(ctx context.Context, c *tools.Call, in providersArgs) (*loadState, *sleepData, *recovery, error) {
	s, err := e.trainingLoad(ctx, c, in.ActivityProvider, recoveryDays, false)
	if err != nil {
		return nil, nil, nil, err
	}
	sd, err := e.sleep(ctx, c, in.SleepProvider, sleepHistoryDays, s.Loc)
	if err != nil {
		return nil, nil, nil, err
	}
	rec, err := computeRecovery(sd, &s.Load.TSB, s.Today, s.Settings.Algorithms.Recovery)
	if err != nil {
		return nil, nil, nil, err
	}
	return s, sd, rec, nil
}

func providersUsed(s *loadState, sd *sleepData) map[string]string {
	return map[string]string{"activity_provider": s.Provider, "sleep_provider": sd.Provider}
}

func (e *env) recoveryScore(ctx context.Context, c *tools.Call, in providersArgs) (any, error) {
	s, sd, rec, err := e.readiness(ctx, c, in)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"recovery_score": rec.Score, "providers_used": providersUsed(s, sd),
		"training_load": summarizeLoad(&s.Load), "summary": rec.Score.Interpretation}
	if rec.LastNight != nil {
		out["last_night"], out["last_night_date"] = rec.LastNight, rec.NightOf
	}
	if rec.HRV != nil {
		out["hrv"] = rec.HRV
	}
	if rec.Debt != nil {
		out["sleep_debt"] = rec.Debt
	}
	if rec.RestingHR != nil {
		out["resting_heart_rate"] = map[string]float64{"latest_bpm": *rec.RestingHR, "baseline_bpm": round1(*rec.RestingHRBaseline)}
	}
	return out, nil
}

func (e *env) suggestRestDay(ctx context.Context, c *tools.Call, in providersArgs) (any, error) {
	s, sd, rec, err := e.readiness(ctx, c, in)
	if err != nil {
		return nil, err
	}
	a, err := assess(s, rec)
	if err != nil {
		return nil, err
	}
	rd, err := intelligence.SuggestRestDay(intelligence.RestDayInput{RecoveryScore: rec.Score.Score, TSB: s.Load.TSB,
		ConsecutiveHardDays: a.HardDays, HRVTrend: a.HRVTrendDay})
	if err != nil {
		return nil, engineErr(err)
	}
	summary := rd.Interpretation
	if a.Overtrain.RiskLevel != "low" {
		summary += " Overtraining risk " + a.Overtrain.RiskLevel + ": " + a.Overtrain.Recommendation
	}
	return map[string]any{
		"rest_recommended": rd.RestRecommended, "urgency": rd.Urgency, "rest_type": rd.RestType, "reason": rd.Reason,
		"suggestions": rd.Suggestions, "decision": rd, "recovery_score": rec.Score, "training_load": summarizeLoad(&s.Load),
		"consecutive_hard_days": a.HardDays, "overtraining": a.Overtrain, "providers_used": providersUsed(s, sd),
		"method":  "tutorial rule, in order: recovery < 30 or TSB < −40 → immediate; recovery < 50 and ≥ 3 hard days → soon; ≥ 6 hard days or TSB < −20 → next_day",
		"summary": summary,
	}, nil
}

type trendSleepArgs struct {
	SleepProvider string `json:"sleep_provider"`
	DaysBack      int    `json:"days_back"`
}

func (e *env) sleepTrends(ctx context.Context, c *tools.Call, in trendSleepArgs) (any, error) {
	days := in.DaysBack
	if days == 0 {
		days = 14
	}
	sd, err := e.sleep(ctx, c, in.SleepProvider, days, time.UTC)
	if err != nil {
		return nil, err
	}
	if len(sd.Nights) < 7 {
		return nil, tools.NotEnoughData(fmt.Sprintf("sleep trends need at least 7 nights (have %d in the last %d days)", len(sd.Nights), days),
			"increase days_back or record more nights")
	}
	var dur, qual, hrv []intelligence.TrendPoint
	var total, qsum float64
	short := 0
	for i := range sd.Sessions {
		t := sd.Sessions[i].EndTime
		h := sd.Nights[i].DurationHours
		dur = append(dur, intelligence.TrendPoint{Time: t, Value: h})
		total += h
		if h < intelligence.SleepAdultMinHours {
			short++
		}
		if si, err := intelligence.SleepInputFromSession(&sd.Sessions[i]); err == nil {
			if q, err := intelligence.SleepQuality(si); err == nil {
				qual = append(qual, intelligence.TrendPoint{Time: t, Value: q.QualityScore})
				qsum += q.QualityScore
			}
		}
		if v := sd.Sessions[i].HRVRMSSDMs; v != nil && *v > 0 {
			hrv = append(hrv, intelligence.TrendPoint{Time: t, Value: *v})
		}
	}
	n := float64(len(sd.Nights))
	trends := map[string]intelligence.TrendResult{}
	var readings []string
	for _, m := range []struct {
		name string
		pts  []intelligence.TrendPoint
	}{{"sleep_duration_hours", dur}, {"sleep_quality_score", qual}, {"hrv_rmssd_ms", hrv}} {
		if tr, err := intelligence.AnalyzeTrend(m.pts, m.name, true); err == nil {
			trends[m.name] = tr
			readings = append(readings, fmt.Sprintf("%s %s (R² %.2f)", m.name, tr.Direction, tr.Regression.RSquared))
		}
	}
	out := map[string]any{"sleep_provider": sd.Provider, "days_back": days, "nights": len(sd.Nights),
		"average_sleep_hours": round1(total / n), "nights_under_7_hours": short, "trends": trends,
		"method": "least-squares trend per night; direction needs p < 0.05 and a change of at least 1 %"}
	avgQ := 0.0
	if len(qual) > 0 {
		avgQ = qsum / float64(len(qual))
		out["average_quality_score"] = round1(avgQ)
	}
	if rs, err := intelligence.RecommendSleep(intelligence.SleepRecommendationInput{RecentNights: sd.Nights}); err == nil && rs.BedtimeVariabilityMinutes != nil {
		out["bedtime_variability_minutes"] = round1(*rs.BedtimeVariabilityMinutes)
	}
	out["summary"] = fmt.Sprintf("%d nights: average %.1f h, quality %.0f/100, %d under 7 h; %s.", len(sd.Nights), total/n, avgQ, short, strings.Join(readings, ", "))
	return out, nil
}

type scheduleArgs struct {
	ActivityProvider   string  `json:"activity_provider"`
	SleepProvider      string  `json:"sleep_provider"`
	TargetSleepHours   float64 `json:"target_sleep_hours"`
	WakeTime           string  `json:"wake_time"`
	KeyWorkoutTomorrow bool    `json:"key_workout_tomorrow"`
}

// scheduleNights of sleep history inform the schedule.
const scheduleNights = 14

func (e *env) optimizeSleep(ctx context.Context, c *tools.Call, in scheduleArgs) (any, error) {
	s, err := e.trainingLoad(ctx, c, in.ActivityProvider, recoveryDays, false)
	if err != nil {
		return nil, err
	}
	sd, err := e.sleep(ctx, c, in.SleepProvider, scheduleNights, s.Loc)
	if err != nil {
		return nil, err
	}
	hard := intelligence.ConsecutiveHardDays(s.Load.Series, intelligence.HardDayOptions{}) > 0
	rin := intelligence.SleepRecommendationInput{RecentNights: sd.Nights, TargetSleepHours: in.TargetSleepHours,
		HardTrainingToday: hard, RaceOrKeyWorkoutTomorrow: in.KeyWorkoutTomorrow}
	wakeSource := "given"
	if in.WakeTime != "" {
		h, _ := strconv.Atoi(in.WakeTime[:2])
		m, _ := strconv.Atoi(in.WakeTime[3:])
		rin.WakeTimeMinutes = ptr(float64(h*60 + m))
	} else if w := usualWake(sd, s.Loc); w != nil {
		rin.WakeTimeMinutes, wakeSource = w, "median of recent nights"
	}
	r, err := intelligence.RecommendSleep(rin)
	if err != nil {
		return nil, engineErr(err)
	}
	out := map[string]any{"target_sleep_hours": r.TargetSleepHours, "suggested_bedtime": r.SuggestedBedtime,
		"recommendations": r.Tips, "hard_training_today": hard, "key_workout_tomorrow": in.KeyWorkoutTomorrow,
		"providers_used": providersUsed(s, sd), "plan": r, "summary": r.Interpretation + "."}
	if rin.WakeTimeMinutes != nil {
		w := int(*rin.WakeTimeMinutes)
		out["wake_time"], out["wake_time_source"] = fmt.Sprintf("%02d:%02d", w/60, w%60), wakeSource
	}
	if r.AverageSleepHours != nil {
		out["average_sleep_hours"] = round1(*r.AverageSleepHours)
	}
	return out, nil
}

// usualWake is the median local wake time of the recent nights, in
// minutes after midnight.
func usualWake(sd *sleepData, loc *time.Location) *float64 {
	var ws []float64
	for i := range sd.Sessions {
		t := sd.Sessions[i].EndTime.In(loc)
		ws = append(ws, float64(t.Hour()*60+t.Minute()))
	}
	if len(ws) == 0 {
		return nil
	}
	slices.Sort(ws)
	return &ws[len(ws)/2]
}
