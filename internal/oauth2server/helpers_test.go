package oauth2server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/logging"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/vault"
)

const testPassword = "correct horse battery staple"

// fixture is a real authorization server (SQLite store, real auth service
// and signer) on a loopback HTTP server.
type fixture struct {
	URL      string
	srv      *httptest.Server
	st       *sqlstore.Store
	acc      *auth.Service
	oauth    *Server
	tenantID string
	user     store.User
	resource string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, config.SQLite)
	mek := make([]byte, 32)
	rand.Read(mek)
	v, err := vault.New(mek, st)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := auth.LoadKeySet(ctx, st, v, 2048)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	signer := auth.NewSigner(keys, base, base+"/mcp")
	acc, err := auth.NewService(st, signer, 24*time.Hour, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	tn := store.Tenant{ID: uuid.NewString(), Name: "T", Slug: "t", Plan: "starter", Active: true, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.CreateTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	u, err := acc.CreateUser(ctx, tn.ID, "ann@example.com", testPassword, "Ann", store.RoleUser, store.TenantMember)
	if err != nil {
		t.Fatal(err)
	}
	o, err := New(st, acc, Config{BaseURL: base, Resource: base + "/mcp", RegisterPerMinute: 1000, AuthorizePerMinute: 1000, TokenPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	authn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := acc.Authenticate(r.Context(), bearer(r))
			if err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
		})
	}
	o.Mount(mux, authn)
	hs.Config.Handler = mux
	hs.Start()
	t.Cleanup(hs.Close)
	return &fixture{URL: base, srv: hs, st: st, acc: acc, oauth: o, tenantID: tn.ID, user: u, resource: base + "/mcp"}
}

// browser is a user agent with cookies that does not follow redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type client struct {
	ID, Secret, Redirect string
}

func (f *fixture) register(t testing.TB, meta map[string]any) (client, int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(meta)
	resp, err := http.Post(f.URL+"/oauth2/register", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	c := client{}
	c.ID, _ = out["client_id"].(string)
	c.Secret, _ = out["client_secret"].(string)
	if uris, ok := meta["redirect_uris"].([]string); ok && len(uris) > 0 {
		c.Redirect = uris[0]
	}
	return c, resp.StatusCode, out
}

// publicClient registers a public client (the usual MCP client).
func (f *fixture) publicClient(t testing.TB) client {
	t.Helper()
	c, status, out := f.register(t, map[string]any{"client_name": "Test Assistant", "redirect_uris": []string{"http://127.0.0.1:9999/callback"},
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"}})
	if status != http.StatusCreated {
		t.Fatalf("register: %d %v", status, out)
	}
	return c
}

// pkce returns a verifier and its S256 challenge.
func pkce() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

var (
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	formRE   = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
)

// formFields reads the hidden fields of the page's form, as a browser would.
func formFields(t testing.TB, page string) (action string, v url.Values) {
	t.Helper()
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form in page:\n%s", page)
	}
	v = url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(page, -1) {
		v.Add(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	return html.UnescapeString(m[1]), v
}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (f *fixture) authorizeURL(c client, challenge, state string, extra url.Values) string {
	q := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {c.Redirect},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "state": {state}, "resource": {f.resource}}
	for k, v := range extra {
		q[k] = v
	}
	for k, v := range q {
		if len(v) == 1 && v[0] == "" {
			delete(q, k)
		}
	}
	return f.URL + "/oauth2/authorize?" + q.Encode()
}

// approve drives the real pages: login (unless the browser has a session)
// and consent, and returns the redirect the client receives.
func (f *fixture) approve(t testing.TB, b *http.Client, authURL string) *url.URL {
	t.Helper()
	resp, err := b.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page := readBody(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize page: %d\n%s", resp.StatusCode, page)
	}
	if strings.Contains(page, `name="password"`) {
		action, v := formFields(t, page)
		v.Set("email", f.user.Email)
		v.Set("password", testPassword)
		resp, err = b.PostForm(f.URL+action, v)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		resp, err = b.Get(f.URL + resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		page = readBody(t, resp)
	}
	if !strings.Contains(page, `value="approve"`) {
		t.Fatalf("expected the consent page:\n%s", page)
	}
	action, v := formFields(t, page)
	v.Set("action", "approve")
	resp, err = b.PostForm(f.URL+action, v)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// code runs the flow and returns a fresh code for c with challenge.
func (f *fixture) code(t testing.TB, b *http.Client, c client, challenge string) string {
	t.Helper()
	loc := f.approve(t, b, f.authorizeURL(c, challenge, "st-1", nil))
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in redirect %s", loc)
	}
	return code
}

type tokenOut struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
}

// post sends a form to path; basic, when given, is "id:secret".
func (f *fixture) post(t testing.TB, path string, v url.Values, basic *client) (int, tokenOut, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.SetBasicAuth(url.QueryEscape(basic.ID), url.QueryEscape(basic.Secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out tokenOut
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp
}

func (f *fixture) exchange(t testing.TB, c client, code, verifier string, extra url.Values) (int, tokenOut) {
	t.Helper()
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.Redirect},
		"code_verifier": {verifier}, "client_id": {c.ID}, "resource": {f.resource}}
	for k, x := range extra {
		v[k] = x
	}
	st, out, _ := f.post(t, "/oauth2/token", v, nil)
	return st, out
}

func (f *fixture) refresh(t testing.TB, c client, rt string) (int, tokenOut) {
	t.Helper()
	st, out, _ := f.post(t, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {c.ID}}, nil)
	return st, out
}

// accepted reports whether Pierre's request authentication accepts token,
// exactly as /mcp does.
func (f *fixture) accepted(token string) bool {
	_, err := f.acc.Authenticate(context.Background(), token)
	return err == nil
}

func wantOAuthError(t testing.TB, status int, out tokenOut, wantStatus int, wantCode, descPart string) {
	t.Helper()
	if status != wantStatus || out.Error != wantCode || !strings.Contains(out.Description, descPart) {
		t.Fatalf("got %d %q %q; want %d %q containing %q", status, out.Error, out.Description, wantStatus, wantCode, descPart)
	}
}
