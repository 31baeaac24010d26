package oauth2server

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

//go:embed web
var webFS embed.FS

type pages struct {
	t   *template.Template
	css []byte
}

func loadPages() (*pages, error) {
	t, err := template.ParseFS(webFS, "web/pages.html")
	if err != nil {
		return nil, err
	}
	css, err := webFS.ReadFile("web/pierre.css")
	if err != nil {
		return nil, err
	}
	return &pages{t: t, css: css}, nil
}

// Cookies of the authorization pages, scoped to /oauth2.
const (
	sessionCookie = "pierre_oauth_session"
	csrfCookie    = "pierre_oauth_csrf"
)

type scopeItem struct{ Name, Text string }

type pageData struct {
	Title        string
	Params       url.Values
	CSRF         string
	ClientName   string
	ClientHost   string
	RedirectHost string
	UserEmail    string
	Email        string
	Error        string
	Code         string
	Scopes       []scopeItem
}

func (s *Server) css(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(s.pages.css)
}

// render writes a page. formTarget is the origin the consent form may end
// up at (the client's redirect URI), added to CSP form-action because
// browsers apply it to the redirect that follows the form post.
func (s *Server) render(w http.ResponseWriter, status int, name string, d pageData, formTarget string) {
	var buf bytes.Buffer
	if err := s.pages.t.ExecuteTemplate(&buf, name, d); err != nil {
		s.log.Error("render oauth page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	formAction := "'self'"
	if formTarget != "" {
		formAction += " " + formTarget
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action "+formAction+"; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, e *oauthError) {
	status := e.Status
	if status == 0 || status == http.StatusUnauthorized {
		status = http.StatusBadRequest
	}
	s.render(w, status, "error", pageData{Title: "This connection request cannot continue", Error: e.Description, Code: e.Code}, "")
}

// authorizeRequest is a request whose client and redirect URI are valid.
type authorizeRequest struct {
	p      authorizeParams
	client store.OAuthClient
	scope  string
}

// resolve validates an authorization request. When the client or the
// redirect URI cannot be trusted it shows an error page and returns false;
// after that, errors go to the client's redirect URI (RFC 6749 §4.1.2.1).
func (s *Server) resolve(w http.ResponseWriter, r *http.Request, v url.Values) (authorizeRequest, bool) {
	p, e := parseAuthorizeParams(v)
	if e != nil {
		s.errorPage(w, e)
		return authorizeRequest{}, false
	}
	c, err := s.st.OAuthClient(r.Context(), p.ClientID)
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, &oauthError{Code: "invalid_client", Description: "unknown client_id: the application is not registered with this server", Status: 400})
		return authorizeRequest{}, false
	}
	if err != nil {
		s.log.Error("load oauth client", "err", err)
		s.errorPage(w, errServer())
		return authorizeRequest{}, false
	}
	if !matchRedirect(c.RedirectURIs, p.RedirectURI) {
		s.errorPage(w, errInvalidRequest("redirect_uri does not match any redirect URI registered for this client"))
		return authorizeRequest{}, false
	}
	scope, e := s.checkAuthorize(p, c)
	if e != nil {
		s.redirectError(w, r, p, e)
		return authorizeRequest{}, false
	}
	return authorizeRequest{p: p, client: c, scope: scope}, true
}

func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, p authorizeParams, e *oauthError) {
	v := url.Values{"error": {e.Code}, "error_description": {e.Description}, "iss": {s.cfg.BaseURL}}
	if p.State != "" {
		v.Set("state", p.State)
	}
	http.Redirect(w, r, redirectWith(p.RedirectURI, v), http.StatusFound)
}

// authorize is GET /oauth2/authorize: the login page without a session,
// the consent page with one.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.authz) {
		return
	}
	req, ok := s.resolve(w, r, r.URL.Query())
	if !ok {
		return
	}
	csrf := s.csrfToken(w, r)
	if p, ok := s.session(r); ok {
		s.consentPage(w, r, req, p, csrf)
		return
	}
	s.loginPage(w, req, csrf, "", "", http.StatusOK)
}

func (s *Server) loginPage(w http.ResponseWriter, req authorizeRequest, csrf, email, msg string, status int) {
	s.render(w, status, "login", pageData{Title: "Sign in to Pierre", Params: req.p.values(), CSRF: csrf,
		ClientName: clientName(req.client), Email: email, Error: msg}, "")
}

func (s *Server) consentPage(w http.ResponseWriter, r *http.Request, req authorizeRequest, p auth.Principal, csrf string) {
	var items []scopeItem
	for _, sc := range strings.Fields(req.scope) {
		items = append(items, scopeItem{Name: sc, Text: scopeText[sc]})
	}
	d := pageData{Title: "Allow " + clientName(req.client) + "?", Params: req.p.values(), CSRF: csrf,
		ClientName: clientName(req.client), ClientHost: hostOf(req.client.URI), RedirectHost: hostOf(req.p.RedirectURI), Scopes: items}
	if u, err := s.st.User(r.Context(), p.TenantID, p.UserID); err == nil {
		d.UserEmail = u.Email
	}
	s.render(w, http.StatusOK, "consent", d, originOf(req.p.RedirectURI))
}

// authorizeSubmit is POST /oauth2/authorize: the login form, or the
// consent decision.
func (s *Server) authorizeSubmit(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.authz) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, errInvalidRequest("the form could not be read"))
		return
	}
	if !s.csrfValid(r) {
		s.render(w, http.StatusForbidden, "error", pageData{Title: "This form has expired", Code: "csrf_failed",
			Error: "The security token of this form is missing or does not match. Go back to the application and start again."}, "")
		return
	}
	req, ok := s.resolve(w, r, r.PostForm)
	if !ok {
		return
	}
	switch r.PostForm.Get("action") {
	case "login":
		s.login(w, r, req)
	case "approve":
		s.approve(w, r, req)
	case "deny":
		s.redirectError(w, r, req.p, &oauthError{Code: "access_denied", Description: "the user denied the request"})
	default:
		s.errorPage(w, errInvalidRequest("action must be login, approve or deny"))
	}
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, req authorizeRequest) {
	email := r.PostForm.Get("email")
	csrf := r.PostForm.Get("csrf_token")
	_, tokens, err := s.acc.Login(r.Context(), email, r.PostForm.Get("password"))
	if err != nil {
		var in *auth.InputError
		msg := "The e-mail or password is incorrect."
		switch {
		case errors.As(err, &in):
			msg = "Please enter a valid " + strings.ReplaceAll(in.Field, "_", " ") + "."
		case errors.Is(err, auth.ErrInvalidCredentials):
		case errors.Is(err, auth.ErrAccountPending):
			msg = "Your account is awaiting approval by an administrator."
		case errors.Is(err, auth.ErrAccountSuspended):
			msg = "Your account is suspended."
		default:
			s.log.Error("oauth login", "err", err)
			msg = "Signing in failed because of an internal error; please try again."
		}
		s.loginPage(w, req, csrf, email, msg, http.StatusUnauthorized)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tokens.AccessToken, Path: "/oauth2", HttpOnly: true,
		Secure: s.cfg.Production, SameSite: http.SameSiteStrictMode, Expires: tokens.ExpiresAt})
	// Post/redirect/get: the consent page is shown by a plain GET.
	http.Redirect(w, r, "/oauth2/authorize?"+req.p.values().Encode(), http.StatusSeeOther)
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request, req authorizeRequest) {
	p, ok := s.session(r)
	if !ok {
		s.loginPage(w, req, r.PostForm.Get("csrf_token"), "", "Your session has ended; please sign in again.", http.StatusUnauthorized)
		return
	}
	code := randomToken()
	now := s.now().UTC()
	resource := req.p.Resource
	if resource == "" {
		resource = s.cfg.Resource
	}
	c := store.OAuthCode{Hash: hashSecret(code), FamilyID: uuid.NewString(), ClientID: req.client.ID, TenantID: p.TenantID,
		UserID: p.UserID, RedirectURI: req.p.RedirectURI, Scope: req.scope, Resource: strings.TrimSuffix(resource, "/"),
		Challenge: req.p.Challenge, CreatedAt: now, ExpiresAt: now.Add(s.cfg.CodeTTL)}
	if err := s.st.CreateOAuthCode(r.Context(), c); err != nil {
		s.log.Error("store authorization code", "err", err)
		s.redirectError(w, r, req.p, errServer())
		return
	}
	if err := s.st.UpsertOAuthConsent(r.Context(), p.TenantID, p.UserID, req.client.ID, req.scope, now); err != nil {
		s.log.Warn("record oauth consent", "err", err)
	}
	v := url.Values{"code": {code}, "iss": {s.cfg.BaseURL}}
	if req.p.State != "" {
		v.Set("state", req.p.State)
	}
	http.Redirect(w, r, redirectWith(req.p.RedirectURI, v), http.StatusFound)
}

// session returns the signed-in user of the authorization pages. Tokens
// issued to OAuth clients are not sessions.
func (s *Server) session(r *http.Request) (auth.Principal, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return auth.Principal{}, false
	}
	p, err := s.acc.Authenticate(r.Context(), c.Value)
	if err != nil || p.ClientID != "" {
		return auth.Principal{}, false
	}
	return p, true
}

// csrfToken returns the double-submit token, setting its cookie when
// absent. SameSite=Strict keeps other sites from sending it.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/oauth2", HttpOnly: true,
		Secure: s.cfg.Production, SameSite: http.SameSiteStrictMode})
	return tok
}

func (s *Server) csrfValid(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	field := r.PostForm.Get("csrf_token")
	return err == nil && len(c.Value) == 43 && subtle.ConstantTimeCompare([]byte(c.Value), []byte(field)) == 1
}

func clientName(c store.OAuthClient) string {
	if c.Name != "" {
		return c.Name
	}
	return "An unnamed application"
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
