package connections

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadAppPrecedenceAndDefaults(t *testing.T) {
	d := Vendors[provider.Strava].New().Descriptor()
	a := LoadApp(env(map[string]string{
		"PIERRE_STRAVA_CLIENT_ID": "new-id", "STRAVA_CLIENT_ID": "legacy-id", "STRAVA_CLIENT_SECRET": "legacy-secret",
		"PIERRE_STRAVA_SCOPES": "activity:read_all,profile:read_all",
	}), "https://pierre.example/", d)
	if a.ClientID != "new-id" || a.ClientSecret != "legacy-secret" || !a.Configured() {
		t.Fatalf("PIERRE_ names win, legacy names fill in: %+v", a)
	}
	if a.RedirectURI != "https://pierre.example/api/oauth/callback/strava" || a.TokenURL != d.OAuth.TokenURL || a.APIBaseURL != d.APIBaseURL {
		t.Fatalf("defaults: %+v", a)
	}
	if strings.Join(a.Scopes, "|") != "activity:read_all|profile:read_all" {
		t.Fatalf("scopes %q", a.Scopes)
	}
	a = LoadApp(env(map[string]string{"STRAVA_REDIRECT_URI": "https://x/cb", "PIERRE_STRAVA_CLIENT_ID": "id"}), "http://l", d)
	if a.RedirectURI != "https://x/cb" || a.Configured() {
		t.Fatalf("legacy redirect, missing secret: %+v", a)
	}
	tr := LoadApp(env(map[string]string{"TERRA_DEV_ID": "dev", "PIERRE_TERRA_API_KEY": "key"}), "http://l", Vendors[provider.Terra].New().Descriptor())
	if tr.ClientID != "dev" || tr.ClientSecret != "key" || !tr.Configured() {
		t.Fatalf("terra: %+v", tr)
	}
}

func TestRegistryListsEveryVendorWithOverriddenBaseURL(t *testing.T) {
	reg, apps := Registry(env(map[string]string{"PIERRE_WHOOP_API_BASE_URL": "http://127.0.0.1:9/whoop"}), "http://l", nil)
	if got := strings.Join(reg.Names(), ","); got != "strava,garmin,fitbit,whoop,coros,terra" {
		t.Fatalf("names %s", got)
	}
	if apps[provider.Whoop].APIBaseURL != "http://127.0.0.1:9/whoop" || apps[provider.Strava].Configured() {
		t.Fatalf("apps %+v", apps)
	}
}

func TestNeedsRefreshMargin(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	m := New(Options{Now: func() time.Time { return now }})
	at := func(d time.Duration) store.ProviderConnection {
		e := now.Add(d)
		return store.ProviderConnection{ExpiresAt: &e}
	}
	for d, want := range map[time.Duration]bool{4*time.Minute + 59*time.Second: true, 5 * time.Minute: true, 6 * time.Minute: false, -time.Hour: true} {
		if got := m.needsRefresh(at(d)); got != want {
			t.Errorf("expires in %v: needsRefresh %v, want %v", d, got, want)
		}
	}
	if m.needsRefresh(store.ProviderConnection{}) {
		t.Error("a token without expiry never needs refreshing")
	}
}

// Both cache backends pass one suite.
func TestCaches(t *testing.T) {
	ctx := context.Background()
	caches := map[string]Cache{"local": NewLocalCache(100)}
	if u := os.Getenv("PIERRE_TEST_REDIS_URL"); u != "" {
		opt, err := redis.ParseURL(u)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { rdb.Close() })
		caches["redis"] = NewRedisCache(rdb, "pierre-test:"+t.Name()+time.Now().Format("150405.000000")+":")
	} else {
		t.Log("PIERRE_TEST_REDIS_URL is not set: the Redis cache is skipped")
	}
	for name, c := range caches {
		t.Run(name, func(t *testing.T) {
			a := "tenant:t1:user:u1:provider:strava:"
			c.Set(ctx, a+"activity:1", []byte("one"), time.Minute)
			c.Set(ctx, a+"stats", []byte("s"), time.Minute)
			c.Set(ctx, "tenant:t1:user:u2:provider:strava:stats", []byte("other user"), time.Minute)
			c.Set(ctx, "tenant:t1:user:u1:provider:strava*:stats", []byte("glob-like"), time.Minute)
			c.Set(ctx, a+"short", []byte("x"), 10*time.Millisecond)
			if v, ok := c.Get(ctx, a+"activity:1"); !ok || string(v) != "one" {
				t.Fatalf("get: %q %v", v, ok)
			}
			time.Sleep(100 * time.Millisecond)
			if _, ok := c.Get(ctx, a+"short"); ok {
				t.Fatal("expired entry returned")
			}
			c.DeletePrefix(ctx, a)
			if _, ok := c.Get(ctx, a+"stats"); ok {
				t.Fatal("prefix not cleared")
			}
			if _, ok := c.Get(ctx, "tenant:t1:user:u2:provider:strava:stats"); !ok {
				t.Fatal("another user's entry cleared")
			}
			if _, ok := c.Get(ctx, "tenant:t1:user:u1:provider:strava*:stats"); !ok {
				t.Fatal("prefix treated as a pattern")
			}
		})
	}
}

func TestLocalCacheIsBounded(t *testing.T) {
	c := NewLocalCache(10)
	for i := range 100 {
		c.Set(context.Background(), strings.Repeat("k", i+1), []byte("v"), time.Hour)
	}
	if len(c.data) > 10 {
		t.Fatalf("%d entries, bound 10", len(c.data))
	}
}

func TestVendorUserIDs(t *testing.T) {
	if got := idString(float64(134815)); got != "134815" {
		t.Fatalf("numeric Strava id rendered %q", got)
	}
	if got := idString(float64(12345678987654)); got != "12345678987654" {
		t.Fatalf("large id rendered %q", got)
	}
}

// FuzzCallbackQuery feeds arbitrary vendor redirects to the callback: it
// never panics, never stores a connection without a valid state, and always
// answers with an error status.
func FuzzCallbackQuery(f *testing.F) {
	f.Add("strava", "state=abc&code=x")
	f.Add("fitbit", "error=%3Cscript%3E&state=")
	f.Add("terra", "state=a&user_id="+strings.Repeat("u", 300))
	f.Add("synthetic", "")
	reg, apps := Registry(env(map[string]string{"PIERRE_STRAVA_CLIENT_ID": "i", "PIERRE_STRAVA_CLIENT_SECRET": "s"}), "http://l", nil)
	st := &memStore{}
	m := New(Options{Registry: reg, Apps: apps, Store: st, HTTP: &http.Client{Transport: failTransport{}}})
	f.Fuzz(func(t *testing.T, name, rawQuery string) {
		q, _ := url.ParseQuery(rawQuery)
		res := m.Complete(context.Background(), name, q)
		if res.OK || res.Status < 400 && res.Status != 200 || st.upserts > 0 {
			t.Fatalf("%s %q: %+v (stored %d)", name, rawQuery, res, st.upserts)
		}
		if strings.Contains(res.Message, "<") && !strings.Contains(rawQuery, "<") && !strings.Contains(rawQuery, "%3C") {
			t.Fatalf("markup from nowhere: %q", res.Message)
		}
	})
}

type failTransport struct{}

func (failTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, context.Canceled }

// memStore knows no states, so every callback fails before an exchange.
type memStore struct{ upserts int }

func (s *memStore) UpsertProviderConnection(context.Context, store.ProviderConnection) error {
	s.upserts++
	return nil
}
func (s *memStore) ProviderConnection(context.Context, string, string, string) (store.ProviderConnection, error) {
	return store.ProviderConnection{}, store.ErrNotFound
}
func (s *memStore) ProviderConnections(context.Context, string, string) ([]store.ProviderConnection, error) {
	return nil, nil
}
func (s *memStore) SetProviderConnectionStatus(context.Context, string, string, string, string, string, time.Time) error {
	return store.ErrNotFound
}
func (s *memStore) DeleteProviderConnection(context.Context, string, string, string) error {
	return store.ErrNotFound
}
func (s *memStore) PutOAuthConnectState(context.Context, store.OAuthConnectState) error { return nil }
func (s *memStore) TakeOAuthConnectState(context.Context, string, time.Time) (store.OAuthConnectState, error) {
	return store.OAuthConnectState{}, store.ErrNotFound
}
