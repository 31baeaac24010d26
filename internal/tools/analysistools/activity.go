package analysistools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/tools"
)

func activityIDArg() *tools.Schema {
	return tools.StringLen("Id of the activity, as returned by get_activities.", 1, 200)
}

func activityTools(e *env) []*tools.Tool {
	return []*tools.Tool{
		tools.New(tools.Spec{
			Name: "analyze_activity", Title: "Analyze an activity", Category: Category,
			Description: "Analyze one workout in depth: normalized power, intensity factor, TSS (the user's TSS algorithm), " +
				"hrTSS and TRIMP, variability index, time in heart-rate and power zones, efficiency factor, aerobic decoupling, " +
				"pace, power bests and fastest efforts, using the second-by-second streams when the activity has them. " +
				"Use it when the athlete asks about a specific session. Returns {provider, activity, analysis, algorithms, " +
				"thresholds_used, streams_used, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":    e.providerArg(),
				"activity_id": activityIDArg(),
			}, "activity_id"),
			Annotations: readOnly,
		}, e.analyzeActivity),
		tools.New(tools.Spec{
			Name: "get_activity_intelligence", Title: "Activity insights", Category: Category,
			Description: "Get a coach-style reading of one workout: the full analysis plus how it compares with the athlete's " +
				"recent sessions of the same sport, and a short narrative written by the client's language model through MCP " +
				"sampling when the client supports it, else by Pierre's rules (narrative_source says which). Use it for " +
				"\"how did my run go?\". Returns {provider, activity, analysis, comparison, location?, narrative, " +
				"narrative_source, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":         e.providerArg(),
				"activity_id":      activityIDArg(),
				"include_location": tools.Boolean("Include the start coordinates (default true)."),
				"include_weather":  tools.Boolean("Include weather (default true); Pierre has no weather source yet, so the answer says so."),
			}, "activity_id"),
			Annotations: readOnly,
		}, e.activityIntelligence),
		tools.New(tools.Spec{
			Name: "calculate_metrics", Title: "Calculate activity metrics", Category: Category,
			Description: "Calculate selected training metrics of one workout: tss, normalized_power, intensity_factor, " +
				"trimp, hr_tss, power_to_weight, efficiency, variability_index, decoupling, pace, zones, best_efforts. " +
				"Use it when only a few numbers are needed (cheaper to read than analyze_activity). Returns {provider, " +
				"activity_id, metrics{name: {value, unit, method}}, unavailable{name: reason}, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":    e.providerArg(),
				"activity_id": activityIDArg(),
				"metrics": tools.Array("Metrics to calculate (default: all that the data supports).",
					tools.Enum("A metric.", metricNames...), 1, len(metricNames)),
			}, "activity_id"),
			Annotations: readOnly,
		}, e.calculateMetrics),
		tools.New(tools.Spec{
			Name: "compare_activities", Title: "Compare an activity", Category: Category,
			Description: "Compare one workout with the athlete's other workouts of the same sport over the last year: " +
				"similar_activities (distance within ±20 %), personal_best (best value of each metric), average, or " +
				"recent (the five before it). Pace and heart rate are better when lower. Returns {provider, comparison" +
				"{metrics[{metric, value, reference, difference, percent_change, better}]}, summary}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":        e.providerArg(),
				"activity_id":     activityIDArg(),
				"comparison_type": tools.Enum("What to compare with.", intelligence.CompareSimilar, intelligence.ComparePersonalBest, intelligence.CompareAverage, intelligence.CompareRecent),
			}, "activity_id", "comparison_type"),
			Annotations: readOnly,
		}, e.compareActivities),
	}
}

type activityArgs struct {
	Provider   string `json:"provider"`
	ActivityID string `json:"activity_id"`
}

// analyzed is one activity with its analysis.
type analyzed struct {
	Provider    string
	Activity    fitness.Activity
	Analysis    intelligence.ActivityAnalysis
	Profile     intelligence.AthleteProfile
	Algorithms  intelligence.Algorithms
	StreamsUsed bool
}

func (e *env) analyze(ctx context.Context, c *tools.Call, requested, id string) (*analyzed, error) {
	name, a, err := e.data.Activity(ctx, c.Principal, requested, id)
	if err != nil {
		return nil, activityErr(err, id)
	}
	st, err := e.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, fmt.Errorf("load user settings: %w", err)
	}
	prof, err := e.profile(ctx, c, name, st, e.now())
	if err != nil {
		return nil, err
	}
	var streams *fitness.Streams
	if a.HasStreams {
		_, s, err := e.data.Streams(ctx, c.Principal, name, id)
		switch k := provider.KindOf(err); {
		case err == nil:
			streams = &s
		case k != provider.KindNotFound && k != provider.KindUnsupported:
			return nil, err
		}
	}
	an, err := intelligence.AnalyzeActivity(&a, streams, prof, st.Algorithms, zoneOf([]fitness.Activity{a}))
	if err != nil {
		return nil, engineErr(err)
	}
	return &analyzed{Provider: name, Activity: a, Analysis: an, Profile: prof.WithEstimates(st.Algorithms),
		Algorithms: st.Algorithms, StreamsUsed: streams != nil}, nil
}

// activityRef identifies the activity in answers.
type activityRef struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Sport     fitness.Sport `json:"sport_type"`
	StartDate string        `json:"start_date"`
}

func refOf(a *fitness.Activity) activityRef {
	return activityRef{ID: a.ID, Name: a.Name, Sport: a.Sport, StartDate: a.StartTime.Format("2006-01-02T15:04:05Z07:00")}
}

type analysisAnswer struct {
	Provider    string                        `json:"provider"`
	Activity    activityRef                   `json:"activity"`
	Analysis    intelligence.ActivityAnalysis `json:"analysis"`
	Algorithms  intelligence.Algorithms       `json:"algorithms"`
	Thresholds  intelligence.AthleteProfile   `json:"thresholds_used"`
	StreamsUsed bool                          `json:"streams_used"`
	Summary     string                        `json:"summary"`
}

func (e *env) analyzeActivity(ctx context.Context, c *tools.Call, in activityArgs) (any, error) {
	r, err := e.analyze(ctx, c, in.Provider, in.ActivityID)
	if err != nil {
		return nil, err
	}
	return analysisAnswer{Provider: r.Provider, Activity: refOf(&r.Activity), Analysis: r.Analysis, Algorithms: r.Algorithms,
		Thresholds: r.Profile, StreamsUsed: r.StreamsUsed, Summary: r.Analysis.Summary}, nil
}

type intelligenceArgs struct {
	Provider        string `json:"provider"`
	ActivityID      string `json:"activity_id"`
	IncludeLocation *bool  `json:"include_location"`
	IncludeWeather  *bool  `json:"include_weather"`
}

type location struct {
	Latitude  float64 `json:"start_latitude"`
	Longitude float64 `json:"start_longitude"`
	Timezone  string  `json:"timezone,omitempty"`
}

type intelligenceAnswer struct {
	Provider    string                           `json:"provider"`
	Activity    activityRef                      `json:"activity"`
	Analysis    intelligence.ActivityAnalysis    `json:"analysis"`
	Comparison  *intelligence.ActivityComparison `json:"comparison,omitempty"`
	Location    *location                        `json:"location,omitempty"`
	Weather     string                           `json:"weather,omitempty"`
	Algorithms  intelligence.Algorithms          `json:"algorithms"`
	StreamsUsed bool                             `json:"streams_used"`
	narrative
	Summary string `json:"summary"`
}

// comparisonDays is how far back comparisons and insights look.
const comparisonDays = 365

func (e *env) activityIntelligence(ctx context.Context, c *tools.Call, in intelligenceArgs) (any, error) {
	r, err := e.analyze(ctx, c, in.Provider, in.ActivityID)
	if err != nil {
		return nil, err
	}
	out := intelligenceAnswer{Provider: r.Provider, Activity: refOf(&r.Activity), Analysis: r.Analysis,
		Algorithms: r.Algorithms, StreamsUsed: r.StreamsUsed, Summary: r.Analysis.Summary}
	h, err := e.history(ctx, c, r.Provider, comparisonDays)
	if err != nil {
		return nil, err
	}
	if cmp, err := intelligence.CompareActivity(&r.Activity, h.Acts, intelligence.CompareRecent); err == nil {
		out.Comparison = &cmp
	}
	if (in.IncludeLocation == nil || *in.IncludeLocation) && r.Activity.StartLatitude != nil && r.Activity.StartLongitude != nil {
		out.Location = &location{Latitude: *r.Activity.StartLatitude, Longitude: *r.Activity.StartLongitude, Timezone: r.Activity.Timezone}
	}
	if in.IncludeWeather == nil || *in.IncludeWeather {
		out.Weather = "not available: this server has no weather data source"
	}
	rules := activityRules(r, out.Comparison)
	facts := map[string]any{"activity": out.Activity, "summary": r.Analysis.Summary, "comparison": out.Comparison,
		"tss": r.Analysis.TSS, "decoupling": r.Analysis.Decoupling, "notes": r.Analysis.Notes}
	out.narrative = narrate(ctx, c, "Write a short coaching reading of this workout for the athlete.", facts, rules)
	return out, nil
}

// activityRules is the deterministic reading of one activity.
func activityRules(r *analyzed, cmp *intelligence.ActivityComparison) string {
	an := &r.Analysis
	parts := []string{strings.ToUpper(an.Summary[:1]) + an.Summary[1:] + "."}
	switch {
	case an.TSS != nil:
		parts = append(parts, an.TSS.Interpretation+".")
	case an.HRTSS != nil:
		parts = append(parts, an.HRTSS.Interpretation+".")
	}
	if zones := timeInZones(an); len(zones) > 0 {
		top := slices.MaxFunc(zones, func(a, b intelligence.ZoneTime) int { return int(a.Seconds - b.Seconds) })
		parts = append(parts, fmt.Sprintf("Most time in zone %d (%s): %.0f%%.", top.Zone, top.Name, top.Percent))
	}
	if an.Decoupling != nil {
		parts = append(parts, an.Decoupling.Interpretation+".")
	}
	if cmp != nil {
		var better, worse []string
		for _, m := range cmp.Metrics {
			if m.Metric == intelligence.MetricDistance || m.Metric == intelligence.MetricDuration || m.Metric == intelligence.MetricElevationGain {
				continue // volume, not performance
			}
			switch {
			case m.Better && abs(m.PercentChange) >= 1:
				better = append(better, fmt.Sprintf("%s %+.1f%%", m.Metric, m.PercentChange))
			case !m.Better && abs(m.PercentChange) >= 1:
				worse = append(worse, fmt.Sprintf("%s %+.1f%%", m.Metric, m.PercentChange))
			}
		}
		s := fmt.Sprintf("Against your last %d %s sessions", len(cmp.ComparedWith), r.Activity.Sport.Family())
		switch {
		case len(better) > 0 && len(worse) > 0:
			s += ": better " + strings.Join(better, ", ") + "; worse " + strings.Join(worse, ", ") + "."
		case len(better) > 0:
			s += ": better " + strings.Join(better, ", ") + "."
		case len(worse) > 0:
			s += ": worse " + strings.Join(worse, ", ") + "."
		default:
			s += ": in line with your usual."
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func timeInZones(an *intelligence.ActivityAnalysis) []intelligence.ZoneTime {
	if an.Power != nil && len(an.Power.TimeInZones) > 0 {
		return an.Power.TimeInZones
	}
	if an.HeartRate != nil {
		return an.HeartRate.TimeInZones
	}
	return nil
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// Metrics of calculate_metrics.
var metricNames = []string{"tss", "normalized_power", "intensity_factor", "trimp", "hr_tss", "power_to_weight",
	"efficiency", "variability_index", "decoupling", "pace", "zones", "best_efforts"}

type metricsArgs struct {
	Provider   string   `json:"provider"`
	ActivityID string   `json:"activity_id"`
	Metrics    []string `json:"metrics"`
}

// metricValue is one calculated metric.
type metricValue struct {
	Value  any    `json:"value"`
	Unit   string `json:"unit,omitempty"`
	Method string `json:"method,omitempty"`
}

func (e *env) calculateMetrics(ctx context.Context, c *tools.Call, in metricsArgs) (any, error) {
	r, err := e.analyze(ctx, c, in.Provider, in.ActivityID)
	if err != nil {
		return nil, err
	}
	want := in.Metrics
	if len(want) == 0 {
		want = metricNames
	}
	an := &r.Analysis
	got := map[string]metricValue{}
	missing := map[string]string{}
	for _, m := range want {
		v, reason := metricOf(an, m)
		if reason != "" {
			missing[m] = reason
			continue
		}
		got[m] = v
	}
	var names []string
	for _, m := range want {
		if v, ok := got[m]; ok {
			if f, ok := v.Value.(float64); ok {
				names = append(names, fmt.Sprintf("%s %.4g%s", m, f, unitSuffix(v.Unit)))
			}
		}
	}
	summary := fmt.Sprintf("%d of %d metrics calculated", len(got), len(want))
	if len(names) > 0 {
		summary += ": " + strings.Join(names, ", ")
	}
	return map[string]any{"provider": r.Provider, "activity_id": r.Activity.ID, "metrics": got, "unavailable": missing,
		"streams_used": r.StreamsUsed, "summary": summary}, nil
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// metricOf picks one metric from the analysis, or says why it is missing.
func metricOf(an *intelligence.ActivityAnalysis, m string) (metricValue, string) {
	const noPower = "the activity has no power data"
	switch m {
	case "tss":
		if an.TrainingStress != nil {
			return metricValue{round1(an.TrainingStress.TSS), "TSS", an.TrainingStress.Method}, ""
		}
		return metricValue{}, "needs power with an FTP, or heart rate with LTHR or max HR"
	case "normalized_power":
		if an.Power != nil {
			return metricValue{round1(an.Power.NormalizedPowerWatts), "W", an.Power.NPMethod}, ""
		}
		return metricValue{}, noPower
	case "intensity_factor":
		if an.Power != nil && an.Power.IntensityFactor != nil {
			return metricValue{round2(*an.Power.IntensityFactor), "", "NP / FTP"}, ""
		}
		if an.HRTSS != nil {
			return metricValue{round2(an.HRTSS.IntensityFactor), "", "average HR / LTHR"}, ""
		}
		return metricValue{}, "needs power and FTP, or heart rate and LTHR"
	case "trimp":
		if an.TRIMP != nil {
			return metricValue{round1(an.TRIMP.TRIMP), "TRIMP", an.TRIMP.Method}, ""
		}
		return metricValue{}, "needs heart rate (and resting and max heart rate for Banister)"
	case "hr_tss":
		if an.HRTSS != nil {
			return metricValue{round1(an.HRTSS.HRTSS), "hrTSS", an.HRTSS.Method}, ""
		}
		return metricValue{}, "needs average heart rate and LTHR"
	case "power_to_weight":
		if an.Power != nil && an.Power.WattsPerKg != nil {
			return metricValue{round2(*an.Power.WattsPerKg), "W/kg", "normalized power / body mass"}, ""
		}
		if an.Power == nil {
			return metricValue{}, noPower
		}
		return metricValue{}, "needs the athlete's weight (set weight_kg with update_user_configuration)"
	case "efficiency":
		if an.EfficiencyFactor != nil {
			unit, method := "m/min per bpm", "speed / average heart rate"
			if an.Power != nil {
				unit, method = "W per bpm", "normalized power / average heart rate"
			}
			return metricValue{round2(*an.EfficiencyFactor), unit, method}, ""
		}
		return metricValue{}, "needs heart rate and power or speed"
	case "variability_index":
		if an.Power != nil && an.Power.VariabilityIndex > 0 {
			return metricValue{round2(an.Power.VariabilityIndex), "", "NP / average power"}, ""
		}
		return metricValue{}, noPower
	case "decoupling":
		if an.Decoupling != nil {
			return metricValue{round1(an.Decoupling.DecouplingPercent), "%", an.Decoupling.Method}, ""
		}
		return metricValue{}, fmt.Sprintf("needs heart-rate and power or speed streams of at least %d minutes", intelligence.MinDecouplingSamples/60)
	case "pace":
		if an.PacePerKmSeconds != nil {
			return metricValue{round1(*an.PacePerKmSeconds), "s/km", "moving time / distance"}, ""
		}
		return metricValue{}, "pace applies to runs, walks and hikes with a distance"
	case "zones":
		if zs := timeInZones(an); len(zs) > 0 {
			method := "coggan_power"
			if an.Power == nil || len(an.Power.TimeInZones) == 0 {
				method = an.HeartRate.ZoneMethod
			}
			return metricValue{zs, "seconds per zone", method}, ""
		}
		return metricValue{}, "needs a power stream with FTP or a heart-rate stream with max HR"
	case "best_efforts":
		if an.Power != nil && len(an.Power.Bests) > 0 {
			return metricValue{an.Power.Bests, "W", "best mean power per duration"}, ""
		}
		if len(an.FastestEfforts) > 0 {
			return metricValue{an.FastestEfforts, "s", "fastest time per distance"}, ""
		}
		return metricValue{}, "needs a power stream or a distance stream"
	}
	return metricValue{}, "unknown metric"
}

type compareArgs struct {
	Provider       string `json:"provider"`
	ActivityID     string `json:"activity_id"`
	ComparisonType string `json:"comparison_type"`
}

func (e *env) compareActivities(ctx context.Context, c *tools.Call, in compareArgs) (any, error) {
	name, a, err := e.data.Activity(ctx, c.Principal, in.Provider, in.ActivityID)
	if err != nil {
		return nil, activityErr(err, in.ActivityID)
	}
	h, err := e.history(ctx, c, name, comparisonDays)
	if err != nil {
		return nil, err
	}
	cmp, err := intelligence.CompareActivity(&a, h.Acts, in.ComparisonType)
	if err != nil {
		return nil, engineErr(err)
	}
	return map[string]any{"provider": name, "activity": refOf(&a), "period_days": comparisonDays,
		"comparison": cmp, "summary": cmp.Interpretation}, nil
}
