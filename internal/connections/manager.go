// Package connections links users to fitness providers: it keeps each
// user's provider tokens sealed in the database, runs the OAuth 2.0
// authorization-code flow (PKCE where the vendor supports it) and the
// vendor callback, refreshes tokens before they expire (once, however many
// requests need them), revokes at the vendor on disconnect, and caches
// vendor answers per tenant, user and provider.
//
// Manager implements athletedata.Connector, so every data tool reads
// through it.
package connections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// RefreshMargin is how long before expiry an access token is refreshed.
const RefreshMargin = 5 * time.Minute

// StateTTL is how long an authorization link stays valid.
const StateTTL = 10 * time.Minute

// Store persists connections and pending authorizations.
type Store interface {
	UpsertProviderConnection(ctx context.Context, c store.ProviderConnection) error
	ProviderConnection(ctx context.Context, tenantID, userID, provider string) (store.ProviderConnection, error)
	ProviderConnections(ctx context.Context, tenantID, userID string) ([]store.ProviderConnection, error)
	SetProviderConnectionStatus(ctx context.Context, tenantID, userID, provider, status, message string, at time.Time) error
	DeleteProviderConnection(ctx context.Context, tenantID, userID, provider string) error
	PutOAuthConnectState(ctx context.Context, st store.OAuthConnectState) error
	TakeOAuthConnectState(ctx context.Context, stateHash string, now time.Time) (store.OAuthConnectState, error)
}

// Sealer encrypts secrets (the vault).
type Sealer interface {
	Seal(ctx context.Context, scope string, aad, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, scope string, aad, ciphertext []byte) ([]byte, error)
}

// Notifier pushes an event to one user's notification streams.
type Notifier interface {
	Publish(ctx context.Context, tenantID, userID, event string, data any) error
}

// Table names used in the AAD of sealed values.
const (
	connectionsTable = "provider_connections"
	statesTable      = "oauth_connect_states"
)

// TokenAAD is the associated data binding a user's sealed provider tokens
// to their row: a ciphertext copied to another tenant, user or provider
// does not open.
func TokenAAD(tenantID, userID, providerName string) []byte {
	return vault.AAD(tenantID, userID, providerName, connectionsTable)
}

// Tokens are a user's credentials at a vendor, sealed as one JSON value.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
}

// Options are the Manager's dependencies.
type Options struct {
	Registry *provider.Registry
	// Apps are the server's vendor applications (environment).
	Apps Apps
	// TenantApps returns a tenant's own vendor applications (credentials,
	// redirect URI, scopes), which win over Apps for its users; nil: none.
	// It is called on every connection and data request, so it should
	// cache.
	TenantApps func(ctx context.Context, tenantID string) (Apps, error)
	Store      Store
	Vault      Sealer
	Cache      Cache    // nil: an in-process cache
	Notifier   Notifier // nil: no notifications
	// HTTP calls token, revoke and Terra endpoints; nil: a client with a
	// 30-second timeout.
	HTTP *http.Client
	Now  func() time.Time
	Log  *slog.Logger
	// Transport, when set, wraps each vendor client's transport beneath the
	// token (the application-wide request budget goes there).
	Transport func(provider string, base http.RoundTripper) http.RoundTripper
	// OnConnected and OnDisconnected are told when a user connects or
	// disconnects a provider (the activity store starts a backfill, or
	// deletes the user's copy).
	OnConnected    func(p auth.Principal, provider string)
	OnDisconnected func(ctx context.Context, p auth.Principal, provider string)
}

// Manager connects users to providers.
type Manager struct {
	Options
	flights singleflight.Group
}

var _ athletedata.Connector = (*Manager)(nil)

// New returns a Manager.
func New(o Options) *Manager {
	if o.Cache == nil {
		o.Cache = NewLocalCache(10_000)
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Manager{Options: o}
}

// key names one user's connection to one provider.
type key struct{ tenant, user, provider string }

func keyOf(p auth.Principal, name string) key { return key{p.TenantID, p.UserID, name} }

func (k key) String() string { return k.tenant + "|" + k.user + "|" + k.provider }

// cachePrefix is the cache namespace of one user's data from one provider
// (spec ch15-17 §6: tenant:{t}:user:{u}:provider:{p}:{resource}).
func (k key) cachePrefix() string {
	return "tenant:" + k.tenant + ":user:" + k.user + ":provider:" + k.provider + ":"
}

func (m *Manager) descriptor(name string) (provider.Provider, provider.Descriptor, error) {
	p, ok := m.Registry.Get(name)
	if !ok {
		return nil, provider.Descriptor{}, &provider.Error{Provider: name, Kind: provider.KindNotConfigured,
			Message: fmt.Sprintf("unknown provider %q; known providers: %s", name, strings.Join(m.Registry.Names(), ", "))}
	}
	return p, p.Descriptor(), nil
}

// app returns the vendor application for a tenant's users: the tenant's
// own when it has one, else the server's; or a KindNotConfigured error.
func (m *Manager) app(ctx context.Context, tenantID string, d provider.Descriptor) (App, error) {
	a := m.Apps[d.Name]
	if m.TenantApps != nil {
		own, err := m.TenantApps(ctx, tenantID)
		if err != nil {
			return App{}, fmt.Errorf("load the tenant's %s application: %w", d.DisplayName, err)
		}
		if t, ok := own[d.Name]; ok && t.Configured() {
			a = a.WithCredentials(t)
		}
	}
	if !a.Configured() {
		return App{}, &provider.Error{Provider: d.Name, Kind: provider.KindNotConfigured, Message: notConfiguredMessage(d)}
	}
	return a, nil
}

// builtin reports whether a provider needs no account (synthetic).
func builtin(d provider.Descriptor) bool {
	_, vendor := Vendors[d.Name]
	return !vendor && d.OAuth == nil
}

// Connections implements athletedata.Connector.
func (m *Manager) Connections(ctx context.Context, p auth.Principal) (map[string]athletedata.Connection, error) {
	rows, err := m.Store.ProviderConnections(ctx, p.TenantID, p.UserID)
	if err != nil {
		return nil, err
	}
	byName := map[string]store.ProviderConnection{}
	for _, r := range rows {
		byName[r.Provider] = r
	}
	out := map[string]athletedata.Connection{}
	for _, n := range m.Registry.Names() {
		_, d, _ := m.descriptor(n)
		switch r, stored := byName[n]; {
		case builtin(d):
			out[n] = athletedata.Connection{State: athletedata.StateConnected, Message: "built in; no account needed"}
		case stored && r.Status == store.ConnectionReauthRequired:
			at := r.ConnectedAt
			out[n] = athletedata.Connection{State: athletedata.StateReauthRequired, ConnectedAt: &at,
				Scopes: splitScopes(r.Scopes), Message: reauthMessage(d, r.StatusMessage)}
		case stored:
			at := r.ConnectedAt
			out[n] = athletedata.Connection{State: athletedata.StateConnected, ConnectedAt: &at, Scopes: splitScopes(r.Scopes)}
		default:
			if _, err := m.app(ctx, p.TenantID, d); err != nil {
				if !errors.As(err, new(*provider.Error)) {
					return nil, err
				}
				out[n] = athletedata.Connection{State: athletedata.StateNotConfigured, Message: notConfiguredMessage(d)}
			} else {
				out[n] = athletedata.Connection{State: athletedata.StateNotConnected,
					Message: fmt.Sprintf("call connect_provider with provider=%q to connect %s", n, d.DisplayName)}
			}
		}
	}
	return out, nil
}

func splitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

func reauthMessage(d provider.Descriptor, why string) string {
	msg := fmt.Sprintf("%s needs to be reconnected: call connect_provider with provider=%q", d.DisplayName, d.Name)
	if why != "" {
		msg = why + "; " + msg
	}
	return msg
}

func reauthError(d provider.Descriptor, why string) error {
	return &provider.Error{Provider: d.Name, Kind: provider.KindReauthRequired, Message: reauthMessage(d, why)}
}

// Client implements athletedata.Connector: it returns a client acting for
// the user, with a valid access token and the response cache.
func (m *Manager) Client(ctx context.Context, p auth.Principal, name string) (provider.Client, error) {
	prov, d, err := m.descriptor(name)
	if err != nil {
		return nil, err
	}
	if builtin(d) {
		return prov.NewClient(provider.Connection{UserKey: athletedata.UserKey(p)}), nil
	}
	app, err := m.app(ctx, p.TenantID, d)
	if err != nil {
		return nil, err
	}
	k := keyOf(p, name)
	toks, row, err := m.accessToken(ctx, k)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: 60 * time.Second}
	if name == provider.Terra {
		hc = terraHTTP(hc, app)
	} else {
		var base http.RoundTripper = http.DefaultTransport
		if m.Transport != nil {
			base = m.Transport(name, base)
		}
		if t := Vendors[name].Transport; t != nil {
			base = t(base)
		}
		hc.Transport = &tokenTransport{m: m, key: k, base: base, tok: toks.AccessToken, exp: row.ExpiresAt}
	}
	c := prov.NewClient(provider.Connection{UserKey: athletedata.UserKey(p), VendorUserID: row.VendorUserID, HTTP: hc})
	return &cachedClient{inner: c, cache: m.Cache, prefix: k.cachePrefix()}, nil
}

// needsRefresh reports whether the access token expires within the margin.
func (m *Manager) needsRefresh(r store.ProviderConnection) bool {
	return r.ExpiresAt != nil && !m.Now().Add(RefreshMargin).Before(*r.ExpiresAt)
}

func (m *Manager) open(ctx context.Context, r store.ProviderConnection) (Tokens, error) {
	pt, err := m.Vault.Open(ctx, r.TenantID, TokenAAD(r.TenantID, r.UserID, r.Provider), r.TokensSealed)
	if err != nil {
		return Tokens{}, fmt.Errorf("open %s tokens: %w", r.Provider, err)
	}
	var t Tokens
	if err := json.Unmarshal(pt, &t); err != nil {
		return Tokens{}, fmt.Errorf("decode %s tokens: %w", r.Provider, err)
	}
	return t, nil
}

func (m *Manager) seal(ctx context.Context, k key, t Tokens) ([]byte, error) {
	pt, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return m.Vault.Seal(ctx, k.tenant, TokenAAD(k.tenant, k.user, k.provider), pt)
}

// load reads a connection, mapping absence and reauth to provider errors.
func (m *Manager) load(ctx context.Context, k key) (store.ProviderConnection, error) {
	_, d, err := m.descriptor(k.provider)
	if err != nil {
		return store.ProviderConnection{}, err
	}
	r, err := m.Store.ProviderConnection(ctx, k.tenant, k.user, k.provider)
	if errors.Is(err, store.ErrNotFound) {
		return r, &provider.Error{Provider: k.provider, Kind: provider.KindNotConnected,
			Message: d.DisplayName + " is not connected for this account"}
	}
	if err != nil {
		return r, err
	}
	if r.Status == store.ConnectionReauthRequired {
		return r, reauthError(d, r.StatusMessage)
	}
	return r, nil
}

// accessToken returns the user's tokens, refreshed first when they expire
// within RefreshMargin. Concurrent callers for one connection share one
// refresh (singleflight); the refresh re-reads the row so a token refreshed
// a moment ago (here or on another replica) is used rather than refreshed
// again.
func (m *Manager) accessToken(ctx context.Context, k key) (Tokens, store.ProviderConnection, error) {
	r, err := m.load(ctx, k)
	if err != nil {
		return Tokens{}, r, err
	}
	if !m.needsRefresh(r) {
		t, err := m.open(ctx, r)
		return t, r, err
	}
	type result struct {
		t Tokens
		r store.ProviderConnection
	}
	v, err, _ := m.flights.Do(k.String(), func() (any, error) {
		// The refresh outlives a caller that gives up, so the new tokens
		// are stored for the others.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 45*time.Second)
		defer cancel()
		t, r, err := m.refresh(fctx, k)
		return result{t, r}, err
	})
	if err != nil {
		return Tokens{}, store.ProviderConnection{}, err
	}
	res := v.(result)
	return res.t, res.r, nil
}

func (m *Manager) refresh(ctx context.Context, k key) (Tokens, store.ProviderConnection, error) {
	r, err := m.load(ctx, k)
	if err != nil {
		return Tokens{}, r, err
	}
	old, err := m.open(ctx, r)
	if err != nil || !m.needsRefresh(r) {
		return old, r, err
	}
	_, d, _ := m.descriptor(k.provider)
	app, err := m.app(ctx, k.tenant, d)
	if err != nil {
		return Tokens{}, r, err
	}
	if old.RefreshToken == "" {
		return Tokens{}, r, m.markReauth(ctx, k, d, "the authorisation expired and "+d.DisplayName+" gave no refresh token")
	}
	conf := m.oauthConfig(app, d)
	tok, err := conf.TokenSource(m.httpContext(ctx), &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
	if err != nil {
		if !rejected(err) {
			m.Log.Warn("provider token refresh failed", "provider", k.provider, "err", describeTokenError(err))
			return Tokens{}, r, &provider.Error{Provider: k.provider, Kind: provider.KindUnavailable,
				Message: fmt.Sprintf("could not renew the %s authorisation (%s); try again in a few minutes", d.DisplayName, describeTokenError(err))}
		}
		// Another replica may have used the refresh token a moment ago.
		if cur, lerr := m.load(ctx, k); lerr == nil && !cur.UpdatedAt.Equal(r.UpdatedAt) && !m.needsRefresh(cur) {
			t, err := m.open(ctx, cur)
			return t, cur, err
		}
		return Tokens{}, r, m.markReauth(ctx, k, d, d.DisplayName+" refused to renew the authorisation (it was revoked or has expired)")
	}
	next := Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType}
	if next.RefreshToken == "" {
		next.RefreshToken = old.RefreshToken // vendors that do not rotate
	}
	sealed, err := m.seal(ctx, k, next)
	if err != nil {
		return Tokens{}, r, err
	}
	r.TokensSealed, r.ExpiresAt, r.UpdatedAt = sealed, expiry(tok), m.Now()
	if s, ok := tok.Extra("scope").(string); ok && s != "" {
		r.Scopes = s
	}
	if err := m.Store.UpsertProviderConnection(ctx, r); err != nil {
		return Tokens{}, r, err
	}
	return next, r, nil
}

func (m *Manager) markReauth(ctx context.Context, k key, d provider.Descriptor, why string) error {
	if err := m.Store.SetProviderConnectionStatus(ctx, k.tenant, k.user, k.provider, store.ConnectionReauthRequired, why, m.Now()); err != nil &&
		!errors.Is(err, store.ErrNotFound) {
		return err
	}
	m.Cache.DeletePrefix(ctx, k.cachePrefix())
	return reauthError(d, why)
}

// rejected reports whether the token endpoint refused the grant itself
// (RFC 6749 invalid_grant, or a bare 400/401 as Strava sends), as opposed
// to failing.
func rejected(err error) bool {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return false
	}
	switch re.ErrorCode {
	case "invalid_grant", "invalid_token", "unauthorized_client":
		return true
	case "":
		return re.Response != nil && (re.Response.StatusCode == http.StatusBadRequest || re.Response.StatusCode == http.StatusUnauthorized)
	}
	return false
}

// describeTokenError summarises a token-endpoint failure without the
// response body (which could echo secrets).
func describeTokenError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.ErrorCode != "" {
			return "error " + re.ErrorCode
		}
		if re.Response != nil {
			return fmt.Sprintf("HTTP %d", re.Response.StatusCode)
		}
	}
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		return "network error"
	}
	return "unreadable answer"
}

func expiry(tok *oauth2.Token) *time.Time {
	if tok.Expiry.IsZero() {
		return nil
	}
	t := tok.Expiry.UTC()
	return &t
}

// httpContext makes x/oauth2 use the manager's HTTP client.
func (m *Manager) httpContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, m.HTTP)
}

// oauthConfig is the x/oauth2 configuration of a vendor application.
func (m *Manager) oauthConfig(app App, d provider.Descriptor) *oauth2.Config {
	scopes := app.Scopes
	if d.OAuth != nil && d.OAuth.ScopeSeparator != "" && d.OAuth.ScopeSeparator != " " && len(scopes) > 0 {
		// x/oauth2 joins with spaces; Strava wants commas.
		scopes = []string{strings.Join(scopes, d.OAuth.ScopeSeparator)}
	}
	return &oauth2.Config{ClientID: app.ClientID, ClientSecret: app.ClientSecret, RedirectURL: app.RedirectURI,
		Scopes: scopes, Endpoint: oauth2.Endpoint{AuthURL: app.AuthURL, TokenURL: app.TokenURL, AuthStyle: Vendors[d.Name].AuthStyle}}
}

// tokenTransport adds the user's bearer token, refreshing it through the
// manager when it is about to expire during a long walk of pages.
type tokenTransport struct {
	m    *Manager
	key  key
	base http.RoundTripper

	mu  sync.Mutex
	tok string
	exp *time.Time
}

func (t *tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	tok, exp := t.tok, t.exp
	t.mu.Unlock()
	if exp != nil && !t.m.Now().Add(RefreshMargin).Before(*exp) {
		toks, r, err := t.m.accessToken(req.Context(), t.key)
		if err != nil {
			return nil, err
		}
		tok = toks.AccessToken
		t.mu.Lock()
		t.tok, t.exp = tok, r.ExpiresAt
		t.mu.Unlock()
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		t.m.rejectedToken(req.Context(), t.key, tok)
	}
	return resp, err
}

// rejectedToken marks a connection as needing re-authorisation when the
// vendor refused the access token that is still the stored one (the user
// revoked Pierre at the vendor), so get_connection_status says so.
func (m *Manager) rejectedToken(ctx context.Context, k key, sent string) {
	r, err := m.load(ctx, k)
	if err != nil {
		return
	}
	if cur, err := m.open(ctx, r); err != nil || cur.AccessToken != sent {
		return // refreshed meanwhile; the next request uses the new token
	}
	_, d, _ := m.descriptor(k.provider)
	m.markReauth(ctx, k, d, d.DisplayName+" rejected the access token (HTTP 401); access was probably revoked")
}
