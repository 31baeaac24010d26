package oauth2server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/pierre-fitness/pierre/internal/store"
)

// authorizeParams is an authorization request (RFC 6749 §4.1.1, RFC 7636
// §4.3, RFC 8707 §2).
type authorizeParams struct {
	ClientID, RedirectURI, ResponseType, Scope, State string
	Challenge, ChallengeMethod, Resource              string
}

var authorizeKeys = []string{"client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge", "code_challenge_method", "resource"}

// values re-encodes the request, to carry it through the login and
// consent forms.
func (p authorizeParams) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"client_id": p.ClientID, "redirect_uri": p.RedirectURI, "response_type": p.ResponseType,
		"scope": p.Scope, "state": p.State, "code_challenge": p.Challenge, "code_challenge_method": p.ChallengeMethod, "resource": p.Resource} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// noRepeats refuses a parameter sent more than once (RFC 6749 §3.1, §3.2).
func noRepeats(v url.Values, keys []string) *oauthError {
	for _, k := range keys {
		if len(v[k]) > 1 {
			return errInvalidRequest(k + " must not be repeated")
		}
	}
	return nil
}

// parseAuthorizeParams reads the parameters and checks those needed
// before the redirect URI can be trusted. Its errors are shown on the
// page, never redirected.
func parseAuthorizeParams(v url.Values) (authorizeParams, *oauthError) {
	if e := noRepeats(v, authorizeKeys); e != nil {
		return authorizeParams{}, e
	}
	p := authorizeParams{ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"), ResponseType: v.Get("response_type"),
		Scope: v.Get("scope"), State: v.Get("state"), Challenge: v.Get("code_challenge"),
		ChallengeMethod: v.Get("code_challenge_method"), Resource: v.Get("resource")}
	if p.ClientID == "" {
		return p, errInvalidRequest("client_id is required")
	}
	if len(p.ClientID) > 100 {
		return p, errInvalidRequest("client_id is too long")
	}
	if p.RedirectURI == "" {
		return p, errInvalidRequest("redirect_uri is required")
	}
	return p, nil
}

// checkAuthorize validates the rest of a request whose client and redirect
// URI are known good; its errors go back to the client's redirect URI. It
// returns the granted scope.
func (s *Server) checkAuthorize(p authorizeParams, c store.OAuthClient) (string, *oauthError) {
	switch {
	case p.ResponseType == "":
		return "", errInvalidRequest("response_type is required and must be code")
	case p.ResponseType != "code":
		return "", &oauthError{Code: "unsupported_response_type", Description: "response_type must be code", Status: 400}
	case !slices.Contains(c.GrantTypes, "authorization_code"):
		return "", errUnauthorizedClient("the client is not registered for the authorization_code grant")
	case p.Challenge == "":
		return "", errInvalidRequest("code_challenge is required: PKCE with code_challenge_method S256")
	case p.ChallengeMethod == "plain":
		return "", errInvalidRequest("code_challenge_method plain is not allowed; use S256")
	case p.ChallengeMethod != "S256":
		return "", errInvalidRequest("code_challenge_method must be S256")
	case !validChallenge(p.Challenge):
		return "", errInvalidRequest("code_challenge must be the 43-character base64url SHA-256 of the code_verifier")
	case len(p.State) > 2048:
		return "", errInvalidRequest("state is longer than 2048 characters")
	}
	if e := s.checkResource(p.Resource); e != nil {
		return "", e
	}
	return resolveScope(p.Scope, c)
}

// checkResource enforces RFC 8707: tokens are only for Pierre's MCP
// endpoint.
func (s *Server) checkResource(resource string) *oauthError {
	if resource == "" || resource == s.cfg.Resource || strings.TrimSuffix(resource, "/") == s.cfg.Resource {
		return nil
	}
	return errInvalidTarget(fmt.Sprintf("resource %q is not served by this authorization server; use %s", truncate(resource, 200), s.cfg.Resource))
}

// resolveScope checks a requested scope against the supported scopes and
// the client's registration, defaulting when none is asked for.
func resolveScope(requested string, c store.OAuthClient) (string, *oauthError) {
	asked := strings.Fields(requested)
	if len(asked) == 0 {
		if c.Scope != "" {
			return c.Scope, nil
		}
		return defaultScope, nil
	}
	allowed := Scopes
	if c.Scope != "" {
		allowed = strings.Fields(c.Scope)
	}
	var out []string
	for _, sc := range asked {
		if !slices.Contains(Scopes, sc) {
			return "", errInvalidScope(fmt.Sprintf("scope %q is not supported; supported scopes: %s", truncate(sc, 100), strings.Join(Scopes, " ")))
		}
		if !slices.Contains(allowed, sc) {
			return "", errInvalidScope(fmt.Sprintf("the client is not registered for scope %q", sc))
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " "), nil
}

// narrowScope checks that requested (on refresh or client_credentials) is
// within granted.
func narrowScope(requested, granted string) (string, *oauthError) {
	if strings.TrimSpace(requested) == "" {
		return granted, nil
	}
	have := strings.Fields(granted)
	var out []string
	for _, sc := range strings.Fields(requested) {
		if !slices.Contains(have, sc) {
			return "", errInvalidScope(fmt.Sprintf("scope %q was not granted", truncate(sc, 100)))
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " "), nil
}

func isUnreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// validChallenge: an S256 challenge is base64url(SHA-256), 43 characters.
func validChallenge(c string) bool {
	if len(c) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(c)
	return err == nil
}

// validVerifier applies RFC 7636 §4.1: 43 to 128 unreserved characters.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isUnreserved(v[i]) {
			return false
		}
	}
	return true
}

// verifierMatches compares S256(verifier) with the challenge in constant
// time.
func verifierMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// checkRedirectURI applies the registration rules: https, or http on a
// loopback address (RFC 8252 §7.3); absolute; no fragment, wildcard or
// credentials.
func checkRedirectURI(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return fmt.Errorf("redirect URI is empty")
	}
	if len(raw) > 2000 {
		return fmt.Errorf("redirect URI is longer than 2000 characters")
	}
	if strings.Contains(raw, "#") {
		return fmt.Errorf("redirect URI %q has a fragment, which is not allowed", raw)
	}
	if strings.Contains(raw, "*") {
		return fmt.Errorf("redirect URI %q has a wildcard, which is not allowed", raw)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("redirect URI %q is not an absolute URL", raw)
	}
	if u.User != nil {
		return fmt.Errorf("redirect URI %q must not contain credentials", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("redirect URI %q uses http on a non-loopback host; use https, or http://127.0.0.1 / http://localhost for native apps", raw)
	}
	return fmt.Errorf("redirect URI %q must use https (or http on a loopback address)", raw)
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// matchRedirect finds given among the registered URIs: an exact match, or
// for loopback http URIs a match on everything but the port, which native
// apps pick at run time (RFC 8252 §7.3).
func matchRedirect(registered []string, given string) bool {
	if slices.Contains(registered, given) {
		return true
	}
	g, err := url.Parse(given)
	if err != nil || g.Scheme != "http" || !isLoopbackHost(g.Hostname()) || g.Fragment != "" || g.User != nil {
		return false
	}
	for _, r := range registered {
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "http" {
			continue
		}
		if u.Hostname() == g.Hostname() && u.EscapedPath() == g.EscapedPath() && u.RawQuery == g.RawQuery {
			return true
		}
	}
	return false
}

// redirectWith appends params to a validated redirect URI, keeping its
// own query.
func redirectWith(redirectURI string, params url.Values) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return redirectURI
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// tokenParams is a token request (RFC 6749 §4.1.3, §6, §4.4).
type tokenParams struct {
	GrantType, Code, RedirectURI, Verifier, RefreshToken, Scope, Resource string
	ClientID, ClientSecret                                                string
}

var tokenKeys = []string{"grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope", "resource", "client_id", "client_secret"}

// parseTokenParams reads a token request body.
func parseTokenParams(v url.Values) (tokenParams, *oauthError) {
	if e := noRepeats(v, tokenKeys); e != nil {
		return tokenParams{}, e
	}
	p := tokenParams{GrantType: v.Get("grant_type"), Code: v.Get("code"), RedirectURI: v.Get("redirect_uri"),
		Verifier: v.Get("code_verifier"), RefreshToken: v.Get("refresh_token"), Scope: v.Get("scope"),
		Resource: v.Get("resource"), ClientID: v.Get("client_id"), ClientSecret: v.Get("client_secret")}
	if p.GrantType == "" {
		return p, errInvalidRequest("grant_type is required")
	}
	switch p.GrantType {
	case "authorization_code":
		switch {
		case p.Code == "":
			return p, errInvalidRequest("code is required")
		case p.RedirectURI == "":
			return p, errInvalidRequest("redirect_uri is required")
		case p.Verifier == "":
			return p, errInvalidRequest("code_verifier is required (PKCE)")
		case !validVerifier(p.Verifier):
			return p, errInvalidRequest("code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
		}
	case "refresh_token":
		if p.RefreshToken == "" {
			return p, errInvalidRequest("refresh_token is required")
		}
	case "client_credentials":
	default:
		return p, &oauthError{Code: "unsupported_grant_type", Status: 400,
			Description: fmt.Sprintf("grant_type %q is not supported; use authorization_code, refresh_token or client_credentials", truncate(p.GrantType, 50))}
	}
	return p, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
