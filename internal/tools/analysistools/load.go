package analysistools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/tools"
)

// Recommendation types of generate_recommendations.
var recommendationTypes = []string{"training", "recovery", "nutrition", "equipment", "all"}

func loadTools(e *env) []*tools.Tool {
	return []*tools.Tool{
		tools.New(tools.Spec{
			Name: "analyze_training_load", Title: "Training load (CTL/ATL/TSB)", Category: Category,
			Description: "Analyze training load: fitness (CTL, 42-day), fatigue (ATL, 7-day) and form (TSB = CTL − ATL) with " +
				"the user's load model, CTL ramp rate, acute:chronic workload ratio, Foster monotony and strain, overtraining " +
				"risk and training balance (periodization phase), with the daily series over the timeframe. With " +
				"sleep_provider it adds last night's sleep and recovery. Use it for \"am I overtraining?\" or \"how is my " +
				"form?\". Returns {provider, training_load{ctl, atl, tsb, form_status}, acwr, monotony, overtraining, " +
				"balance, series[], recovery_context?, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":       e.providerArg(),
				"sleep_provider": e.sleepProviderArg(),
				"timeframe":      timeframeArg("Period whose daily series is returned (default month); CTL always uses the full history before it."),
				"use_streams": tools.Boolean("Compute ride TSS from each power stream (normalized power) instead of the " +
					"activity summaries. Slower on long periods; progress is reported. Default false."),
			}),
			Annotations: readOnly,
		}, e.analyzeTrainingLoad),
		tools.New(tools.Spec{
			Name: "generate_recommendations", Title: "Training recommendations", Category: Category,
			Description: "Generate prioritised recommendations from the athlete's training load, balance, overtraining " +
				"risk, sleep and recovery (and one activity when activity_id is given): training, recovery, nutrition or " +
				"equipment, or all. The narrative is written by the client's model through MCP sampling when available, " +
				"else by Pierre's rules (narrative_source says which). Returns {provider, recommendations[{category, " +
				"priority, title, detail, based_on}], training_state, narrative, narrative_source, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":            e.providerArg(),
				"recommendation_type": tools.Enum("Kind of recommendations (default all).", recommendationTypes...),
				"activity_id":         tools.StringLen("Also advise on this activity (id from get_activities).", 1, 200),
			}),
			Annotations: readOnly,
		}, e.generateRecommendations),
	}
}

type loadArgs struct {
	Provider      string `json:"provider"`
	SleepProvider string `json:"sleep_provider"`
	Timeframe     string `json:"timeframe"`
	UseStreams    bool   `json:"use_streams"`
}

type loadSummary struct {
	Date            intelligence.Date `json:"date"`
	CTL             float64           `json:"ctl"`
	ATL             float64           `json:"atl"`
	TSB             float64           `json:"tsb"`
	RampRatePerWeek *float64          `json:"ramp_rate_ctl_per_week,omitempty"`
	FormStatus      string            `json:"form_status"`
	Interpretation  string            `json:"interpretation"`
	RampNote        string            `json:"ramp_interpretation,omitempty"`
	Units           string            `json:"units"`
}

func summarizeLoad(r *intelligence.TrainingLoadResult) loadSummary {
	s := loadSummary{Date: r.Date, CTL: round1(r.CTL), ATL: round1(r.ATL), TSB: round1(r.TSB), FormStatus: r.FormStatus,
		Interpretation: r.Interpretation, RampNote: r.RampNote, Units: "TSS per day"}
	if r.RampRatePerWeek != nil {
		s.RampRatePerWeek = ptr(round1(*r.RampRatePerWeek))
	}
	return s
}

type recoveryContext struct {
	SleepProvider     string   `json:"sleep_provider"`
	NightOf           string   `json:"night_of,omitempty"`
	SleepQualityScore *float64 `json:"sleep_quality_score,omitempty"`
	SleepHours        *float64 `json:"sleep_hours,omitempty"`
	HRVRMSSDMs        *float64 `json:"hrv_rmssd,omitempty"`
	HRVStatus         string   `json:"hrv_status,omitempty"`
	SleepDebtHours    *float64 `json:"sleep_debt_hours,omitempty"`
	RecoveryScore     float64  `json:"recovery_score"`
	RecoveryStatus    string   `json:"recovery_status"`
	Summary           string   `json:"summary"`
}

func contextOf(provider string, r *recovery) *recoveryContext {
	rc := &recoveryContext{SleepProvider: provider, RecoveryScore: round1(r.Score.Score), RecoveryStatus: r.Score.Band,
		Summary: r.Score.Interpretation, NightOf: r.NightOf}
	if r.LastNight != nil {
		rc.SleepQualityScore, rc.SleepHours = ptr(round1(r.LastNight.QualityScore)), ptr(round1(r.LastNight.DurationHours))
	}
	if r.HRV != nil {
		rc.HRVRMSSDMs, rc.HRVStatus = ptr(round1(r.HRV.LatestRMSSDMs)), r.HRV.Status
	}
	if r.Debt != nil {
		rc.SleepDebtHours = ptr(round1(r.Debt.DebtHours))
	}
	return rc
}

// assessment is everything the load tools conclude about today's state.
type assessment struct {
	ACWR        *intelligence.ACWRResult
	Monotony    *intelligence.MonotonyResult
	Overtrain   intelligence.OvertrainingResult
	Balance     *intelligence.BalanceResult
	HardDays    int
	HRVTrendDay *float64
}

// assess runs the load-derived analyses; rec (may be nil) adds resting
// HR and HRV to the overtraining check.
func assess(s *loadState, rec *recovery) (*assessment, error) {
	a := &assessment{}
	if r, err := intelligence.AcuteChronicWorkloadRatio(s.Daily, s.Today, intelligence.ACWRRollingAverage); err == nil {
		a.ACWR = &r
	}
	if r, err := intelligence.FosterMonotony(s.Daily, s.Today); err == nil {
		a.Monotony = &r
	}
	if r, err := intelligence.AssessTrainingBalance(s.Load.Series); err == nil {
		a.Balance = &r
	}
	a.HardDays = intelligence.ConsecutiveHardDays(s.Load.Series, intelligence.HardDayOptions{})
	in := intelligence.OvertrainingInput{CTL: s.Load.CTL, ATL: s.Load.ATL, TSB: s.Load.TSB}
	if a.ACWR != nil {
		in.ACWR = &a.ACWR.ACWR
	}
	if a.Monotony != nil {
		in.Monotony = a.Monotony.Monotony
	}
	if rec != nil {
		in.RestingHRBPM, in.RestingHRBaselineBPM = rec.RestingHR, rec.RestingHRBaseline
		if rec.HRV != nil {
			in.HRVRMSSDMs, in.HRVBaselineMs = &rec.HRV.RollingMeanRMSSDMs, &rec.HRV.BaselineMeanRMSSDMs
			a.HRVTrendDay = &rec.HRV.TrendMsPerDay
		}
	}
	ot, err := intelligence.OvertrainingRisk(in)
	if err != nil {
		return nil, engineErr(err)
	}
	a.Overtrain = ot
	return a, nil
}

func (e *env) analyzeTrainingLoad(ctx context.Context, c *tools.Call, in loadArgs) (any, error) {
	tf := in.Timeframe
	if tf == "" {
		tf = "month"
	}
	days := timeframeDays[tf]
	s, err := e.trainingLoad(ctx, c, in.Provider, days, in.UseStreams)
	if err != nil {
		return nil, err
	}
	var rec *recovery
	var rc *recoveryContext
	if in.SleepProvider != "" {
		sd, err := e.sleep(ctx, c, in.SleepProvider, sleepHistoryDays, s.Loc)
		if err != nil {
			return nil, err
		}
		if rec, err = computeRecovery(sd, &s.Load.TSB, s.Today, s.Settings.Algorithms.Recovery); err != nil {
			return nil, err
		}
		rc = contextOf(sd.Provider, rec)
	}
	a, err := assess(s, rec)
	if err != nil {
		return nil, err
	}
	window := s.Window(days)
	var periodTSS float64
	for _, p := range window {
		periodTSS += p.TSS
	}
	summary := fmt.Sprintf("%s. CTL %.0f, ATL %.0f (TSS/day). Overtraining risk %s.", s.Load.Interpretation,
		s.Load.CTL, s.Load.ATL, a.Overtrain.RiskLevel)
	if a.ACWR != nil {
		summary += fmt.Sprintf(" ACWR %.2f (%s).", a.ACWR.ACWR, a.ACWR.Zone)
	}
	if rc != nil {
		summary += " " + rc.Summary + "."
	}
	out := map[string]any{
		"provider": s.Provider, "timeframe": tf, "period_days": days, "algorithm": s.Load.Algorithm,
		"ctl_days": s.Load.CTLDays, "atl_days": s.Load.ATLDays,
		"tss_source": s.tssSource(), "tss_methods": s.Methods(), "activities_scored": len(s.Loads),
		"activities_unscored": len(s.Skipped), "period_tss": round1(periodTSS),
		"training_load": summarizeLoad(&s.Load), "consecutive_hard_days": a.HardDays,
		"overtraining": a.Overtrain, "series": window, "summary": summary,
	}
	if a.ACWR != nil {
		out["acwr"] = a.ACWR
	}
	if a.Monotony != nil {
		out["monotony"] = a.Monotony
	}
	if a.Balance != nil {
		out["balance"] = a.Balance
	}
	if rc != nil {
		out["recovery_context"] = rc
		out["sleep_provider"] = rc.SleepProvider
	}
	if s.Truncated {
		out["note"] = fmt.Sprintf("history truncated to the latest %d activities", len(s.Acts))
	}
	return out, nil
}

type recommendationArgs struct {
	Provider   string `json:"provider"`
	Type       string `json:"recommendation_type"`
	ActivityID string `json:"activity_id"`
}

// recommendation is one piece of advice and the figures behind it.
type recommendation struct {
	Category string `json:"category"`
	Priority string `json:"priority"` // high, medium, low
	Title    string `json:"title"`
	Detail   string `json:"detail"`
	BasedOn  string `json:"based_on"`
}

// recommendationDays is the load window recommendations read.
const recommendationDays = 90

func (e *env) generateRecommendations(ctx context.Context, c *tools.Call, in recommendationArgs) (any, error) {
	kind := in.Type
	if kind == "" {
		kind = "all"
	}
	s, err := e.trainingLoad(ctx, c, in.Provider, recommendationDays, false)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"provider": s.Provider, "recommendation_type": kind}
	// Sleep and recovery come from the user's sleep provider when one is
	// connected; recommendations still work without it.
	var rec *recovery
	if sd, err := e.sleep(ctx, c, "", sleepHistoryDays, s.Loc); err == nil && len(sd.Nights) > 0 {
		if rec, err = computeRecovery(sd, &s.Load.TSB, s.Today, s.Settings.Algorithms.Recovery); err == nil {
			out["sleep_provider"] = sd.Provider
		} else {
			rec = nil
		}
	}
	a, err := assess(s, rec)
	if err != nil {
		return nil, err
	}
	var an *analyzed
	if in.ActivityID != "" {
		if an, err = e.analyze(ctx, c, s.Provider, in.ActivityID); err != nil {
			return nil, err
		}
		out["activity"] = refOf(&an.Activity)
	}
	want := func(cat string) bool { return kind == "all" || kind == cat }
	var recs []recommendation
	if want("training") {
		recs = append(recs, trainingRecs(s, a, an)...)
	}
	if want("recovery") {
		rr, err := recoveryRecs(s, a, rec)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rr...)
	}
	if want("nutrition") {
		recs = append(recs, nutritionRecs(s)...)
	}
	if want("equipment") {
		recs = append(recs, equipmentRecs(s)...)
	}
	sortByPriority(recs)
	out["recommendations"] = recs
	out["training_state"] = summarizeLoad(&s.Load)
	out["overtraining_risk"] = a.Overtrain.RiskLevel
	rules := rulesNarrative(recs)
	out["summary"] = rules
	nar := narrate(ctx, c, "Write the athlete's recommendations for the coming days as a short coaching note, most important first.",
		map[string]any{"recommendations": recs, "training_state": out["training_state"], "overtraining_risk": a.Overtrain.RiskLevel}, rules)
	out["narrative"], out["narrative_source"] = nar.Text, nar.Source
	if nar.Note != "" {
		out["narrative_note"] = nar.Note
	}
	return out, nil
}

func trainingRecs(s *loadState, a *assessment, an *analyzed) []recommendation {
	var out []recommendation
	add := func(prio, title, detail, basis string) {
		out = append(out, recommendation{Category: "training", Priority: prio, Title: title, Detail: detail, BasedOn: basis})
	}
	load := fmt.Sprintf("CTL %.0f, ATL %.0f, TSB %+.0f", s.Load.CTL, s.Load.ATL, s.Load.TSB)
	switch s.Load.FormStatus {
	case "overreached":
		add("high", "Back off now", s.Load.Interpretation+".", load)
	case "fatigued":
		add("medium", "Keep easy days easy", s.Load.Interpretation+".", load)
	case "fresh", "peaked":
		add("medium", "Use your freshness", s.Load.Interpretation+".", load)
	default:
		add("low", "Keep the current load", s.Load.Interpretation+".", load)
	}
	if a.Overtrain.RiskLevel != "low" {
		add(map[string]string{"high": "high", "moderate": "medium"}[a.Overtrain.RiskLevel], "Overtraining risk "+a.Overtrain.RiskLevel,
			a.Overtrain.Recommendation, fmt.Sprintf("%d warning sign(s)", a.Overtrain.Triggered))
	}
	if s.Load.RampRatePerWeek != nil && *s.Load.RampRatePerWeek > 8 {
		add("high", "Slow the build", s.Load.RampNote+".", fmt.Sprintf("CTL ramp %+.1f per week", *s.Load.RampRatePerWeek))
	}
	if a.ACWR != nil && (a.ACWR.Zone == "danger" || a.ACWR.Zone == "caution") {
		prio := "medium"
		if a.ACWR.Zone == "danger" {
			prio = "high"
		}
		add(prio, "Load spike", a.ACWR.Interpretation+".", fmt.Sprintf("ACWR %.2f", a.ACWR.ACWR))
	}
	if a.Monotony != nil && a.Monotony.HighMonotony {
		add("medium", "Vary hard and easy days", a.Monotony.Interpretation+".", "Foster monotony over the last 7 days")
	}
	if a.Balance != nil {
		for _, r := range a.Balance.Recommendations {
			if !strings.HasPrefix(r, "Training balance looks sound") {
				add("medium", "Balance: "+a.Balance.Phase+" phase", r, a.Balance.Interpretation)
			}
		}
	}
	if an != nil {
		if d := an.Analysis.Decoupling; d != nil && d.DecouplingPercent > 5 {
			add("medium", "Build aerobic endurance", fmt.Sprintf("Heart rate drifted %.1f%% against output in this session: more long steady sessions at low intensity will reduce it.", d.DecouplingPercent),
				"aerobic decoupling of activity "+an.Activity.ID)
		}
		if t := an.Analysis.TrainingStress; t != nil && t.TSS > 150 {
			add("medium", "Recover from this session", fmt.Sprintf("Training stress %.0f: plan an easy day or rest after it.", t.TSS), "TSS of activity "+an.Activity.ID)
		}
	}
	return out
}

func recoveryRecs(s *loadState, a *assessment, rec *recovery) ([]recommendation, error) {
	score := intelligence.TSBScore(s.Load.TSB)
	basis := fmt.Sprintf("TSB %+.0f (no sleep data)", s.Load.TSB)
	if rec != nil {
		score, basis = rec.Score.Score, rec.Score.Interpretation
	}
	rd, err := intelligence.SuggestRestDay(intelligence.RestDayInput{RecoveryScore: score, TSB: s.Load.TSB,
		ConsecutiveHardDays: a.HardDays, HRVTrend: a.HRVTrendDay})
	if err != nil {
		return nil, engineErr(err)
	}
	prio := map[string]string{intelligence.RestImmediate: "high", intelligence.RestSoon: "high", intelligence.RestNextDay: "medium", intelligence.RestNone: "low"}[rd.Urgency]
	out := []recommendation{{Category: "recovery", Priority: prio, Title: "Rest day: " + rd.Urgency, Detail: rd.Interpretation + " " + strings.Join(rd.Suggestions, " "), BasedOn: basis}}
	if rec != nil {
		if rec.Debt != nil && rec.Debt.DebtHours > 5 {
			out = append(out, recommendation{Category: "recovery", Priority: "high", Title: "Pay back sleep debt",
				Detail: rec.Debt.Interpretation + ": go to bed earlier this week.", BasedOn: "sleep over the last 7 nights"})
		}
		if rec.HRV != nil && rec.HRV.Status == "below_normal" {
			out = append(out, recommendation{Category: "recovery", Priority: "medium", Title: "HRV below your normal range",
				Detail: rec.HRV.Interpretation + ".", BasedOn: "7-day ln RMSSD against the 30-day baseline"})
		}
	}
	return out, nil
}

// nutritionRecs point at fuelling needs that follow from the load; the
// gram targets come from the nutrition tools.
func nutritionRecs(s *loadState) []recommendation {
	var long int
	since := s.Now.AddDate(0, 0, -7)
	for i := range s.Acts {
		if s.Acts[i].StartTime.After(since) && s.Acts[i].MovingOrElapsed() >= 90*60 {
			long++
		}
	}
	var out []recommendation
	if s.Load.ATL > 80 {
		out = append(out, recommendation{Category: "nutrition", Priority: "medium", Title: "Fuel the load",
			Detail:  fmt.Sprintf("Your recent load is high (ATL %.0f TSS/day): eat enough carbohydrate on hard days and protein after sessions; call calculate_daily_nutrition and get_nutrient_timing for your gram targets.", s.Load.ATL),
			BasedOn: "ATL"})
	}
	if long > 0 {
		out = append(out, recommendation{Category: "nutrition", Priority: "medium", Title: "Fuel long sessions",
			Detail:  fmt.Sprintf("%d session(s) of 90 minutes or more in the last week: take 30–60 g of carbohydrate and fluids per hour during them (ACSM).", long),
			BasedOn: "session durations over the last 7 days"})
	}
	if len(out) == 0 {
		out = append(out, recommendation{Category: "nutrition", Priority: "low", Title: "Keep a balanced diet",
			Detail:  "Your load is moderate: a balanced diet covers it; call calculate_daily_nutrition for targets.",
			BasedOn: fmt.Sprintf("ATL %.0f TSS/day", s.Load.ATL)})
	}
	return out
}

// equipmentRecs follow wear from volume: running shoes last roughly
// 500–800 km.
func equipmentRecs(s *loadState) []recommendation {
	var runKm, rideKm float64
	since := s.Now.AddDate(0, 0, -180)
	for i := range s.Acts {
		a := &s.Acts[i]
		if a.StartTime.Before(since) {
			continue
		}
		switch a.Sport.Family() {
		case fitness.SportRun:
			runKm += a.DistanceMeters / 1000
		case fitness.SportRide:
			rideKm += a.DistanceMeters / 1000
		}
	}
	var out []recommendation
	if runKm > 0 {
		prio := "low"
		if runKm > 500 {
			prio = "medium"
		}
		out = append(out, recommendation{Category: "equipment", Priority: prio, Title: "Running shoes",
			Detail:  fmt.Sprintf("You ran %.0f km in the last 6 months; running shoes typically last 500–800 km — replace a pair that has carried most of that.", runKm),
			BasedOn: "run distance over 180 days"})
	}
	if rideKm > 0 {
		out = append(out, recommendation{Category: "equipment", Priority: "low", Title: "Bike maintenance",
			Detail:  fmt.Sprintf("You rode %.0f km in the last 6 months; check chain wear every few thousand km and tyres for cuts.", rideKm),
			BasedOn: "ride distance over 180 days"})
	}
	if len(out) == 0 {
		out = append(out, recommendation{Category: "equipment", Priority: "low", Title: "No equipment advice",
			Detail: "No run or ride volume in the last 6 months to judge wear from.", BasedOn: "activities over 180 days"})
	}
	return out
}

func sortByPriority(recs []recommendation) {
	rank := map[string]int{"high": 0, "medium": 1, "low": 2}
	slices.SortStableFunc(recs, func(a, b recommendation) int { return rank[a.Priority] - rank[b.Priority] })
}

// rulesNarrative is the deterministic reading: the top three points.
func rulesNarrative(recs []recommendation) string {
	var parts []string
	for i, r := range recs {
		if i == 3 {
			break
		}
		parts = append(parts, r.Title+": "+r.Detail)
	}
	if len(parts) == 0 {
		return "No recommendations: not enough data."
	}
	return strings.Join(parts, " ")
}
