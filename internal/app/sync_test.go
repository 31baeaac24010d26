package app_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/provider/strava/stravatest"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/vendorbudget"
)

// TestStravaSyncThroughTheServer connects Strava through the real OAuth
// callback and watches Pierre keep its own copy: the backfill starts on
// connect and reports progress in get_connection_status, tools then answer
// from the store and say how fresh it is, and Strava's webhook events
// (create, delete, deauthorisation) keep the copy current.
func TestStravaSyncThroughTheServer(t *testing.T) {
	vendor := stravatest.New(t, []vendorbudget.Window{{Length: 15 * time.Minute, Limit: 600}, {Length: 24 * time.Hour, Limit: 30000}},
		map[string]*stravatest.Athlete{"athlete-token": {ID: 134815, Activities: 120}})
	vendor.Code, vendor.CodeToken = "good-code", "athlete-token"
	s := startServer(t, config.SQLite,
		"PIERRE_STRAVA_CLIENT_ID", "12345", "PIERRE_STRAVA_CLIENT_SECRET", "strava-secret",
		"PIERRE_STRAVA_AUTH_URL", vendor.URL+"/oauth/authorize", "PIERRE_STRAVA_TOKEN_URL", vendor.URL+"/oauth/token",
		"PIERRE_STRAVA_API_BASE_URL", vendor.URL+"/api", "PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN", "hook-secret")
	token := demoToken(t, s)
	cs := connect(t, s, token, nil)

	res, out := call(t, cs, "connect_provider", map[string]any{"provider": "strava"})
	if res.IsError {
		t.Fatalf("connect_provider: %s", errorText(res))
	}
	u, _ := url.Parse(out["authorization_url"].(string))
	resp, err := http.Get(s.URL + "/api/oauth/callback/strava?" + url.Values{"state": {u.Query().Get("state")},
		"code": {"good-code"}, "scope": {"read,activity:read_all"}}.Encode())
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("callback: %v %v", err, resp)
	}
	resp.Body.Close()

	// The backfill runs on its own; its progress shows in the status.
	var sync map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, st := call(t, cs, "get_connection_status", nil)
		for _, p := range st["providers"].([]any) {
			if pm := p.(map[string]any); pm["name"] == "strava" {
				sync, _ = pm["sync_status"].(map[string]any)
			}
		}
		if sync != nil && sync["phase"] == "incremental" && sync["status"] == "idle" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backfill did not finish: %v", sync)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if sync["percent"] != 100.0 || sync["activities_synced"] != 120.0 || sync["synced_at"] == nil {
		t.Fatalf("sync status after the backfill: %v", sync)
	}

	// Tools answer from the store and say so, without asking Strava.
	before := vendor.Requests.Load()
	_, out = call(t, cs, "get_activities", map[string]any{"provider": "strava", "limit": 5})
	acts := out["activities"].([]any)
	if len(acts) != 5 || acts[0].(map[string]any)["id"] != strconv.FormatInt(stravatest.ActivityID(0), 10) {
		t.Fatalf("activities from the store: %v", out)
	}
	fresh := freshness(t, out, "strava")
	if fresh["source"] != "store" || fresh["synced_at"] == nil {
		t.Fatalf("data_freshness: %v", out["data_freshness"])
	}
	res, out = call(t, cs, "analyze_training_load", map[string]any{"provider": "strava", "timeframe": "month"})
	if res.IsError {
		t.Fatalf("analyze_training_load on stored data: %s", errorText(res))
	}
	if f := freshness(t, out, "strava"); f["source"] != "store" {
		t.Fatalf("analysis data_freshness: %v", out["data_freshness"])
	}
	if got := vendor.Requests.Load() - before; got != 0 {
		t.Fatalf("reading stored data made %d Strava requests", got)
	}

	// The webhook handshake, then events.
	var hub map[string]string
	if r := s.do(t, "GET", "/api/webhooks/strava?hub.mode=subscribe&hub.challenge=15f7d1a91c1f40f8&hub.verify_token=hook-secret", "", nil, &hub); r.StatusCode != 200 || hub["hub.challenge"] != "15f7d1a91c1f40f8" {
		t.Fatalf("handshake: %d %v", r.StatusCode, hub)
	}
	if r := s.do(t, "GET", "/api/webhooks/strava?hub.mode=subscribe&hub.challenge=x&hub.verify_token=wrong", "", nil, nil); r.StatusCode != 403 {
		t.Fatalf("handshake with a wrong verify_token: %d", r.StatusCode)
	}
	event := func(objectType, aspect string, id int64, updates map[string]string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"object_type": objectType, "object_id": id, "aspect_type": aspect,
			"owner_id": 134815, "subscription_id": 120475, "event_time": time.Now().Unix(), "updates": updates})
		r, err := http.Post(s.URL+"/api/webhooks/strava", "application/json", strings.NewReader(string(body)))
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("event %s %s: %v %v", objectType, aspect, err, r)
		}
		r.Body.Close()
		s.App.StravaWebhook.Wait()
	}
	owner := demoOwner(t, s)
	vendor.Update("athlete-token", func(a *stravatest.Athlete) { a.Activities = 121 })
	before = vendor.Requests.Load()
	event("activity", "create", stravatest.ActivityID(120), nil)
	if n, _ := s.App.Store.CountRecords(context.Background(), owner, "strava", store.KindActivity); n != 121 {
		t.Fatalf("%d activities after a create event, want 121", n)
	}
	if got := vendor.Requests.Load() - before; got != 2 {
		t.Fatalf("a create event cost %d Strava requests, want 2 (the activity and its streams)", got)
	}
	// A forged delete changes nothing: Strava still has the activity.
	event("activity", "delete", stravatest.ActivityID(3), nil)
	if _, err := s.App.Store.Record(context.Background(), owner, "strava", store.KindActivity, strconv.FormatInt(stravatest.ActivityID(3), 10)); err != nil {
		t.Fatalf("a delete event Strava does not confirm removed the activity: %v", err)
	}
	vendor.Update("athlete-token", func(a *stravatest.Athlete) { a.Deleted = map[int]bool{3: true} })
	event("activity", "delete", stravatest.ActivityID(3), nil)
	if _, err := s.App.Store.Record(context.Background(), owner, "strava", store.KindActivity, strconv.FormatInt(stravatest.ActivityID(3), 10)); err == nil {
		t.Fatal("a confirmed delete event left the activity in the store")
	}
	// An assistant asks for a sync now and sees its progress.
	var progress atomic.Int64
	pcs := connect(t, s, token, &mcp.ClientOptions{ProgressNotificationHandler: func(context.Context, *mcp.ProgressNotificationClientRequest) {
		progress.Add(1)
	}})
	params := &mcp.CallToolParams{Name: "get_connection_status", Arguments: map[string]any{"sync_now": "strava"}}
	params.SetProgressToken("sync-1")
	res, err = pcs.CallTool(context.Background(), params)
	if err != nil || res.IsError {
		t.Fatalf("sync_now: %v %v", err, res)
	}
	if progress.Load() == 0 {
		t.Fatal("no progress notification while the tool waited on the sync")
	}
	// Fitbit is not connected: the tool says so instead of syncing.
	if r, err := pcs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_connection_status",
		Arguments: map[string]any{"sync_now": "fitbit"}}); err == nil && !r.IsError {
		t.Fatal("sync_now on an unconnected provider did not fail")
	}

	// Deauthorisation: once Strava confirms it, Pierre's copy goes.
	vendor.Update("athlete-token", func(a *stravatest.Athlete) { a.Deauthorized = true })
	event("athlete", "update", 134815, map[string]string{"authorized": "false"})
	if n, _ := s.App.Store.CountRecords(context.Background(), owner, "strava", store.KindActivity); n != 0 {
		t.Fatalf("%d activities kept after the athlete deauthorised Pierre", n)
	}
	if r := s.do(t, "POST", "/api/webhooks/strava", "", map[string]any{"object_type": "gear"}, nil); r.StatusCode != 400 {
		t.Fatalf("malformed event: %d", r.StatusCode)
	}
}

func freshness(t testing.TB, out map[string]any, provider string) map[string]any {
	t.Helper()
	list, _ := out["data_freshness"].([]any)
	for _, f := range list {
		if fm := f.(map[string]any); fm["provider"] == provider {
			return fm
		}
	}
	t.Fatalf("no data_freshness for %s in %v", provider, out)
	return nil
}

func demoOwner(t testing.TB, s *testServer) store.Owner {
	d, err := s.App.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return store.Owner{TenantID: d.User.TenantID, UserID: d.User.ID}
}

// TestStoredCopyAnswersLikeTheProvider reads the demo athlete's whole
// history, which reaches past the sync depth, once through Pierre's copy
// and once straight from the provider (the same database, PIERRE_SYNC=off):
// the answers must be the same activities in the same order.
func TestStoredCopyAnswersLikeTheProvider(t *testing.T) {
	var key [32]byte
	rand.Read(key[:])
	mek := base64.StdEncoding.EncodeToString(key[:])
	db := storetest.DatabaseURL(t, config.SQLite)
	ids := func(s *testServer) []string {
		cs := connect(t, s, demoToken(t, s), nil)
		defer cs.Close() // an open session would hold the server's shutdown
		var out []string
		for offset := 0; ; offset += 200 {
			_, page := call(t, cs, "get_activities", map[string]any{"limit": 200, "offset": offset})
			for _, a := range page["activities"].([]any) {
				out = append(out, a.(map[string]any)["id"].(string))
			}
			if page["has_more"] != true {
				return out
			}
		}
	}
	stored := startServerOn(t, db, "PIERRE_MASTER_ENCRYPTION_KEY", mek, "PIERRE_SYNC_DEPTH_DAYS", "200")
	owner := demoOwner(t, stored)
	ids(stored) // first use starts the backfill
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := stored.App.Store.SyncState(context.Background(), owner, "synthetic")
		if err == nil && st.Phase == "incremental" && !stored.App.Syncer.Running(owner, "synthetic") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backfill did not finish: %+v %v", st, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	fromCopy := ids(stored)
	// The copy holds only the last 200 days; the rest came from the provider.
	if n, _ := stored.App.Store.CountRecords(context.Background(), owner, "synthetic", store.KindActivity); n >= len(fromCopy) || n == 0 {
		t.Fatalf("%d activities stored for a 200-day depth, %d answered: the test does not cross the depth", n, len(fromCopy))
	}
	stored.Stop()
	<-stored.Done
	stored.Done <- nil
	live := ids(startServerOn(t, db, "PIERRE_MASTER_ENCRYPTION_KEY", mek, "PIERRE_SYNC", "off"))
	if len(fromCopy) < 100 || strings.Join(fromCopy, ",") != strings.Join(live, ",") {
		t.Fatalf("the copy answered %d activities, the provider %d; first difference at %d", len(fromCopy), len(live), firstDiff(fromCopy, live))
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
