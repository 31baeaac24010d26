package connections

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Notification events.
const (
	EventOAuthCompleted = "oauth_completed"
	EventOAuthFailed    = "oauth_failed"
)

// Authorization is the start of a connection: the URL the user opens.
type Authorization struct {
	Provider  string    `json:"provider"`
	URL       string    `json:"authorization_url"`
	ExpiresAt time.Time `json:"expires_at"`
	// PKCE reports whether the flow is protected by RFC 7636.
	PKCE bool `json:"pkce"`
}

// ErrBuiltin is returned when asked to connect or disconnect a provider
// that needs no account.
var ErrBuiltin = errors.New("this provider is built in and always connected")

func hashState(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

func verifierAAD(tenantID, userID, providerName, stateHash string) []byte {
	return []byte(tenantID + "|" + userID + "|" + providerName + "|" + statesTable + "|" + stateHash)
}

// Begin starts connecting the user to a provider: it records a single-use
// state (stored hashed, bound to the user and tenant, valid StateTTL) and
// returns the vendor's authorization URL.
func (m *Manager) Begin(ctx context.Context, p auth.Principal, name string) (Authorization, error) {
	_, d, err := m.descriptor(name)
	if err != nil {
		return Authorization{}, err
	}
	if builtin(d) {
		return Authorization{}, ErrBuiltin
	}
	app, err := m.app(ctx, p.TenantID, d)
	if err != nil {
		return Authorization{}, err
	}
	var b [32]byte
	rand.Read(b[:])
	state := base64.RawURLEncoding.EncodeToString(b[:])
	now := m.Now()
	st := store.OAuthConnectState{StateHash: hashState(state), TenantID: p.TenantID, UserID: p.UserID, Provider: name,
		RedirectURI: app.RedirectURI, CreatedAt: now, ExpiresAt: now.Add(StateTTL)}
	out := Authorization{Provider: name, ExpiresAt: st.ExpiresAt}
	var verifier string
	if d.OAuth != nil && d.OAuth.PKCE {
		verifier = oauth2.GenerateVerifier()
		if st.VerifierSealed, err = m.Vault.Seal(ctx, p.TenantID, verifierAAD(p.TenantID, p.UserID, name, st.StateHash), []byte(verifier)); err != nil {
			return Authorization{}, err
		}
		out.PKCE = true
	}
	if err := m.Store.PutOAuthConnectState(ctx, st); err != nil {
		return Authorization{}, err
	}
	if name == provider.Terra {
		out.URL, err = m.terraWidget(ctx, app, p, state)
		return out, err
	}
	opts := []oauth2.AuthCodeOption{}
	if verifier != "" {
		opts = append(opts, oauth2.S256ChallengeOption(verifier))
	}
	for k, v := range d.OAuth.AuthParams {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	out.URL = m.oauthConfig(app, d).AuthCodeURL(state, opts...)
	return out, nil
}

// terraReference is the reference_id Pierre gives Terra for a user, checked
// when Terra reports the new Terra user.
func terraReference(tenantID, userID string) string { return tenantID + ":" + userID }

// terraWidget asks Terra for a widget session (POST /auth/generateWidgetSession)
// whose success and failure redirects come back to the callback with state.
func (m *Manager) terraWidget(ctx context.Context, app App, p auth.Principal, state string) (string, error) {
	back := app.RedirectURI + "?state=" + url.QueryEscape(state)
	body, _ := json.Marshal(map[string]any{
		"reference_id":              terraReference(p.TenantID, p.UserID),
		"language":                  "en",
		"auth_success_redirect_url": back,
		"auth_failure_redirect_url": back + "&error=access_denied",
	})
	var out struct {
		Status string `json:"status"`
		URL    string `json:"url"`
	}
	if err := m.terraCall(ctx, app, http.MethodPost, "/auth/generateWidgetSession", body, &out); err != nil {
		return "", err
	}
	if out.URL == "" || !strings.HasPrefix(out.URL, "https://") && !strings.HasPrefix(out.URL, "http://") {
		return "", &provider.Error{Provider: provider.Terra, Kind: provider.KindInvalidData,
			Message: "Terra answered the widget session request without a usable URL"}
	}
	return out.URL, nil
}

func (m *Manager) terraCall(ctx context.Context, app App, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, app.APIBaseURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := terraHTTP(m.HTTP, app).Do(req)
	if err != nil {
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindUnavailable,
			Message: "could not reach Terra (network error); try again in a minute", Err: unwrapURL(err)}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindUnavailable, Status: resp.StatusCode,
			Message: fmt.Sprintf("Terra refused the request (HTTP %d); check PIERRE_TERRA_DEV_ID and PIERRE_TERRA_API_KEY", resp.StatusCode)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindInvalidData, Message: "Terra sent an answer Pierre cannot read"}
	}
	return nil
}

// CallbackResult is the outcome of a vendor redirect, for the result page.
type CallbackResult struct {
	Provider    string
	DisplayName string
	OK          bool
	// Message is shown to the user; it never contains secrets.
	Message string
	Status  int
}

// Complete handles the vendor's redirect to the callback: it consumes the
// state, exchanges the code, stores the tokens sealed, clears the user's
// cache and notifies the user's streams. Nothing is stored on failure.
func (m *Manager) Complete(ctx context.Context, name string, q url.Values) CallbackResult {
	_, d, err := m.descriptor(name)
	if err != nil || builtin(d) {
		return CallbackResult{Provider: name, DisplayName: name, Status: http.StatusNotFound,
			Message: "This server does not know that provider."}
	}
	res := CallbackResult{Provider: name, DisplayName: d.DisplayName, Status: http.StatusBadRequest}
	state := q.Get("state")
	if state == "" || len(state) > 512 {
		res.Message = "The link is missing its state parameter. Ask your assistant to call connect_provider again."
		return res
	}
	st, err := m.Store.TakeOAuthConnectState(ctx, hashState(state), m.Now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			m.Log.Error("consume oauth state", "provider", name, "err", err)
			res.Status, res.Message = http.StatusInternalServerError, "Pierre could not check this link; please try again."
			return res
		}
		res.Message = "This link has expired or was already used. Ask your assistant to call connect_provider again for a new one."
		return res
	}
	if st.Provider != name {
		res.Message = "This link was issued for another provider. Ask your assistant to call connect_provider again."
		return res
	}
	k := key{st.TenantID, st.UserID, name}
	fail := func(status int, msg string) CallbackResult {
		res.Status, res.Message = status, msg
		m.notify(ctx, k, EventOAuthFailed, false, msg)
		return res
	}
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return fail(http.StatusOK, d.DisplayName+" access was not granted, so nothing was connected. You can try again with connect_provider.")
		}
		return fail(http.StatusBadRequest, fmt.Sprintf("%s reported an error (%s), so nothing was connected.", d.DisplayName, truncate(e, 64)))
	}
	app, err := m.app(ctx, st.TenantID, d)
	if err != nil {
		if !errors.As(err, new(*provider.Error)) {
			m.Log.Error("resolve vendor application", "provider", name, "err", err)
			return fail(http.StatusInternalServerError, "Pierre could not load the "+d.DisplayName+" application; please try again.")
		}
		return fail(http.StatusServiceUnavailable, d.DisplayName+" is not configured on this server.")
	}
	var conn store.ProviderConnection
	var toks Tokens
	if name == provider.Terra {
		conn, err = m.completeTerra(ctx, app, st, q)
	} else {
		conn, toks, err = m.exchange(ctx, app, d, st, q)
	}
	if err != nil {
		m.Log.Warn("provider connection failed", "provider", name, "err", err)
		return fail(http.StatusBadGateway, err.Error())
	}
	if conn.TokensSealed, err = m.seal(ctx, k, toks); err == nil {
		now := m.Now()
		conn.TenantID, conn.UserID, conn.Provider = st.TenantID, st.UserID, name
		conn.Status, conn.ConnectedAt, conn.UpdatedAt = store.ConnectionConnected, now, now
		err = m.Store.UpsertProviderConnection(ctx, conn)
	}
	if err != nil {
		m.Log.Error("store provider connection", "provider", name, "err", err)
		return fail(http.StatusInternalServerError, "Pierre could not save the connection; please try again.")
	}
	m.Cache.DeletePrefix(ctx, k.cachePrefix())
	if conn.VendorUserID == "" && name != provider.Terra {
		m.learnVendorUserID(ctx, conn, toks.AccessToken)
	}
	res.OK, res.Status = true, http.StatusOK
	res.Message = d.DisplayName + " is connected. You can close this window and return to your assistant."
	m.notify(ctx, k, EventOAuthCompleted, true, d.DisplayName+" connected")
	if m.OnConnected != nil {
		m.OnConnected(auth.Principal{TenantID: k.tenant, UserID: k.user}, k.provider)
	}
	return res
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// exchange trades the authorization code for tokens. Its error messages are
// shown to the user and name no secret.
func (m *Manager) exchange(ctx context.Context, app App, d provider.Descriptor, st store.OAuthConnectState, q url.Values) (store.ProviderConnection, Tokens, error) {
	var conn store.ProviderConnection
	code := q.Get("code")
	if code == "" {
		return conn, Tokens{}, fmt.Errorf("%s sent no authorization code, so nothing was connected", d.DisplayName)
	}
	var opts []oauth2.AuthCodeOption
	if len(st.VerifierSealed) > 0 {
		v, err := m.Vault.Open(ctx, st.TenantID, verifierAAD(st.TenantID, st.UserID, d.Name, st.StateHash), st.VerifierSealed)
		if err != nil {
			return conn, Tokens{}, fmt.Errorf("the %s link could not be verified; ask for a new one", d.DisplayName)
		}
		opts = append(opts, oauth2.VerifierOption(string(v)))
	}
	conf := m.oauthConfig(app, d)
	conf.RedirectURL = st.RedirectURI
	tok, err := conf.Exchange(m.httpContext(ctx), code, opts...)
	if err != nil {
		return conn, Tokens{}, fmt.Errorf("%s did not accept the authorization (%s), so nothing was connected; try connect_provider again",
			d.DisplayName, describeTokenError(err))
	}
	if tt := strings.ToLower(tok.TokenType); tt != "" && tt != "bearer" {
		return conn, Tokens{}, fmt.Errorf("%s issued a %q token, which Pierre cannot use; nothing was connected", d.DisplayName, truncate(tok.TokenType, 20))
	}
	if uid := Vendors[d.Name].UserID; uid != nil {
		conn.VendorUserID = uid(tok)
	}
	conn.ExpiresAt = expiry(tok)
	switch s := tok.Extra("scope").(type) {
	case string:
		conn.Scopes = s
	}
	if conn.Scopes == "" {
		// Strava reports the granted scopes on the redirect instead.
		conn.Scopes = q.Get("scope")
	}
	if conn.Scopes == "" {
		conn.Scopes = strings.Join(app.Scopes, " ")
	}
	return conn, Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType}, nil
}

// completeTerra records the Terra user the widget created, after checking
// with Terra (GET /userInfo) that it belongs to this Pierre user.
func (m *Manager) completeTerra(ctx context.Context, app App, st store.OAuthConnectState, q url.Values) (store.ProviderConnection, error) {
	var conn store.ProviderConnection
	uid := q.Get("user_id")
	if uid == "" || len(uid) > 128 {
		return conn, errors.New("the redirect from Terra carried no user id, so nothing was connected")
	}
	var info struct {
		Status string `json:"status"`
		User   struct {
			UserID      string `json:"user_id"`
			Provider    string `json:"provider"`
			ReferenceID string `json:"reference_id"`
		} `json:"user"`
	}
	if err := m.terraCall(ctx, app, http.MethodGet, "/userInfo?user_id="+url.QueryEscape(uid), nil, &info); err != nil {
		return conn, fmt.Errorf("could not confirm the connection with Terra: %w", err)
	}
	if info.User.UserID != uid || info.User.ReferenceID != terraReference(st.TenantID, st.UserID) {
		return conn, errors.New("the wearable could not be confirmed with Terra as yours, so nothing was connected")
	}
	conn.VendorUserID = uid
	conn.Scopes = strings.ToLower(info.User.Provider)
	return conn, nil
}

// learnVendorUserID asks the vendor who the user is when the token answer
// did not say (Garmin, WHOOP): push notifications name users by that id.
// It uses the token just issued, as it is (no refresh). Failing only means
// pushes for this user are not matched; reads still work.
func (m *Manager) learnVendorUserID(ctx context.Context, conn store.ProviderConnection, access string) {
	prov, _, err := m.descriptor(conn.Provider)
	if err != nil || access == "" {
		return
	}
	var base http.RoundTripper = http.DefaultTransport
	if m.Transport != nil {
		base = m.Transport(conn.Provider, base)
	}
	if t := Vendors[conn.Provider].Transport; t != nil {
		base = t(base)
	}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: staticBearer{token: access, base: base}}
	a, err := prov.NewClient(provider.Connection{HTTP: hc}).Athlete(ctx)
	if err != nil || a.ID == "" {
		m.Log.Debug("vendor user id not learned", "provider", conn.Provider, "err", err)
		return
	}
	conn.VendorUserID = a.ID
	if err := m.Store.UpsertProviderConnection(ctx, conn); err != nil {
		m.Log.Warn("store vendor user id", "provider", conn.Provider, "err", err)
	}
}

// staticBearer sends one access token as is.
type staticBearer struct {
	token string
	base  http.RoundTripper
}

func (s staticBearer) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+s.token)
	return s.base.RoundTrip(r)
}

func (m *Manager) notify(ctx context.Context, k key, event string, ok bool, msg string) {
	if m.Notifier == nil {
		return
	}
	status := "success"
	if !ok {
		status = "error"
	}
	data := map[string]any{"provider": k.provider, "success": ok, "status": status, "message": msg}
	if err := m.Notifier.Publish(ctx, k.tenant, k.user, event, data); err != nil {
		m.Log.Warn("publish notification", "event", event, "err", err)
	}
}

// Disconnection is the outcome of disconnect_provider.
type Disconnection struct {
	Provider     string `json:"provider"`
	WasConnected bool   `json:"was_connected"`
	// RevokedAtVendor reports whether the vendor confirmed the revocation.
	RevokedAtVendor bool   `json:"revoked_at_vendor"`
	Message         string `json:"message"`
}

// Disconnect revokes the user's authorisation at the vendor where the vendor
// documents a way to, then deletes the tokens and the user's cached data
// from this provider. The tokens are deleted even if revocation fails.
func (m *Manager) Disconnect(ctx context.Context, p auth.Principal, name string) (Disconnection, error) {
	_, d, err := m.descriptor(name)
	if err != nil {
		return Disconnection{}, err
	}
	if builtin(d) {
		return Disconnection{}, ErrBuiltin
	}
	k := keyOf(p, name)
	out := Disconnection{Provider: name}
	m.Cache.DeletePrefix(ctx, k.cachePrefix())
	r, err := m.Store.ProviderConnection(ctx, k.tenant, k.user, name)
	if errors.Is(err, store.ErrNotFound) {
		out.Message = d.DisplayName + " was not connected; nothing to do"
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.WasConnected = true
	revoke := Vendors[name].Revoke
	app, appErr := m.app(ctx, p.TenantID, d)
	switch {
	case revoke == nil:
		out.Message = d.DisplayName + " documents no way to revoke access; Pierre deleted its tokens. The user can also remove Pierre in their " + d.DisplayName + " account settings"
	case appErr != nil:
		out.Message = d.DisplayName + " is no longer configured here, so access could not be revoked there; Pierre deleted its tokens"
	default:
		access := ""
		if name != provider.Terra {
			// An expired token cannot revoke: refresh it first if needed.
			if t, _, err := m.accessToken(ctx, k); err == nil {
				access = t.AccessToken
			}
		}
		if name != provider.Terra && access == "" {
			out.Message = "the " + d.DisplayName + " authorisation had already lapsed; Pierre deleted its tokens"
		} else if err := revoke(ctx, m.HTTP, app, access, r.VendorUserID); err != nil {
			m.Log.Warn("provider revoke failed", "provider", name, "err", err)
			out.Message = d.DisplayName + " did not confirm the revocation; Pierre deleted its tokens anyway. The user can also remove Pierre in their " + d.DisplayName + " account settings"
		} else {
			out.RevokedAtVendor = true
			out.Message = d.DisplayName + " access revoked and Pierre's tokens deleted"
		}
	}
	if err := m.Store.DeleteProviderConnection(ctx, k.tenant, k.user, name); err != nil && !errors.Is(err, store.ErrNotFound) {
		return out, err
	}
	m.Cache.DeletePrefix(ctx, k.cachePrefix())
	if m.OnDisconnected != nil {
		m.OnDisconnected(ctx, p, name)
	}
	return out, nil
}
