package store

import (
	"context"
	"time"
)

// TenantOAuthApp is a tenant's own application at a fitness vendor (for
// Terra: the developer id and API key). Connections of the tenant's users
// use it instead of the server's. The secret is never stored in clear:
// ClientSecretSealed is a vault ciphertext bound to (tenant, provider).
type TenantOAuthApp struct {
	TenantID           string
	Provider           string
	ClientID           string
	ClientSecretSealed []byte
	// RedirectURI is empty when the server's callback URL applies.
	RedirectURI string
	// Scopes are space-separated; empty when the vendor defaults apply.
	Scopes    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TenantOAuthApps stores tenants' own vendor applications.
type TenantOAuthApps interface {
	// PutTenantOAuthApp creates or replaces the tenant's application at
	// a.Provider (CreatedAt is kept on replace) and reports whether it
	// created it.
	PutTenantOAuthApp(ctx context.Context, a TenantOAuthApp) (created bool, err error)
	// TenantOAuthApp returns one application, or ErrNotFound.
	TenantOAuthApp(ctx context.Context, tenantID, provider string) (TenantOAuthApp, error)
	// TenantOAuthApps lists the tenant's applications by provider name.
	TenantOAuthApps(ctx context.Context, tenantID string) ([]TenantOAuthApp, error)
	// DeleteTenantOAuthApp removes one application; ErrNotFound if absent.
	DeleteTenantOAuthApp(ctx context.Context, tenantID, provider string) error
}
