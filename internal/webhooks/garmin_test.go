package webhooks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// deauthChecks records deauthorisation checks.
type deauthChecks struct{ owners []store.Owner }

func (d *deauthChecks) ActivityGone(context.Context, store.Owner, string, string) (bool, error) {
	return false, nil
}
func (d *deauthChecks) Deauthorized(_ context.Context, o store.Owner, _ string) error {
	d.owners = append(d.owners, o)
	return nil
}

func TestGarminNotificationsStartSyncsAndCheckDeregistrations(t *testing.T) {
	st := storetest.Open(t, config.SQLite)
	ctx := context.Background()
	now := time.Now()
	st.CreateTenant(ctx, store.Tenant{ID: "t1", Name: "t1", Slug: "t1", Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now})
	for _, u := range []string{"dana", "eve"} {
		if err := st.CreateUser(ctx, store.User{ID: u, TenantID: "t1", Email: u + "@example.com", PasswordHash: "h",
			Role: store.RoleUser, TenantRole: store.TenantMember, Status: store.StatusActive, Tier: "starter", CreatedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	for u, gid := range map[string]string{"dana": "4aacafe82427c251df9c9592d0c06768", "eve": "77bb"} {
		if err := st.UpsertProviderConnection(ctx, store.ProviderConnection{TenantID: "t1", UserID: u, Provider: "garmin", VendorUserID: gid,
			TokensSealed: []byte{1}, Status: store.ConnectionConnected, ConnectedAt: now, UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	syncs, checks := &startedSyncs{}, &deauthChecks{}
	h := &Garmin{Token: "push-secret", Owners: st, Syncer: syncs, Checker: checks}
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(query, body string) int {
		resp, err := http.Post(srv.URL+query, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ping := `{"activities":[{"userId":"4aacafe82427c251df9c9592d0c06768","uploadStartTimeInSeconds":1444937651,"uploadEndTimeInSeconds":1444937902,"callbackURL":"https://apis.garmin.com/wellness-api/rest/activities?uploadStartTimeInSeconds=1444937651&uploadEndTimeInSeconds=1444937902"}],
		"sleeps":[{"userId":"4aacafe82427c251df9c9592d0c06768","uploadStartTimeInSeconds":1444937651,"uploadEndTimeInSeconds":1444937902}]}`
	if code := post("?token=wrong", ping); code != 403 {
		t.Fatalf("wrong token: %d", code)
	}
	if code := post("?token=push-secret", `{"activities":[{"summaryId":"x"}]}`); code != 400 {
		t.Fatalf("entry without userId: %d", code)
	}
	if code := post("?token=push-secret", ping); code != 200 {
		t.Fatalf("ping: %d", code)
	}
	h.Wait()
	if len(syncs.started) != 1 || syncs.started[0].UserID != "dana" {
		t.Fatalf("syncs started: %+v (want one, for dana)", syncs.started)
	}
	if code := post("?token=push-secret", `{"deregistrations":[{"userId":"77bb"}]}`); code != 200 {
		t.Fatalf("deregistration: %d", code)
	}
	h.Wait()
	if len(checks.owners) != 1 || checks.owners[0].UserID != "eve" {
		t.Fatalf("deregistration checks: %+v", checks.owners)
	}
}

func FuzzParseGarminNotification(f *testing.F) {
	f.Add([]byte(`{"activities":[{"userId":"4aacafe82427c251df9c9592d0c06768","callbackURL":"https://x"}]}`))
	f.Add([]byte(`{"deregistrations":[{"userId":""}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseGarminNotification(b)
		if err != nil {
			return
		}
		for _, list := range m {
			for _, n := range list {
				if n.UserID == "" {
					t.Fatal("accepted an entry without userId")
				}
			}
		}
	})
}
