package tenantapps

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
)

// memStore is an in-memory store.TenantOAuthApps counting list calls.
type memStore struct {
	rows  map[string]store.TenantOAuthApp
	lists atomic.Int32
}

func (m *memStore) PutTenantOAuthApp(_ context.Context, a store.TenantOAuthApp) (bool, error) {
	k := a.TenantID + "|" + a.Provider
	old, ok := m.rows[k]
	if ok {
		a.CreatedAt = old.CreatedAt
	}
	m.rows[k] = a
	return !ok, nil
}

func (m *memStore) TenantOAuthApp(_ context.Context, tenantID, provider string) (store.TenantOAuthApp, error) {
	a, ok := m.rows[tenantID+"|"+provider]
	if !ok {
		return a, store.ErrNotFound
	}
	return a, nil
}

func (m *memStore) TenantOAuthApps(_ context.Context, tenantID string) ([]store.TenantOAuthApp, error) {
	m.lists.Add(1)
	var out []store.TenantOAuthApp
	for _, a := range m.rows {
		if a.TenantID == tenantID {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) DeleteTenantOAuthApp(_ context.Context, tenantID, provider string) error {
	k := tenantID + "|" + provider
	if _, ok := m.rows[k]; !ok {
		return store.ErrNotFound
	}
	delete(m.rows, k)
	return nil
}

// xorSealer stands in for the vault: reversible, AAD-bound, not clear text.
type xorSealer struct{}

func (xorSealer) Seal(_ context.Context, scope string, aad, pt []byte) ([]byte, error) {
	out := append([]byte(scope+"|"+string(aad)+"|"), pt...)
	for i := range out {
		out[i] ^= 0x5a
	}
	return out, nil
}

func (xorSealer) Open(_ context.Context, scope string, aad, ct []byte) ([]byte, error) {
	pt := bytes.Clone(ct)
	for i := range pt {
		pt[i] ^= 0x5a
	}
	prefix := scope + "|" + string(aad) + "|"
	if !bytes.HasPrefix(pt, []byte(prefix)) {
		return nil, errors.New("decrypt: wrong key or AAD")
	}
	return pt[len(prefix):], nil
}

func newService(now *time.Time) (*Service, *memStore) {
	st := &memStore{rows: map[string]store.TenantOAuthApp{}}
	return New(Options{Store: st, Vault: xorSealer{}, Now: func() time.Time { return *now }}), st
}

// Every data tool call resolves the tenant's applications: within the TTL
// the store is asked once, a change made here is seen at once, and one made
// elsewhere after the TTL.
func TestAppsAreCachedBrieflyAndForgottenOnChange(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s, st := newService(&now)
	for range 3 {
		if apps, err := s.Apps(ctx, "t1"); err != nil || len(apps) != 0 {
			t.Fatalf("empty tenant: %v %v", apps, err)
		}
	}
	if st.lists.Load() != 1 {
		t.Fatalf("store asked %d times within the TTL, want 1", st.lists.Load())
	}
	if _, _, err := s.Put(ctx, "t1", "whoop", Input{ClientID: "w-id", ClientSecret: new("w-secret")}); err != nil {
		t.Fatal(err)
	}
	apps, _ := s.Apps(ctx, "t1")
	if apps["whoop"].ClientSecret != "w-secret" || apps["whoop"].ClientID != "w-id" {
		t.Fatalf("after put: %+v", apps["whoop"])
	}
	// Changed behind the service's back (another replica).
	delete(st.rows, "t1|whoop")
	if apps, _ := s.Apps(ctx, "t1"); len(apps) != 1 {
		t.Fatal("cache expired early")
	}
	now = now.Add(DefaultTTL)
	if apps, _ := s.Apps(ctx, "t1"); len(apps) != 0 {
		t.Fatal("cache outlived its TTL")
	}
}

func TestValidateNamesTheField(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, c := range []struct {
		in    Input
		field string
	}{
		{Input{}, "client_id"},
		{Input{ClientID: "a b", ClientSecret: new("s")}, "client_id"},
		{Input{ClientID: long, ClientSecret: new("s")}, "client_id"},
		{Input{ClientID: "a", ClientSecret: new("  ")}, "client_secret"},
		{Input{ClientID: "a", ClientSecret: new("s\x00")}, "client_secret"},
		{Input{ClientID: "a", ClientSecret: new("s"), RedirectURI: "ftp://x/cb"}, "redirect_uri"},
		{Input{ClientID: "a", ClientSecret: new("s"), RedirectURI: "http://pierre.example/cb"}, "redirect_uri"},
		{Input{ClientID: "a", ClientSecret: new("s"), RedirectURI: "https://user:pw@pierre.example/cb"}, "redirect_uri"},
		{Input{ClientID: "a", ClientSecret: new("s"), RedirectURI: "https://pierre.example/cb#x"}, "redirect_uri"},
		{Input{ClientID: "a", ClientSecret: new("s"), RedirectURI: "https:///cb"}, "redirect_uri"},
		{Input{ClientID: "a", ClientSecret: new("s"), Scopes: []string{"read", ""}}, "scopes[1]"},
		{Input{ClientID: "a", ClientSecret: new("s"), Scopes: []string{"read,write"}}, "scopes[0]"},
	} {
		_, err := validate("strava", c.in)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field || !strings.HasPrefix(err.Error(), c.field+" ") {
			t.Errorf("%+v: %v, want an error naming %s", c.in, err, c.field)
		}
	}
	for _, ok := range []string{"https://pierre.example/api/oauth/callback/strava", "http://localhost:8081/cb",
		"http://127.0.0.1:8081/cb", "http://[::1]:8081/cb"} {
		if _, err := validate("strava", Input{ClientID: "a", ClientSecret: new("s"), RedirectURI: ok}); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}

func TestPutRefusesUnknownProvidersAndKeepsSecretOnlyForSameClient(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s, _ := newService(&now)
	var ie *InputError
	for _, p := range []string{"stravaa", "synthetic", ""} {
		if _, _, err := s.Put(ctx, "t1", p, Input{ClientID: "a", ClientSecret: new("s")}); !errors.As(err, &ie) || ie.Field != "provider" ||
			!strings.Contains(err.Error(), "strava") {
			t.Errorf("provider %q: %v", p, err)
		}
	}
	if _, _, err := s.Put(ctx, "t1", "strava", Input{Provider: "fitbit", ClientID: "a", ClientSecret: new("s")}); !errors.As(err, &ie) || ie.Field != "provider" {
		t.Errorf("body provider differs from path: %v", err)
	}
	if _, _, err := s.Put(ctx, "t1", "strava", Input{ClientID: "a"}); !errors.As(err, &ie) || ie.Field != "client_secret" {
		t.Errorf("new app without secret: %v", err)
	}
	if _, created, err := s.Put(ctx, "t1", "strava", Input{ClientID: "a", ClientSecret: new("s1")}); err != nil || !created {
		t.Fatal(err)
	}
	if _, created, err := s.Put(ctx, "t1", "strava", Input{ClientID: "a", Scopes: []string{"read"}}); err != nil || created {
		t.Fatalf("replace keeping the secret: %v", err)
	}
	if apps, _ := s.Apps(ctx, "t1"); apps["strava"].ClientSecret != "s1" || strings.Join(apps["strava"].Scopes, ",") != "read" {
		t.Fatalf("resolved %+v", apps["strava"])
	}
	if _, _, err := s.Put(ctx, "t1", "strava", Input{ClientID: "b"}); !errors.As(err, &ie) || ie.Field != "client_secret" {
		t.Errorf("new client id with the old secret: %v", err)
	}
}

// FuzzValidate: administrators' input never panics, and what passes has a
// client id and a usable redirect URI.
func FuzzValidate(f *testing.F) {
	f.Add("client", "secret", "https://pierre.example/api/oauth/callback/strava", "read")
	f.Add(" ", "", "http://[::1]:80/x", "a,b")
	f.Add("id", "s", "http://127.0.0.1.evil.example/cb", "")
	f.Add("id", "s", "https://%zz", "x y")
	f.Fuzz(func(t *testing.T, id, secret, redirect, scope string) {
		in := Input{ClientID: id, ClientSecret: &secret, RedirectURI: redirect}
		if scope != "" {
			in.Scopes = []string{scope}
		}
		a, err := validate("strava", in)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field == "" {
				t.Fatalf("error without a field: %v", err)
			}
			return
		}
		if a.ClientID == "" || strings.TrimSpace(secret) == "" {
			t.Fatalf("accepted empty credentials: %+v", a)
		}
		if a.RedirectURI != "" && !strings.HasPrefix(a.RedirectURI, "https://") && !strings.HasPrefix(a.RedirectURI, "http://") {
			t.Fatalf("accepted redirect %q", a.RedirectURI)
		}
	})
}

// BenchmarkApps is the lookup every data tool call makes (cache hit).
func BenchmarkApps(b *testing.B) {
	ctx := context.Background()
	now := time.Now()
	s, _ := newService(&now)
	s.Put(ctx, "t1", "strava", Input{ClientID: "a", ClientSecret: new("s")})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apps(ctx, "t1"); err != nil {
			b.Fatal(err)
		}
	}
}
