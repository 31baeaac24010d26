// Package app assembles Pierre from its parts: configuration, store,
// vault, auth, providers, tools and transports. Binaries call New and then
// Serve (HTTP) or ServeStdio.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/redis/go-redis/v9"

	"github.com/pierre-fitness/pierre/internal/apikeys"
	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/connections"
	"github.com/pierre-fitness/pierre/internal/datasync"
	"github.com/pierre-fitness/pierre/internal/fooddata"
	"github.com/pierre-fitness/pierre/internal/httpapi"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/mcpserver"
	"github.com/pierre-fitness/pierre/internal/notify"
	"github.com/pierre-fitness/pierre/internal/oauth2server"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/synthetic"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/tools/analysistools"
	"github.com/pierre-fitness/pierre/internal/tools/configtools"
	"github.com/pierre-fitness/pierre/internal/tools/fitnesstools"
	"github.com/pierre-fitness/pierre/internal/tools/nutritiontools"
	"github.com/pierre-fitness/pierre/internal/toon"
	"github.com/pierre-fitness/pierre/internal/usersettings"
	"github.com/pierre-fitness/pierre/internal/vault"
	"github.com/pierre-fitness/pierre/internal/version"
	"github.com/pierre-fitness/pierre/internal/webhooks"
)

// App is an assembled server.
type App struct {
	Config    *config.Config
	Log       *slog.Logger
	Store     *sqlstore.Store
	Vault     *vault.Vault
	Keys      *auth.KeySet
	Auth      *auth.Service
	APIKeys   *apikeys.Service
	Providers *provider.Registry
	Data      *athletedata.Service
	Tools     *tools.Registry
	MCP       *mcp.Server
	HTTP      *httpapi.Server
	// Redis is nil unless REDIS_URL is set.
	Redis *redis.Client
	// Settings gives each user's algorithm choices and overrides.
	Settings usersettings.Reader
	// Connections links users to providers; Notify streams their events.
	Connections *connections.Manager
	Notify      *notify.Hub
	// Syncer copies users' provider data into the store; StravaWebhook
	// receives Strava's push events for it.
	Syncer        *datasync.Syncer
	StravaWebhook *webhooks.Strava
	FitbitWebhook *webhooks.Fitbit
	GarminWebhook *webhooks.Garmin
	// background bounds work that outlives a request (syncs); Close ends it.
	background     context.Context
	stopBackground context.CancelFunc
}

// Options adjust assembly, mostly for tests.
type Options struct {
	// Synthetic overrides the synthetic provider's options (clock, scenarios).
	Synthetic *synthetic.Options
}

// New assembles the server. The caller must Close it.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, opts Options) (*App, error) {
	a := &App{Config: cfg, Log: log}
	a.background, a.stopBackground = context.WithCancel(context.Background())
	mek := cfg.MasterKey
	if mek == nil {
		if cfg.IsProduction() {
			return nil, errors.New("PIERRE_MASTER_ENCRYPTION_KEY is required in production")
		}
		key, path, created, err := vault.LoadOrCreateDevKey(cfg.DataDir)
		if err != nil {
			return nil, fmt.Errorf("development master key: %w", err)
		}
		if created {
			log.Warn("generated a development master encryption key; set PIERRE_MASTER_ENCRYPTION_KEY in production and keep it safe",
				"path", path)
		}
		mek = key
	}
	st, err := sqlstore.Open(ctx, cfg.Database, log)
	if err != nil {
		return nil, err
	}
	a.Store = st
	if cfg.RedisURL != "" {
		if a.Redis, err = connectRedis(ctx, cfg.RedisURL); err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := a.assemble(ctx, mek, opts); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) assemble(ctx context.Context, mek []byte, opts Options) error {
	cfg, log := a.Config, a.Log
	// Invalid PIERRE_*_ALGORITHM values stop the server with the variable
	// and the allowed values named.
	algos, err := intelligence.AlgorithmsFromEnv(cfg.Lookup)
	if err != nil {
		return err
	}
	// Each user's stored configuration on top of the env defaults.
	a.Settings = usersettings.Stored{Store: a.Store, Defaults: usersettings.Defaults{Algorithms: algos}}
	v, err := vault.New(mek, a.Store)
	if err != nil {
		return err
	}
	if err := v.Verify(ctx); err != nil {
		return err
	}
	a.Vault = v
	start := time.Now()
	if a.Keys, err = auth.LoadKeySet(ctx, a.Store, v, cfg.RSAKeySize); err != nil {
		return fmt.Errorf("signing keys: %w", err)
	}
	if d := time.Since(start); d > time.Second {
		log.Info("generated the JWT signing key", "bits", cfg.RSAKeySize, "took", d.Round(time.Millisecond))
	}
	signer := auth.NewSigner(a.Keys, cfg.BaseURL, cfg.MCPResourceURL())
	if a.Auth, err = auth.NewService(a.Store, signer, cfg.JWTExpiry, log); err != nil {
		return err
	}
	if err := a.Auth.SyncRevocations(ctx); err != nil {
		return fmt.Errorf("load revoked tokens: %w", err)
	}
	bus, limiter := sharedState(a.Redis)
	a.Auth.SetBus(bus)
	var keyCounter apikeys.Counter = apikeys.NewLocalCounter()
	if a.Redis != nil {
		keyCounter = apikeys.NewRedisCounter(a.Redis, "pierre:")
	}
	a.APIKeys = apikeys.New(a.Store, a.Store, keyCounter)
	a.Auth.SetAPIKeys(a.APIKeys.Verify, a.APIKeys.Forget)

	synOpts := synthetic.Options{}
	if opts.Synthetic != nil {
		synOpts = *opts.Synthetic
	}
	a.assembleConnections(bus, synthetic.New(synOpts))
	tenantApps := a.assembleTenantApps()
	// "Today" for syncs, analyses and "recent" training in nutrition is the
	// clock the synthetic data is generated with, so tests with a fixed
	// date see the same days.
	now := synOpts.Now
	if now == nil {
		now = time.Now
	}
	a.assembleSync(now)

	a.Tools = tools.NewRegistry(func(ctx context.Context, tool string, err error) {
		log.Error("tool failed", "tool", tool, "err", err)
	})
	// Tool answers treat an absent optional field and null alike, so lists
	// of activities with different fields still render as TOON tables.
	a.Tools.SetTOONEncoder(toon.FromJSONFilled)
	// Every answer says how fresh its data is and whether a sync runs.
	a.Tools.SetAnnotation("data_freshness", datasync.WithFreshness)
	var syncer fitnesstools.Syncer // stays nil (not a nil *Syncer) with PIERRE_SYNC=off
	if a.Syncer != nil {
		syncer = a.Syncer
	}
	fitnesstools.Register(a.Tools, a.Data, syncer)
	analysistools.Register(a.Tools, a.Data, a.Settings, analysistools.WithClock(now))
	nutritiontools.Register(a.Tools, nutritiontools.Deps{Data: a.Data, Settings: a.Settings,
		Foods: fooddata.FromEnv(), Recipes: a.Store, Now: now})
	a.registerConnectionTools()
	configtools.Register(a.Tools, a.Data, a.Store, a.Settings, configtools.WithClock(now))

	a.MCP = mcpserver.New(a.Tools, mcpserver.Options{Version: version.String(), Logger: log})
	var checks map[string]httpapi.Pinger
	if a.Redis != nil {
		checks = map[string]httpapi.Pinger{"redis": redisPinger{a.Redis}}
	}
	oauthSrv, err := oauth2server.New(a.Store, a.Auth, oauth2server.Config{BaseURL: cfg.BaseURL, Resource: cfg.MCPResourceURL(),
		AccessTTL: cfg.OAuthAccessTTL, RefreshTTL: cfg.OAuthRefreshTTL, CodeTTL: cfg.OAuthCodeTTL,
		Production: cfg.IsProduction(), Limiter: limiter, Log: log})
	if err != nil {
		return fmt.Errorf("oauth2 server: %w", err)
	}
	a.HTTP = httpapi.New(httpapi.Deps{
		Log: log, Version: version.String(), Production: cfg.IsProduction(),
		BaseURL: cfg.BaseURL, Resource: cfg.MCPResourceURL(), CORS: cfg.CORSAllowedOrigins,
		Driver: string(a.Store.Driver()), DB: a.Store, Auth: a.Auth, Users: a.Store, Tenants: a.Store,
		Tools: a.Tools, MCP: a.MCP, ProtectLocalhost: a.IsLocalBaseURL(), Limiter: limiter, Checks: checks,
		KeyLimit: func(ctx context.Context, p auth.Principal) (httpapi.KeyAllowance, error) {
			al, err := a.APIKeys.Take(ctx, p)
			return httpapi.KeyAllowance(al), err
		},
		Mount: func(mux *http.ServeMux, authn func(http.Handler) http.Handler) {
			oauthSrv.Mount(mux, authn)
			a.APIKeys.Mount(mux, authn)
			a.mountConnections(mux, authn)
			if a.Syncer != nil {
				mux.Handle("/api/webhooks/strava", a.StravaWebhook)
				mux.Handle("/api/webhooks/fitbit", a.FitbitWebhook)
				mux.Handle("/api/webhooks/garmin", a.GarminWebhook)
			}
			configtools.Mount(mux, authn, a.Store)
			tenantApps.Mount(mux, authn)
		},
	})
	return nil
}

// Close releases the store and the Redis connection.
func (a *App) Close() error {
	a.stopBackground()
	if a.Syncer != nil {
		a.StravaWebhook.Wait()
		a.FitbitWebhook.Wait()
		a.GarminWebhook.Wait()
		a.Syncer.Wait() // syncs save their place before the store closes
	}
	if a.Redis != nil {
		a.Redis.Close()
	}
	return a.Store.Close()
}

// Serve serves HTTP on ln until ctx is cancelled, then stops accepting,
// lets in-flight requests finish (up to ShutdownTimeout) and returns.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.HTTP,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	go a.Auth.Run(bg, 30*time.Second)
	if a.Syncer != nil {
		if err := a.Syncer.Resume(a.background); err != nil {
			a.Log.Warn("resume interrupted syncs", "err", err)
		}
		go a.Syncer.RunSchedule(bg, a.Config.SyncInterval)
	}
	go a.pruneSigningKeys(bg)
	if err := a.Notify.Run(bg); err != nil {
		return fmt.Errorf("subscribe to notifications: %w", err)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.HTTP.Drain()
	a.Log.Info("shutting down: finishing in-flight requests", "timeout", a.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Long-lived streams (SSE) never go idle; cut them now.
		srv.Close()
		err = nil
	}
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	return err
}

func (a *App) pruneSigningKeys(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// Refresh tokens outlive access tokens but are opaque, so only
			// access-token lifetime matters for key retirement.
			if _, err := a.Keys.PruneRetired(ctx, a.Config.JWTExpiry+time.Hour); err != nil {
				a.Log.Warn("prune retired signing keys", "err", err)
			}
			if err := a.Keys.Reload(ctx); err != nil {
				a.Log.Warn("reload signing keys", "err", err)
			}
			if _, err := a.Store.PruneOAuth(ctx, time.Now().Add(-a.Config.OAuthAccessTTL-time.Hour)); err != nil {
				a.Log.Warn("prune expired OAuth codes and grants", "err", err)
			}
		}
	}
}

// ServeStdio serves MCP over stdin/stdout as principal p until the client
// disconnects or ctx ends.
func (a *App) ServeStdio(ctx context.Context, p auth.Principal, t mcp.Transport) error {
	srv := mcpserver.New(a.Tools, mcpserver.Options{Version: version.String(), Logger: a.Log,
		Principal: func(context.Context) (auth.Principal, bool) { return p, true }})
	return srv.Run(ctx, t)
}

// IsLocalBaseURL reports whether the public URL points at this machine.
func (a *App) IsLocalBaseURL() bool {
	u, err := url.Parse(a.Config.BaseURL)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
