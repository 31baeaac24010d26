package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/tenantapps"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// A tenant's own vendor application: its client secret is sealed before it
// reaches the database and opens only for its tenant and provider; another
// tenant can neither read, list, replace nor delete it.
func TestTenantOAuthApps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := tenant("apps-a", t0), tenant("apps-b", t0)
		for _, tn := range []store.Tenant{a, b} {
			if err := s.CreateTenant(ctx, tn); err != nil {
				t.Fatal(err)
			}
		}
		v, err := vault.New(bytes.Repeat([]byte{7}, 32), s)
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		svc := tenantapps.New(tenantapps.Options{Store: s, Vault: v, Now: func() time.Time { return now }})
		const secret = "club-a-strava-secret-5e6f7a8b9c"
		_, created, err := svc.Put(ctx, a.ID, "strava", tenantapps.Input{ClientID: "club-a-id", ClientSecret: new(secret),
			RedirectURI: "https://club-a.example/api/oauth/callback/strava", Scopes: []string{"read", "activity:read_all"}})
		if err != nil || !created {
			t.Fatalf("put: created=%v %v", created, err)
		}

		// Not in the raw row, in any column.
		var raw []byte
		var text string
		if err := s.QueryRow(ctx, `SELECT client_secret_sealed FROM tenant_oauth_apps WHERE tenant_id = ?`, a.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := s.QueryRow(ctx, `SELECT tenant_id || provider || client_id || redirect_uri || scopes FROM tenant_oauth_apps WHERE tenant_id = ?`,
			a.ID).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains([]byte(text), []byte(secret)) {
			t.Fatal("client secret stored in clear")
		}
		got, err := s.TenantOAuthApp(ctx, a.ID, "strava")
		if err != nil || got.ClientID != "club-a-id" || got.Scopes != "read activity:read_all" ||
			got.RedirectURI != "https://club-a.example/api/oauth/callback/strava" || !got.CreatedAt.Equal(t0) {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if pt, err := v.Open(ctx, a.ID, tenantapps.AAD(a.ID, "strava"), got.ClientSecretSealed); err != nil || string(pt) != secret {
			t.Fatalf("owner cannot open: %v", err)
		}
		for name, try := range map[string]func() error{
			"other tenant key and AAD": func() error {
				_, err := v.Open(ctx, b.ID, tenantapps.AAD(b.ID, "strava"), got.ClientSecretSealed)
				return err
			},
			"other tenant AAD": func() error {
				_, err := v.Open(ctx, a.ID, tenantapps.AAD(b.ID, "strava"), got.ClientSecretSealed)
				return err
			},
			"other provider": func() error {
				_, err := v.Open(ctx, a.ID, tenantapps.AAD(a.ID, "fitbit"), got.ClientSecretSealed)
				return err
			},
		} {
			if err := try(); !errors.Is(err, vault.ErrDecrypt) {
				t.Errorf("%s: want ErrDecrypt, got %v", name, err)
			}
		}

		// Tenant B sees nothing of A and cannot touch it.
		if _, err := s.TenantOAuthApp(ctx, b.ID, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other tenant reads: %v", err)
		}
		if l, err := s.TenantOAuthApps(ctx, b.ID); err != nil || len(l) != 0 {
			t.Fatalf("other tenant lists %d, %v", len(l), err)
		}
		if err := s.DeleteTenantOAuthApp(ctx, b.ID, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("other tenant deletes: %v", err)
		}
		if apps, err := svc.Apps(ctx, b.ID); err != nil || len(apps) != 0 {
			t.Fatalf("tenant B resolves %v, %v", apps, err)
		}
		if _, _, err := svc.Put(ctx, b.ID, "strava", tenantapps.Input{ClientID: "club-b-id", ClientSecret: new("club-b-secret")}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.TenantOAuthApp(ctx, a.ID, "strava"); got.ClientID != "club-a-id" {
			t.Fatalf("tenant B's put changed A's application: %+v", got)
		}
		apps, err := svc.Apps(ctx, a.ID)
		if err != nil || apps["strava"].ClientID != "club-a-id" || apps["strava"].ClientSecret != secret {
			t.Fatalf("tenant A resolves %+v, %v", apps["strava"], err)
		}

		// A sealed secret moved to another tenant's row does not open.
		bRow, _ := s.TenantOAuthApp(ctx, b.ID, "strava")
		bRow.ClientSecretSealed = got.ClientSecretSealed
		if _, err := s.PutTenantOAuthApp(ctx, bRow); err != nil {
			t.Fatal(err)
		}
		svcB := tenantapps.New(tenantapps.Options{Store: s, Vault: v})
		if _, err := svcB.Apps(ctx, b.ID); !errors.Is(err, vault.ErrDecrypt) {
			t.Fatalf("moved ciphertext: want ErrDecrypt, got %v", err)
		}

		// Replace keeps the creation time and, without a new secret, the old
		// one; list is by provider; delete.
		now = t0.Add(time.Hour)
		view, created, err := svc.Put(ctx, a.ID, "strava", tenantapps.Input{ClientID: "club-a-id"})
		if err != nil || created || !view.HasClientSecret || !view.CreatedAt.Equal(t0) || !view.UpdatedAt.Equal(now) ||
			!view.RedirectURIDefault || !view.ScopesDefault {
			t.Fatalf("replace: %+v created=%v %v", view, created, err)
		}
		if apps, _ := svc.Apps(ctx, a.ID); apps["strava"].ClientSecret != secret || apps["strava"].RedirectURI != "" {
			t.Fatalf("after replace resolves %+v", apps["strava"])
		}
		if _, _, err := svc.Put(ctx, a.ID, "fitbit", tenantapps.Input{ClientID: "23ABCD", ClientSecret: new("fitbit-secret")}); err != nil {
			t.Fatal(err)
		}
		l, err := s.TenantOAuthApps(ctx, a.ID)
		if err != nil || len(l) != 2 || l[0].Provider != "fitbit" || l[1].Provider != "strava" {
			t.Fatalf("list: %+v %v", l, err)
		}
		if err := svc.Delete(ctx, a.ID, "strava"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, a.ID, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if apps, _ := svc.Apps(ctx, a.ID); len(apps) != 1 || apps["fitbit"].ClientID != "23ABCD" {
			t.Fatalf("after delete resolves %+v", apps)
		}
		if got, err := s.TenantOAuthApp(ctx, b.ID, "strava"); err != nil || got.ClientID != "club-b-id" {
			t.Fatalf("tenant A's delete touched B: %+v %v", got, err)
		}
	})
}
