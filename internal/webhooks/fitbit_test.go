package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// startedSyncs records which syncs a notification starts.
type startedSyncs struct {
	mu      sync.Mutex
	started []store.Owner
}

func (s *startedSyncs) SyncActivity(context.Context, store.Owner, string, string) error { return nil }
func (s *startedSyncs) Start(_ context.Context, o store.Owner, _ string) {
	s.mu.Lock()
	s.started = append(s.started, o)
	s.mu.Unlock()
}

func TestFitbitNotificationsStartOneSyncPerUser(t *testing.T) {
	st := storetest.Open(t, config.SQLite)
	ctx := context.Background()
	now := time.Now()
	for _, tn := range []string{"t1", "t2"} {
		if err := st.CreateTenant(ctx, store.Tenant{ID: tn, Name: tn, Slug: tn, Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range [][2]string{{"t1", "alice"}, {"t2", "alice2"}, {"t1", "bob"}} {
		if err := st.CreateUser(ctx, store.User{ID: u[1], TenantID: u[0], Email: u[1] + "@example.com", PasswordHash: "h",
			Role: store.RoleUser, TenantRole: store.TenantMember, Status: store.StatusActive, Tier: "starter", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []store.ProviderConnection{
		{TenantID: "t1", UserID: "alice", Provider: "fitbit", VendorUserID: "GGNJL9", TokensSealed: []byte{1}, Status: store.ConnectionConnected, ConnectedAt: now, UpdatedAt: now},
		{TenantID: "t2", UserID: "alice2", Provider: "fitbit", VendorUserID: "GGNJL9", TokensSealed: []byte{1}, Status: store.ConnectionConnected, ConnectedAt: now, UpdatedAt: now},
		{TenantID: "t1", UserID: "bob", Provider: "fitbit", VendorUserID: "OTHER1", TokensSealed: []byte{1}, Status: store.ConnectionConnected, ConnectedAt: now, UpdatedAt: now},
	} {
		if err := st.UpsertProviderConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	syncs := &startedSyncs{}
	h := &Fitbit{VerifyCode: "verify-abc", ClientSecret: "fitbit-secret", Owners: st, Syncer: syncs}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Subscriber verification: 204 for the right code, 404 otherwise.
	for code, want := range map[string]int{"verify-abc": 204, "wrong": 404} {
		resp, err := http.Get(srv.URL + "?verify=" + code)
		if err != nil || resp.StatusCode != want {
			t.Fatalf("verify=%s: %v %v, want %d", code, err, resp, want)
		}
	}
	body := `[{"collectionType":"activities","date":"2026-11-20","ownerId":"GGNJL9","ownerType":"user","subscriptionId":"1"},
		{"collectionType":"sleep","date":"2026-11-20","ownerId":"GGNJL9","ownerType":"user","subscriptionId":"1"}]`
	post := func(sig string) int {
		req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body))
		req.Header.Set("X-Fitbit-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("forged"); code != 404 {
		t.Fatalf("bad signature: %d, want 404", code)
	}
	if code := post(h.Signature([]byte(body))); code != 204 {
		t.Fatalf("signed notification: %d, want 204", code)
	}
	h.Wait()
	// Two collections for one Fitbit account connected by two Pierre users
	// (two tenants): one sync each; Bob's account is untouched.
	if len(syncs.started) != 2 || syncs.started[0].UserID == "bob" || syncs.started[1].UserID == "bob" {
		t.Fatalf("syncs started: %+v", syncs.started)
	}
}

func FuzzParseFitbitNotifications(f *testing.F) {
	f.Add([]byte(`[{"collectionType":"activities","date":"2026-11-20","ownerId":"GGNJL9","ownerType":"user","subscriptionId":"1"}]`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[{"ownerId":""}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ns, err := ParseFitbitNotifications(b)
		if err != nil {
			return
		}
		for _, n := range ns {
			if n.OwnerID == "" || n.CollectionType == "" {
				t.Fatalf("accepted %+v", n)
			}
		}
	})
}
