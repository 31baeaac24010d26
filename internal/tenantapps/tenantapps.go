// Package tenantapps lets a tenant bring its own application at each
// fitness vendor (client id and secret, redirect URI, scopes). The secret is
// sealed by the vault under the tenant's key, bound to tenant and provider.
// The connection manager asks Apps for a tenant's applications on every
// connection and data request; a tenant's own application wins over the
// server's PIERRE_<PROVIDER>_* one for that tenant's users.
package tenantapps

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/pierre-fitness/pierre/internal/connections"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// table names the sealed secret's row in its AAD.
const table = "tenant_oauth_apps"

// AAD binds a sealed client secret to its tenant and provider: a
// ciphertext copied to another tenant's or provider's row does not open.
func AAD(tenantID, provider string) []byte { return vault.AAD(tenantID, provider, table) }

// DefaultTTL is how long a tenant's applications are cached in process. A
// change made on another replica is seen after at most this long; changes
// made here are seen at once.
const DefaultTTL = 30 * time.Second

// Tenants finds a tenant (for a super administrator naming another tenant).
type Tenants interface {
	Tenant(ctx context.Context, id string) (store.Tenant, error)
}

// Options are the Service's dependencies.
type Options struct {
	Store   store.TenantOAuthApps
	Tenants Tenants
	Vault   connections.Sealer
	// Server are the server's applications, whose redirect URI and scopes
	// apply where a tenant's application sets none.
	Server connections.Apps
	TTL    time.Duration // 0: DefaultTTL
	Now    func() time.Time
	Log    *slog.Logger
}

// Service stores tenants' applications and resolves them for the
// connection manager.
type Service struct {
	o     Options
	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	apps connections.Apps
	at   time.Time
}

// New returns a Service.
func New(o Options) *Service {
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{o: o, cache: map[string]cached{}}
}

// Apps returns the tenant's own applications by provider, with their
// secrets opened; it is connections.Options.TenantApps. Answers (also
// "none") are cached for the TTL: every data tool call asks.
func (s *Service) Apps(ctx context.Context, tenantID string) (connections.Apps, error) {
	now := s.o.Now()
	s.mu.Lock()
	c, ok := s.cache[tenantID]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.o.TTL {
		return c.apps, nil
	}
	rows, err := s.o.Store.TenantOAuthApps(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	apps := connections.Apps{}
	for _, r := range rows {
		secret, err := s.o.Vault.Open(ctx, tenantID, AAD(tenantID, r.Provider), r.ClientSecretSealed)
		if err != nil {
			// Fail closed: silently using the server's application instead
			// would connect the tenant's users to the wrong vendor account.
			return nil, fmt.Errorf("open the tenant's %s client secret: %w", r.Provider, err)
		}
		apps[r.Provider] = connections.App{Provider: r.Provider, ClientID: r.ClientID, ClientSecret: string(secret),
			RedirectURI: r.RedirectURI, Scopes: strings.Fields(r.Scopes)}
	}
	s.mu.Lock()
	if len(s.cache) >= 10_000 {
		for k, v := range s.cache {
			if now.Sub(v.at) >= s.o.TTL {
				delete(s.cache, k)
			}
		}
	}
	s.cache[tenantID] = cached{apps: apps, at: now}
	s.mu.Unlock()
	return apps, nil
}

func (s *Service) forget(tenantID string) {
	s.mu.Lock()
	delete(s.cache, tenantID)
	s.mu.Unlock()
}

// InputError is a rejected field of an application.
type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return e.Field + " " + e.Reason }

// Input is an application as a tenant administrator sends it.
type Input struct {
	// Provider, when sent, must match the path.
	Provider string `json:"provider,omitempty"`
	ClientID string `json:"client_id"`
	// ClientSecret nil keeps the stored secret (same client id only).
	ClientSecret *string  `json:"client_secret"`
	RedirectURI  string   `json:"redirect_uri"`
	Scopes       []string `json:"scopes"`
}

// View is an application as shown to administrators: never the secret.
type View struct {
	Provider        string `json:"provider"`
	ClientID        string `json:"client_id"`
	HasClientSecret bool   `json:"has_client_secret"`
	// RedirectURI and Scopes are the ones in effect (the server's where
	// the tenant set none); the *Default flags say which.
	RedirectURI        string    `json:"redirect_uri"`
	RedirectURIDefault bool      `json:"redirect_uri_is_default"`
	Scopes             []string  `json:"scopes"`
	ScopesDefault      bool      `json:"scopes_are_default"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
}

func (s *Service) view(r store.TenantOAuthApp) View {
	v := View{Provider: r.Provider, ClientID: r.ClientID, HasClientSecret: len(r.ClientSecretSealed) > 0,
		RedirectURI: r.RedirectURI, Scopes: strings.Fields(r.Scopes), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	server := s.o.Server[r.Provider]
	if v.RedirectURI == "" {
		v.RedirectURI, v.RedirectURIDefault = server.RedirectURI, true
	}
	if len(v.Scopes) == 0 {
		v.Scopes, v.ScopesDefault = server.Scopes, true
	}
	if v.Scopes == nil {
		v.Scopes = []string{}
	}
	return v
}

// List returns the tenant's applications by provider name.
func (s *Service) List(ctx context.Context, tenantID string) ([]View, error) {
	rows, err := s.o.Store.TenantOAuthApps(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(rows))
	for _, r := range rows {
		out = append(out, s.view(r))
	}
	return out, nil
}

// Providers lists the vendors a tenant can bring an application for.
func Providers() []string {
	var names []string
	for n := range connections.Vendors {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Put validates in and stores it as the tenant's application at provider,
// sealing the secret. It reports whether the application is new.
func (s *Service) Put(ctx context.Context, tenantID, provider string, in Input) (View, bool, error) {
	if _, ok := connections.Vendors[provider]; !ok {
		return View{}, false, &InputError{"provider", fmt.Sprintf("%q is not a vendor Pierre connects to; one of: %s",
			truncate(provider, 40), strings.Join(Providers(), ", "))}
	}
	if in.Provider != "" && in.Provider != provider {
		return View{}, false, &InputError{"provider", fmt.Sprintf("is %q in the body but %q in the path", truncate(in.Provider, 40), provider)}
	}
	a, err := validate(provider, in)
	if err != nil {
		return View{}, false, err
	}
	now := s.o.Now()
	a.TenantID, a.CreatedAt, a.UpdatedAt = tenantID, now, now
	if in.ClientSecret != nil {
		if a.ClientSecretSealed, err = s.o.Vault.Seal(ctx, tenantID, AAD(tenantID, provider), []byte(*in.ClientSecret)); err != nil {
			return View{}, false, fmt.Errorf("seal the %s client secret: %w", provider, err)
		}
	} else {
		old, err := s.o.Store.TenantOAuthApp(ctx, tenantID, provider)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return View{}, false, &InputError{"client_secret", "is required for a new application"}
		case err != nil:
			return View{}, false, err
		case old.ClientID != a.ClientID:
			return View{}, false, &InputError{"client_secret", "is required when client_id changes"}
		}
		a.ClientSecretSealed = old.ClientSecretSealed
	}
	created, err := s.o.Store.PutTenantOAuthApp(ctx, a)
	if err != nil {
		return View{}, false, err
	}
	s.forget(tenantID)
	stored, err := s.o.Store.TenantOAuthApp(ctx, tenantID, provider)
	if err != nil {
		return View{}, false, err
	}
	return s.view(stored), created, nil
}

// Delete removes the tenant's application at provider (store.ErrNotFound
// if it has none); its users fall back to the server's application.
func (s *Service) Delete(ctx context.Context, tenantID, provider string) error {
	if err := s.o.Store.DeleteTenantOAuthApp(ctx, tenantID, provider); err != nil {
		return err
	}
	s.forget(tenantID)
	return nil
}

// validate checks everything but the provider and returns the record
// without tenant, times and sealed secret.
func validate(provider string, in Input) (store.TenantOAuthApp, error) {
	a := store.TenantOAuthApp{Provider: provider, ClientID: strings.TrimSpace(in.ClientID)}
	if a.ClientID == "" {
		return a, &InputError{"client_id", "is required"}
	}
	if err := token("client_id", a.ClientID, 256); err != nil {
		return a, err
	}
	if in.ClientSecret != nil {
		if strings.TrimSpace(*in.ClientSecret) == "" {
			return a, &InputError{"client_secret", "must not be empty (omit it to keep the stored secret)"}
		}
		if err := token("client_secret", *in.ClientSecret, 1024); err != nil {
			return a, err
		}
	}
	if in.RedirectURI != "" {
		if err := redirectURI(in.RedirectURI); err != nil {
			return a, err
		}
		a.RedirectURI = in.RedirectURI
	}
	if len(in.Scopes) > 50 {
		return a, &InputError{"scopes", "has more than 50 entries"}
	}
	for i, sc := range in.Scopes {
		field := fmt.Sprintf("scopes[%d]", i)
		if sc == "" {
			return a, &InputError{field, "is empty"}
		}
		if strings.ContainsAny(sc, ", ") {
			return a, &InputError{field, "must be one scope (no spaces or commas); Pierre joins them as the vendor wants"}
		}
		if err := token(field, sc, 200); err != nil {
			return a, err
		}
	}
	a.Scopes = strings.Join(in.Scopes, " ")
	return a, nil
}

// token checks a credential-like value: bounded, printable, no whitespace.
func token(field, v string, max int) error {
	if len(v) > max {
		return &InputError{field, fmt.Sprintf("is longer than %d characters", max)}
	}
	for _, r := range v {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return &InputError{field, "must not contain spaces or control characters"}
		}
	}
	return nil
}

// redirectURI accepts an absolute https URL, or http on a loopback host
// (RFC 8252 §7.3: local development), without user info or fragment.
func redirectURI(raw string) error {
	const field = "redirect_uri"
	if len(raw) > 2048 {
		return &InputError{field, "is longer than 2048 characters"}
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return &InputError{field, "must be an absolute URL such as https://pierre.example.com/api/oauth/callback/<provider>"}
	}
	if u.User != nil || u.Fragment != "" || strings.Contains(raw, "#") {
		return &InputError{field, "must not contain user info or a fragment"}
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || isLoopback(h) {
			return nil
		}
		return &InputError{field, "must use https (plain http only on localhost, 127.0.0.1 or [::1])"}
	}
	return &InputError{field, "must use https"}
}

func isLoopback(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
