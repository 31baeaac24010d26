//lint:file-ignore SA1019 the test plays a client that offers MCP sampling, deprecated from protocol 2026-07-28 but what today's clients do.

package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/provider/synthetic"
)

// startScenario runs a server whose synthetic athlete follows scenario sc.
func startScenario(t testing.TB, sc synthetic.Scenario) *testServer {
	t.Helper()
	return &testServer{apptest.Start(t, "sqlite", apptest.Options{Synthetic: &synthetic.Options{
		ScenarioFor: func(string) synthetic.Scenario { return sc }}})}
}

// firstActivity returns the id of the newest activity of a sport family
// that has streams.
func firstActivity(t testing.TB, cs *mcp.ClientSession, sport string) string {
	t.Helper()
	out := mustCall(t, cs, "get_activities", map[string]any{"sport_type": sport, "limit": 20})
	for _, a := range out["activities"].([]any) {
		m := a.(map[string]any)
		if m["has_streams"] == true {
			return m["id"].(string)
		}
	}
	t.Fatalf("no %s with streams", sport)
	return ""
}

// TestAnalysisToolsAnswerOnTheDemoAthlete calls each of the 15 analysis
// and sleep tools through MCP as the demo athlete: every one answers,
// names its provider (or providers) and carries a plain-language summary.
func TestAnalysisToolsAnswerOnTheDemoAthlete(t *testing.T) {
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)
	ride := firstActivity(t, cs, "ride")
	run := firstActivity(t, cs, "run")
	calls := []struct {
		tool string
		args map[string]any
	}{
		{"analyze_activity", map[string]any{"activity_id": ride}},
		{"get_activity_intelligence", map[string]any{"activity_id": run}},
		{"calculate_metrics", map[string]any{"activity_id": ride, "metrics": []string{"tss", "normalized_power", "intensity_factor", "power_to_weight", "trimp"}}},
		{"analyze_performance_trends", map[string]any{"timeframe": "quarter", "metric": "heart_rate"}},
		{"compare_activities", map[string]any{"activity_id": ride, "comparison_type": "similar_activities"}},
		{"detect_patterns", map[string]any{"pattern_type": "training_consistency"}},
		{"detect_patterns", map[string]any{"pattern_type": "seasonal_trends"}},
		{"detect_patterns", map[string]any{"pattern_type": "injury_risk"}},
		{"generate_recommendations", map[string]any{}},
		{"calculate_fitness_score", map[string]any{"sleep_provider": "synthetic"}},
		{"predict_performance", map[string]any{"target_sport": "run", "target_distance": 10000, "target_date": "2027-03-01"}},
		{"analyze_training_load", map[string]any{"sleep_provider": "synthetic", "timeframe": "quarter"}},
		{"analyze_sleep_quality", map[string]any{}},
		{"calculate_recovery_score", map[string]any{}},
		{"suggest_rest_day", map[string]any{}},
		{"track_sleep_trends", map[string]any{"days_back": 30}},
		{"optimize_sleep_schedule", map[string]any{"key_workout_tomorrow": true}},
	}
	seen := map[string]bool{}
	for _, c := range calls {
		out := mustCall(t, cs, c.tool, c.args)
		seen[c.tool] = true
		sum, _ := out["summary"].(string)
		if len(sum) < 20 {
			t.Errorf("%s: summary %q is not a sentence an assistant can relay", c.tool, sum)
		}
		named := out["provider"] == "synthetic" || out["sleep_provider"] == "synthetic"
		if pu, ok := out["providers_used"].(map[string]any); ok {
			named = pu["activity_provider"] == "synthetic" && pu["sleep_provider"] == "synthetic"
		}
		if !named {
			t.Errorf("%s does not name the provider its data came from: %v", c.tool, out)
		}
	}
	if len(seen) != 15 {
		t.Fatalf("called %d distinct tools, want 15", len(seen))
	}

	// Numbers carry their units and method.
	an := mustCall(t, cs, "analyze_activity", map[string]any{"activity_id": ride})
	if num(t, an, "analysis", "power", "normalized_power_watts") <= 0 || an["streams_used"] != true {
		t.Errorf("ride analysis lacks normalized power from streams: %v", an["analysis"])
	}
	if m := an["analysis"].(map[string]any)["tss"].(map[string]any); m["power_basis"] != "normalized_power" || m["algorithm"] != "hybrid" {
		t.Errorf("TSS should be the default hybrid on normalized power: %v", m)
	}
	met := mustCall(t, cs, "calculate_metrics", map[string]any{"activity_id": ride, "metrics": []string{"power_to_weight", "decoupling"}})
	if m := met["metrics"].(map[string]any)["power_to_weight"].(map[string]any); m["unit"] != "W/kg" || m["value"].(float64) < 1 {
		t.Errorf("power_to_weight: %v", m)
	}
	load := mustCall(t, cs, "analyze_training_load", map[string]any{"timeframe": "month"})
	if tl := load["training_load"].(map[string]any); tl["units"] != "TSS per day" || load["algorithm"] != "trainingpeaks" || len(load["series"].([]any)) != 30 {
		t.Errorf("training load: %v, algorithm %v, %d points", tl, load["algorithm"], len(load["series"].([]any)))
	}
	pred := mustCall(t, cs, "predict_performance", map[string]any{"target_sport": "run", "target_distance": 5000})
	cur := pred["prediction"].(map[string]any)["current"].(map[string]any)
	if sec := cur["predicted_time_seconds"].(float64); sec < 14*60 || sec > 40*60 || pred["algorithm"] != "daniels" {
		t.Errorf("5 km prediction %v s by %v", sec, pred["algorithm"])
	}
}

// TestAnalysisToolsRefuseBadInput: each mistake is refused with the
// argument named.
func TestAnalysisToolsRefuseBadInput(t *testing.T) {
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)
	ctx := context.Background()
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"analyze_activity", map[string]any{}, `invalid argument "activity_id": is required`},
		{"compare_activities", map[string]any{"activity_id": "1", "comparison_type": "best"}, `invalid argument "comparison_type": must be one of`},
		{"analyze_performance_trends", map[string]any{"timeframe": "decade", "metric": "pace"}, `invalid argument "timeframe"`},
		{"calculate_metrics", map[string]any{"activity_id": "1", "metrics": []string{"vibes"}}, `invalid argument "metrics[0]"`},
		{"predict_performance", map[string]any{"target_sport": "run", "target_distance": 10000, "target_date": "2020-01-01"}, `invalid argument "target_date": (2020-01-01) must be after today`},
		{"predict_performance", map[string]any{"target_sport": "run", "target_distance": -5}, `invalid argument "target_distance"`},
		{"predict_performance", map[string]any{"target_sport": "ride", "target_distance": 40000}, `invalid argument "target_sport"`},
		{"optimize_sleep_schedule", map[string]any{"wake_time": "25:00"}, `invalid argument "wake_time"`},
		{"analyze_sleep_quality", map[string]any{"sleep_data": map[string]any{"duration_hours": 7, "deep_sleep_hours": 9}}, `invalid argument "sleep_data.deep_sleep_hours"`},
		{"track_sleep_trends", map[string]any{"days_back": 3}, `invalid argument "days_back": must be between 7 and 90`},
	} {
		_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.tool, Arguments: c.args})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: want error %q, got %v", c.tool, c.args, c.want, err)
		}
	}
	// An unknown activity is a not_found tool error naming the argument.
	for _, tool := range []string{"analyze_activity", "get_activity_intelligence", "calculate_metrics"} {
		res, _ := call(t, cs, tool, map[string]any{"activity_id": "no-such-activity"})
		text := res.Content[0].(*mcp.TextContent).Text
		if !res.IsError || !strings.Contains(text, `activity_id "no-such-activity": no such activity`) || !strings.Contains(text, "Next step: call get_activities") {
			t.Errorf("%s on an unknown id: %s", tool, text)
		}
	}
}

// TestOvertrainingAthleteIsToldToRest: three weeks of escalating load
// without rest drive TSB below −30; the load tool reports a high
// overtraining risk and the rest-day tool recommends rest.
func TestOvertrainingAthleteIsToldToRest(t *testing.T) {
	s := startScenario(t, synthetic.Overtraining)
	cs := connect(t, s, demoToken(t, s), nil)
	load := mustCall(t, cs, "analyze_training_load", map[string]any{"sleep_provider": "synthetic"})
	if tsb := num(t, load, "training_load", "tsb"); tsb >= -30 {
		t.Errorf("overtraining athlete has TSB %.1f, want below -30", tsb)
	}
	if risk := load["overtraining"].(map[string]any)["risk_level"]; risk != "high" {
		t.Errorf("overtraining risk %v, want high: %v", risk, load["overtraining"])
	}
	rest := mustCall(t, cs, "suggest_rest_day", nil)
	if rest["rest_recommended"] != true || rest["urgency"] == "none" {
		t.Errorf("no rest day for the overtraining athlete: %v", rest)
	}
	rec := mustCall(t, cs, "generate_recommendations", map[string]any{"recommendation_type": "recovery"})
	first := rec["recommendations"].([]any)[0].(map[string]any)
	if first["priority"] != "high" || !strings.HasPrefix(first["title"].(string), "Rest day") {
		t.Errorf("recovery recommendations do not lead with rest: %v", rec["recommendations"])
	}

	// The consistent cyclist, by contrast, is not told to rest urgently.
	s2 := startScenario(t, synthetic.ExperiencedCyclistConsistent)
	cs2 := connect(t, s2, demoToken(t, s2), nil)
	load2 := mustCall(t, cs2, "analyze_training_load", nil)
	if risk := load2["overtraining"].(map[string]any)["risk_level"]; risk == "high" {
		t.Errorf("consistent cyclist flagged high risk: %v", load2["overtraining"])
	}
	cons := mustCall(t, cs2, "detect_patterns", map[string]any{"pattern_type": "training_consistency"})
	if band := cons["result"].(map[string]any)["band"]; band != "very_consistent" && band != "consistent" {
		t.Errorf("consistent cyclist's consistency band is %v", band)
	}
}

// TestImprovingBeginnerPaceTrend: a beginner runner getting faster over
// six weeks shows an improving pace trend with R² reported.
func TestImprovingBeginnerPaceTrend(t *testing.T) {
	s := startScenario(t, synthetic.BeginnerRunnerImproving)
	cs := connect(t, s, demoToken(t, s), nil)
	out := mustCall(t, cs, "analyze_performance_trends", map[string]any{"timeframe": "quarter", "metric": "pace"})
	tr := out["trend"].(map[string]any)
	r2 := num(t, tr, "regression", "r_squared")
	if out["direction"] != "improving" || tr["direction"] != "improving" || out["sport_family"] != "run" || out["unit"] != "s/km" {
		t.Errorf("beginner pace trend: %v", out["summary"])
	}
	if r2 <= 0 || r2 > 1 || out["r_squared"] == nil {
		t.Errorf("R² %v not reported", r2)
	}
	if !strings.Contains(out["summary"].(string), "R²") {
		t.Errorf("summary does not mention R²: %v", out["summary"])
	}
}

// TestInjuryRecoveryAthleteHasFallingLoad: after four weeks off, the
// returning athlete's fitness is well below its former level and the
// load tool says so.
func TestInjuryRecoveryAthleteHasFallingLoad(t *testing.T) {
	s := startScenario(t, synthetic.InjuryRecovery)
	cs := connect(t, s, demoToken(t, s), nil)
	load := mustCall(t, cs, "analyze_training_load", map[string]any{"timeframe": "quarter"})
	series := load["series"].([]any)
	then := series[0].(map[string]any)["ctl"].(float64)
	now := num(t, load, "training_load", "ctl")
	if now >= then*0.8 {
		t.Errorf("CTL %.1f now vs %.1f a quarter ago: the layoff does not show", now, then)
	}
	if risk := load["overtraining"].(map[string]any)["risk_level"]; risk == "high" {
		t.Errorf("easy return flagged as high overtraining risk: %v", load["overtraining"])
	}
}

// sampler answers sampling requests with a fixed text, or fails.
type sampler struct {
	mu      sync.Mutex
	calls   int
	prompts []string
	fail    bool
}

func (s *sampler) handle(_ context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	for _, m := range req.Params.Messages {
		if tc, ok := m.Content.(*mcp.TextContent); ok {
			s.prompts = append(s.prompts, tc.Text)
		}
	}
	if s.fail {
		return nil, errors.New("the user declined the sampling request")
	}
	return &mcp.CreateMessageResult{Model: "test-model", Role: "assistant",
		Content: &mcp.TextContent{Text: "Coach says: solid work, keep the easy days easy."}}, nil
}

// TestNarrativesUseSamplingAndFallBackToRules: with a client that samples,
// the two narrative tools answer with the client's text; with a client
// that cannot sample, or whose sampling fails, they answer with Pierre's
// rules and say so.
func TestNarrativesUseSamplingAndFallBackToRules(t *testing.T) {
	s := startServer(t, "sqlite")
	token := demoToken(t, s)
	ok := &sampler{}
	withSampling := connect(t, s, token, &mcp.ClientOptions{CreateMessageHandler: ok.handle})
	failing := &sampler{fail: true}
	withFailing := connect(t, s, token, &mcp.ClientOptions{CreateMessageHandler: failing.handle})
	without := connect(t, s, token, nil)
	run := firstActivity(t, without, "run")

	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"get_activity_intelligence", map[string]any{"activity_id": run}},
		{"generate_recommendations", map[string]any{"activity_id": run}},
	} {
		out := mustCall(t, withSampling, c.tool, c.args)
		if out["narrative_source"] != "sampling" || out["narrative"] != "Coach says: solid work, keep the easy days easy." {
			t.Errorf("%s with sampling: %v / %v", c.tool, out["narrative_source"], out["narrative"])
		}
		rules := mustCall(t, without, c.tool, c.args)
		if rules["narrative_source"] != "rules" || len(rules["narrative"].(string)) < 40 || !strings.Contains(rules["narrative_note"].(string), "does not support MCP sampling") {
			t.Errorf("%s without sampling: %v / %v / %v", c.tool, rules["narrative_source"], rules["narrative"], rules["narrative_note"])
		}
		failed := mustCall(t, withFailing, c.tool, c.args)
		if failed["narrative_source"] != "rules" || failed["narrative"] != rules["narrative"] || !strings.Contains(failed["narrative_note"].(string), "sampling failed") {
			t.Errorf("%s with failing sampling: %v / %v", c.tool, failed["narrative_source"], failed["narrative_note"])
		}
	}
	// The model was given the analysis to write from.
	ok.mu.Lock()
	defer ok.mu.Unlock()
	if ok.calls != 2 || !strings.Contains(ok.prompts[0], "rule-based reading") || !strings.Contains(ok.prompts[0], run) {
		t.Errorf("sampling prompts: %d calls, first %.300q", ok.calls, ok.prompts)
	}
}

// TestTrainingLoadFromStreamsReportsProgress: use_streams fetches a year
// of power streams, reports progress while doing it, and scores rides by
// normalized power.
func TestTrainingLoadFromStreamsReportsProgress(t *testing.T) {
	s := startServer(t, "sqlite")
	var mu sync.Mutex
	var progress []float64
	cs := connect(t, s, demoToken(t, s), &mcp.ClientOptions{ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
		mu.Lock()
		progress = append(progress, req.Params.Progress)
		mu.Unlock()
	}})
	params := &mcp.CallToolParams{Name: "analyze_training_load", Arguments: map[string]any{"timeframe": "year", "use_streams": true}}
	params.SetProgressToken("load-1")
	res, err := cs.CallTool(context.Background(), params)
	if err != nil || res.IsError {
		t.Fatalf("analyze_training_load with streams: %v %v", err, res)
	}
	var out map[string]any
	b, _ := json.Marshal(res.StructuredContent)
	json.Unmarshal(b, &out)
	methods := out["tss_methods"].(map[string]any)
	t.Logf("tss methods over a year with streams: %v", methods)
	if methods["power_normalized"] == nil || methods["power_normalized"].(float64) < 50 {
		t.Errorf("a year of rides with streams should be scored by normalized power: %v", methods)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(progress) < 5 {
		t.Errorf("only %d progress notifications for a year of streams", len(progress))
	}
}

// TestAnalysisToolsFollowTheAlgorithmSettings: the server's algorithm
// choices (the defaults of every user's settings) change what the tools
// compute, and the answers say which algorithm was used.
func TestAnalysisToolsFollowTheAlgorithmSettings(t *testing.T) {
	s := startServer(t, "sqlite", "PIERRE_TRAINING_LOAD_ALGORITHM", "ema", "PIERRE_TSS_ALGORITHM", "avg_power")
	cs := connect(t, s, demoToken(t, s), nil)
	load := mustCall(t, cs, "analyze_training_load", nil)
	if load["algorithm"] != "ema" {
		t.Errorf("training load algorithm %v, want ema", load["algorithm"])
	}
	an := mustCall(t, cs, "analyze_activity", map[string]any{"activity_id": firstActivity(t, cs, "ride")})
	tss := an["analysis"].(map[string]any)["tss"].(map[string]any)
	if tss["algorithm"] != "avg_power" || tss["power_basis"] != "average_power" || an["algorithms"].(map[string]any)["tss"] != "avg_power" {
		t.Errorf("TSS with avg_power selected: %v", tss)
	}
}
