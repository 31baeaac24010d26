package store

import (
	"errors"
	"time"
)

// ErrReplayed means a single-use OAuth artefact (authorization code or
// refresh token) was presented again after it was used: whoever holds it
// may have stolen it, so what it issued is revoked.
var ErrReplayed = errors.New("already used")

// OAuthClient is a client registered with Pierre's OAuth 2.1 server
// (RFC 7591). Clients registered anonymously have no owner; a client
// registered by a signed-in user is owned by them and may use
// client_credentials as that user.
type OAuthClient struct {
	ID            string    `json:"client_id"`
	SecretHash    string    `json:"-"` // SHA-256 hex of the secret; empty for public clients
	AuthMethod    string    `json:"token_endpoint_auth_method"`
	Name          string    `json:"client_name,omitempty"`
	URI           string    `json:"client_uri,omitempty"`
	RedirectURIs  []string  `json:"redirect_uris"`
	GrantTypes    []string  `json:"grant_types"`
	Scope         string    `json:"scope,omitempty"`
	OwnerTenantID string    `json:"-"`
	OwnerUserID   string    `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
}

// OAuthCode is an issued authorization code, stored by hash. FamilyID is
// fixed when the code is issued, so a replay can revoke what the code
// issued even if the replay races the first exchange.
type OAuthCode struct {
	Hash        string
	FamilyID    string
	ClientID    string
	TenantID    string
	UserID      string
	RedirectURI string
	Scope       string
	Resource    string
	Challenge   string // S256 code_challenge
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      *time.Time
}

// OAuthFamily is one grant: the tokens issued from one authorization code
// or one client_credentials request.
type OAuthFamily struct {
	ID        string
	ClientID  string
	TenantID  string
	UserID    string
	Scope     string
	Resource  string
	CreatedAt time.Time
	ExpiresAt time.Time // when its last refresh token can expire
	RevokedAt *time.Time
}

// RevokedJTI is an access token id that revocation must deny until Exp.
type RevokedJTI struct {
	JTI string
	Exp time.Time
}

// AuthorizedClient is a client a user has consented to, for the user's
// "connected apps" list.
type AuthorizedClient struct {
	ClientID     string    `json:"client_id"`
	Name         string    `json:"client_name"`
	URI          string    `json:"client_uri,omitempty"`
	Scope        string    `json:"scope"`
	AuthorizedAt time.Time `json:"authorized_at"`
	LastUsedAt   time.Time `json:"last_used_at"`
}
