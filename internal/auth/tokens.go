package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Claims are the claims of a Pierre access token (RFC 9068 style).
type Claims struct {
	jwt.RegisteredClaims
	TenantID string `json:"tenant_id"`
	Role     string `json:"role,omitempty"`
	// Scope is space-separated (RFC 8693 §4.2).
	Scope string `json:"scope,omitempty"`
	// ClientID names the OAuth client the token was issued to, if any.
	ClientID string `json:"client_id,omitempty"`
	// SessionID ties a login token to its session, so logout ends both.
	SessionID string `json:"sid,omitempty"`
}

type jwtRegistered = jwt.RegisteredClaims

// TokenError says why a token was refused. Its Reason is safe to return to
// the client.
type TokenError struct{ Reason string }

func (e *TokenError) Error() string { return "invalid token: " + e.Reason }

// ErrTokenExpired is wrapped by the TokenError for an expired token, so
// callers can ask the client to refresh rather than log in again.
var ErrTokenExpired = errors.New("token expired")

// leeway tolerates clock skew between replicas and clients.
const leeway = 30 * time.Second

// Signer issues and verifies RS256 JWTs for one issuer and audience.
type Signer struct {
	keys     *KeySet
	issuer   string
	audience string
	parser   *jwt.Parser
}

// NewSigner returns a Signer. issuer is the public base URL and audience
// the MCP resource URL.
func NewSigner(keys *KeySet, issuer, audience string) *Signer {
	return &Signer{keys: keys, issuer: issuer, audience: audience,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{"RS256"}),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(leeway),
		)}
}

// Issuer is the iss claim of tokens this signer makes.
func (s *Signer) Issuer() string { return s.issuer }

// Audience is the aud claim of tokens this signer makes.
func (s *Signer) Audience() string { return s.audience }

// Keys exposes the key set (for the JWKS endpoint).
func (s *Signer) Keys() *KeySet { return s.keys }

// Sign issues a token for c, filling iss, aud, iat, nbf, exp (now+ttl) and
// a fresh jti. It returns the token and its claims as signed.
func (s *Signer) Sign(c Claims, ttl time.Duration) (string, Claims, error) {
	now := time.Now().Truncate(time.Second)
	c.Issuer = s.issuer
	if len(c.Audience) == 0 {
		c.Audience = jwt.ClaimStrings{s.audience}
	}
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(now.Add(ttl))
	c.ID = uuid.NewString()
	k := s.keys.signer()
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = k.kid
	signed, err := tok.SignedString(k.priv)
	if err != nil {
		return "", c, fmt.Errorf("sign token: %w", err)
	}
	return signed, c, nil
}

// Verify checks signature, algorithm, kid, issuer, audience, expiry and
// not-before, and returns the claims.
func (s *Signer) Verify(token string) (*Claims, error) {
	var c Claims
	_, err := s.parser.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, &TokenError{Reason: "token header has no kid"}
		}
		k, ok := s.keys.publicKey(kid)
		if !ok {
			return nil, &TokenError{Reason: "token signed by an unknown key"}
		}
		return k, nil
	})
	if err != nil {
		var te *TokenError
		switch {
		case errors.As(err, &te):
			return nil, te
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, fmt.Errorf("%w: %w", &TokenError{Reason: "token has expired"}, ErrTokenExpired)
		case errors.Is(err, jwt.ErrTokenInvalidAudience):
			return nil, &TokenError{Reason: "token was issued for another resource"}
		case errors.Is(err, jwt.ErrTokenInvalidIssuer):
			return nil, &TokenError{Reason: "token was issued by another server"}
		case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
			return nil, &TokenError{Reason: "token signature is invalid"}
		case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
			return nil, &TokenError{Reason: "token is not valid yet"}
		default:
			return nil, &TokenError{Reason: "token is malformed"}
		}
	}
	if c.Subject == "" || c.TenantID == "" || c.ID == "" {
		return nil, &TokenError{Reason: "token lacks subject, tenant or id"}
	}
	return &c, nil
}

// Scopes splits the scope claim.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }
