package app_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// fakeVendor is an httptest vendor: an OAuth token endpoint answering as
// the vendor documents, a revocation endpoint, and the vendor API serving
// the vendor package's documented fixtures to the current access token only.
type fakeVendor struct {
	t    *testing.T
	name string
	srv  *httptest.Server
	pkce bool

	mu        sync.Mutex
	challenge string // code_challenge of the last authorization URL
	access    string
	refresh   string
	seq       int
	// expiresIn is the lifetime of the next issued access token.
	expiresIn int
	// rejectRefresh answers refresh grants with invalid_grant.
	rejectRefresh bool
	// malformed answers the code exchange with a broken body.
	malformed bool
	// clients are further accepted client credentials (id → secret), such
	// as a tenant's own application; lastClient is the client id of the
	// last accepted token request.
	clients    map[string]string
	lastClient string

	exchanges atomic.Int32
	refreshes atomic.Int32
	revokes   atomic.Int32
	apiCalls  atomic.Int32
}

const (
	clientID     = "pierre-client"
	clientSecret = "pierre-secret-7d1e"
	terraUserID  = "b1a2c3d4-0000-4000-8000-000000000001"
	corosOpenID  = "coros-open-id-42"
)

// listFixtures maps each vendor's activity-list path (under /api) to the
// fixture the vendor package's own tests use.
var listFixtures = map[string][2]string{
	"strava": {"/athlete/activities", "strava/testdata/activities_page1.json"},
	"garmin": {"/activities", "garmin/testdata/activities_w1.json"},
	"fitbit": {"/1/user/-/activities/list.json", "fitbit/testdata/activities_page1.json"},
	"whoop":  {"/v2/activity/workout", "whoop/testdata/workouts_page1.json"},
	"coros":  {"/v2/coros/sport/list", "coros/testdata/sport_list_w1.json"},
	"terra":  {"/activity", "terra/testdata/activity_w1.json"},
}

func newFakeVendor(t *testing.T, name string, pkce bool) *fakeVendor {
	v := &fakeVendor{t: t, name: name, pkce: pkce, expiresIn: 21600}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", v.token)
	mux.HandleFunc("POST /oauth/revoke", v.revoke)
	mux.HandleFunc("/api/", v.api)
	v.srv = httptest.NewServer(mux)
	t.Cleanup(v.srv.Close)
	return v
}

func (v *fakeVendor) env() map[string]string {
	up := strings.ToUpper(v.name)
	if v.name == "terra" {
		// Legacy names are accepted too.
		return map[string]string{"TERRA_DEV_ID": clientID, "PIERRE_TERRA_API_KEY": clientSecret,
			"PIERRE_TERRA_API_BASE_URL": v.srv.URL + "/api"}
	}
	return map[string]string{
		"PIERRE_" + up + "_CLIENT_ID": clientID, up + "_CLIENT_SECRET": clientSecret,
		"PIERRE_" + up + "_AUTH_URL": v.srv.URL + "/oauth/authorize", "PIERRE_" + up + "_TOKEN_URL": v.srv.URL + "/oauth/token",
		"PIERRE_" + up + "_REVOKE_URL": v.srv.URL + "/oauth/revoke", "PIERRE_" + up + "_API_BASE_URL": v.srv.URL + "/api",
	}
}

func (v *fakeVendor) issue() map[string]any {
	v.seq++
	v.access = fmt.Sprintf("%s-access-%d-9f8e7d", v.name, v.seq)
	v.refresh = fmt.Sprintf("%s-refresh-%d-1a2b3c", v.name, v.seq)
	body := map[string]any{"access_token": v.access, "refresh_token": v.refresh, "expires_in": v.expiresIn, "token_type": "Bearer"}
	switch v.name {
	case "strava": // Strava adds expires_at and the athlete summary.
		body["expires_at"] = time.Now().Unix() + int64(v.expiresIn)
		body["athlete"] = map[string]any{"id": 134815, "username": "marianne_t", "firstname": "Marianne"}
	case "fitbit":
		body["user_id"], body["scope"] = "GGNJL9", "activity heartrate profile sleep weight"
	case "whoop":
		body["scope"], body["token_type"] = "offline read:workout read:profile", "bearer"
	case "garmin":
		body["jti"], body["refresh_token_expires_in"] = "e5b1c0d2", 7775999
	case "coros":
		delete(body, "token_type")
		body["openId"] = corosOpenID
	}
	return body
}

func (v *fakeVendor) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if v.name == "fitbit" { // Fitbit documents HTTP Basic client authentication.
		id, secret, _ = r.BasicAuth()
	}
	w.Header().Set("Content-Type", "application/json")
	v.mu.Lock()
	defer v.mu.Unlock()
	if (id != clientID || secret != clientSecret) && (secret == "" || v.clients[id] != secret) {
		w.WriteHeader(401)
		io.WriteString(w, `{"error":"invalid_client"}`)
		return
	}
	v.lastClient = id
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		v.exchanges.Add(1)
		if r.PostForm.Get("code") != "good-code" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		if v.pkce {
			sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
			if base64.RawURLEncoding.EncodeToString(sum[:]) != v.challenge {
				w.WriteHeader(400)
				io.WriteString(w, `{"error":"invalid_grant","error_description":"PKCE verification failed"}`)
				return
			}
		} else if r.PostForm.Has("code_verifier") {
			v.t.Errorf("%s: code_verifier sent to a vendor without PKCE", v.name)
		}
		if v.malformed {
			io.WriteString(w, `{"access_token": "half`)
			return
		}
		json.NewEncoder(w).Encode(v.issue())
	case "refresh_token":
		v.refreshes.Add(1)
		if v.rejectRefresh || r.PostForm.Get("refresh_token") != v.refresh {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"refresh token expired"}`)
			return
		}
		v.expiresIn = 21600
		json.NewEncoder(w).Encode(v.issue())
	default:
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"unsupported_grant_type"}`)
	}
}

func (v *fakeVendor) current() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.access
}

func (v *fakeVendor) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	switch v.name {
	case "strava":
		if r.PostForm.Get("access_token") != v.current() {
			w.WriteHeader(401)
			return
		}
	case "fitbit":
		if id, secret, _ := r.BasicAuth(); id != clientID || secret != clientSecret || r.PostForm.Get("token") != v.current() {
			w.WriteHeader(401)
			return
		}
	default:
		v.t.Errorf("%s revoked through the OAuth revoke URL", v.name)
	}
	v.revokes.Add(1)
}

// garminUserID is what Garmin's GET /user/id answers for the fake's user.
const garminUserID = "4aacafe82427c251df9c9592d0c06768"

func (v *fakeVendor) api(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api")
	q := r.URL.Query()
	authorised := false
	switch v.name {
	case "coros":
		authorised = q.Get("token") == v.current() && q.Get("openId") == corosOpenID
	case "terra":
		authorised = r.Header.Get("dev-id") == clientID && r.Header.Get("x-api-key") == clientSecret
	default:
		authorised = r.Header.Get("Authorization") == "Bearer "+v.current()
	}
	if !authorised {
		w.WriteHeader(401)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case v.name == "garmin" && path == "/user/id": // Garmin Health API: who the token belongs to
		io.WriteString(w, `{"userId":"`+garminUserID+`"}`)
		return
	case v.name == "terra" && r.Method == "POST" && path == "/auth/generateWidgetSession":
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		v.mu.Lock()
		v.challenge = body["reference_id"] + " " + body["auth_success_redirect_url"]
		v.mu.Unlock()
		io.WriteString(w, `{"status":"success","session_id":"23dc2540","url":"https://widget.tryterra.co/session/23dc2540","expires_in":900}`)
		return
	case v.name == "terra" && path == "/userInfo":
		v.mu.Lock()
		ref := strings.Fields(v.challenge)[0]
		v.mu.Unlock()
		fmt.Fprintf(w, `{"status":"success","user":{"user_id":%q,"provider":"GARMIN","reference_id":%q,"last_webhook_update":null}}`, q.Get("user_id"), ref)
		return
	case r.Method == "DELETE" && (path == "/auth/deauthenticateUser" && q.Get("user_id") == terraUserID ||
		path == "/user/registration" && v.name == "garmin" || path == "/v2/user/access" && v.name == "whoop"):
		v.revokes.Add(1)
		w.WriteHeader(204)
		return
	case path == listFixtures[v.name][0]:
		if v.name == "terra" && q.Get("user_id") != terraUserID {
			w.WriteHeader(404)
			return
		}
		v.apiCalls.Add(1)
		b, err := os.ReadFile(filepath.Join("..", "provider", listFixtures[v.name][1]))
		if err != nil {
			v.t.Error(err)
		}
		w.Write(b)
		return
	}
	w.WriteHeader(404)
}

type connFixture struct {
	s       *testServer
	vendors map[string]*fakeVendor
	token   string
	cs      *mcp.ClientSession
}

func startWithVendors(t *testing.T, d config.Driver) *connFixture {
	t.Helper()
	f := &connFixture{vendors: map[string]*fakeVendor{}}
	// These tests watch each vendor request; the activity store's
	// background syncs would add their own (see sync_test.go for those).
	env := []string{"PIERRE_SYNC", "off"}
	for name, pkce := range map[string]bool{"strava": false, "garmin": true, "fitbit": true, "whoop": true, "coros": false, "terra": false} {
		v := newFakeVendor(t, name, pkce)
		f.vendors[name] = v
		for k, val := range v.env() {
			env = append(env, k, val)
		}
	}
	f.s = startServer(t, d, env...)
	f.token = demoToken(t, f.s)
	f.cs = connect(t, f.s, f.token, nil)
	return f
}

// authorize calls connect_provider and checks the authorization URL.
func (f *connFixture) authorize(t *testing.T, name string) (state string) {
	t.Helper()
	v := f.vendors[name]
	res, out := call(t, f.cs, "connect_provider", map[string]any{"provider": name})
	if res.IsError {
		t.Fatalf("connect_provider %s: %v", name, res.Content[0].(*mcp.TextContent).Text)
	}
	u, err := url.Parse(out["authorization_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if exp, _ := time.Parse(time.RFC3339, out["expires_at"].(string)); time.Until(exp) < 9*time.Minute || time.Until(exp) > 10*time.Minute {
		t.Errorf("%s: link expires at %v, want in 10 minutes", name, exp)
	}
	q := u.Query()
	if name == "terra" {
		v.mu.Lock()
		ref, back, _ := strings.Cut(v.challenge, " ")
		v.mu.Unlock()
		bu, _ := url.Parse(back)
		if u.Host != "widget.tryterra.co" || ref == "" || !strings.HasPrefix(back, f.s.URL+"/api/oauth/callback/terra?") {
			t.Fatalf("terra widget %s, redirect %s", u, back)
		}
		return bu.Query().Get("state")
	}
	if !strings.HasPrefix(u.String(), v.srv.URL+"/oauth/authorize?") || q.Get("client_id") != clientID || q.Get("response_type") != "code" ||
		q.Get("redirect_uri") != f.s.URL+"/api/oauth/callback/"+name || len(q.Get("state")) < 40 {
		t.Fatalf("%s authorization URL %s", name, u)
	}
	if got := q.Get("code_challenge") != "" && q.Get("code_challenge_method") == "S256"; got != v.pkce {
		t.Fatalf("%s: PKCE in URL = %v, want %v (%s)", name, got, v.pkce, u)
	}
	if name == "strava" && (q.Get("scope") != "read,activity:read_all,profile:read_all" || q.Get("approval_prompt") != "auto") {
		t.Fatalf("strava scopes are comma-separated: %s", u)
	}
	if name == "fitbit" && !strings.Contains(q.Get("scope"), "activity heartrate") {
		t.Fatalf("fitbit scopes are space-separated: %q", q.Get("scope"))
	}
	v.mu.Lock()
	v.challenge = q.Get("code_challenge")
	v.mu.Unlock()
	return q.Get("state")
}

// callback plays the browser returning from the vendor.
func (f *connFixture) callback(t *testing.T, name string, q url.Values) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(f.s.URL + "/api/oauth/callback/" + name + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (f *connFixture) connectVendor(t *testing.T, name string) {
	t.Helper()
	state := f.authorize(t, name)
	q := url.Values{"state": {state}, "code": {"good-code"}}
	if name == "strava" {
		q.Set("scope", "read,activity:read_all")
	}
	if name == "terra" {
		q = url.Values{"state": {state}, "user_id": {terraUserID}, "resource": {"GARMIN"}, "reference_id": {"x"}}
	}
	code, body, h := f.callback(t, name, q)
	if code != 200 || !strings.Contains(body, "is connected") || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
		!strings.Contains(h.Get("Content-Security-Policy"), "style-src 'sha256-") {
		t.Fatalf("%s callback: %d %s %v", name, code, body, h)
	}
	// The link works once.
	if code, body, _ := f.callback(t, name, q); code != 400 || !strings.Contains(body, "already used") {
		t.Fatalf("%s callback replay: %d %s", name, code, body)
	}
}

func (f *connFixture) statuses(t *testing.T, token string) map[string]map[string]any {
	t.Helper()
	cs := f.cs
	if token != f.token {
		cs = connect(t, f.s, token, nil)
	}
	res, out := call(t, cs, "get_connection_status", nil)
	if res.IsError {
		t.Fatalf("get_connection_status: %v", res.Content)
	}
	m := map[string]map[string]any{}
	for _, p := range out["providers"].([]any) {
		pm := p.(map[string]any)
		m[pm["name"].(string)] = pm
	}
	return m
}

func errorText(res *mcp.CallToolResult) string { return res.Content[0].(*mcp.TextContent).Text }

// For every vendor: connect_provider, the vendor redirect through the
// callback route, tokens stored sealed, and get_activities served by that
// vendor's API with the new token.
func TestProviderOAuthRoundTrip(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) { testProviderOAuthRoundTrip(t, d) })
	}
}

func testProviderOAuthRoundTrip(t *testing.T, d config.Driver) {
	f := startWithVendors(t, d)
	ctx := context.Background()
	before := f.statuses(t, f.token)
	if len(before) != 7 {
		t.Fatalf("get_connection_status lists %d providers, want 7", len(before))
	}
	for name, st := range before {
		want := "not_connected"
		if name == "synthetic" {
			want = "connected"
		}
		if st["status"] != want || len(st["capabilities"].([]any)) == 0 {
			t.Errorf("%s before connecting: %v", name, st)
		}
	}

	for _, name := range []string{"strava", "garmin", "fitbit", "whoop", "coros", "terra"} {
		t.Run(name, func(t *testing.T) {
			v := f.vendors[name]
			f.connectVendor(t, name)
			if st := f.statuses(t, f.token)[name]; st["status"] != "connected" || st["connected_at"] == nil {
				t.Fatalf("status after callback: %v", st)
			}
			args := map[string]any{"provider": name, "limit": 1}
			if name == "terra" { // Terra walks day windows: ask for the fixture's week.
				args["after"], args["before"] = "2024-06-10", "2024-06-15T00:00:00Z"
			}
			res, out := call(t, f.cs, "get_activities", args)
			if res.IsError {
				t.Fatalf("get_activities: %s", errorText(res))
			}
			acts := out["activities"].([]any)
			if out["provider"] != name || len(acts) != 1 || acts[0].(map[string]any)["provider"] != name || v.apiCalls.Load() != 1 {
				t.Fatalf("get_activities from %s: %v (api calls %d)", name, out, v.apiCalls.Load())
			}
			// A second identical call is answered from the cache.
			call(t, f.cs, "get_activities", args)
			if v.apiCalls.Load() != 1 {
				t.Fatalf("second get_activities reached %s (%d calls); the list is cached for 15 minutes", name, v.apiCalls.Load())
			}
			if name == "terra" {
				return
			}
			// The tokens are sealed in the database.
			var sealed []byte
			var vendorUser string
			if err := f.s.App.Store.QueryRow(ctx, `SELECT tokens_sealed, vendor_user_id FROM provider_connections WHERE provider = ?`, name).
				Scan(&sealed, &vendorUser); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(sealed), v.current()) || strings.Contains(string(sealed), "refresh-") {
				t.Fatal("tokens stored in clear")
			}
			if want := map[string]string{"strava": "134815", "fitbit": "GGNJL9", "coros": corosOpenID, "garmin": garminUserID}[name]; vendorUser != want {
				t.Errorf("vendor user id %q, want %q", vendorUser, want)
			}
		})
	}

	// With strava connected, activities come from it by priority.
	if _, out := call(t, f.cs, "get_activities", map[string]any{"limit": 1}); out["provider"] != "strava" {
		t.Fatalf("priority: %v", out["provider"])
	}
	// Another tenant's user sees none of it.
	var admin tokenBody
	f.s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "admin@example.com", "password": pw}, &admin)
	for name, st := range f.statuses(t, admin.AccessToken) {
		if name != "synthetic" && st["status"] != "not_connected" {
			t.Errorf("other tenant sees %s as %v", name, st["status"])
		}
	}

	// Disconnect revokes where the vendor documents how, and clears the cache.
	for _, name := range []string{"strava", "garmin", "fitbit", "whoop", "coros", "terra"} {
		v := f.vendors[name]
		res, out := call(t, f.cs, "disconnect_provider", map[string]any{"provider": name})
		if res.IsError || out["was_connected"] != true {
			t.Fatalf("disconnect %s: %v %v", name, errorText(res), out)
		}
		wantRevoked := name != "coros"
		if out["revoked_at_vendor"] != wantRevoked || (v.revokes.Load() == 1) != wantRevoked {
			t.Errorf("%s: revoked %v, vendor saw %d revocations", name, out["revoked_at_vendor"], v.revokes.Load())
		}
		res, _ = call(t, f.cs, "get_activities", map[string]any{"provider": name, "limit": 1})
		if !res.IsError || !strings.Contains(errorText(res), "is not connected") {
			t.Fatalf("%s after disconnect: %v", name, errorText(res))
		}
	}
	var n int
	f.s.App.Store.QueryRow(ctx, `SELECT COUNT(*) FROM provider_connections`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d connections left after disconnecting all", n)
	}
	// Reconnecting fetches fresh data: the cache was cleared.
	f.connectVendor(t, "strava")
	call(t, f.cs, "get_activities", map[string]any{"provider": "strava", "limit": 1})
	if c := f.vendors["strava"].apiCalls.Load(); c != 2 {
		t.Fatalf("after reconnect the vendor saw %d list calls, want 2", c)
	}
}

// Failed callbacks store nothing and say why on an escaped page.
func TestProviderCallbackFailures(t *testing.T) {
	f := startWithVendors(t, config.SQLite)
	ctx := context.Background()
	count := func() (n int) {
		f.s.App.Store.QueryRow(ctx, `SELECT COUNT(*) FROM provider_connections`).Scan(&n)
		return n
	}

	// A malformed token response.
	f.vendors["whoop"].malformed = true
	state := f.authorize(t, "whoop")
	code, body, _ := f.callback(t, "whoop", url.Values{"state": {state}, "code": {"good-code"}})
	if code != 502 || !strings.Contains(body, "did not accept the authorization") || count() != 0 {
		t.Fatalf("malformed token answer: %d %s, %d rows", code, body, count())
	}
	if st := f.statuses(t, f.token)["whoop"]; st["status"] != "not_connected" {
		t.Fatalf("whoop after malformed answer: %v", st)
	}
	// A wrong PKCE verifier is refused by the vendor: a state is for one flow only.
	s1 := f.authorize(t, "fitbit")
	f.authorize(t, "fitbit") // a second flow replaces the vendor's challenge
	if code, _, _ := f.callback(t, "fitbit", url.Values{"state": {s1}, "code": {"good-code"}}); code != 502 || count() != 0 {
		t.Fatalf("mismatched PKCE: %d", code)
	}
	// Denied consent, with markup in the vendor's error.
	state = f.authorize(t, "strava")
	code, body, _ = f.callback(t, "strava", url.Values{"state": {state}, "error": {"<script>alert(1)</script>"}})
	if code != 400 || strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") || count() != 0 {
		t.Fatalf("vendor error page: %d %s", code, body)
	}
	// Unknown or missing state, state for another provider, unknown provider.
	if code, body, _ := f.callback(t, "strava", url.Values{"state": {"forged"}, "code": {"good-code"}}); code != 400 || !strings.Contains(body, "expired") {
		t.Fatalf("forged state: %d %s", code, body)
	}
	if code, _, _ := f.callback(t, "strava", url.Values{"code": {"good-code"}}); code != 400 {
		t.Fatalf("missing state: %d", code)
	}
	state = f.authorize(t, "garmin")
	if code, body, _ := f.callback(t, "fitbit", url.Values{"state": {state}, "code": {"good-code"}}); code != 400 || !strings.Contains(body, "another provider") {
		t.Fatalf("state of another provider: %d %s", code, body)
	}
	if code, _, _ := f.callback(t, "nosuch", url.Values{"state": {"x"}}); code != 404 {
		t.Fatalf("unknown provider: %d", code)
	}
	if count() != 0 || f.vendors["strava"].exchanges.Load() != 0 {
		t.Fatalf("failures stored %d rows, exchanged %d codes", count(), f.vendors["strava"].exchanges.Load())
	}
	// Bad tool input names the field.
	res, err := f.cs.CallTool(ctx, &mcp.CallToolParams{Name: "connect_provider", Arguments: map[string]any{"provider": "myspace"}})
	if err == nil && !res.IsError {
		t.Fatal("unknown provider accepted")
	}
	if err != nil && !strings.Contains(err.Error(), "provider") {
		t.Fatalf("error does not name the field: %v", err)
	}
}

// An access token about to expire is refreshed once, however many calls
// need it at the same moment.
func TestProviderTokenRefreshOnce(t *testing.T) {
	for _, name := range oauthVendors {
		t.Run(name, func(t *testing.T) { testTokenRefreshOnce(t, name) })
	}
}

// oauthVendors are the vendors with classic OAuth tokens (Terra uses an API
// key and has nothing to refresh).
var oauthVendors = []string{"strava", "garmin", "fitbit", "whoop", "coros"}

func testTokenRefreshOnce(t *testing.T, name string) {
	f := startWithVendors(t, config.SQLite)
	v := f.vendors[name]
	v.expiresIn = 120 // inside the 5-minute margin
	f.connectVendor(t, name)
	first := v.current()

	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Different limits defeat the response cache.
			res, err := f.cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_activities",
				Arguments: map[string]any{"provider": name, "limit": 1, "offset": i}})
			if err != nil {
				errs <- err.Error()
			} else if res.IsError {
				errs <- errorText(res)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := v.refreshes.Load(); n != 1 {
		t.Fatalf("the vendor saw %d refreshes, want 1", n)
	}
	if v.current() == first {
		t.Fatal("the refreshed token is not in use")
	}
	// The refreshed token lasts: no further refresh.
	call(t, f.cs, "get_activities", map[string]any{"provider": name, "limit": 2})
	if n := v.refreshes.Load(); n != 1 {
		t.Fatalf("refreshed again (%d)", n)
	}
}

// A refresh token the vendor no longer accepts marks the connection as
// needing re-authorisation, and the assistant is told to reconnect.
func TestProviderExpiredRefreshTokenAsksToReconnect(t *testing.T) {
	for _, name := range oauthVendors {
		t.Run(name, func(t *testing.T) { testExpiredRefreshAsksToReconnect(t, name) })
	}
}

func testExpiredRefreshAsksToReconnect(t *testing.T, name string) {
	f := startWithVendors(t, config.SQLite)
	v := f.vendors[name]
	v.expiresIn = 60
	v.rejectRefresh = true
	f.connectVendor(t, name)

	res, _ := call(t, f.cs, "get_activities", map[string]any{"provider": name})
	if !res.IsError {
		t.Fatal("expired authorisation did not fail")
	}
	msg := errorText(res)
	if !strings.Contains(msg, "connect_provider") || !strings.Contains(msg, "reconnect") {
		t.Fatalf("message does not say to reconnect: %s", msg)
	}
	st := f.statuses(t, f.token)[name]
	if st["status"] != "reauth_required" || !strings.Contains(st["message"].(string), "connect_provider") {
		t.Fatalf("status: %v", st)
	}
	// Further calls fail fast without asking the vendor again.
	call(t, f.cs, "get_activities", map[string]any{"provider": name})
	if n := v.refreshes.Load(); n != 1 {
		t.Fatalf("vendor saw %d refresh attempts, want 1", n)
	}
	// Without a provider named, the next connected provider answers.
	if _, out := call(t, f.cs, "get_activities", map[string]any{"limit": 1}); out["provider"] != "synthetic" {
		t.Fatalf("fallback provider: %v", out["provider"])
	}
	// Reconnecting restores it.
	v.mu.Lock()
	v.expiresIn, v.rejectRefresh = 21600, false
	v.mu.Unlock()
	f.connectVendor(t, name)
	if res, _ := call(t, f.cs, "get_activities", map[string]any{"provider": name, "limit": 1}); res.IsError {
		t.Fatalf("after reconnect: %s", errorText(res))
	}
}

// A token the vendor rejects (the user revoked Pierre there) turns the
// connection into reauth_required instead of failing silently.
func TestProviderRevokedAtVendorAsksToReconnect(t *testing.T) {
	f := startWithVendors(t, config.SQLite)
	v := f.vendors["whoop"]
	f.connectVendor(t, "whoop")
	v.mu.Lock()
	v.access = "revoked-by-user"
	v.mu.Unlock()
	res, _ := call(t, f.cs, "get_activities", map[string]any{"provider": "whoop", "limit": 1})
	if !res.IsError || !strings.Contains(errorText(res), "connect_provider") {
		t.Fatalf("revoked token: %v", errorText(res))
	}
	if st := f.statuses(t, f.token)["whoop"]; st["status"] != "reauth_required" {
		t.Fatalf("status after a 401: %v", st)
	}
	// Synthetic cannot be connected or disconnected; the error names the field.
	_, err := f.cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "disconnect_provider", Arguments: map[string]any{"provider": "synthetic"}})
	if err == nil || !strings.Contains(err.Error(), "provider") {
		t.Fatalf("disconnect synthetic: %v", err)
	}
}

// Providers without an application on this server are listed as such.
func TestConnectionStatusListsUnconfiguredProviders(t *testing.T) {
	s := startServer(t, config.SQLite, "STRAVA_CLIENT_ID", "legacy-id", "STRAVA_CLIENT_SECRET", "legacy-secret")
	f := &connFixture{s: s, token: demoToken(t, s)}
	f.cs = connect(t, s, f.token, nil)
	st := f.statuses(t, f.token)
	want := map[string]string{"strava": "not_connected", "garmin": "not_configured", "fitbit": "not_configured",
		"whoop": "not_configured", "coros": "not_configured", "terra": "not_configured", "synthetic": "connected"}
	for name, w := range want {
		if st[name]["status"] != w {
			t.Errorf("%s: %v, want %s", name, st[name]["status"], w)
		}
	}
	if caps := fmt.Sprint(st["whoop"]["capabilities"]); !strings.Contains(caps, "sleep") || !strings.Contains(caps, "recovery") {
		t.Errorf("whoop capabilities %s", caps)
	}
	res, _ := call(t, f.cs, "connect_provider", map[string]any{"provider": "garmin"})
	if !res.IsError || !strings.Contains(errorText(res), "PIERRE_GARMIN_CLIENT_ID") {
		t.Fatalf("unconfigured connect: %v", errorText(res))
	}
	res, _ = call(t, f.cs, "connect_provider", map[string]any{"provider": "strava"})
	if res.IsError {
		t.Fatalf("legacy STRAVA_CLIENT_ID not accepted: %s", errorText(res))
	}
}

type sseEvent struct{ id, name, data string }

// readSSE parses events from an SSE body into ch, counting keep-alives.
func readSSE(body io.Reader, ch chan<- sseEvent, keepAlives *atomic.Int32) {
	sc := bufio.NewScanner(body)
	var e sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == ": keep-alive":
			keepAlives.Add(1)
		case strings.HasPrefix(line, "id: "):
			e.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			e.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			e.data = line[6:]
		case line == "" && e.name != "":
			ch <- e
			e = sseEvent{}
		}
	}
	close(ch)
}

func openSSE(t *testing.T, f *connFixture, lastID string) (chan sseEvent, *atomic.Int32, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", f.s.URL+"/notifications/sse", nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("open stream: %v %v", err, resp)
	}
	ch := make(chan sseEvent, 16)
	var ka atomic.Int32
	go readSSE(resp.Body, ch, &ka)
	return ch, &ka, func() { cancel(); resp.Body.Close() }
}

func next(t *testing.T, ch chan sseEvent) sseEvent {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return sseEvent{}
}

// OAuth completion and failure reach the user's notification stream, with
// keep-alives, and a reconnecting client resumes after Last-Event-ID.
func TestNotificationStream(t *testing.T) {
	{
		f := startWithVendors(t, config.SQLite)
		if r := f.s.do(t, "GET", "/notifications/sse", "", nil, nil); r.StatusCode != 401 {
			t.Fatalf("stream without token: %d", r.StatusCode)
		}
		f.s.App.Notify.KeepAlive = 30 * time.Millisecond
		ch, ka, stop := openSSE(t, f, "")
		f.connectVendor(t, "strava")
		e1 := next(t, ch)
		var msg struct {
			Method string
			Params map[string]any
		}
		json.Unmarshal([]byte(e1.data), &msg)
		if e1.name != "oauth_completed" || e1.id == "" || msg.Method != "notifications/oauth_completed" ||
			msg.Params["provider"] != "strava" || msg.Params["success"] != true {
			t.Fatalf("completion event %+v", e1)
		}
		f.vendors["whoop"].malformed = true
		state := f.authorize(t, "whoop")
		f.callback(t, "whoop", url.Values{"state": {state}, "code": {"good-code"}})
		e2 := next(t, ch)
		if e2.name != "oauth_failed" || !strings.Contains(e2.data, `"success":false`) || !strings.Contains(e2.data, "whoop") {
			t.Fatalf("failure event %+v", e2)
		}
		time.Sleep(100 * time.Millisecond)
		if ka.Load() == 0 {
			t.Fatal("no keep-alive comments")
		}
		stop()

		// Resume: only what came after the last seen id.
		f.connectVendor(t, "coros")
		ch2, _, stop2 := openSSE(t, f, e1.id)
		defer stop2()
		if got := next(t, ch2); got.id != e2.id {
			t.Fatalf("resume after %s gave %+v, want %s", e1.id, got, e2.id)
		}
		if got := next(t, ch2); got.name != "oauth_completed" || !strings.Contains(got.data, "coros") {
			t.Fatalf("resume second event %+v", got)
		}
	}
}
