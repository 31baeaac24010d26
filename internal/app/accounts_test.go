package app_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

func TestAccountsOverHTTP(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, d)
			var e errBody

			// Setup works once.
			var setupStatus map[string]bool
			s.do(t, "GET", "/admin/setup", "", nil, &setupStatus)
			if !setupStatus["needs_setup"] {
				t.Fatal("fresh server must need setup")
			}
			var admin tokenBody
			if r := s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "admin@example.com", "password": pw, "display_name": "Ada"}, &admin); r.StatusCode != 201 {
				t.Fatalf("setup: %d", r.StatusCode)
			}
			if admin.User.Role != "super_admin" || admin.AccessToken == "" {
				t.Fatalf("setup answer %+v", admin)
			}
			if r := s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "other@example.com", "password": pw}, &e); r.StatusCode != 409 || e.Error.Code != "admin_exists" {
				t.Fatalf("second setup: %d %+v", r.StatusCode, e)
			}

			// The token is RS256 with a kid from the JWKS.
			hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(admin.AccessToken, ".")[0])
			var h map[string]string
			json.Unmarshal(hdr, &h)
			var jwks struct{ Keys []map[string]string }
			s.do(t, "GET", "/.well-known/jwks.json", "", nil, &jwks)
			if h["alg"] != "RS256" || h["kid"] == "" || len(jwks.Keys) == 0 || jwks.Keys[0]["kid"] != h["kid"] {
				t.Fatalf("token header %v vs jwks %v", h, jwks.Keys)
			}

			// Registration is pending until approval, and never reveals taken e-mails.
			var reg1, reg2 map[string]string
			r1 := s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "runner@example.com", "password": pw, "display_name": "Runner"}, &reg1)
			r2 := s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "admin@example.com", "password": pw, "display_name": "Imposter"}, &reg2)
			if r1.StatusCode != 202 || r2.StatusCode != 202 || reg1["message"] != reg2["message"] || reg1["status"] != "pending" {
				t.Fatalf("register answers differ: %d %v / %d %v", r1.StatusCode, reg1, r2.StatusCode, reg2)
			}
			if r := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "runner@example.com", "password": pw}, &e); r.StatusCode != 403 || e.Error.Code != "account_pending" {
				t.Fatalf("pending login: %d %+v", r.StatusCode, e)
			}

			// The admin sees and approves the pending user.
			var list struct {
				Users []struct{ ID, Email, Status string }
			}
			s.do(t, "GET", "/api/admin/users?status=pending", admin.AccessToken, nil, &list)
			if len(list.Users) != 1 || list.Users[0].Email != "runner@example.com" {
				t.Fatalf("pending list %+v", list)
			}
			if r := s.do(t, "POST", "/api/admin/users/"+list.Users[0].ID+"/approve", admin.AccessToken, nil, nil); r.StatusCode != 200 {
				t.Fatalf("approve: %d", r.StatusCode)
			}

			// Wrong password and unknown e-mail get the same answer.
			var wrong, unknown errBody
			rw := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "runner@example.com", "password": "not the password at all"}, &wrong)
			ru := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "nobody@example.com", "password": "not the password at all"}, &unknown)
			if rw.StatusCode != 401 || ru.StatusCode != 401 || wrong.Error.Code != "invalid_credentials" ||
				wrong.Error.Message != unknown.Error.Message || wrong.Error.Code != unknown.Error.Code {
				t.Fatalf("credential errors differ: %d %+v / %d %+v", rw.StatusCode, wrong, ru.StatusCode, unknown)
			}
			if wrong.Error.RequestID == "" || rw.Header.Get("X-Request-ID") != wrong.Error.RequestID {
				t.Fatalf("request id missing or mismatched: %q vs %q", wrong.Error.RequestID, rw.Header.Get("X-Request-ID"))
			}

			var login tokenBody
			if r := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "Runner@Example.com", "password": pw}, &login); r.StatusCode != 200 {
				t.Fatalf("login: %d", r.StatusCode)
			}
			var me map[string]any
			if r := s.do(t, "GET", "/api/auth/me", login.AccessToken, nil, &me); r.StatusCode != 200 || me["email"] != "runner@example.com" {
				t.Fatalf("me: %d %v", r.StatusCode, me)
			}
			// A normal user is not an admin.
			if r := s.do(t, "GET", "/api/admin/users", login.AccessToken, nil, &e); r.StatusCode != 403 || e.Error.Code != "forbidden" {
				t.Fatalf("user on admin route: %d %+v", r.StatusCode, e)
			}

			// Refresh rotates; logout ends the token and the session.
			var refreshed tokenBody
			if r := s.do(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": login.RefreshToken}, &refreshed); r.StatusCode != 200 || refreshed.RefreshToken == login.RefreshToken {
				t.Fatalf("refresh: %d", r.StatusCode)
			}
			if r := s.do(t, "POST", "/api/auth/refresh", "", map[string]string{"refresh_token": login.RefreshToken}, &e); r.StatusCode != 401 || e.Error.Code != "invalid_refresh_token" {
				t.Fatalf("reused refresh token: %d %+v", r.StatusCode, e)
			}
			var again tokenBody
			s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "runner@example.com", "password": pw}, &again)
			if r := s.do(t, "POST", "/api/auth/logout", again.AccessToken, nil, nil); r.StatusCode != 204 {
				t.Fatalf("logout: %d", r.StatusCode)
			}
			if r := s.do(t, "GET", "/api/auth/me", again.AccessToken, nil, &e); r.StatusCode != 401 || !strings.Contains(e.Error.Message, "revoked") {
				t.Fatalf("logged-out token: %d %+v", r.StatusCode, e)
			}
		})
	}
}

func TestBadInputGetsClear4xx(t *testing.T) {
	s := startServer(t, "sqlite")
	cases := []struct {
		path, body string
		status     int
		code       string
		field      string
	}{
		{"/api/auth/register", `{"email":"a@example.com","password":"short","display_name":"A"}`, 400, "weak_password", "password"},
		{"/api/auth/register", `{"email":"a@example.com","password":"password1234","display_name":"A"}`, 400, "weak_password", "password"},
		{"/api/auth/register", `{"email":"not-an-email","password":"` + pw + `"}`, 400, "invalid_input", "email"},
		{"/api/auth/register", `{"email":"a@example.com","password":"` + pw + `","tenant":"no-such-club"}`, 400, "invalid_input", "tenant"},
		{"/api/auth/register", `{"email":"a@example.com","passwrd":"x"}`, 400, "invalid_input", "passwrd"},
		{"/api/auth/register", `{"email":5}`, 400, "invalid_input", "email"},
		{"/api/auth/login", `{"email":"a@example.com"`, 400, "invalid_json", ""},
		{"/api/auth/login", ``, 400, "invalid_json", ""},
		{"/api/auth/login", `{"email":"a@example.com","password":""}`, 400, "invalid_input", "password"},
		{"/api/auth/login", `[1,2]`, 400, "invalid_input", ""},
		{"/api/auth/login", `{"email":"a@example.com","password":"x"} trailing`, 400, "invalid_json", ""},
		{"/api/auth/refresh", `{}`, 400, "invalid_input", "refresh_token"},
		{"/api/auth/refresh", `{"refresh_token":"prt_forged"}`, 401, "invalid_refresh_token", ""},
		{"/admin/setup", `{"email":"admin@example.com","password":"tiny"}`, 400, "weak_password", "password"},
	}
	for _, c := range cases {
		var e errBody
		r := s.do(t, "POST", c.path, "", c.body, &e)
		if r.StatusCode != c.status || e.Error.Code != c.code || e.Error.Field != c.field || e.Error.Message == "" {
			t.Errorf("%s %s: got %d %+v, want %d %s field %q", c.path, c.body, r.StatusCode, e.Error, c.status, c.code, c.field)
		}
	}
	// Non-JSON content types are refused, oversized bodies too.
	req, _ := http.NewRequest("POST", s.URL+"/api/auth/login", strings.NewReader("email=a"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != 415 {
		t.Errorf("form body: %d", resp.StatusCode)
	}
	big := `{"email":"` + strings.Repeat("a", 2<<20) + `"}`
	var e errBody
	if r := s.do(t, "POST", "/api/auth/login", "", big, &e); r.StatusCode != 413 {
		t.Errorf("2 MiB body: %d %+v", r.StatusCode, e)
	}
	if r := s.do(t, "GET", "/no/such/route", "", nil, &e); r.StatusCode != 404 || e.Error.Code != "not_found" {
		t.Errorf("unknown route: %d %+v", r.StatusCode, e)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	s := startServer(t, "sqlite")
	var last *http.Response
	var e errBody
	for range 12 {
		last = s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "victim@example.com", "password": "guess guess guess"}, &e)
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" || e.Error.Code != "rate_limited" {
		t.Fatalf("12th attempt: %d %+v retry-after %q", last.StatusCode, e, last.Header.Get("Retry-After"))
	}
}

func TestHealthAndMetadata(t *testing.T) {
	s := startServer(t, "sqlite")
	var h struct {
		Status   string
		Version  string
		Database struct{ Status, Driver string }
	}
	r := s.do(t, "GET", "/health", "", nil, &h)
	if r.StatusCode != 200 || h.Status != "ok" || h.Database.Status != "ok" || h.Database.Driver != "sqlite" || h.Version == "" {
		t.Fatalf("health: %d %+v", r.StatusCode, h)
	}
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
		if r.Header.Get(name) != want {
			t.Errorf("%s = %q", name, r.Header.Get(name))
		}
	}
	if r.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS outside production")
	}
	if r := s.do(t, "GET", "/ready", "", nil, nil); r.StatusCode != 200 {
		t.Fatalf("ready: %d", r.StatusCode)
	}
	var prm map[string]any
	s.do(t, "GET", "/.well-known/oauth-protected-resource", "", nil, &prm)
	if prm["resource"] != s.URL+"/mcp" || prm["authorization_servers"].([]any)[0] != s.URL {
		t.Fatalf("protected resource metadata %v", prm)
	}
	// CORS preflight from any origin when none are configured.
	req, _ := http.NewRequest("OPTIONS", s.URL+"/mcp", nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, _ := http.DefaultClient.Do(req)
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Mcp-Session-Id") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestCORSRestrictsOrigins(t *testing.T) {
	s := startServer(t, "sqlite", "CORS_ALLOWED_ORIGINS", "https://a.example.com")
	pre := func(origin string) *http.Response {
		req, _ := http.NewRequest("OPTIONS", s.URL+"/api/auth/login", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, _ := http.DefaultClient.Do(req)
		return resp
	}
	if r := pre("https://a.example.com"); r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "https://a.example.com" {
		t.Fatalf("allowed origin: %d %v", r.StatusCode, r.Header)
	}
	if r := pre("https://evil.example.com"); r.StatusCode != 403 || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign origin: %d %v", r.StatusCode, r.Header)
	}
}
