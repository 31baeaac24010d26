package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/pierre-fitness/pierre/internal/broadcast"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Errors the HTTP layer maps to responses.
var (
	// ErrInvalidCredentials covers unknown e-mail and wrong password alike,
	// so the answer never reveals which e-mails exist.
	ErrInvalidCredentials = errors.New("e-mail or password is incorrect")
	ErrAccountPending     = errors.New("account is awaiting approval by an administrator")
	ErrAccountSuspended   = errors.New("account is suspended")
	ErrAdminExists        = errors.New("the server already has an administrator")
	ErrInvalidRefresh     = errors.New("refresh token is invalid, expired or already used")
	ErrUnknownTenant      = errors.New("unknown tenant")
)

// InputError names the request field that is wrong.
type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

// DefaultTenantSlug is the tenant that admin setup and open registration use.
const DefaultTenantSlug = "default"

// Tokens is what a successful login or refresh returns.
type Tokens struct {
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type"`
	ExpiresAt        time.Time `json:"expires_at"`
	RefreshToken     string    `json:"refresh_token,omitempty"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at,omitzero"`
}

// Repos is the persistence the service needs.
type Repos interface {
	store.Tenants
	store.Users
	store.Sessions
}

// Service manages accounts, sessions and request authentication.
type Service struct {
	repos      Repos
	signer     *Signer
	accessTTL  time.Duration
	refreshTTL time.Duration
	log        *slog.Logger

	// principals caches verified tokens so the RSA check and the user
	// lookup run once per token per minute, not once per request.
	principals *expirable.LRU[string, Principal]
	apiKeys    func(ctx context.Context, key string) (Principal, error)
	forgetKeys func() // drops the API-key verifier's cache
	revokedMu  sync.RWMutex
	revoked    map[string]time.Time // jti → expiry

	// bus tells other replicas about revocations at once; the periodic
	// sync is the safety net when a message is missed.
	bus broadcast.Bus

	// hashSlots bounds concurrent Argon2id computations (19 MiB each).
	hashSlots chan struct{}
	dummyHash string
}

// principalTTL bounds how long a suspension or role change can take to
// reach an already-verified token.
const principalTTL = 30 * time.Second

// NewService returns the account service. accessTTL is JWT_EXPIRY_HOURS.
func NewService(repos Repos, signer *Signer, accessTTL time.Duration, log *slog.Logger) (*Service, error) {
	dummy, err := HashPassword(uuid.NewString())
	if err != nil {
		return nil, err
	}
	return &Service{
		repos: repos, signer: signer, accessTTL: accessTTL, refreshTTL: 30 * 24 * time.Hour, log: log,
		principals: expirable.NewLRU[string, Principal](50_000, nil, principalTTL),
		revoked:    map[string]time.Time{},
		hashSlots:  make(chan struct{}, max(2, runtime.GOMAXPROCS(0))),
		dummyHash:  dummy,
	}, nil
}

// Topics on the broadcast bus.
const (
	topicRevoked = "auth.revoked" // payload: jti
	topicForget  = "auth.forget"  // a user's status or role changed
)

// SetBus makes logouts and suspensions reach every replica immediately.
func (s *Service) SetBus(b broadcast.Bus) { s.bus = b }

func (s *Service) publish(ctx context.Context, topic string, msg []byte) {
	if s.bus == nil {
		return
	}
	if err := s.bus.Publish(ctx, topic, msg); err != nil {
		s.log.Warn("broadcast", "topic", topic, "err", err)
	}
}

// Signer returns the token signer.
func (s *Service) Signer() *Signer { return s.signer }

// AccessTTL is the lifetime of access tokens.
func (s *Service) AccessTTL() time.Duration { return s.accessTTL }

func (s *Service) hash(password string) (string, error) {
	s.hashSlots <- struct{}{}
	defer func() { <-s.hashSlots }()
	return HashPassword(password)
}

func (s *Service) verify(password, hash string) (bool, error) {
	s.hashSlots <- struct{}{}
	defer func() { <-s.hashSlots }()
	return VerifyPassword(password, hash)
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeEmail validates an e-mail address and lower-cases it.
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if e == "" {
		return "", &InputError{Field: "email", Reason: "is required"}
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || len(e) > 254 || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") && !strings.HasSuffix(e, "@localhost") {
		return "", &InputError{Field: "email", Reason: "is not a valid e-mail address"}
	}
	return e, nil
}

func checkDisplayName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 100 {
		return "", &InputError{Field: "display_name", Reason: "must be at most 100 characters"}
	}
	return name, nil
}

func checkPassword(password, email string) error {
	if password == "" {
		return &InputError{Field: "password", Reason: "is required"}
	}
	if err := CheckPasswordPolicy(password, email); err != nil {
		return &InputError{Field: "password", Reason: err.Error()}
	}
	return nil
}

// defaultTenant returns the default tenant, creating it on first use.
func (s *Service) defaultTenant(ctx context.Context) (store.Tenant, error) {
	t, err := s.repos.TenantBySlug(ctx, DefaultTenantSlug)
	if err == nil {
		return t, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return t, err
	}
	now := time.Now().UTC()
	t = store.Tenant{ID: uuid.NewString(), Name: "Default", Slug: DefaultTenantSlug, Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now}
	if err := s.repos.CreateTenant(ctx, t); err != nil && !errors.Is(err, store.ErrConflict) {
		return t, err
	}
	return s.repos.TenantBySlug(ctx, DefaultTenantSlug)
}

// SetupAdmin creates the first administrator (a super admin owning the
// default tenant). It works once; afterwards it returns ErrAdminExists.
func (s *Service) SetupAdmin(ctx context.Context, email, password, displayName string) (store.User, Tokens, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return store.User{}, Tokens{}, err
	}
	if err := checkPassword(password, email); err != nil {
		return store.User{}, Tokens{}, err
	}
	if displayName, err = checkDisplayName(displayName); err != nil {
		return store.User{}, Tokens{}, err
	}
	if exists, err := s.repos.AdminExists(ctx); err != nil {
		return store.User{}, Tokens{}, err
	} else if exists {
		return store.User{}, Tokens{}, ErrAdminExists
	}
	hash, err := s.hash(password)
	if err != nil {
		return store.User{}, Tokens{}, err
	}
	now := time.Now().UTC()
	t, err := s.repos.TenantBySlug(ctx, DefaultTenantSlug)
	if errors.Is(err, store.ErrNotFound) {
		t = store.Tenant{ID: uuid.NewString(), Name: "Default", Slug: DefaultTenantSlug, Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now}
	} else if err != nil {
		return store.User{}, Tokens{}, err
	}
	u := store.User{ID: uuid.NewString(), TenantID: t.ID, Email: email, DisplayName: displayName, PasswordHash: hash,
		Role: store.RoleSuperAdmin, TenantRole: store.TenantOwner, Status: store.StatusActive, Tier: "enterprise",
		ApprovedAt: &now, CreatedAt: now, UpdatedAt: now}
	if err := s.repos.CreateFirstAdmin(ctx, t, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return store.User{}, Tokens{}, ErrAdminExists
		}
		return store.User{}, Tokens{}, fmt.Errorf("create first admin: %w", err)
	}
	tokens, err := s.startSession(ctx, u)
	return u, tokens, err
}

// Register creates a pending account in the tenant named by slug (the
// default tenant when empty). created is false when the e-mail was already
// registered; callers must answer exactly as when it is true, so that
// registration does not reveal which e-mails exist.
func (s *Service) Register(ctx context.Context, email, password, displayName, tenantSlug string) (created bool, err error) {
	if email, err = NormalizeEmail(email); err != nil {
		return false, err
	}
	if err := checkPassword(password, email); err != nil {
		return false, err
	}
	if displayName, err = checkDisplayName(displayName); err != nil {
		return false, err
	}
	var t store.Tenant
	if tenantSlug == "" {
		t, err = s.defaultTenant(ctx)
	} else if !slugRE.MatchString(tenantSlug) {
		return false, &InputError{Field: "tenant", Reason: "must be a tenant slug (lower-case letters, digits and hyphens)"}
	} else {
		t, err = s.repos.TenantBySlug(ctx, tenantSlug)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !t.Active) {
			return false, &InputError{Field: "tenant", Reason: "no such tenant accepts registrations"}
		}
	}
	if err != nil {
		return false, err
	}
	hash, err := s.hash(password) // also for taken e-mails, so timing does not tell
	if err != nil {
		return false, err
	}
	now := time.Now().UTC()
	u := store.User{ID: uuid.NewString(), TenantID: t.ID, Email: email, DisplayName: displayName, PasswordHash: hash,
		Role: store.RoleUser, TenantRole: store.TenantMember, Status: store.StatusPending, Tier: "trial",
		CreatedAt: now, UpdatedAt: now}
	if err := s.repos.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// CreateUser creates an account directly (admin CLI, demo seeding), active
// and approved.
func (s *Service) CreateUser(ctx context.Context, tenantID, email, password, displayName string, role store.Role, tenantRole store.TenantRole) (store.User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return store.User{}, err
	}
	if err := checkPassword(password, email); err != nil {
		return store.User{}, err
	}
	hash, err := s.hash(password)
	if err != nil {
		return store.User{}, err
	}
	now := time.Now().UTC()
	u := store.User{ID: uuid.NewString(), TenantID: tenantID, Email: email, DisplayName: strings.TrimSpace(displayName),
		PasswordHash: hash, Role: role, TenantRole: tenantRole, Status: store.StatusActive, Tier: "starter",
		ApprovedAt: &now, CreatedAt: now, UpdatedAt: now}
	if err := s.repos.CreateUser(ctx, u); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// Login checks the password and starts a session.
func (s *Service) Login(ctx context.Context, email, password string) (store.User, Tokens, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return store.User{}, Tokens{}, err
	}
	if password == "" {
		return store.User{}, Tokens{}, &InputError{Field: "password", Reason: "is required"}
	}
	if len(password) > 4*MaxPasswordLength {
		// Refuse absurd inputs before spending a hash on them.
		return store.User{}, Tokens{}, ErrInvalidCredentials
	}
	u, err := s.repos.UserByEmail(ctx, norm)
	if errors.Is(err, store.ErrNotFound) {
		s.verify(password, s.dummyHash) // same cost as a real check
		return store.User{}, Tokens{}, ErrInvalidCredentials
	}
	if err != nil {
		return store.User{}, Tokens{}, err
	}
	ok, err := s.verify(password, u.PasswordHash)
	if err != nil {
		return store.User{}, Tokens{}, fmt.Errorf("verify password of user %s: %w", u.ID, err)
	}
	if !ok {
		return store.User{}, Tokens{}, ErrInvalidCredentials
	}
	switch u.Status {
	case store.StatusPending:
		return u, Tokens{}, ErrAccountPending
	case store.StatusSuspended:
		return u, Tokens{}, ErrAccountSuspended
	}
	tokens, err := s.startSession(ctx, u)
	if err != nil {
		return u, Tokens{}, err
	}
	if err := s.repos.TouchUser(ctx, u.TenantID, u.ID, time.Now()); err != nil {
		s.log.Warn("record last login", "user_id", u.ID, "err", err)
	}
	return u, tokens, nil
}

func (s *Service) startSession(ctx context.Context, u store.User) (Tokens, error) {
	refresh, hash := newRefreshToken()
	now := time.Now().UTC()
	se := store.Session{ID: uuid.NewString(), TenantID: u.TenantID, UserID: u.ID, RefreshHash: hash,
		CreatedAt: now, ExpiresAt: now.Add(s.refreshTTL)}
	if err := s.repos.CreateSession(ctx, se); err != nil {
		return Tokens{}, err
	}
	access, claims, err := s.signer.Sign(Claims{TenantID: u.TenantID, Role: string(u.Role), SessionID: se.ID,
		RegisteredClaims: subject(u.ID)}, s.accessTTL)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, TokenType: "Bearer", ExpiresAt: claims.ExpiresAt.Time,
		RefreshToken: refresh, RefreshExpiresAt: se.ExpiresAt}, nil
}

// IssueAccessToken mints an access token without a session, for tokens
// printed by the CLI (demo, admin create).
func (s *Service) IssueAccessToken(u store.User, ttl time.Duration) (Tokens, error) {
	access, claims, err := s.signer.Sign(Claims{TenantID: u.TenantID, Role: string(u.Role), RegisteredClaims: subject(u.ID)}, ttl)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, TokenType: "Bearer", ExpiresAt: claims.ExpiresAt.Time}, nil
}

// Refresh exchanges a refresh token for new tokens, rotating it. A token
// that was already rotated revokes its whole session: someone else has it.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	if refreshToken == "" {
		return Tokens{}, &InputError{Field: "refresh_token", Reason: "is required"}
	}
	oldHash := hashToken(refreshToken)
	next, newHash := newRefreshToken()
	now := time.Now().UTC()
	se, err := s.repos.RotateSession(ctx, oldHash, newHash, now)
	if errors.Is(err, store.ErrNotFound) {
		if reused, rerr := s.repos.RevokeReusedSession(ctx, oldHash, now); rerr == nil && reused {
			s.log.Warn("refresh token reused; session revoked")
		}
		return Tokens{}, ErrInvalidRefresh
	}
	if err != nil {
		return Tokens{}, err
	}
	u, err := s.repos.User(ctx, se.TenantID, se.UserID)
	if err != nil {
		return Tokens{}, ErrInvalidRefresh
	}
	if u.Status != store.StatusActive {
		s.repos.RevokeSession(ctx, se.TenantID, se.ID, now)
		return Tokens{}, ErrAccountSuspended
	}
	access, claims, err := s.signer.Sign(Claims{TenantID: u.TenantID, Role: string(u.Role), SessionID: se.ID,
		RegisteredClaims: subject(u.ID)}, s.accessTTL)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, TokenType: "Bearer", ExpiresAt: claims.ExpiresAt.Time,
		RefreshToken: next, RefreshExpiresAt: se.ExpiresAt}, nil
}

// Logout revokes the principal's access token and its session.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	if p.TokenID != "" {
		if err := s.repos.RevokeToken(ctx, p.TokenID, p.ExpiresAt); err != nil {
			return err
		}
		s.revokedMu.Lock()
		s.revoked[p.TokenID] = p.ExpiresAt
		s.revokedMu.Unlock()
		s.publish(ctx, topicRevoked, []byte(p.TokenID))
	}
	if p.SessionID != "" {
		return s.repos.RevokeSession(ctx, p.TenantID, p.SessionID, time.Now())
	}
	return nil
}

// Authenticate turns a bearer token into the principal it acts for.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if strings.HasPrefix(token, APIKeyPrefix) {
		if s.apiKeys == nil {
			return Principal{}, &TokenError{Reason: "API keys are not accepted by this server"}
		}
		return s.apiKeys(ctx, token)
	}
	if p, ok := s.principals.Get(token); ok {
		if time.Now().After(p.ExpiresAt.Add(leeway)) {
			s.principals.Remove(token)
			return Principal{}, fmt.Errorf("%w: %w", &TokenError{Reason: "token has expired"}, ErrTokenExpired)
		}
		if s.isRevoked(p.TokenID) {
			return Principal{}, &TokenError{Reason: "token has been revoked"}
		}
		return p, nil
	}
	c, err := s.signer.Verify(token)
	if err != nil {
		return Principal{}, err
	}
	if s.isRevoked(c.ID) {
		return Principal{}, &TokenError{Reason: "token has been revoked"}
	}
	u, err := s.repos.User(ctx, c.TenantID, c.Subject)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, &TokenError{Reason: "token's user no longer exists"}
	}
	if err != nil {
		return Principal{}, err
	}
	if u.Status != store.StatusActive {
		return Principal{}, &TokenError{Reason: "account is not active"}
	}
	p := Principal{UserID: u.ID, TenantID: u.TenantID, Role: u.Role, TenantRole: u.TenantRole,
		Scopes: c.Scopes(), ClientID: c.ClientID, TokenID: c.ID, SessionID: c.SessionID,
		ExpiresAt: c.ExpiresAt.Time, Method: "jwt"}
	s.principals.Add(token, p)
	return p, nil
}

// APIKeyPrefix starts every API key; such a token is checked by the
// verifier given to SetAPIKeys rather than as a JWT.
const APIKeyPrefix = "pk_live_"

// SetAPIKeys plugs in API-key verification; forget drops whatever the
// verifier caches, and runs whenever cached JWT principals are dropped (a
// suspension or role change), here and, through the bus, on every replica.
func (s *Service) SetAPIKeys(verify func(ctx context.Context, key string) (Principal, error), forget func()) {
	s.apiKeys, s.forgetKeys = verify, forget
}

// ForgetPrincipals drops cached verifications, so a suspension or role
// change applies at once on this replica.
func (s *Service) ForgetPrincipals() {
	s.principals.Purge()
	if s.forgetKeys != nil {
		s.forgetKeys()
	}
}

func (s *Service) isRevoked(jti string) bool {
	s.revokedMu.RLock()
	_, ok := s.revoked[jti]
	s.revokedMu.RUnlock()
	return ok
}

// SyncRevocations reloads the revoked-token list from the database, picking
// up logouts made on other replicas.
func (s *Service) SyncRevocations(ctx context.Context) error {
	m, err := s.repos.RevokedTokens(ctx, time.Now())
	if err != nil {
		return err
	}
	s.revokedMu.Lock()
	s.revoked = m
	s.revokedMu.Unlock()
	return nil
}

// Run keeps revocations in sync until ctx ends: it listens on the bus and
// reloads the list from the database every interval.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	if s.bus != nil {
		err := s.bus.Subscribe(ctx, topicRevoked, func(jti []byte) {
			s.revokedMu.Lock()
			// The expiry is unknown here; the next sync replaces the map
			// with the database's list, which has it.
			s.revoked[string(jti)] = time.Now().Add(s.accessTTL)
			s.revokedMu.Unlock()
		})
		if err == nil {
			err = s.bus.Subscribe(ctx, topicForget, func([]byte) { s.ForgetPrincipals() })
		}
		if err != nil {
			s.log.Warn("subscribe to auth broadcasts; relying on periodic sync", "err", err)
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.SyncRevocations(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("sync revoked tokens", "err", err)
			}
		}
	}
}

// SetUserStatus approves or suspends a user of tenantID (the admin's own
// tenant, or any tenant for a super admin; the caller checks which).
func (s *Service) SetUserStatus(ctx context.Context, admin Principal, tenantID, userID string, st store.Status) (store.User, error) {
	if _, err := uuid.Parse(userID); err != nil {
		return store.User{}, store.ErrNotFound
	}
	u, err := s.repos.SetUserStatus(ctx, tenantID, userID, st, admin.UserID, time.Now().UTC())
	if err != nil {
		return u, err
	}
	if st != store.StatusActive {
		s.ForgetPrincipals()
		s.publish(ctx, topicForget, []byte(u.ID))
	}
	return u, nil
}

// SetUserRole makes a user of tenantID an admin of it, or a normal user.
// Super admin is never granted through the API.
func (s *Service) SetUserRole(ctx context.Context, tenantID, userID string, r store.Role) (store.User, error) {
	if _, err := uuid.Parse(userID); err != nil {
		return store.User{}, store.ErrNotFound
	}
	tr := store.TenantMember
	switch r {
	case store.RoleAdmin:
		tr = store.TenantAdmin
	case store.RoleUser:
	default:
		return store.User{}, &InputError{Field: "role", Reason: "must be admin or user"}
	}
	u, err := s.repos.SetUserRole(ctx, tenantID, userID, r, tr)
	if err == nil {
		s.ForgetPrincipals()
		s.publish(ctx, topicForget, []byte(u.ID))
	}
	return u, err
}

func subject(id string) (rc jwtRegistered) { rc.Subject = id; return rc }

func newRefreshToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = "prt_" + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}
