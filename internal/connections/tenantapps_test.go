package connections

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/provider"
)

// A tenant's own application replaces the server's credentials (and its
// redirect URI and scopes where set) for that tenant only; endpoints stay
// the server's; a failing lookup is an error, not "not configured".
func TestTenantAppWinsForItsTenantOnly(t *testing.T) {
	ctx := context.Background()
	reg, apps := Registry(env(map[string]string{"PIERRE_STRAVA_CLIENT_ID": "server-id", "PIERRE_STRAVA_CLIENT_SECRET": "server-secret",
		"PIERRE_STRAVA_TOKEN_URL": "http://127.0.0.1:9/token"}), "https://pierre.example", nil)
	lookupErr := errors.New("database down")
	m := New(Options{Registry: reg, Apps: apps, TenantApps: func(_ context.Context, tenant string) (Apps, error) {
		switch tenant {
		case "club":
			return Apps{provider.Strava: {ClientID: "club-id", ClientSecret: "club-secret", Scopes: []string{"read"}},
				provider.Fitbit: {ClientID: "fb-id", ClientSecret: "fb-secret", RedirectURI: "https://club.example/cb"}}, nil
		case "broken":
			return nil, lookupErr
		}
		return nil, nil
	}})
	_, strava, _ := m.descriptor(provider.Strava)
	_, fitbit, _ := m.descriptor(provider.Fitbit)
	a, err := m.app(ctx, "club", strava)
	if err != nil || a.ClientID != "club-id" || a.ClientSecret != "club-secret" || a.TokenURL != "http://127.0.0.1:9/token" ||
		a.RedirectURI != "https://pierre.example/api/oauth/callback/strava" || strings.Join(a.Scopes, ",") != "read" {
		t.Fatalf("club strava: %+v %v", a, err)
	}
	if a, err := m.app(ctx, "club", fitbit); err != nil || a.ClientID != "fb-id" || a.RedirectURI != "https://club.example/cb" || a.AuthURL == "" {
		t.Fatalf("club fitbit (no server app): %+v %v", a, err)
	}
	if a, err := m.app(ctx, "other", strava); err != nil || a.ClientID != "server-id" {
		t.Fatalf("other tenant: %+v %v", a, err)
	}
	var pe *provider.Error
	if _, err := m.app(ctx, "other", fitbit); !errors.As(err, &pe) || pe.Kind != provider.KindNotConfigured ||
		!strings.Contains(err.Error(), "/oauth-apps/fitbit") {
		t.Fatalf("other tenant fitbit: %v", err)
	}
	if _, err := m.app(ctx, "broken", strava); !errors.Is(err, lookupErr) || errors.As(err, &pe) {
		t.Fatalf("failing lookup: %v", err)
	}
}
