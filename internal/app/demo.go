package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Demo account identity.
const (
	DemoTenantSlug = "demo"
	DemoEmail      = "demo@pierre.local"
	demoPWFile     = "demo-password"
	LocalTenant    = "local"
	LocalEmail     = "local@pierre.local"
)

// Demo is the seeded demo account and a ready token for it.
type Demo struct {
	Email    string
	Password string
	User     store.User
	Token    auth.Tokens
}

// ensureTenant returns the tenant with slug, creating it if needed.
func (a *App) ensureTenant(ctx context.Context, slug, name string) (store.Tenant, error) {
	t, err := a.Store.TenantBySlug(ctx, slug)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return t, err
	}
	now := time.Now().UTC()
	t = store.Tenant{ID: uuid.NewString(), Name: name, Slug: slug, Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateTenant(ctx, t); err != nil && !errors.Is(err, store.ErrConflict) {
		return t, err
	}
	return a.Store.TenantBySlug(ctx, slug)
}

// ensureUser returns the active user with email in tenant t, creating it
// with password if absent. reset makes the password match when it exists.
func (a *App) ensureUser(ctx context.Context, t store.Tenant, email, password, name string, reset bool) (store.User, error) {
	u, err := a.Store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return a.Auth.CreateUser(ctx, t.ID, email, password, name, store.RoleUser, store.TenantMember)
	}
	if err != nil {
		return u, err
	}
	if u.TenantID != t.ID {
		return u, fmt.Errorf("%s already belongs to another tenant", email)
	}
	if reset {
		hash, err := auth.HashPassword(password)
		if err != nil {
			return u, err
		}
		if err := a.Store.SetPasswordHash(ctx, u.TenantID, u.ID, hash); err != nil {
			return u, err
		}
	}
	if u.Status != store.StatusActive {
		return a.Store.SetUserStatus(ctx, u.TenantID, u.ID, store.StatusActive, "", time.Now().UTC())
	}
	return u, nil
}

// EnsureDemo seeds the demo tenant and athlete (a normal user on the
// synthetic provider). The password is generated once and kept in the data
// directory so the printed login keeps working across restarts.
func (a *App) EnsureDemo(ctx context.Context) (Demo, error) {
	if a.Config.IsProduction() {
		return Demo{}, errors.New("demo seeding is disabled in production")
	}
	t, err := a.ensureTenant(ctx, DemoTenantSlug, "Demo Club")
	if err != nil {
		return Demo{}, fmt.Errorf("demo tenant: %w", err)
	}
	pwPath := filepath.Join(a.Config.DataDir, demoPWFile)
	pw, readErr := os.ReadFile(pwPath)
	password := strings.TrimSpace(string(pw))
	fresh := readErr != nil || len(password) < auth.MinPasswordLength
	if fresh {
		password = randomPassword()
		if err := os.MkdirAll(a.Config.DataDir, 0o700); err != nil {
			return Demo{}, err
		}
		if err := os.WriteFile(pwPath, []byte(password+"\n"), 0o600); err != nil {
			return Demo{}, fmt.Errorf("save demo password: %w", err)
		}
	}
	u, err := a.ensureUser(ctx, t, DemoEmail, password, "Demo Athlete", fresh)
	if err != nil {
		return Demo{}, fmt.Errorf("demo athlete: %w", err)
	}
	tok, err := a.Auth.IssueAccessToken(u, a.Config.JWTExpiry)
	if err != nil {
		return Demo{}, err
	}
	return Demo{Email: DemoEmail, Password: password, User: u, Token: tok}, nil
}

// LocalPrincipal returns the principal of the single-user stdio mode:
// the user named by PIERRE_STDIO_USER, else a dedicated local account.
func (a *App) LocalPrincipal(ctx context.Context) (auth.Principal, error) {
	var u store.User
	var err error
	if email, ok := a.Config.Lookup("PIERRE_STDIO_USER"); ok && email != "" {
		u, err = a.Store.UserByEmail(ctx, email)
		if errors.Is(err, store.ErrNotFound) {
			return auth.Principal{}, fmt.Errorf("PIERRE_STDIO_USER %q does not exist on this database", email)
		}
		if err == nil && u.Status != store.StatusActive {
			return auth.Principal{}, fmt.Errorf("PIERRE_STDIO_USER %q is %s", email, u.Status)
		}
	} else {
		var t store.Tenant
		if t, err = a.ensureTenant(ctx, LocalTenant, "Local"); err == nil {
			u, err = a.ensureUser(ctx, t, LocalEmail, randomPassword(), "Local Athlete", false)
		}
	}
	if err != nil {
		return auth.Principal{}, err
	}
	return auth.Principal{UserID: u.ID, TenantID: u.TenantID, Role: u.Role, TenantRole: u.TenantRole,
		Method: "local", ExpiresAt: time.Now().Add(100 * 365 * 24 * time.Hour)}, nil
}

func randomPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
