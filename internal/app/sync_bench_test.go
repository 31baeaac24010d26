package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/datasync"
)

// BenchmarkStoredYear measures tools reading a year of data from Pierre's
// own copy (the synced store) rather than the provider, through the whole
// stack, one client calling in a loop. Targets: get_activities p95 under
// 10 ms, analyze_training_load p95 under 20 ms. Run with -benchtime=200x.
func BenchmarkStoredYear(b *testing.B) {
	// 500 days: a year plus the CTL warm-up analyze_training_load reads.
	s := startServer(b, "sqlite", "PIERRE_SYNC_DEPTH_DAYS", "500")
	cs := connect(b, s, demoToken(b, s), nil)
	call(b, cs, "get_activities", map[string]any{"limit": 1}) // first use starts the backfill
	owner := demoOwner(b, s)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st, err := s.App.Store.SyncState(context.Background(), owner, "synthetic")
		if err == nil && st.Phase == datasync.PhaseIncremental && !s.App.Syncer.Running(owner, "synthetic") {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("backfill did not finish: %+v %v", st, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, out := call(b, cs, "get_activities", map[string]any{"limit": 5})
	if f := freshness(b, out, "synthetic"); f["source"] != "store" {
		b.Fatalf("not reading the store: %v", f)
	}
	for _, c := range []struct {
		name string
		args map[string]any
	}{
		{"get_activities", map[string]any{"limit": 50}},
		{"analyze_training_load", map[string]any{"timeframe": "year"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			sessions := newLoadSessions(b, s, 1, toolCall(c.name, c.args))
			runConcurrent(b, sessions, (*loadSession).do)
		})
	}
}
