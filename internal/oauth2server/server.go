// Package oauth2server is Pierre's OAuth 2.1 authorization server for MCP
// clients: metadata (RFC 8414), dynamic client registration (RFC 7591), the
// authorization endpoint with a login and consent page, the token endpoint
// (authorization_code with mandatory PKCE S256, refresh_token with rotation
// and reuse detection, client_credentials), resource indicators (RFC 8707)
// and revocation (RFC 7009). Access tokens are the same RS256 JWTs the rest
// of Pierre verifies, with aud = the MCP resource.
package oauth2server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/ratelimit"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Store is the persistence the server needs (sqlstore.Store implements it).
type Store interface {
	CreateOAuthClient(ctx context.Context, c store.OAuthClient) error
	OAuthClient(ctx context.Context, id string) (store.OAuthClient, error)
	CreateOAuthCode(ctx context.Context, c store.OAuthCode) error
	ConsumeOAuthCode(ctx context.Context, hash string, now time.Time) (store.OAuthCode, error)
	CreateOAuthFamily(ctx context.Context, f store.OAuthFamily) error
	AddOAuthRefreshToken(ctx context.Context, familyID, hash string, created, expires time.Time) error
	AddOAuthAccessToken(ctx context.Context, familyID, jti string, exp time.Time) error
	RotateOAuthRefreshToken(ctx context.Context, clientID, oldHash, newHash string, now, newExpires time.Time) (store.OAuthFamily, error)
	OAuthFamilyByRefreshToken(ctx context.Context, hash string) (store.OAuthFamily, error)
	RevokeOAuthFamily(ctx context.Context, f store.OAuthFamily, now time.Time) ([]store.RevokedJTI, error)
	UpsertOAuthConsent(ctx context.Context, tenantID, userID, clientID, scope string, at time.Time) error
	AuthorizedOAuthClients(ctx context.Context, tenantID, userID string) ([]store.AuthorizedClient, error)
	RevokeOAuthClientForUser(ctx context.Context, tenantID, userID, clientID string, now time.Time) ([]store.RevokedJTI, error)
	User(ctx context.Context, tenantID, id string) (store.User, error)
}

// Accounts is the part of auth.Service the server uses: password login for
// the login page, token authentication for the session cookie, and the
// access-token deny list (Logout with only a token id revokes that token).
type Accounts interface {
	Login(ctx context.Context, email, password string) (store.User, auth.Tokens, error)
	Authenticate(ctx context.Context, token string) (auth.Principal, error)
	Logout(ctx context.Context, p auth.Principal) error
	Signer() *auth.Signer
}

// Config configures the server.
type Config struct {
	BaseURL  string // issuer: the public URL, no trailing slash
	Resource string // the MCP resource URL, the only audience tokens are issued for
	// Lifetimes; zero means the defaults (1 h, 30 days, 10 minutes).
	AccessTTL, RefreshTTL, CodeTTL time.Duration
	// Production makes cookies Secure.
	Production bool
	// Limiter builds named per-IP limiters; nil means in-process.
	Limiter func(name string, per int, window time.Duration) ratelimit.Limiter
	// Per-minute limits per IP; zero means 10 registrations, 60 authorize
	// and 60 token/revoke requests.
	RegisterPerMinute, AuthorizePerMinute, TokenPerMinute int
	Log                                                   *slog.Logger
}

// Scopes Pierre grants; they match the protected-resource metadata.
var Scopes = []string{"fitness:read", "fitness:write", "offline_access"}

// defaultScope is granted when a request names none.
const defaultScope = "fitness:read fitness:write"

var scopeText = map[string]string{
	"fitness:read":   "Read your activities, athlete profile, statistics, sleep and wellness data",
	"fitness:write":  "Change your goals, settings and records in Pierre",
	"offline_access": "Stay connected when you are away, by refreshing its access",
}

// Server is the authorization server.
type Server struct {
	cfg      Config
	st       Store
	acc      Accounts
	signer   *auth.Signer
	log      *slog.Logger
	now      func() time.Time
	register ratelimit.Limiter
	authz    ratelimit.Limiter
	token    ratelimit.Limiter
	pages    *pages
}

// New returns the server.
func New(st Store, acc Accounts, cfg Config) (*Server, error) {
	if cfg.AccessTTL == 0 {
		cfg.AccessTTL = time.Hour
	}
	if cfg.RefreshTTL == 0 {
		cfg.RefreshTTL = 30 * 24 * time.Hour
	}
	if cfg.CodeTTL == 0 {
		cfg.CodeTTL = 10 * time.Minute
	}
	if cfg.Limiter == nil {
		cfg.Limiter = func(_ string, per int, window time.Duration) ratelimit.Limiter {
			return ratelimit.NewLocal(per, window)
		}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, st: st, acc: acc, signer: acc.Signer(), log: cfg.Log, now: time.Now, pages: p,
		register: cfg.Limiter("oauth_register", orDefault(cfg.RegisterPerMinute, 10), time.Minute),
		authz:    cfg.Limiter("oauth_authorize", orDefault(cfg.AuthorizePerMinute, 60), time.Minute),
		token:    cfg.Limiter("oauth_token", orDefault(cfg.TokenPerMinute, 60), time.Minute),
	}, nil
}

func orDefault(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// Mount adds the server's routes. authn authenticates bearer tokens for
// the user's "connected apps" API.
func (s *Server) Mount(mux *http.ServeMux, authn func(http.Handler) http.Handler) {
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.metadata)
	mux.HandleFunc("GET /.well-known/openid-configuration", s.metadata)
	mux.HandleFunc("POST /oauth2/register", s.registerClient)
	mux.HandleFunc("GET /oauth2/authorize", s.authorize)
	mux.HandleFunc("POST /oauth2/authorize", s.authorizeSubmit)
	mux.HandleFunc("POST /oauth2/token", s.tokenEndpoint)
	mux.HandleFunc("POST /oauth2/revoke", s.revoke)
	mux.HandleFunc("GET /oauth2/static/pierre.css", s.css)
	mux.Handle("GET /api/oauth2/clients", authn(http.HandlerFunc(s.listClients)))
	mux.Handle("DELETE /api/oauth2/clients/{id}", authn(http.HandlerFunc(s.deleteClient)))
}

// metadata is the RFC 8414 authorization server metadata.
func (s *Server) metadata(w http.ResponseWriter, _ *http.Request) {
	b := s.cfg.BaseURL
	authMethods := []string{"none", "client_secret_basic", "client_secret_post"}
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         b,
		"authorization_endpoint":                         b + "/oauth2/authorize",
		"token_endpoint":                                 b + "/oauth2/token",
		"registration_endpoint":                          b + "/oauth2/register",
		"revocation_endpoint":                            b + "/oauth2/revoke",
		"jwks_uri":                                       b + "/.well-known/jwks.json",
		"scopes_supported":                               Scopes,
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token", "client_credentials"},
		"token_endpoint_auth_methods_supported":          authMethods,
		"revocation_endpoint_auth_methods_supported":     authMethods,
		"code_challenge_methods_supported":               []string{"S256"},
		"authorization_response_iss_parameter_supported": true,
		"service_documentation":                          b + "/docs/api.md",
	})
}

// limited applies a per-IP limit, answering 429 when exceeded.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, l ratelimit.Limiter) bool {
	ok, retry, err := l.Allow(r.Context(), clientIP(r))
	if err != nil {
		// A limiter outage must not lock everyone out.
		s.log.Warn("oauth rate limiter", "err", err)
		return false
	}
	if ok {
		return false
	}
	secs := max(1, int(retry.Seconds()))
	w.Header().Set("Retry-After", itoa(secs))
	writeOAuthError(w, &oauthError{Code: "too_many_requests", Status: http.StatusTooManyRequests,
		Description: "too many requests from this address; retry in " + itoa(secs) + " seconds"})
	return true
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// randomToken returns 32 random bytes, base64url without padding.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how codes, refresh tokens and client secrets are stored.
// They are 256-bit random values, so SHA-256 suffices (no stretching).
func hashSecret(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// denyAll puts access tokens on the deny list of every replica.
func (s *Server) denyAll(ctx context.Context, jtis []store.RevokedJTI) {
	for _, j := range jtis {
		if err := s.acc.Logout(ctx, auth.Principal{TokenID: j.JTI, ExpiresAt: j.Exp}); err != nil {
			s.log.Error("revoke access token", "jti", j.JTI, "err", err)
		}
	}
}
