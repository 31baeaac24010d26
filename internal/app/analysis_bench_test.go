package app_test

import (
	"encoding/json"
	"testing"
)

// BenchmarkAnalyzeTrainingLoadYear is analyze_training_load over a year
// (plus the CTL warm-up) with sleep and recovery, through the whole stack,
// one client calling in a loop: the latency an assistant sees.
func BenchmarkAnalyzeTrainingLoadYear(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 1, toolCall("analyze_training_load", map[string]any{"timeframe": "year", "sleep_provider": "synthetic"}))
	runConcurrent(b, sessions, (*loadSession).do)
}

// BenchmarkAnalyzeTrainingLoadYearStreams is the slow path: normalized-
// power TSS from every ride's power stream over a year. Run with
// -benchtime=5x.
func BenchmarkAnalyzeTrainingLoadYearStreams(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 1, toolCall("analyze_training_load", map[string]any{"timeframe": "year", "use_streams": true}))
	runConcurrent(b, sessions, (*loadSession).do)
}

// BenchmarkAnalysisToolsYear measures each analysis and sleep tool
// through MCP on the demo athlete's year of data (the longest timeframe
// each tool offers), one client calling in a loop; the target is p95 under
// 20 ms. Run with -benchtime=200x.
func BenchmarkAnalysisToolsYear(b *testing.B) {
	s := startServer(b, "sqlite")
	cs := connect(b, s, demoToken(b, s), nil)
	ride := firstActivity(b, cs, "ride")
	run := firstActivity(b, cs, "run")
	for _, c := range []struct {
		name, tool string
		args       map[string]any
	}{
		{"analyze_activity", "analyze_activity", map[string]any{"activity_id": ride}},
		{"get_activity_intelligence", "get_activity_intelligence", map[string]any{"activity_id": run}},
		{"calculate_metrics", "calculate_metrics", map[string]any{"activity_id": ride}},
		{"analyze_performance_trends", "analyze_performance_trends", map[string]any{"timeframe": "year", "metric": "pace"}},
		{"compare_activities", "compare_activities", map[string]any{"activity_id": ride, "comparison_type": "similar_activities"}},
		{"detect_patterns/consistency", "detect_patterns", map[string]any{"pattern_type": "training_consistency", "timeframe": "year"}},
		{"detect_patterns/seasonal", "detect_patterns", map[string]any{"pattern_type": "seasonal_trends", "timeframe": "year"}},
		{"detect_patterns/plateaus", "detect_patterns", map[string]any{"pattern_type": "performance_plateaus", "timeframe": "year"}},
		{"detect_patterns/injury_risk", "detect_patterns", map[string]any{"pattern_type": "injury_risk", "timeframe": "year"}},
		{"generate_recommendations", "generate_recommendations", map[string]any{}},
		{"calculate_fitness_score", "calculate_fitness_score", map[string]any{"timeframe": "all_time", "sleep_provider": "synthetic"}},
		{"predict_performance", "predict_performance", map[string]any{"target_sport": "run", "target_distance": 42195, "target_date": "2027-04-12"}},
		{"analyze_training_load", "analyze_training_load", map[string]any{"timeframe": "year", "sleep_provider": "synthetic"}},
		{"analyze_sleep_quality", "analyze_sleep_quality", map[string]any{"days_back": 30}},
		{"calculate_recovery_score", "calculate_recovery_score", map[string]any{}},
		{"suggest_rest_day", "suggest_rest_day", map[string]any{}},
		{"track_sleep_trends", "track_sleep_trends", map[string]any{"days_back": 90}},
		{"optimize_sleep_schedule", "optimize_sleep_schedule", map[string]any{}},
	} {
		b.Run(c.name, func(b *testing.B) {
			sessions := newLoadSessions(b, s, 1, toolCall(c.tool, c.args))
			runConcurrent(b, sessions, (*loadSession).do)
		})
	}
}

func toolCall(name string, args map[string]any) string {
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "tools/call",
		"params": map[string]any{"name": name, "arguments": args}})
	return string(body)
}
