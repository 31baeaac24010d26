// Package auth authenticates people and clients: Argon2id passwords, RS256
// JWTs signed by keys kept sealed in the database, login sessions with
// rotating refresh tokens, and the Principal every request runs as.
package auth

import (
	"context"
	"slices"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
)

// Principal is who a request acts for. Every repository call made on its
// behalf is scoped to TenantID.
type Principal struct {
	UserID     string
	TenantID   string
	Role       store.Role
	TenantRole store.TenantRole
	Scopes     []string // empty: a first-party session with full access
	ClientID   string   // OAuth client, if the token came from one
	TokenID    string   // jti
	SessionID  string   // login session, when the token came from one
	ExpiresAt  time.Time
	// KeyTier is the tier of the API key that authenticated the request.
	KeyTier string
	// Method is how the request authenticated: "jwt", "api_key" or "local"
	// (the single-user stdio mode).
	Method string
}

// HasScope reports whether the principal may use scope. First-party
// session tokens carry no scopes and may do everything their role allows.
func (p Principal) HasScope(scope string) bool {
	return len(p.Scopes) == 0 || slices.Contains(p.Scopes, scope)
}

// IsAdmin reports whether the principal administers its tenant.
func (p Principal) IsAdmin() bool { return p.Role.IsAdmin() }

// IsSuperAdmin reports whether the principal administers the server.
func (p Principal) IsSuperAdmin() bool { return p.Role == store.RoleSuperAdmin }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
