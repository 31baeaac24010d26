// Package apikeys issues and checks API keys (pk_live_…): long-lived
// credentials for scripts and for the stdio bridge, tied to one user. A key
// is shown once; Pierre keeps its SHA-256 and a short prefix. Each key's
// requests are limited by its tier, per minute and per 30 days, and every
// answer says how much is left.
package apikeys

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Prefix starts every key, so a key is recognisable in configuration and
// in leaked-secret scanners.
const Prefix = auth.APIKeyPrefix

// Tier is a key's request allowance.
type Tier struct {
	PerMinute int
	// Per30Days is the allowance over a 30-day window; 0 is unlimited.
	Per30Days int
	// Lifetime is how long a key of this tier lasts; 0 is until revoked.
	Lifetime time.Duration
}

// Tiers are the allowances of DECISIONS §4; a key takes its user's tier.
var Tiers = map[string]Tier{
	"trial":        {PerMinute: 10, Per30Days: 1_000, Lifetime: 14 * 24 * time.Hour},
	"starter":      {PerMinute: 60, Per30Days: 10_000},
	"professional": {PerMinute: 300, Per30Days: 100_000},
	"enterprise":   {PerMinute: 1_000},
}

// Users reads the key owner's account.
type Users interface {
	User(ctx context.Context, tenantID, id string) (store.User, error)
}

// Counter counts requests in fixed windows, in process or in Redis.
type Counter interface {
	// Incr adds one to key, which expires after ttl, and returns the count.
	Incr(ctx context.Context, key string, ttl time.Duration) (int, error)
}

// FieldError is a refused input, naming the field.
type FieldError struct{ Field, Reason string }

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Service issues and checks keys.
type Service struct {
	Store   store.APIKeys
	Users   Users
	Counter Counter
	Now     func() time.Time

	// verified caches checked keys, with their owner, by hash for 30 s
	// (as auth caches JWT principals): a request then costs no query. A
	// revocation applies at once on this replica, within 30 s elsewhere.
	verified *expirable.LRU[string, verifiedKey]
}

type verifiedKey struct {
	key  store.APIKey
	user store.User
}

// New returns a service.
func New(st store.APIKeys, users Users, c Counter) *Service {
	return &Service{Store: st, Users: users, Counter: c, Now: time.Now,
		verified: expirable.NewLRU[string, verifiedKey](10_000, nil, 30*time.Second)}
}

func hash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// newKey is Prefix and 40 random base-62 characters (about 238 bits).
func newKey() string {
	var b strings.Builder
	b.WriteString(Prefix)
	buf := make([]byte, 64)
	for b.Len() < len(Prefix)+40 {
		rand.Read(buf)
		for _, c := range buf {
			if c < 248 && b.Len() < len(Prefix)+40 { // 248 = 4 × 62: no modulo bias
				b.WriteByte(alphabet[c%62])
			}
		}
	}
	return b.String()
}

// Create issues a key for the caller. The key text is returned once and
// never again.
func (s *Service) Create(ctx context.Context, p auth.Principal, name string) (string, store.APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", store.APIKey{}, &FieldError{"name", "must be 1 to 100 characters"}
	}
	u, err := s.Users.User(ctx, p.TenantID, p.UserID)
	if err != nil {
		return "", store.APIKey{}, fmt.Errorf("load key owner: %w", err)
	}
	tier, ok := Tiers[u.Tier]
	if !ok {
		u.Tier, tier = "starter", Tiers["starter"]
	}
	key := newKey()
	now := s.Now().UTC()
	k := store.APIKey{ID: uuid.NewString(), TenantID: p.TenantID, UserID: p.UserID, Name: name,
		Prefix: key[:len(Prefix)+4], Hash: hash(key), Tier: u.Tier, CreatedAt: now}
	if tier.Lifetime > 0 {
		exp := now.Add(tier.Lifetime)
		k.ExpiresAt = &exp
	}
	if err := s.Store.CreateAPIKey(ctx, k); err != nil {
		return "", store.APIKey{}, err
	}
	return key, k, nil
}

// List returns the caller's keys (never their text).
func (s *Service) List(ctx context.Context, p auth.Principal) ([]store.APIKey, error) {
	return s.Store.APIKeys(ctx, p.TenantID, p.UserID)
}

// Revoke ends one of the caller's keys.
func (s *Service) Revoke(ctx context.Context, p auth.Principal, id string) error {
	if err := s.Store.RevokeAPIKey(ctx, p.TenantID, p.UserID, id, s.Now()); err != nil {
		return err
	}
	s.Forget() // the hash is not known here; keys re-verify in a query
	return nil
}

// Forget drops the cache of verified keys (a user was suspended or changed
// role; auth.Service calls it with its own cache).
func (s *Service) Forget() { s.verified.Purge() }

// Verify authenticates a request's key (auth.Service calls it for tokens
// that start with Prefix).
func (s *Service) Verify(ctx context.Context, key string) (auth.Principal, error) {
	h := hash(key)
	v, ok := s.verified.Get(h)
	if !ok {
		k, err := s.Store.APIKeyByHash(ctx, h)
		if errors.Is(err, store.ErrNotFound) {
			return auth.Principal{}, &auth.TokenError{Reason: "unknown API key"}
		}
		if err != nil {
			return auth.Principal{}, err
		}
		u, err := s.Users.User(ctx, k.TenantID, k.UserID)
		if errors.Is(err, store.ErrNotFound) {
			return auth.Principal{}, &auth.TokenError{Reason: "API key's user no longer exists"}
		}
		if err != nil {
			return auth.Principal{}, err
		}
		s.Store.TouchAPIKey(ctx, k.ID, s.Now()) // at most every 30 s per key, thanks to the cache
		v = verifiedKey{k, u}
		s.verified.Add(h, v)
	}
	k, u, now := v.key, v.user, s.Now()
	switch {
	case k.RevokedAt != nil:
		return auth.Principal{}, &auth.TokenError{Reason: "API key has been revoked"}
	case k.ExpiresAt != nil && now.After(*k.ExpiresAt):
		return auth.Principal{}, &auth.TokenError{Reason: "API key has expired; create a new one"}
	case u.Status != store.StatusActive:
		return auth.Principal{}, &auth.TokenError{Reason: "account is not active"}
	}
	exp := now.Add(24 * time.Hour)
	if k.ExpiresAt != nil && k.ExpiresAt.Before(exp) {
		exp = *k.ExpiresAt
	}
	return auth.Principal{UserID: u.ID, TenantID: u.TenantID, Role: u.Role, TenantRole: u.TenantRole,
		TokenID: k.ID, ExpiresAt: exp, Method: "api_key", KeyTier: k.Tier}, nil
}

// Allowance is what is left of a key's requests.
type Allowance struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Time
}

// Take counts one request of the key that authenticated p against its
// tier's per-minute and 30-day allowances, and reports the tighter one.
func (s *Service) Take(ctx context.Context, p auth.Principal) (Allowance, error) {
	tier, ok := Tiers[p.KeyTier]
	if !ok {
		tier = Tiers["starter"]
	}
	now := s.Now()
	type window struct {
		length time.Duration
		limit  int
	}
	out := Allowance{Allowed: true, Remaining: -1}
	for _, w := range []window{{time.Minute, tier.PerMinute}, {30 * 24 * time.Hour, tier.Per30Days}} {
		if w.limit == 0 {
			continue
		}
		n := now.UnixNano() / int64(w.length)
		reset := time.Unix(0, (n+1)*int64(w.length))
		used, err := s.Counter.Incr(ctx, fmt.Sprintf("apikey:%s:%d:%d", p.TokenID, w.length/time.Second, n), time.Until(reset)+time.Minute)
		if err != nil {
			return Allowance{}, fmt.Errorf("count API key requests: %w", err)
		}
		left := max(w.limit-used, 0)
		if out.Remaining < 0 || left < out.Remaining || used > w.limit {
			out.Limit, out.Remaining, out.Reset = w.limit, left, reset
		}
		if used > w.limit {
			out.Allowed = false
			break
		}
	}
	return out, nil
}
