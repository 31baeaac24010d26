// Package store defines Pierre's persistent records and the repository
// interfaces, one per concern. Every method that touches tenant data takes
// the tenant id and filters by it; a record of another tenant is reported as
// ErrNotFound, never as "forbidden", so existence does not leak.
//
// The implementation for SQLite and PostgreSQL is in package sqlstore; the
// contract both pass is in package storetest.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	// ErrBadCursor means a pagination cursor was not produced by the store.
	ErrBadCursor = errors.New("invalid pagination cursor")
)

// Role is a user's server-wide role.
type Role string

// Roles.
const (
	RoleUser       Role = "user"
	RoleAdmin      Role = "admin"
	RoleSuperAdmin Role = "super_admin"
)

// IsAdmin reports whether the role may administer its tenant.
func (r Role) IsAdmin() bool { return r == RoleAdmin || r == RoleSuperAdmin }

// Status is a user's account status.
type Status string

// Statuses.
const (
	StatusPending   Status = "pending"
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
)

// TenantRole is a user's role within a tenant.
type TenantRole string

// Tenant roles: owner and admin manage the tenant and its OAuth apps,
// billing sees billing, member uses tools.
const (
	TenantOwner   TenantRole = "owner"
	TenantAdmin   TenantRole = "admin"
	TenantBilling TenantRole = "billing"
	TenantMember  TenantRole = "member"
)

// Tenant is an organisation; every user and every piece of data belongs to one.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	Plan      string    `json:"plan"`
	Active    bool      `json:"is_active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// User is an account. E-mail addresses are unique across the server (stored
// lower-cased) so login needs no tenant selector.
type User struct {
	ID           string     `json:"id"`
	TenantID     string     `json:"tenant_id"`
	Email        string     `json:"email"`
	DisplayName  string     `json:"display_name"`
	PasswordHash string     `json:"-"`
	Role         Role       `json:"role"`
	TenantRole   TenantRole `json:"tenant_role"`
	Status       Status     `json:"status"`
	Tier         string     `json:"tier"`
	ApprovedBy   string     `json:"approved_by,omitempty"`
	ApprovedAt   *time.Time `json:"approved_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	LastActiveAt *time.Time `json:"last_active_at,omitempty"`
}

// Page asks for one page of a list. Cursor is opaque, from a previous
// answer's Next.
type Page struct {
	Limit  int
	Cursor string
}

// Tenants stores tenants.
type Tenants interface {
	CreateTenant(ctx context.Context, t Tenant) error
	Tenant(ctx context.Context, id string) (Tenant, error)
	TenantBySlug(ctx context.Context, slug string) (Tenant, error)
	ListTenants(ctx context.Context, p Page) (items []Tenant, next string, err error)
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Status Status // empty: any
}

// Users stores accounts.
type Users interface {
	// CreateUser inserts u and its membership of u.TenantID with
	// u.TenantRole. A taken e-mail gives ErrConflict.
	CreateUser(ctx context.Context, u User) error
	User(ctx context.Context, tenantID, id string) (User, error)
	// UserByEmail is the one lookup without a tenant: login starts from an
	// e-mail address alone. The result carries the user's tenant.
	UserByEmail(ctx context.Context, email string) (User, error)
	ListUsers(ctx context.Context, tenantID string, f UserFilter, p Page) (items []User, next string, err error)
	SetUserStatus(ctx context.Context, tenantID, id string, s Status, by string, at time.Time) (User, error)
	SetPasswordHash(ctx context.Context, tenantID, id, hash string) error
	// SetUserRole changes the server role and the role within the tenant.
	SetUserRole(ctx context.Context, tenantID, id string, r Role, tr TenantRole) (User, error)
	TouchUser(ctx context.Context, tenantID, id string, at time.Time) error
	// CreateFirstAdmin creates tenant t (unless it exists) and admin u in
	// one transaction, unless any admin exists already (ErrConflict).
	CreateFirstAdmin(ctx context.Context, t Tenant, u User) error
	// AdminExists reports whether any admin or super admin exists.
	AdminExists(ctx context.Context) (bool, error)
}

// Session is a login session, continued by rotating refresh tokens.
type Session struct {
	ID          string
	TenantID    string
	UserID      string
	RefreshHash string // SHA-256 of the current refresh token
	CreatedAt   time.Time
	ExpiresAt   time.Time
	RevokedAt   *time.Time
}

// Sessions stores login sessions and revoked access tokens.
type Sessions interface {
	CreateSession(ctx context.Context, s Session) error
	// RotateSession swaps the refresh hash atomically: it succeeds only if
	// oldHash is still current and the session is live (else ErrNotFound),
	// so a refresh token works once. It returns the updated session.
	RotateSession(ctx context.Context, oldHash, newHash string, now time.Time) (Session, error)
	// RevokeReusedSession revokes the live session whose previous refresh
	// hash is hash: a rotated refresh token came back, so the token family
	// is presumed stolen. It reports whether such a session existed.
	RevokeReusedSession(ctx context.Context, hash string, at time.Time) (bool, error)
	RevokeSession(ctx context.Context, tenantID, id string, at time.Time) error
	// RevokeToken records an access token id (jti) as revoked until exp.
	RevokeToken(ctx context.Context, jti string, exp time.Time) error
	// RevokedTokens lists revoked ids not yet expired at now, for the
	// in-memory deny list.
	RevokedTokens(ctx context.Context, now time.Time) (map[string]time.Time, error)
}

// SigningKey is an RSA key pair for JWTs; the private key is sealed.
type SigningKey struct {
	KID           string
	PrivateSealed []byte // PKCS#8 DER sealed by the vault
	PublicDER     []byte // PKIX DER
	CreatedAt     time.Time
	RetiredAt     *time.Time // no longer signs; still verifies until tokens expire
}

// SigningKeys stores JWT signing keys.
type SigningKeys interface {
	// SigningKeys returns all keys, newest first.
	SigningKeys(ctx context.Context) ([]SigningKey, error)
	// AddSigningKey stores k and retires every other active key, atomically.
	AddSigningKey(ctx context.Context, k SigningKey) error
	// DeleteSigningKeysRetiredBefore removes keys retired before t.
	DeleteSigningKeysRetiredBefore(ctx context.Context, t time.Time) (int, error)
}
