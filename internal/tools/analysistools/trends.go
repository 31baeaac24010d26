package analysistools

import (
	"context"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/tools"
)

// Trend metrics and their units.
var trendUnits = map[string]string{
	intelligence.MetricPace: "s/km", intelligence.MetricSpeed: "m/s", intelligence.MetricHeartRate: "bpm",
	intelligence.MetricPower: "W", intelligence.MetricDistance: "m", intelligence.MetricDuration: "s",
	intelligence.MetricElevationGain: "m",
}

var trendMetrics = []string{intelligence.MetricPace, intelligence.MetricHeartRate, intelligence.MetricPower,
	intelligence.MetricDistance, intelligence.MetricDuration, intelligence.MetricSpeed, intelligence.MetricElevationGain}

var families = []string{string(fitness.SportRun), string(fitness.SportRide), string(fitness.SportSwim), string(fitness.SportOther)}

// Pattern types of detect_patterns.
const (
	PatternConsistency = "training_consistency"
	PatternSeasonal    = "seasonal_trends"
	PatternPlateaus    = "performance_plateaus"
	PatternInjuryRisk  = "injury_risk"
)

// Fitness-score timeframes and their weeks.
var fitnessWeeks = map[string]int{"month": 4, "last_90_days": 13, "all_time": 52}

func trendTools(e *env) []*tools.Tool {
	return []*tools.Tool{
		tools.New(tools.Spec{
			Name: "analyze_performance_trends", Title: "Performance trends", Category: Category,
			Description: "Find whether a performance metric is improving, declining or stable over a period: a least-squares " +
				"trend of the metric over the athlete's activities of one sport, with slope per week, change in percent, " +
				"R², p-value and confidence. Pace and heart rate improve when they fall. Use it for \"am I getting faster?\". " +
				"Returns {provider, metric, unit, sport_family, trend{direction, regression{r_squared, p_value, …}}, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":   e.providerArg(),
				"timeframe":  timeframeArg("Period to analyse, ending today."),
				"metric":     tools.Enum("Metric to trend: pace (s/km), heart_rate (bpm), power (W), distance (m), duration (s), speed (m/s), elevation_gain (m).", trendMetrics...),
				"sport_type": tools.Enum("Sport family to analyse (default: the athlete's most frequent sport with this metric).", families...),
			}, "timeframe", "metric"),
			Annotations: readOnly,
		}, e.performanceTrends),
		tools.New(tools.Spec{
			Name: "detect_patterns", Title: "Detect training patterns", Category: Category,
			Description: "Detect a pattern in the athlete's training: training_consistency (sessions per week, streaks, " +
				"weekday rhythm), seasonal_trends (monthly volume, peak and low months), performance_plateaus (flat " +
				"performance although load is kept) or injury_risk (weekly ramps above 10 %, acute:chronic workload ratio). " +
				"Returns {provider, pattern_type, result, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":     e.providerArg(),
				"pattern_type": tools.Enum("Pattern to look for.", PatternConsistency, PatternSeasonal, PatternPlateaus, PatternInjuryRisk),
				"timeframe":    timeframeArg("Period to analyse (default quarter; year for seasonal_trends)."),
			}, "pattern_type"),
			Annotations: readOnly,
		}, e.detectPatterns),
		tools.New(tools.Spec{
			Name: "predict_performance", Title: "Predict race performance", Category: Category,
			Description: "Predict a running race time from the athlete's best recent run (races first) with the user's " +
				"prediction algorithm (Daniels VDOT, Riegel, or hybrid), optionally projected to a target date with the " +
				"expected training improvement, with an uncertainty range. Returns {provider, based_on{activity, vdot}, " +
				"prediction{current, at_target_date?, range_fast_seconds, range_slow_seconds}, algorithm, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":        e.providerArg(),
				"target_sport":    tools.Enum("Sport of the race; predictions exist for running.", string(fitness.SportRun)),
				"target_distance": tools.Number("Race distance in metres (e.g. 5000, 10000, 21097.5, 42195).", 800, 250000),
				"target_date":     tools.Date("Race day (YYYY-MM-DD, after today) to include the expected improvement from training."),
			}, "target_sport", "target_distance"),
			Annotations: readOnly,
		}, e.predictPerformance),
		tools.New(tools.Spec{
			Name: "calculate_fitness_score", Title: "Fitness score", Category: Category,
			Description: "Calculate a 0–100 fitness score from chronic training load (aerobic base, 60 %), weekly " +
				"consistency (25 %) and CTL progression (15 %); when sleep_provider is given, the recovery score adjusts it " +
				"(+5 % at 90+, −5 % at 50–69, −10 % below 50). Returns {provider, sleep_provider?, fitness_score, level, " +
				"components[], recovery_adjustment_percent, method, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":       e.providerArg(),
				"sleep_provider": e.sleepProviderArg(),
				"timeframe":      tools.Enum("Weeks of consistency to count: month (4), last_90_days (13) or all_time (52). Default month.", "month", "last_90_days", "all_time"),
			}),
			Annotations: readOnly,
		}, e.fitnessScore),
	}
}

type trendArgs struct {
	Provider  string `json:"provider"`
	Timeframe string `json:"timeframe"`
	Metric    string `json:"metric"`
	Sport     string `json:"sport_type"`
}

func (e *env) performanceTrends(ctx context.Context, c *tools.Call, in trendArgs) (any, error) {
	days := timeframeDays[in.Timeframe]
	h, err := e.history(ctx, c, in.Provider, days)
	if err != nil {
		return nil, err
	}
	fam := fitness.Sport(in.Sport)
	if fam == "" {
		fam = dominantFamily(h.Acts, in.Metric)
	}
	pts, err := intelligence.TrendPointsFromActivities(h.Acts, in.Metric, fam)
	if err != nil {
		return nil, engineErr(err)
	}
	higher, _ := intelligence.MetricHigherIsBetter(in.Metric)
	tr, err := intelligence.AnalyzeTrend(pts, in.Metric, higher)
	if err != nil {
		return nil, engineErr(err)
	}
	return map[string]any{
		"provider": h.Provider, "metric": in.Metric, "unit": trendUnits[in.Metric], "sport_family": fam,
		"timeframe": in.Timeframe, "period_days": days, "activities": len(pts),
		"direction": tr.Direction, "r_squared": round2(tr.Regression.RSquared), "trend": tr,
		"method":  "ordinary least squares of the metric on time (days); direction needs p < 0.05 and a change of at least 1 %",
		"summary": fmt.Sprintf("%s %s: %s", fam, in.Metric, tr.Interpretation),
	}, nil
}

// dominantFamily is the sport family with the most activities that have
// the metric.
func dominantFamily(acts []fitness.Activity, metric string) fitness.Sport {
	best, bestN := fitness.Sport(""), 0
	for _, f := range families {
		pts, err := intelligence.TrendPointsFromActivities(acts, metric, fitness.Sport(f))
		if err == nil && len(pts) > bestN {
			best, bestN = fitness.Sport(f), len(pts)
		}
	}
	return best
}

type patternArgs struct {
	Provider  string `json:"provider"`
	Pattern   string `json:"pattern_type"`
	Timeframe string `json:"timeframe"`
}

func (e *env) detectPatterns(ctx context.Context, c *tools.Call, in patternArgs) (any, error) {
	tf := in.Timeframe
	if tf == "" {
		tf = "quarter"
		if in.Pattern == PatternSeasonal {
			tf = "year"
		}
	}
	days := timeframeDays[tf]
	out := map[string]any{"pattern_type": in.Pattern, "timeframe": tf, "period_days": days}
	switch in.Pattern {
	case PatternConsistency, PatternSeasonal:
		h, err := e.history(ctx, c, in.Provider, days)
		if err != nil {
			return nil, err
		}
		out["provider"] = h.Provider
		if in.Pattern == PatternSeasonal {
			r, err := intelligence.SeasonalTrends(h.Acts, h.Loc)
			if err != nil {
				return nil, engineErr(err)
			}
			out["result"], out["summary"] = r, r.Interpretation
			return out, nil
		}
		cons, err := intelligence.TrainingConsistency(h.Acts, h.Today.AddDays(-(days - 1)), h.Today, h.Loc)
		if err != nil {
			return nil, engineErr(err)
		}
		out["result"], out["summary"] = cons, cons.Interpretation
		if rh, err := intelligence.WeeklyRhythm(h.Acts, nil, h.Loc); err == nil {
			out["weekly_rhythm"] = rh
			out["summary"] = cons.Interpretation + ". " + rh.Interpretation
		}
		return out, nil
	case PatternPlateaus:
		s, err := e.trainingLoad(ctx, c, in.Provider, days, false)
		if err != nil {
			return nil, err
		}
		out["provider"] = s.Provider
		metric, fam := plateauMetric(s.Acts)
		pts, err := intelligence.TrendPointsFromActivities(s.Acts, metric, fam)
		if err != nil {
			return nil, engineErr(err)
		}
		weeks := min(max(days/7/2, 3), 12)
		r, err := intelligence.DetectPlateau(intelligence.PlateauInput{Performance: pts, Metric: metric,
			HigherIsBetter: true, Daily: s.Daily, Weeks: weeks, AsOf: s.Today})
		if err != nil {
			return nil, engineErr(err)
		}
		out["sport_family"], out["metric"], out["unit"] = fam, metric, trendUnits[metric]
		out["result"], out["summary"] = r, fmt.Sprintf("%s %s: %s", fam, metric, r.Interpretation)
		return out, nil
	default: // injury risk
		s, err := e.trainingLoad(ctx, c, in.Provider, days, false)
		if err != nil {
			return nil, err
		}
		r, err := intelligence.InjuryRisk(s.Acts, s.Daily, s.Today, s.Loc)
		if err != nil {
			return nil, engineErr(err)
		}
		out["provider"], out["result"], out["summary"] = s.Provider, r, r.Interpretation
		out["tss_source"] = s.tssSource()
		return out, nil
	}
}

// plateauMetric picks the performance signal of the dominant sport:
// average power for rides with power, else speed.
func plateauMetric(acts []fitness.Activity) (string, fitness.Sport) {
	fam := dominantFamily(acts, intelligence.MetricSpeed)
	if fam == fitness.SportRide {
		if pts, _ := intelligence.TrendPointsFromActivities(acts, intelligence.MetricPower, fam); len(pts) >= 4 {
			return intelligence.MetricPower, fam
		}
	}
	return intelligence.MetricSpeed, fam
}

type predictArgs struct {
	Provider       string  `json:"provider"`
	TargetSport    string  `json:"target_sport"`
	TargetDistance float64 `json:"target_distance"`
	TargetDate     string  `json:"target_date"`
}

// predictionBasisDays is how far back the known performance is looked for.
const predictionBasisDays = 180

func (e *env) predictPerformance(ctx context.Context, c *tools.Call, in predictArgs) (any, error) {
	s, err := e.trainingLoad(ctx, c, in.Provider, predictionBasisDays, false)
	if err != nil {
		return nil, err
	}
	var target *intelligence.Date
	if in.TargetDate != "" {
		d, err := intelligence.ParseDate(in.TargetDate)
		if err != nil {
			return nil, tools.Invalid("target_date", "must be a date like 2027-04-12")
		}
		if d <= s.Today {
			return nil, tools.Invalid("target_date", fmt.Sprintf("(%s) must be after today (%s)", d, s.Today))
		}
		target = &d
	}
	basis, vdot, fromRace := bestRun(s.Acts, s.Now.AddDate(0, 0, -predictionBasisDays))
	if basis == nil {
		return nil, tools.NotEnoughData(fmt.Sprintf("no run of at least 1.5 km in the last %d days to predict from", predictionBasisDays),
			"record a run (ideally a race or time trial) and ask again")
	}
	p, err := intelligence.PredictPerformance(intelligence.PerformancePredictionInput{
		KnownDistanceMeters: basis.DistanceMeters, KnownTimeSeconds: float64(basis.MovingOrElapsed()),
		TargetDistanceMeters: in.TargetDistance, Algorithm: s.Settings.Algorithms.VDOT, Today: s.Today,
		TargetDate: target, CTL: s.Load.CTL})
	if err != nil {
		return nil, engineErr(err)
	}
	note := "best training run by VDOT: training runs are rarely all-out, so the prediction is conservative"
	if fromRace {
		note = "best race by VDOT"
	}
	return map[string]any{
		"provider": s.Provider, "target_sport": in.TargetSport, "target_distance_meters": in.TargetDistance,
		"based_on": map[string]any{"activity": refOf(basis), "distance_meters": basis.DistanceMeters,
			"moving_time_seconds": basis.MovingOrElapsed(), "vdot": round1(vdot), "why": note},
		"algorithm": s.Settings.Algorithms.VDOT, "ctl": round1(s.Load.CTL), "experience": intelligence.ExperienceFromCTL(s.Load.CTL),
		"prediction": p, "summary": p.Interpretation,
	}, nil
}

// bestRun is the run of the last months with the highest VDOT, races
// preferred: a race is a true maximal effort, training runs are not.
func bestRun(acts []fitness.Activity, since time.Time) (best *fitness.Activity, vdot float64, race bool) {
	for i := range acts {
		a := &acts[i]
		if a.StartTime.Before(since) || a.Sport.Family() != fitness.SportRun || a.DistanceMeters < 1500 || a.MovingOrElapsed() < 300 {
			continue
		}
		v, err := intelligence.VDOTFromRace(a.DistanceMeters, float64(a.MovingOrElapsed()))
		if err != nil {
			continue
		}
		if (a.Race && !race) || (a.Race == race && v.VDOT > vdot) {
			best, vdot, race = a, v.VDOT, a.Race
		}
	}
	return best, vdot, race
}

type fitnessArgs struct {
	Provider      string `json:"provider"`
	SleepProvider string `json:"sleep_provider"`
	Timeframe     string `json:"timeframe"`
}

func (e *env) fitnessScore(ctx context.Context, c *tools.Call, in fitnessArgs) (any, error) {
	tf := in.Timeframe
	if tf == "" {
		tf = "month"
	}
	weeks := fitnessWeeks[tf]
	s, err := e.trainingLoad(ctx, c, in.Provider, weeks*7, false)
	if err != nil {
		return nil, err
	}
	fin := intelligence.FitnessScoreInput{CTL: s.Load.CTL, WeeklySessions: weeklySessions(s.Acts, s.Today, s.Loc, weeks)}
	if n := len(s.Load.Series); n > 28 {
		fin.CTL28DaysAgo = &s.Load.Series[n-29].CTL
	}
	out := map[string]any{"provider": s.Provider, "timeframe": tf, "weeks": weeks}
	// The tutorial applies the recovery adjustment when a sleep provider
	// is named.
	if in.SleepProvider != "" {
		sd, err := e.sleep(ctx, c, in.SleepProvider, sleepHistoryDays, s.Loc)
		if err != nil {
			return nil, err
		}
		rec, err := computeRecovery(sd, &s.Load.TSB, s.Today, s.Settings.Algorithms.Recovery)
		if err != nil {
			return nil, err
		}
		fin.RecoveryScore = &rec.Score.Score
		out["sleep_provider"] = sd.Provider
		out["recovery"] = rec.Score
	}
	r, err := intelligence.FitnessScore(fin)
	if err != nil {
		return nil, engineErr(err)
	}
	out["fitness_score"], out["level"], out["method"] = round1(r.Score), r.Level, r.Method
	out["result"], out["summary"] = r, r.Interpretation
	out["training_load_algorithm"] = s.Load.Algorithm
	return out, nil
}

// weeklySessions counts sessions in complete 7-day blocks ending today,
// oldest first.
func weeklySessions(acts []fitness.Activity, today intelligence.Date, loc *time.Location, weeks int) []int {
	out := make([]int, weeks)
	for i := range acts {
		k := today.DaysSince(intelligence.DateOf(acts[i].StartTime, loc)) / 7
		if k >= 0 && k < weeks {
			out[weeks-1-k]++
		}
	}
	return out
}
