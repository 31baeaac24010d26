package app_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// lockedBuffer collects the server's log from concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestTenantOAuthApps: a tenant administrator stores the club's own Strava
// application; the club's users connect through it (authorization URL and
// token exchange carry the club's client id and secret), other tenants keep
// the server's application, and the secret is never shown or logged.
func TestTenantOAuthApps(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			testTenantOAuthApps(t, d)
		})
	}
}

func testTenantOAuthApps(t *testing.T, d config.Driver) {
	const clubID, clubSecret = "club-b-strava-77", "club-b-strava-secret-3c4d5e6f"
	strava := newFakeVendor(t, "strava", false)
	strava.clients = map[string]string{clubID: clubSecret}
	env := strava.env()
	var logs lockedBuffer
	s := &testServer{apptest.Start(t, d, apptest.Options{Env: env,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})}

	// Root sets up; club B gets Bob (admin) and Carol (member); Alice
	// administers the default tenant.
	var root tokenBody
	s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
	var club struct{ ID string }
	if r := s.do(t, "POST", "/api/admin/tenants", root.AccessToken, map[string]string{"name": "Club B", "slug": "club-b"}, &club); r.StatusCode != 201 {
		t.Fatalf("create tenant: %d", r.StatusCode)
	}
	approve := func(tenantID, email string) string {
		var list struct{ Users []struct{ ID, Email string } }
		s.do(t, "GET", "/api/admin/users?status=pending&tenant_id="+tenantID, root.AccessToken, nil, &list)
		for _, u := range list.Users {
			if u.Email == email {
				s.do(t, "POST", "/api/admin/users/"+u.ID+"/approve?tenant_id="+tenantID, root.AccessToken, nil, nil)
				return u.ID
			}
		}
		t.Fatalf("%s not pending in %s", email, tenantID)
		return ""
	}
	login := func(email string) string {
		var tb tokenBody
		if r := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": pw}, &tb); r.StatusCode != 200 {
			t.Fatalf("login %s: %d", email, r.StatusCode)
		}
		return tb.AccessToken
	}
	for _, reg := range [][2]string{{"bob@example.com", "club-b"}, {"carol@example.com", "club-b"}, {"alice@example.com", ""}} {
		s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": reg[0], "password": pw, "tenant": reg[1]}, nil)
	}
	bobID := approve(club.ID, "bob@example.com")
	approve(club.ID, "carol@example.com")
	aliceID := approve(root.User.TenantID, "alice@example.com")
	s.do(t, "POST", "/api/admin/users/"+bobID+"/role?tenant_id="+club.ID, root.AccessToken, map[string]string{"role": "admin"}, nil)
	s.do(t, "POST", "/api/admin/users/"+aliceID+"/role", root.AccessToken, map[string]string{"role": "admin"}, nil)
	bob, carol, alice := login("bob@example.com"), login("carol@example.com"), login("alice@example.com")
	apps := "/api/tenants/" + club.ID + "/oauth-apps"

	// Bob stores the club's Strava application (Strava from the server's
	// environment stays the endpoint) and a Fitbit one, which the server
	// has none of.
	var view map[string]any
	if r := s.do(t, "PUT", apps+"/strava", bob, map[string]any{"client_id": clubID, "client_secret": clubSecret}, &view); r.StatusCode != 201 {
		t.Fatalf("put strava: %d %v", r.StatusCode, view)
	}
	if view["has_client_secret"] != true || view["redirect_uri"] != s.URL+"/api/oauth/callback/strava" || view["redirect_uri_is_default"] != true {
		t.Fatalf("put answer: %v", view)
	}
	if r := s.do(t, "PUT", apps+"/fitbit", bob, map[string]any{"client_id": "23QXYZ", "client_secret": "fitbit-club-secret-9a8b",
		"redirect_uri": "https://club-b.example/api/oauth/callback/fitbit", "scopes": []string{"activity", "sleep"}}, nil); r.StatusCode != 201 {
		t.Fatalf("put fitbit: %d", r.StatusCode)
	}
	if r := s.do(t, "PUT", apps+"/fitbit", bob, map[string]any{"client_id": "23QXYZ",
		"redirect_uri": "https://club-b.example/api/oauth/callback/fitbit", "scopes": []string{"activity", "sleep", "heartrate"}}, &view); r.StatusCode != 200 ||
		view["has_client_secret"] != true || view["redirect_uri"] != "https://club-b.example/api/oauth/callback/fitbit" {
		t.Fatalf("replace fitbit keeping the secret: %d %v", r.StatusCode, view)
	}

	// The list never carries a secret.
	resp := rawGet(t, s, apps, bob)
	if resp.status != 200 || strings.Contains(resp.body, clubSecret) || strings.Contains(resp.body, "fitbit-club-secret") ||
		strings.Contains(resp.body, `"client_secret"`) || !strings.Contains(resp.body, `"has_client_secret":true`) ||
		!strings.Contains(resp.body, `"client_id":"`+clubID+`"`) {
		t.Fatalf("GET oauth-apps: %d %s", resp.status, resp.body)
	}

	// Carol (club B) connects with the club's application, end to end.
	ccs := connect(t, s, carol, nil)
	res, out := call(t, ccs, "connect_provider", map[string]any{"provider": "strava"})
	if res.IsError {
		t.Fatalf("connect_provider: %s", errorText(res))
	}
	u, _ := url.Parse(out["authorization_url"].(string))
	if q := u.Query(); !strings.HasPrefix(u.String(), strava.srv.URL+"/oauth/authorize?") || q.Get("client_id") != clubID ||
		q.Get("redirect_uri") != s.URL+"/api/oauth/callback/strava" {
		t.Fatalf("club authorization URL: %s", u)
	}
	cb, err := http.Get(s.URL + "/api/oauth/callback/strava?" + url.Values{"state": {u.Query().Get("state")}, "code": {"good-code"},
		"scope": {"read,activity:read_all"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(cb.Body)
	cb.Body.Close()
	strava.mu.Lock()
	last := strava.lastClient
	strava.mu.Unlock()
	if cb.StatusCode != 200 || !strings.Contains(string(page), "is connected") || last != clubID {
		t.Fatalf("club callback: %d, token request by %q: %s", cb.StatusCode, last, page)
	}
	if res, out := call(t, ccs, "get_activities", map[string]any{"provider": "strava", "limit": 2}); res.IsError || len(out["activities"].([]any)) == 0 {
		t.Fatalf("club user reads Strava: %v", res.Content)
	}
	st := statusesOf(t, ccs)
	if st["strava"] != "connected" || st["fitbit"] != "not_connected" || st["garmin"] != "not_configured" {
		t.Fatalf("club statuses: %v", st)
	}
	res, out = call(t, ccs, "connect_provider", map[string]any{"provider": "fitbit"})
	if u, _ := url.Parse(out["authorization_url"].(string)); res.IsError || u.Query().Get("client_id") != "23QXYZ" ||
		u.Query().Get("redirect_uri") != "https://club-b.example/api/oauth/callback/fitbit" || u.Query().Get("scope") != "activity sleep heartrate" {
		t.Fatalf("club fitbit authorization: %v", out)
	}

	// Another tenant's user keeps the server's application, and has no
	// Fitbit at all.
	dcs := connect(t, s, demoToken(t, s), nil)
	res, out = call(t, dcs, "connect_provider", map[string]any{"provider": "strava"})
	if u, _ := url.Parse(out["authorization_url"].(string)); res.IsError || u.Query().Get("client_id") != clientID {
		t.Fatalf("other tenant authorization: %v", out)
	}
	if st := statusesOf(t, dcs); st["fitbit"] != "not_configured" || st["strava"] != "not_connected" {
		t.Fatalf("other tenant statuses: %v", st)
	}

	// Who may manage: not a member (403), not another tenant's admin (404);
	// the super admin may.
	var e errBody
	if r := s.do(t, "GET", apps, carol, nil, &e); r.StatusCode != 403 {
		t.Errorf("member lists: %d", r.StatusCode)
	}
	for _, req := range []struct{ method, path string }{{"GET", apps}, {"PUT", apps + "/strava"}, {"DELETE", apps + "/strava"}} {
		if r := s.do(t, req.method, req.path, alice, map[string]any{"client_id": "x", "client_secret": "y"}, &e); r.StatusCode != 404 {
			t.Errorf("other tenant's admin %s %s: %d", req.method, req.path, r.StatusCode)
		}
	}
	if r := s.do(t, "GET", "/api/tenants/no-such-tenant/oauth-apps", root.AccessToken, nil, &e); r.StatusCode != 404 {
		t.Errorf("super admin, unknown tenant: %d", r.StatusCode)
	}
	var list struct {
		Providers []map[string]any `json:"providers"`
	}
	if r := s.do(t, "GET", apps, root.AccessToken, nil, &list); r.StatusCode != 200 || len(list.Providers) != 2 {
		t.Errorf("super admin lists club B: %d %v", r.StatusCode, list)
	}

	// Bad input names the field.
	for _, c := range []struct {
		path  string
		body  any
		field string
	}{
		{apps + "/stravva", map[string]any{"client_id": "a", "client_secret": "b"}, "provider"},
		{apps + "/synthetic", map[string]any{"client_id": "a", "client_secret": "b"}, "provider"},
		{apps + "/garmin", map[string]any{"client_id": " ", "client_secret": "b"}, "client_id"},
		{apps + "/garmin", map[string]any{"client_id": "a"}, "client_secret"},
		{apps + "/garmin", map[string]any{"client_id": "a", "client_secret": "b", "redirect_uri": "http://club-b.example/cb"}, "redirect_uri"},
		{apps + "/garmin", map[string]any{"client_id": "a", "client_secret": "b", "redirect_uri": "/relative"}, "redirect_uri"},
		{apps + "/garmin", map[string]any{"client_id": "a", "client_secret": "b", "scopes": []string{"a b"}}, "scopes[0]"},
		{apps + "/garmin", map[string]any{"client_id": "a", "client_secret": "b", "rate_limit": 3}, "rate_limit"},
		{apps + "/garmin", map[string]any{"client_id": 42, "client_secret": "b"}, "client_id"},
		{apps + "/strava", map[string]any{"client_id": "another-id"}, "client_secret"},
	} {
		e = errBody{}
		if r := s.do(t, "PUT", c.path, bob, c.body, &e); r.StatusCode != 400 || e.Error.Field != c.field || !strings.Contains(e.Error.Message, strings.TrimSuffix(c.field, "[0]")) {
			t.Errorf("PUT %s %v: %d %+v, want 400 naming %s", c.path, c.body, r.StatusCode, e.Error, c.field)
		}
	}
	if r := s.do(t, "PUT", apps+"/garmin", bob, map[string]any{"client_id": "a", "client_secret": "b",
		"redirect_uri": "http://127.0.0.1:8081/api/oauth/callback/garmin"}, nil); r.StatusCode != 201 {
		t.Errorf("loopback http redirect refused: %d", r.StatusCode)
	}

	// Deleting returns the club to the server's application at once.
	if r := s.do(t, "DELETE", apps+"/strava", bob, nil, nil); r.StatusCode != 204 {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if r := s.do(t, "DELETE", apps+"/strava", bob, nil, &e); r.StatusCode != 404 {
		t.Fatalf("second delete: %d", r.StatusCode)
	}
	res, out = call(t, ccs, "connect_provider", map[string]any{"provider": "strava"})
	if u, _ := url.Parse(out["authorization_url"].(string)); res.IsError || u.Query().Get("client_id") != clientID {
		t.Fatalf("after delete: %v", out)
	}

	for _, secret := range []string{clubSecret, "fitbit-club-secret-9a8b"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("a tenant's client secret reached the log")
		}
	}
	if !strings.Contains(logs.String(), "tenant oauth app saved") {
		t.Fatal("changes to tenant applications are not logged")
	}
}

// statusesOf maps each provider to its get_connection_status state.
func statusesOf(t *testing.T, cs *mcp.ClientSession) map[string]string {
	t.Helper()
	f := &connFixture{cs: cs}
	out := map[string]string{}
	for name, p := range f.statuses(t, "") {
		out[name], _ = p["status"].(string)
	}
	return out
}

type rawAnswer struct {
	status int
	body   string
}

func rawGet(t *testing.T, s *testServer, path, token string) rawAnswer {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawAnswer{resp.StatusCode, string(b)}
}
