package oauth2server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

// tokenResponse is RFC 6749 §5.1.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// readForm parses an application/x-www-form-urlencoded body; parameters
// in the query string are not accepted (RFC 6749 §3.2).
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauthError) {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, errInvalidRequest("send the request as application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, errInvalidRequest("the request body could not be read")
	}
	return r.PostForm, nil
}

// authenticateClient applies the client's authentication method (RFC 6749
// §2.3): HTTP Basic or client_secret in the body for confidential clients,
// client_id alone for public ones. Exactly one method may be used.
func (s *Server) authenticateClient(ctx context.Context, r *http.Request, formID, formSecret string) (store.OAuthClient, *oauthError) {
	id, secret := formID, formSecret
	basicID, basicSecret, basic := r.BasicAuth()
	if basic {
		if formSecret != "" {
			return store.OAuthClient{}, errInvalidRequest("use one client authentication method: HTTP Basic or client_secret in the body, not both")
		}
		// RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
		var err1, err2 error
		id, err1 = url.QueryUnescape(basicID)
		secret, err2 = url.QueryUnescape(basicSecret)
		if err1 != nil || err2 != nil {
			return store.OAuthClient{}, errInvalidClient("the Basic credentials are not form-encoded")
		}
		if formID != "" && formID != id {
			return store.OAuthClient{}, errInvalidRequest("client_id in the body differs from the Basic credentials")
		}
	}
	if id == "" {
		return store.OAuthClient{}, errInvalidClient("client authentication is required: send client_id (and the client secret for confidential clients)")
	}
	c, err := s.st.OAuthClient(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, errInvalidClient("unknown client")
	}
	if err != nil {
		s.log.Error("load oauth client", "err", err)
		return c, errServer()
	}
	if c.AuthMethod == "none" {
		if secret != "" {
			return c, errInvalidClient("this public client has no secret; send client_id only")
		}
		return c, nil
	}
	if secret == "" {
		return c, errInvalidClient("this confidential client must authenticate with its client secret")
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), []byte(c.SecretHash)) != 1 {
		return c, errInvalidClient("client authentication failed")
	}
	return c, nil
}

func allowsGrant(c store.OAuthClient, grant string) bool {
	if slices.Contains(c.GrantTypes, grant) {
		return true
	}
	// Refreshing is part of the code flow even when not listed.
	return grant == "refresh_token" && slices.Contains(c.GrantTypes, "authorization_code")
}

// tokenEndpoint is POST /oauth2/token.
func (s *Server) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if s.limited(w, r, s.token) {
		return
	}
	resp, e := s.handleToken(r.Context(), w, r)
	if e != nil {
		if e.Status == http.StatusUnauthorized {
			// RFC 6749 §5.2: 401 with a challenge for the scheme used.
			if _, _, basic := r.BasicAuth(); basic {
				w.Header().Set("WWW-Authenticate", `Basic realm="pierre"`)
			}
		}
		writeOAuthError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handleToken(ctx context.Context, w http.ResponseWriter, r *http.Request) (*tokenResponse, *oauthError) {
	form, e := readForm(w, r)
	if e != nil {
		return nil, e
	}
	p, e := parseTokenParams(form)
	if e != nil {
		return nil, e
	}
	c, e := s.authenticateClient(ctx, r, p.ClientID, p.ClientSecret)
	if e != nil {
		return nil, e
	}
	if !allowsGrant(c, p.GrantType) {
		return nil, errUnauthorizedClient("the client is not registered for the " + p.GrantType + " grant")
	}
	if e := s.checkResource(p.Resource); e != nil {
		return nil, e
	}
	switch p.GrantType {
	case "authorization_code":
		return s.exchangeCode(ctx, c, p)
	case "refresh_token":
		return s.refresh(ctx, c, p)
	default:
		return s.clientCredentials(ctx, c, p)
	}
}

func (s *Server) exchangeCode(ctx context.Context, c store.OAuthClient, p tokenParams) (*tokenResponse, *oauthError) {
	now := s.now().UTC()
	code, err := s.st.ConsumeOAuthCode(ctx, hashSecret(p.Code), now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, errInvalidGrant("the authorization code is invalid")
	case errors.Is(err, store.ErrReplayed):
		// RFC 6749 §4.1.2 / OAuth 2.1 §4.1.3: a reused code revokes what it issued.
		if code.ClientID == c.ID {
			s.revokeFamily(ctx, store.OAuthFamily{ID: code.FamilyID, ClientID: code.ClientID, TenantID: code.TenantID, UserID: code.UserID}, "authorization code reused")
		}
		return nil, errInvalidGrant("the authorization code was already used; the tokens it issued are revoked")
	case err != nil:
		s.log.Error("consume authorization code", "err", err)
		return nil, errServer()
	}
	// The code is spent from here on, whatever the outcome.
	switch {
	case code.ClientID != c.ID:
		return nil, errInvalidGrant("the authorization code was issued to another client")
	case code.RedirectURI != p.RedirectURI:
		return nil, errInvalidGrant("redirect_uri differs from the one in the authorization request")
	case !now.Before(code.ExpiresAt):
		return nil, errInvalidGrant("the authorization code has expired; start the authorization again")
	case !verifierMatches(p.Verifier, code.Challenge):
		return nil, errInvalidGrant("code_verifier does not match the code_challenge")
	case p.Resource != "" && strings.TrimSuffix(p.Resource, "/") != code.Resource:
		return nil, errInvalidTarget("resource differs from the one in the authorization request")
	}
	u, e := s.activeUser(ctx, code.TenantID, code.UserID)
	if e != nil {
		return nil, e
	}
	fam := store.OAuthFamily{ID: code.FamilyID, ClientID: c.ID, TenantID: code.TenantID, UserID: code.UserID, Scope: code.Scope,
		Resource: code.Resource, CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL)}
	if err := s.st.CreateOAuthFamily(ctx, fam); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, errInvalidGrant("the authorization code was already used; the tokens it issued are revoked")
		}
		s.log.Error("create token family", "err", err)
		return nil, errServer()
	}
	refresh := "mrt_" + randomToken()
	if err := s.st.AddOAuthRefreshToken(ctx, fam.ID, hashSecret(refresh), now, fam.ExpiresAt); err != nil {
		s.log.Error("store refresh token", "err", err)
		return nil, errServer()
	}
	return s.issue(ctx, u, c, fam, code.Scope, refresh)
}

func (s *Server) refresh(ctx context.Context, c store.OAuthClient, p tokenParams) (*tokenResponse, *oauthError) {
	now := s.now().UTC()
	next := "mrt_" + randomToken()
	fam, err := s.st.RotateOAuthRefreshToken(ctx, c.ID, hashSecret(p.RefreshToken), hashSecret(next), now, now.Add(s.cfg.RefreshTTL))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, errInvalidGrant("the refresh token is invalid, expired or revoked")
	case errors.Is(err, store.ErrReplayed):
		s.revokeFamily(ctx, fam, "refresh token reused")
		return nil, errInvalidGrant("the refresh token was already used; every token of this grant is revoked, so authorize again")
	case err != nil:
		s.log.Error("rotate refresh token", "err", err)
		return nil, errServer()
	}
	if p.Resource != "" && strings.TrimSuffix(p.Resource, "/") != fam.Resource {
		return nil, errInvalidTarget("resource differs from the one the grant was issued for")
	}
	scope, e := narrowScope(p.Scope, fam.Scope)
	if e != nil {
		return nil, e
	}
	u, e := s.activeUser(ctx, fam.TenantID, fam.UserID)
	if e != nil {
		return nil, e
	}
	return s.issue(ctx, u, c, fam, scope, next)
}

func (s *Server) clientCredentials(ctx context.Context, c store.OAuthClient, p tokenParams) (*tokenResponse, *oauthError) {
	if c.AuthMethod == "none" || c.OwnerUserID == "" {
		return nil, errUnauthorizedClient("client_credentials needs a confidential client registered by a signed-in user")
	}
	granted := c.Scope
	if granted == "" {
		granted = defaultScope
	}
	scope, e := narrowScope(p.Scope, granted)
	if e != nil {
		return nil, e
	}
	u, e := s.activeUser(ctx, c.OwnerTenantID, c.OwnerUserID)
	if e != nil {
		return nil, e
	}
	now := s.now().UTC()
	fam := store.OAuthFamily{ID: uuid.NewString(), ClientID: c.ID, TenantID: u.TenantID, UserID: u.ID, Scope: scope,
		Resource: s.cfg.Resource, CreatedAt: now, ExpiresAt: now.Add(s.cfg.AccessTTL)}
	if err := s.st.CreateOAuthFamily(ctx, fam); err != nil {
		s.log.Error("create token family", "err", err)
		return nil, errServer()
	}
	return s.issue(ctx, u, c, fam, scope, "")
}

func (s *Server) activeUser(ctx context.Context, tenantID, userID string) (store.User, *oauthError) {
	u, err := s.st.User(ctx, tenantID, userID)
	if errors.Is(err, store.ErrNotFound) {
		return u, errInvalidGrant("the user of this grant no longer exists")
	}
	if err != nil {
		s.log.Error("load user", "err", err)
		return u, errServer()
	}
	if u.Status != store.StatusActive {
		return u, errInvalidGrant("the user's account is not active")
	}
	return u, nil
}

// issue signs the access token (the JWT every Pierre endpoint verifies)
// and records its id in the family so revocation can deny it.
func (s *Server) issue(ctx context.Context, u store.User, c store.OAuthClient, fam store.OAuthFamily, scope, refresh string) (*tokenResponse, *oauthError) {
	claims := auth.Claims{TenantID: u.TenantID, Role: string(u.Role), Scope: scope, ClientID: c.ID,
		RegisteredClaims: jwt.RegisteredClaims{Subject: u.ID}}
	tok, signed, err := s.signer.Sign(claims, s.cfg.AccessTTL)
	if err != nil {
		s.log.Error("sign access token", "err", err)
		return nil, errServer()
	}
	if err := s.st.AddOAuthAccessToken(ctx, fam.ID, signed.ID, signed.ExpiresAt.Time); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, errInvalidGrant("this grant has been revoked")
		}
		s.log.Error("record access token", "err", err)
		return nil, errServer()
	}
	return &tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(s.cfg.AccessTTL.Seconds()), Scope: scope, RefreshToken: refresh}, nil
}

func (s *Server) revokeFamily(ctx context.Context, f store.OAuthFamily, why string) {
	jtis, err := s.st.RevokeOAuthFamily(ctx, f, s.now().UTC())
	if err != nil {
		s.log.Error("revoke token family", "err", err)
		return
	}
	s.log.Warn("oauth token family revoked", "reason", why, "client_id", f.ClientID, "family", f.ID, "access_tokens", len(jtis))
	s.denyAll(ctx, jtis)
}

// revoke is POST /oauth2/revoke (RFC 7009). It answers 200 whether or not
// the token was known, so it reveals nothing about tokens.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.limited(w, r, s.token) {
		return
	}
	ctx := r.Context()
	form, e := readForm(w, r)
	if e == nil {
		e = noRepeats(form, []string{"token", "token_type_hint", "client_id", "client_secret"})
	}
	if e != nil {
		writeOAuthError(w, e)
		return
	}
	c, e := s.authenticateClient(ctx, r, form.Get("client_id"), form.Get("client_secret"))
	if e != nil {
		writeOAuthError(w, e)
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeOAuthError(w, errInvalidRequest("token is required"))
		return
	}
	// Refresh tokens are opaque; anything else may be one of our JWTs.
	if fam, err := s.st.OAuthFamilyByRefreshToken(ctx, hashSecret(tok)); err == nil {
		if fam.ClientID == c.ID {
			s.revokeFamily(ctx, fam, "revoked by the client")
		}
	} else if claims, err := s.signer.Verify(tok); err == nil && claims.ClientID == c.ID {
		if err := s.acc.Logout(ctx, auth.Principal{TokenID: claims.ID, ExpiresAt: claims.ExpiresAt.Time}); err != nil {
			s.log.Error("revoke access token", "err", err)
			writeOAuthError(w, errServer())
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}
