package store

import "time"

// Provider connection statuses stored in provider_connections.
const (
	ConnectionConnected      = "connected"
	ConnectionReauthRequired = "reauth_required"
)

// ProviderConnection is one user's link to one fitness provider. The
// tokens are never stored in clear: TokensSealed is a vault ciphertext
// bound to (tenant, user, provider).
type ProviderConnection struct {
	TenantID     string
	UserID       string
	Provider     string
	VendorUserID string
	TokensSealed []byte
	// ExpiresAt is when the access token expires; nil when it does not.
	ExpiresAt     *time.Time
	Scopes        string
	Status        string
	StatusMessage string
	ConnectedAt   time.Time
	UpdatedAt     time.Time
}

// OAuthConnectState is a pending provider authorization: the state
// parameter's SHA-256 (the state itself is never stored), who started it,
// and the sealed PKCE verifier. It is consumed once.
type OAuthConnectState struct {
	StateHash      string
	TenantID       string
	UserID         string
	Provider       string
	VerifierSealed []byte // empty when the vendor has no PKCE
	RedirectURI    string
	CreatedAt      time.Time
	ExpiresAt      time.Time
}
