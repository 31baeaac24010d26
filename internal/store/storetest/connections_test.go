package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/connections"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// The user's provider tokens are sealed before they reach the database: the
// raw row does not contain them, and the ciphertext opens only with the
// owner's tenant key and AAD.
func TestProviderConnections(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := tenant("conn-a", t0), tenant("conn-b", t0)
		for _, tn := range []store.Tenant{a, b} {
			if err := s.CreateTenant(ctx, tn); err != nil {
				t.Fatal(err)
			}
		}
		ua, ua2, ub := user(a.ID, "a@example.com", t0), user(a.ID, "a2@example.com", t0), user(b.ID, "b@example.com", t0)
		for _, u := range []store.User{ua, ua2, ub} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		v, err := vault.New(bytes.Repeat([]byte{9}, 32), s)
		if err != nil {
			t.Fatal(err)
		}
		const access, refresh = "strava-access-4f1c2d9e8b7a", "strava-refresh-9a8b7c6d5e4f"
		sealed, err := v.Seal(ctx, a.ID, connections.TokenAAD(a.ID, ua.ID, "strava"),
			[]byte(`{"access_token":"`+access+`","refresh_token":"`+refresh+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		exp := t0.Add(6 * time.Hour)
		c := store.ProviderConnection{TenantID: a.ID, UserID: ua.ID, Provider: "strava", VendorUserID: "134815",
			TokensSealed: sealed, ExpiresAt: &exp, Scopes: "read,activity:read_all", Status: store.ConnectionConnected,
			ConnectedAt: t0, UpdatedAt: t0}
		if err := s.UpsertProviderConnection(ctx, c); err != nil {
			t.Fatal(err)
		}

		// Unreadable in the database.
		var raw []byte
		var rawText string
		if err := s.QueryRow(ctx, `SELECT tokens_sealed FROM provider_connections WHERE user_id = ?`, ua.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := s.QueryRow(ctx, `SELECT tenant_id || user_id || provider || vendor_user_id || scopes || status FROM provider_connections WHERE user_id = ?`, ua.ID).Scan(&rawText); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{access, refresh} {
			if bytes.Contains(raw, []byte(secret)) || bytes.Contains([]byte(rawText), []byte(secret)) {
				t.Fatalf("token %q stored in clear", secret)
			}
		}

		got, err := s.ProviderConnection(ctx, a.ID, ua.ID, "strava")
		if err != nil || got.VendorUserID != "134815" || !got.ExpiresAt.Equal(exp) || got.Status != store.ConnectionConnected ||
			got.Scopes != c.Scopes || !got.ConnectedAt.Equal(t0) {
			t.Fatalf("read back: %+v %v", got, err)
		}
		pt, err := v.Open(ctx, a.ID, connections.TokenAAD(a.ID, ua.ID, "strava"), got.TokensSealed)
		if err != nil || !bytes.Contains(pt, []byte(access)) {
			t.Fatalf("owner cannot open: %v", err)
		}
		// Unusable by another tenant, another user or another provider.
		for name, try := range map[string]func() error{
			"other tenant key and AAD": func() error {
				_, err := v.Open(ctx, b.ID, connections.TokenAAD(b.ID, ub.ID, "strava"), got.TokensSealed)
				return err
			},
			"other tenant AAD": func() error {
				_, err := v.Open(ctx, a.ID, connections.TokenAAD(b.ID, ua.ID, "strava"), got.TokensSealed)
				return err
			},
			"other user": func() error {
				_, err := v.Open(ctx, a.ID, connections.TokenAAD(a.ID, ua2.ID, "strava"), got.TokensSealed)
				return err
			},
			"other provider": func() error {
				_, err := v.Open(ctx, a.ID, connections.TokenAAD(a.ID, ua.ID, "fitbit"), got.TokensSealed)
				return err
			},
		} {
			if err := try(); !errors.Is(err, vault.ErrDecrypt) {
				t.Errorf("%s: want ErrDecrypt, got %v", name, err)
			}
		}

		// Scoped by tenant and user.
		if _, err := s.ProviderConnection(ctx, b.ID, ua.ID, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other tenant reads: %v", err)
		}
		if l, err := s.ProviderConnections(ctx, a.ID, ua2.ID); err != nil || len(l) != 0 {
			t.Fatalf("other user lists %d, %v", len(l), err)
		}
		if err := s.DeleteProviderConnection(ctx, b.ID, ua.ID, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other tenant deletes: %v", err)
		}
		if err := s.SetProviderConnectionStatus(ctx, b.ID, ua.ID, "strava", store.ConnectionReauthRequired, "x", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other tenant updates: %v", err)
		}

		// Status change, upsert replaces, delete.
		if err := s.SetProviderConnectionStatus(ctx, a.ID, ua.ID, "strava", store.ConnectionReauthRequired, "refresh refused", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ProviderConnection(ctx, a.ID, ua.ID, "strava")
		if got.Status != store.ConnectionReauthRequired || got.StatusMessage != "refresh refused" || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("status: %+v", got)
		}
		c.Provider = "fitbit"
		c.ExpiresAt = nil
		if err := s.UpsertProviderConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Provider, c.Status = "strava", store.ConnectionConnected
		if err := s.UpsertProviderConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
		l, err := s.ProviderConnections(ctx, a.ID, ua.ID)
		if err != nil || len(l) != 2 || l[0].Provider != "fitbit" || l[0].ExpiresAt != nil || l[1].Status != store.ConnectionConnected {
			t.Fatalf("list: %+v %v", l, err)
		}
		if err := s.DeleteProviderConnection(ctx, a.ID, ua.ID, "strava"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ProviderConnection(ctx, a.ID, ua.ID, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
	})
}

// A pending authorization is consumed exactly once, even by concurrent
// callbacks, and not after it expires.
func TestOAuthConnectStates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a := tenant("states", t0)
		s.CreateTenant(ctx, a)
		u := user(a.ID, "s@example.com", t0)
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		st := store.OAuthConnectState{StateHash: "h1", TenantID: a.ID, UserID: u.ID, Provider: "fitbit",
			VerifierSealed: []byte{1, 2, 3}, RedirectURI: "http://localhost/cb", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
		if err := s.PutOAuthConnectState(ctx, st); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := s.TakeOAuthConnectState(ctx, "h1", t0.Add(time.Minute))
				if err == nil {
					wins.Add(1)
					if got.UserID != u.ID || got.Provider != "fitbit" || !bytes.Equal(got.VerifierSealed, []byte{1, 2, 3}) || !got.ExpiresAt.Equal(st.ExpiresAt) {
						t.Errorf("taken: %+v", got)
					}
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("state consumed %d times", wins.Load())
		}
		st.StateHash = "h2"
		s.PutOAuthConnectState(ctx, st)
		if _, err := s.TakeOAuthConnectState(ctx, "h2", t0.Add(10*time.Minute)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired state: %v", err)
		}
		if _, err := s.TakeOAuthConnectState(ctx, "h2", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired state still stored: %v", err)
		}
	})
}
