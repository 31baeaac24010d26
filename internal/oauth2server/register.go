package oauth2server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

// registration is the RFC 7591 §2 metadata Pierre understands; other
// members are ignored, as §2 requires.
type registration struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	Scope                   string   `json:"scope"`
}

func errMetadata(d string) *oauthError {
	return &oauthError{Code: "invalid_client_metadata", Description: d, Status: http.StatusBadRequest}
}

func errRedirect(d string) *oauthError {
	return &oauthError{Code: "invalid_redirect_uri", Description: d, Status: http.StatusBadRequest}
}

// validate applies defaults and checks the metadata; owned says whether
// the registration came with a user's bearer token.
func (m *registration) validate(owned bool) *oauthError {
	if m.TokenEndpointAuthMethod == "" {
		m.TokenEndpointAuthMethod = "client_secret_basic" // RFC 7591 §2 default
	}
	if !slices.Contains([]string{"none", "client_secret_basic", "client_secret_post"}, m.TokenEndpointAuthMethod) {
		return errMetadata(fmt.Sprintf("token_endpoint_auth_method %q is not supported; use none, client_secret_basic or client_secret_post", truncate(m.TokenEndpointAuthMethod, 50)))
	}
	if len(m.GrantTypes) == 0 {
		m.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range m.GrantTypes {
		if !slices.Contains([]string{"authorization_code", "refresh_token", "client_credentials"}, g) {
			return errMetadata(fmt.Sprintf("grant_types: %q is not supported; use authorization_code, refresh_token or client_credentials", truncate(g, 50)))
		}
	}
	if len(m.ResponseTypes) == 0 {
		m.ResponseTypes = []string{"code"}
	}
	for _, rt := range m.ResponseTypes {
		if rt != "code" {
			return errMetadata(fmt.Sprintf("response_types: %q is not supported; use code", truncate(rt, 50)))
		}
	}
	if slices.Contains(m.GrantTypes, "client_credentials") {
		if m.TokenEndpointAuthMethod == "none" {
			return errMetadata("grant_types: client_credentials needs a confidential client (token_endpoint_auth_method client_secret_basic or client_secret_post)")
		}
		if !owned {
			return errMetadata("grant_types: client_credentials acts as a user, so register it with that user's bearer token (Authorization: Bearer …)")
		}
	}
	if slices.Contains(m.GrantTypes, "authorization_code") {
		if len(m.RedirectURIs) == 0 {
			return errRedirect("redirect_uris: at least one redirect URI is required for the authorization_code grant")
		}
	}
	if len(m.RedirectURIs) > 20 {
		return errRedirect("redirect_uris: at most 20 redirect URIs may be registered")
	}
	for _, u := range m.RedirectURIs {
		if err := checkRedirectURI(u); err != nil {
			return errRedirect("redirect_uris: " + err.Error())
		}
	}
	m.ClientName = strings.TrimSpace(m.ClientName)
	if utf8.RuneCountInString(m.ClientName) > 200 {
		return errMetadata("client_name must be at most 200 characters")
	}
	if m.ClientURI != "" {
		u, err := url.Parse(m.ClientURI)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(m.ClientURI) > 2000 {
			return errMetadata("client_uri must be an http(s) URL")
		}
	}
	if m.Scope != "" {
		scope, e := resolveScope(m.Scope, store.OAuthClient{})
		if e != nil {
			return errMetadata("scope: " + e.Description)
		}
		m.Scope = scope
	}
	return nil
}

// registerClient implements RFC 7591 dynamic client registration. It is
// open (MCP clients register themselves) and rate limited per address.
func (s *Server) registerClient(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.register) {
		return
	}
	var owner auth.Principal
	if tok := bearer(r); tok != "" {
		p, err := s.acc.Authenticate(r.Context(), tok)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeOAuthError(w, &oauthError{Code: "invalid_token", Description: "the bearer token is invalid or expired", Status: http.StatusUnauthorized})
			return
		}
		owner = p
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		writeOAuthError(w, errMetadata("send the client metadata as application/json"))
		return
	}
	var m registration
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	if err := dec.Decode(&m); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			writeOAuthError(w, errMetadata(fmt.Sprintf("%s has the wrong type", typeErr.Field)))
		case errors.Is(err, io.EOF):
			writeOAuthError(w, errMetadata("the request body is empty; send the client metadata as a JSON object"))
		default:
			writeOAuthError(w, errMetadata("the request body is not a valid JSON object"))
		}
		return
	}
	if e := m.validate(owner.UserID != ""); e != nil {
		writeOAuthError(w, e)
		return
	}
	now := s.now().UTC()
	c := store.OAuthClient{ID: "mcp_client_" + strings.ReplaceAll(uuid.NewString(), "-", ""), AuthMethod: m.TokenEndpointAuthMethod,
		Name: m.ClientName, URI: m.ClientURI, RedirectURIs: m.RedirectURIs, GrantTypes: m.GrantTypes, Scope: m.Scope,
		OwnerTenantID: owner.TenantID, OwnerUserID: owner.UserID, CreatedAt: now}
	if c.RedirectURIs == nil {
		c.RedirectURIs = []string{}
	}
	var secret string
	if c.AuthMethod != "none" {
		secret = "mcs_" + randomToken()
		c.SecretHash = hashSecret(secret)
	}
	if err := s.st.CreateOAuthClient(r.Context(), c); err != nil {
		s.log.Error("register oauth client", "err", err)
		writeOAuthError(w, errServer())
		return
	}
	resp := map[string]any{
		"client_id": c.ID, "client_id_issued_at": now.Unix(), "redirect_uris": c.RedirectURIs,
		"token_endpoint_auth_method": c.AuthMethod, "grant_types": c.GrantTypes, "response_types": m.ResponseTypes,
	}
	if secret != "" {
		resp["client_secret"] = secret
		resp["client_secret_expires_at"] = 0 // never
	}
	if c.Name != "" {
		resp["client_name"] = c.Name
	}
	if c.URI != "" {
		resp["client_uri"] = c.URI
	}
	if c.Scope != "" {
		resp["scope"] = c.Scope
	}
	s.log.Info("oauth client registered", "client_id", c.ID, "auth_method", c.AuthMethod, "owned", c.OwnerUserID != "")
	writeJSON(w, http.StatusCreated, resp)
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
