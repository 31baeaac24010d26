package store

import (
	"context"
	"time"
)

// APIKey is a long-lived credential (pk_live_…) for scripts and bridges.
// Only the SHA-256 of the key is stored.
type APIKey struct {
	ID         string     `json:"id"`
	TenantID   string     `json:"-"`
	UserID     string     `json:"-"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to recognise a key
	Hash       string     `json:"-"`
	Tier       string     `json:"tier"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// APIKeys stores API keys.
type APIKeys interface {
	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKeyByHash finds a key by the SHA-256 of its text (any tenant: the
	// key itself says whose it is), or ErrNotFound.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
	// APIKeys lists a user's keys, newest first, revoked ones included.
	APIKeys(ctx context.Context, tenantID, userID string) ([]APIKey, error)
	// RevokeAPIKey marks a user's key revoked, or returns ErrNotFound.
	RevokeAPIKey(ctx context.Context, tenantID, userID, id string, at time.Time) error
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}
