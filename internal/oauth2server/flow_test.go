package oauth2server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestMetadataDescribesTheServer(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		resp, err := http.Get(f.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if m["issuer"] != f.URL || m["token_endpoint"] != f.URL+"/oauth2/token" || m["registration_endpoint"] != f.URL+"/oauth2/register" ||
			m["authorization_endpoint"] != f.URL+"/oauth2/authorize" || m["revocation_endpoint"] != f.URL+"/oauth2/revoke" {
			t.Fatalf("%s endpoints: %v", path, m)
		}
		if pk, _ := json.Marshal(m["code_challenge_methods_supported"]); string(pk) != `["S256"]` {
			t.Fatalf("%s must advertise S256 only: %s", path, pk)
		}
		if am, _ := json.Marshal(m["token_endpoint_auth_methods_supported"]); string(am) != `["none","client_secret_basic","client_secret_post"]` {
			t.Fatalf("%s auth methods: %s", path, am)
		}
	}
}

func TestCodeFlowIssuesTokensPierreAccepts(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	b := browser()
	verifier, challenge := pkce()
	loc := f.approve(t, b, f.authorizeURL(c, challenge, "xyz-state", nil))
	if loc.Query().Get("state") != "xyz-state" || loc.Query().Get("iss") != f.URL || !strings.HasPrefix(loc.String(), c.Redirect+"?") {
		t.Fatalf("redirect must carry state and iss: %s", loc)
	}
	st, tok := f.exchange(t, c, loc.Query().Get("code"), verifier, nil)
	if st != 200 || tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.RefreshToken == "" || tok.Scope != "fitness:read fitness:write" {
		t.Fatalf("exchange: %d %+v", st, tok)
	}
	p, err := f.acc.Authenticate(t.Context(), tok.AccessToken)
	if err != nil || p.UserID != f.user.ID || p.TenantID != f.tenantID || p.ClientID != c.ID || !p.HasScope("fitness:read") || p.HasScope("offline_access") {
		t.Fatalf("Pierre must accept the token as Ann via the client: %+v %v", p, err)
	}
	// Refresh rotates; the new access token works too.
	st, tok2 := f.refresh(t, c, tok.RefreshToken)
	if st != 200 || tok2.RefreshToken == tok.RefreshToken || !f.accepted(tok2.AccessToken) {
		t.Fatalf("refresh: %d %+v", st, tok2)
	}
	// The user sees the client and can disconnect it; its tokens die.
	_, session, err := f.acc.Login(t.Context(), f.user.Email, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/oauth2/clients", nil)
	req.Header.Set("Authorization", "Bearer "+session.AccessToken)
	resp, _ := http.DefaultClient.Do(req)
	var list struct {
		Clients []struct {
			ClientID string `json:"client_id"`
			Name     string `json:"client_name"`
			Scope    string `json:"scope"`
		} `json:"clients"`
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Clients) != 1 || list.Clients[0].ClientID != c.ID || list.Clients[0].Name != "Test Assistant" {
		t.Fatalf("connected apps: %+v", list)
	}
	// The client's own token may not manage connected apps.
	req, _ = http.NewRequest(http.MethodDelete, f.URL+"/api/oauth2/clients/"+c.ID, nil)
	req.Header.Set("Authorization", "Bearer "+tok2.AccessToken)
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("client token deleting clients: %d, want 403", resp.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer "+session.AccessToken)
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("disconnect: %d", resp.StatusCode)
	}
	if f.accepted(tok2.AccessToken) {
		t.Fatal("access token still accepted after the user disconnected the client")
	}
	if st, out := f.refresh(t, c, tok2.RefreshToken); st != 400 || out.Error != "invalid_grant" {
		t.Fatalf("refresh after disconnect: %d %+v", st, out)
	}
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("second disconnect: %d, want 404", resp.StatusCode)
	}
}

func TestWrongVerifierBurnsTheCode(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, challenge := pkce()
	code := f.code(t, browser(), c, challenge)
	other, _ := pkce()
	st, out := f.exchange(t, c, code, other, nil)
	wantOAuthError(t, st, out, 400, "invalid_grant", "code_verifier does not match")
	st, out = f.exchange(t, c, code, verifier, nil)
	wantOAuthError(t, st, out, 400, "invalid_grant", "already used")
}

func TestReusedCodeRevokesWhatItIssued(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, challenge := pkce()
	code := f.code(t, browser(), c, challenge)
	st, tok := f.exchange(t, c, code, verifier, nil)
	if st != 200 || !f.accepted(tok.AccessToken) {
		t.Fatalf("first exchange: %d %+v", st, tok)
	}
	st, out := f.exchange(t, c, code, verifier, nil)
	wantOAuthError(t, st, out, 400, "invalid_grant", "already used")
	if f.accepted(tok.AccessToken) {
		t.Fatal("the access token issued from a replayed code must be revoked")
	}
	st, out = f.refresh(t, c, tok.RefreshToken)
	wantOAuthError(t, st, out, 400, "invalid_grant", "invalid, expired or revoked")
}

func TestExpiredCode(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, challenge := pkce()
	code := f.code(t, browser(), c, challenge)
	f.oauth.now = func() time.Time { return time.Now().Add(10*time.Minute + time.Second) }
	st, out := f.exchange(t, c, code, verifier, nil)
	wantOAuthError(t, st, out, 400, "invalid_grant", "expired")
}

func TestRedirectMismatch(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	// At the authorization endpoint: an error page, never a redirect to
	// the unregistered URI (no open redirect).
	evil := c
	evil.Redirect = "https://evil.example/cb"
	_, challenge := pkce()
	resp, err := browser().Get(f.authorizeURL(evil, challenge, "s", nil))
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, resp)
	if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(page, "redirect_uri does not match") {
		t.Fatalf("unregistered redirect: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	// A loopback redirect may change only its port (RFC 8252 §7.3).
	port := c
	port.Redirect = "http://127.0.0.1:43210/callback"
	loc := f.approve(t, browser(), f.authorizeURL(port, challenge, "s", nil))
	if loc.Host != "127.0.0.1:43210" || loc.Query().Get("code") == "" {
		t.Fatalf("loopback port change: %s", loc)
	}
	// At the token endpoint: the redirect URI must be the one authorized.
	verifier, challenge := pkce()
	code := f.code(t, browser(), c, challenge)
	st, out := f.exchange(t, c, code, verifier, url.Values{"redirect_uri": {"http://127.0.0.1:9999/other"}})
	wantOAuthError(t, st, out, 400, "invalid_grant", "redirect_uri differs")
}

func TestUnknownClient(t *testing.T) {
	f := newFixture(t)
	verifier, challenge := pkce()
	ghost := client{ID: "mcp_client_doesnotexist", Redirect: "http://127.0.0.1:9999/callback"}
	resp, err := browser().Get(f.authorizeURL(ghost, challenge, "s", nil))
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, resp)
	if resp.StatusCode != 400 || resp.Header.Get("Location") != "" || !strings.Contains(page, "unknown client_id") {
		t.Fatalf("unknown client at authorize: %d\n%s", resp.StatusCode, page)
	}
	st, out := f.exchange(t, ghost, "somecode", verifier, nil)
	wantOAuthError(t, st, out, 401, "invalid_client", "unknown client")
}

func TestConfidentialClientAuthentication(t *testing.T) {
	f := newFixture(t)
	for _, method := range []string{"client_secret_basic", "client_secret_post"} {
		t.Run(method, func(t *testing.T) {
			c, st, out := f.register(t, map[string]any{"client_name": "Web app", "redirect_uris": []string{"https://app.example/cb"},
				"token_endpoint_auth_method": method})
			if st != 201 || c.Secret == "" || out["client_secret_expires_at"] != float64(0) {
				t.Fatalf("register confidential: %d %v", st, out)
			}
			verifier, challenge := pkce()
			code := f.code(t, browser(), c, challenge)
			v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect}, "code_verifier": {verifier}}
			wrong := c
			wrong.Secret = "mcs_wrong"
			var status int
			var tok tokenOut
			var resp *http.Response
			if method == "client_secret_basic" {
				status, tok, resp = f.post(t, "/oauth2/token", v, &wrong)
				if status != 401 || tok.Error != "invalid_client" || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
					t.Fatalf("wrong secret: %d %+v", status, tok)
				}
				status, tok, _ = f.post(t, "/oauth2/token", v, &c)
			} else {
				v.Set("client_id", c.ID)
				v.Set("client_secret", "mcs_wrong")
				status, tok, _ = f.post(t, "/oauth2/token", v, nil)
				wantOAuthError(t, status, tok, 401, "invalid_client", "authentication failed")
				v.Del("client_secret")
				status, tok, _ = f.post(t, "/oauth2/token", v, nil)
				wantOAuthError(t, status, tok, 401, "invalid_client", "must authenticate")
				v.Set("client_secret", c.Secret)
				status, tok, _ = f.post(t, "/oauth2/token", v, nil)
			}
			if status != 200 || !f.accepted(tok.AccessToken) {
				t.Fatalf("right secret: %d %+v", status, tok)
			}
		})
	}
}

func TestReusedRefreshTokenRevokesTheFamily(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, challenge := pkce()
	_, tok := f.exchange(t, c, f.code(t, browser(), c, challenge), verifier, nil)
	st, tok2 := f.refresh(t, c, tok.RefreshToken)
	if st != 200 {
		t.Fatalf("refresh: %d %+v", st, tok2)
	}
	st, out := f.refresh(t, c, tok.RefreshToken)
	wantOAuthError(t, st, out, 400, "invalid_grant", "already used")
	st, out = f.refresh(t, c, tok2.RefreshToken)
	wantOAuthError(t, st, out, 400, "invalid_grant", "revoked")
	if f.accepted(tok.AccessToken) || f.accepted(tok2.AccessToken) {
		t.Fatal("every access token of the family must be revoked")
	}
	// Another client cannot use (or burn) the token.
	other := f.publicClient(t)
	_, tok3 := f.exchange(t, c, f.code(t, browser(), c, challenge), verifier, nil)
	st, out = f.refresh(t, other, tok3.RefreshToken)
	wantOAuthError(t, st, out, 400, "invalid_grant", "invalid")
	if st, _ := f.refresh(t, c, tok3.RefreshToken); st != 200 {
		t.Fatalf("the owner's refresh after another client tried: %d", st)
	}
}

func TestBadGrantType(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	st, out, _ := f.post(t, "/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {c.ID}, "username": {"a"}, "password": {"b"}}, nil)
	wantOAuthError(t, st, out, 400, "unsupported_grant_type", `"password" is not supported`)
	st, out, _ = f.post(t, "/oauth2/token", url.Values{"client_id": {c.ID}}, nil)
	wantOAuthError(t, st, out, 400, "invalid_request", "grant_type is required")
	// A public client may not use client_credentials.
	st, out, _ = f.post(t, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ID}}, nil)
	wantOAuthError(t, st, out, 400, "unauthorized_client", "client_credentials")
	// Repeated parameters are refused (RFC 6749 §3.2).
	st, out, _ = f.post(t, "/oauth2/token", url.Values{"grant_type": {"refresh_token", "refresh_token"}, "client_id": {c.ID}}, nil)
	wantOAuthError(t, st, out, 400, "invalid_request", "grant_type must not be repeated")
}

// authorizeError runs an authorization request that must be refused with
// an error sent back to the (valid) redirect URI.
func authorizeError(t *testing.T, f *fixture, c client, challenge string, extra url.Values, wantCode, descPart string) {
	t.Helper()
	resp, err := browser().Get(f.authorizeURL(c, challenge, "keep-me", extra))
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), c.Redirect) || q.Get("error") != wantCode ||
		!strings.Contains(q.Get("error_description"), descPart) || q.Get("state") != "keep-me" || q.Get("code") != "" {
		t.Fatalf("got %d %s; want a redirect with error %q (%q) and the state", resp.StatusCode, loc, wantCode, descPart)
	}
}

func TestMissingPKCE(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	authorizeError(t, f, c, "", url.Values{"code_challenge_method": {""}}, "invalid_request", "code_challenge is required")
	_, challenge := pkce()
	authorizeError(t, f, c, challenge, url.Values{"code_challenge_method": {""}}, "invalid_request", "must be S256")
	authorizeError(t, f, c, "tooshort", nil, "invalid_request", "43-character")
	// And at the token endpoint, a code cannot be exchanged without its verifier.
	_, challenge = pkce()
	code := f.code(t, browser(), c, challenge)
	st, out := f.exchange(t, c, code, "", nil)
	wantOAuthError(t, st, out, 400, "invalid_request", "code_verifier is required")
}

func TestPlainPKCERefused(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, _ := pkce()
	authorizeError(t, f, c, verifier, url.Values{"code_challenge_method": {"plain"}}, "invalid_request", "plain is not allowed")
}

func TestTokenForAnotherResource(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, challenge := pkce()
	authorizeError(t, f, c, challenge, url.Values{"resource": {"https://other.example/mcp"}}, "invalid_target", "not served")
	code := f.code(t, browser(), c, challenge)
	st, out := f.exchange(t, c, code, verifier, url.Values{"resource": {"https://other.example/mcp"}})
	wantOAuthError(t, st, out, 400, "invalid_target", "not served")
	// A resource equal to ours (with or without a trailing slash) is fine.
	code = f.code(t, browser(), c, challenge)
	if st, tok := f.exchange(t, c, code, verifier, url.Values{"resource": {f.resource + "/"}}); st != 200 || !f.accepted(tok.AccessToken) {
		t.Fatalf("own resource: %d %+v", st, tok)
	}
}

func TestScopeRules(t *testing.T) {
	f := newFixture(t)
	c, _, _ := f.register(t, map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "token_endpoint_auth_method": "none", "scope": "fitness:read"})
	_, challenge := pkce()
	authorizeError(t, f, c, challenge, url.Values{"scope": {"admin"}}, "invalid_scope", `"admin" is not supported`)
	authorizeError(t, f, c, challenge, url.Values{"scope": {"fitness:write"}}, "invalid_scope", "not registered for scope")
	authorizeError(t, f, c, challenge, url.Values{"response_type": {"token"}}, "unsupported_response_type", "must be code")
}

func TestRegistrationRules(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name     string
		meta     map[string]any
		code     string
		descPart string
	}{
		{"non-loopback http", map[string]any{"redirect_uris": []string{"http://example.com/cb"}}, "invalid_redirect_uri", "non-loopback"},
		{"fragment", map[string]any{"redirect_uris": []string{"https://a.example/cb#x"}}, "invalid_redirect_uri", "fragment"},
		{"wildcard", map[string]any{"redirect_uris": []string{"https://*.example/cb"}}, "invalid_redirect_uri", "wildcard"},
		{"custom scheme", map[string]any{"redirect_uris": []string{"javascript:alert(1)"}}, "invalid_redirect_uri", "absolute"},
		{"relative", map[string]any{"redirect_uris": []string{"/cb"}}, "invalid_redirect_uri", "absolute"},
		{"none", map[string]any{"client_name": "x"}, "invalid_redirect_uri", "at least one redirect URI"},
		{"auth method", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "token_endpoint_auth_method": "private_key_jwt"}, "invalid_client_metadata", "token_endpoint_auth_method"},
		{"grant", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "grant_types": []string{"implicit"}}, "invalid_client_metadata", "grant_types"},
		{"response type", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "response_types": []string{"token"}}, "invalid_client_metadata", "response_types"},
		{"scope", map[string]any{"redirect_uris": []string{"https://a.example/cb"}, "scope": "root"}, "invalid_client_metadata", "scope"},
		{"type", map[string]any{"redirect_uris": "https://a.example/cb"}, "invalid_client_metadata", "redirect_uris has the wrong type"},
		{"anonymous client_credentials", map[string]any{"grant_types": []string{"client_credentials"}}, "invalid_client_metadata", "bearer token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, st, out := f.register(t, tc.meta)
			desc, _ := out["error_description"].(string)
			if st != 400 || out["error"] != tc.code || !strings.Contains(desc, tc.descPart) {
				t.Fatalf("got %d %v; want 400 %s containing %q", st, out, tc.code, tc.descPart)
			}
		})
	}
	// Loopback http on any address form, https anywhere; unknown metadata is ignored.
	for _, u := range []string{"http://localhost:3000/cb", "http://127.0.0.1/cb", "http://[::1]:8080/cb", "https://claude.ai/api/mcp/auth_callback"} {
		if _, st, out := f.register(t, map[string]any{"redirect_uris": []string{u}, "token_endpoint_auth_method": "none", "logo_uri": "https://x/y.png"}); st != 201 {
			t.Fatalf("%s: %d %v", u, st, out)
		}
	}
}

func TestRegistrationIsRateLimited(t *testing.T) {
	f := newFixture(t)
	o, err := New(f.st, f.acc, Config{BaseURL: f.URL, Resource: f.resource, RegisterPerMinute: 2})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	o.Mount(mux, func(h http.Handler) http.Handler { return h })
	f.srv.Config.Handler = mux
	meta := map[string]any{"redirect_uris": []string{"https://a.example/cb"}}
	for i := range 2 {
		if _, st, _ := f.register(t, meta); st != 201 {
			t.Fatalf("registration %d: %d", i, st)
		}
	}
	b, _ := json.Marshal(meta)
	resp, err := http.Post(f.URL+"/oauth2/register", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("third registration in a minute: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestDenyAndCSRF(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	_, challenge := pkce()
	b := browser()
	f.code(t, b, c, challenge) // signs the browser in
	resp, _ := b.Get(f.authorizeURL(c, challenge, "s-deny", nil))
	page := readBody(t, resp)
	if !strings.Contains(page, "Test Assistant") || !strings.Contains(page, "fitness:read") || !strings.Contains(page, "ann@example.com") {
		t.Fatalf("consent page must name the client, the scopes and the account:\n%s", page)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://127.0.0.1:9999") {
		t.Fatalf("consent CSP must allow the redirect target: %q", csp)
	}
	action, v := formFields(t, page)
	v.Set("action", "deny")
	resp, _ = b.PostForm(f.URL+action, v)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "s-deny" || loc.Query().Get("code") != "" {
		t.Fatalf("deny: %d %s", resp.StatusCode, loc)
	}
	// A forged post (no CSRF token from the page) is refused.
	v.Set("action", "approve")
	v.Set("csrf_token", strings.Repeat("A", 43))
	resp, _ = b.PostForm(f.URL+action, v)
	if body := readBody(t, resp); resp.StatusCode != 403 || resp.Header.Get("Location") != "" || !strings.Contains(body, "security token") {
		t.Fatalf("forged consent: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A wrong password shows the login page again with an accessible error.
	b2 := browser()
	resp, _ = b2.Get(f.authorizeURL(c, challenge, "s", nil))
	action, v = formFields(t, readBody(t, resp))
	v.Set("email", "ann@example.com")
	v.Set("password", "wrong password here")
	resp, _ = b2.PostForm(f.URL+action, v)
	if body := readBody(t, resp); resp.StatusCode != 401 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "incorrect") {
		t.Fatalf("wrong password: %d\n%s", resp.StatusCode, body)
	}
}

func TestClientCredentials(t *testing.T) {
	f := newFixture(t)
	_, session, err := f.acc.Login(t.Context(), f.user.Email, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"client_name": "Ann's script", "grant_types": []string{"client_credentials"}, "scope": "fitness:read"})
	req, _ := http.NewRequest(http.MethodPost, f.URL+"/oauth2/register", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+session.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var reg map[string]any
	json.NewDecoder(resp.Body).Decode(&reg)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("owned registration: %d %v", resp.StatusCode, reg)
	}
	c := client{ID: reg["client_id"].(string), Secret: reg["client_secret"].(string)}
	st, tok, _ := f.post(t, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}}, &c)
	if st != 200 || tok.RefreshToken != "" || tok.Scope != "fitness:read" {
		t.Fatalf("client_credentials: %d %+v", st, tok)
	}
	p, err := f.acc.Authenticate(t.Context(), tok.AccessToken)
	if err != nil || p.UserID != f.user.ID || p.ClientID != c.ID {
		t.Fatalf("client_credentials token acts as its owner: %+v %v", p, err)
	}
	st, out, _ := f.post(t, "/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "scope": {"fitness:write"}}, &c)
	wantOAuthError(t, st, out, 400, "invalid_scope", "not granted")
	// RFC 7009: the client revokes its access token.
	st, _, _ = f.post(t, "/oauth2/revoke", url.Values{"token": {tok.AccessToken}}, &c)
	if st != 200 || f.accepted(tok.AccessToken) {
		t.Fatalf("revoke access token: %d, still accepted %v", st, f.accepted(tok.AccessToken))
	}
}

func TestRevokeRefreshToken(t *testing.T) {
	f := newFixture(t)
	c := f.publicClient(t)
	verifier, challenge := pkce()
	_, tok := f.exchange(t, c, f.code(t, browser(), c, challenge), verifier, nil)
	// Another client cannot revoke it (and learns nothing: still 200).
	other := f.publicClient(t)
	if st, _, _ := f.post(t, "/oauth2/revoke", url.Values{"token": {tok.RefreshToken}, "client_id": {other.ID}}, nil); st != 200 || !f.accepted(tok.AccessToken) {
		t.Fatalf("revoke by another client: %d", st)
	}
	if st, _, _ := f.post(t, "/oauth2/revoke", url.Values{"token": {tok.RefreshToken}, "client_id": {c.ID}, "token_type_hint": {"refresh_token"}}, nil); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	if f.accepted(tok.AccessToken) {
		t.Fatal("revoking the refresh token revokes the grant's access tokens")
	}
	if st, out := f.refresh(t, c, tok.RefreshToken); st != 400 || out.Error != "invalid_grant" {
		t.Fatalf("refresh after revoke: %d %+v", st, out)
	}
	if st, _, _ := f.post(t, "/oauth2/revoke", url.Values{"token": {"unknown"}, "client_id": {c.ID}}, nil); st != 200 {
		t.Fatalf("unknown token: %d, want 200 (RFC 7009 §2.2)", st)
	}
	st, out, _ := f.post(t, "/oauth2/revoke", url.Values{"client_id": {c.ID}}, nil)
	wantOAuthError(t, st, out, 400, "invalid_request", "token is required")
}
