package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/mcpserver"
	"github.com/pierre-fitness/pierre/internal/ratelimit"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/tools"
)

// Pinger checks the database for health reports.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is what the HTTP layer needs.
type Deps struct {
	Log        *slog.Logger
	Version    string
	Production bool
	BaseURL    string // public URL, no trailing slash
	Resource   string // canonical MCP resource URL (BaseURL + "/mcp")
	CORS       []string
	// ProtectLocalhost enables DNS-rebinding protection on /mcp; set it
	// when the public URL is on this machine.
	ProtectLocalhost bool
	Driver           string // database engine, for /health
	DB               Pinger
	Auth             *auth.Service
	Users            store.Users
	Tenants          store.Tenants
	Tools            *tools.Registry
	MCP              *mcp.Server
	// Limiter builds a named rate limiter (in-process, or Redis-backed
	// when REDIS_URL is set); nil means in-process.
	Limiter func(name string, per int, window time.Duration) ratelimit.Limiter
	// Checks are extra dependencies reported by /health and /ready (Redis).
	Checks map[string]Pinger
	// KeyLimit, when set, counts each API-key request against its key's
	// allowance; an exhausted key gets 429 (API keys only: sessions and
	// OAuth tokens are limited elsewhere).
	KeyLimit func(ctx context.Context, p auth.Principal) (KeyAllowance, error)
	// Mount adds routes owned by other packages (OAuth server, provider
	// callbacks, dashboard) to the mux; it may be nil.
	Mount func(mux *http.ServeMux, authn func(http.Handler) http.Handler)
}

// Server is the HTTP handler with its lifecycle state.
type Server struct {
	Deps
	handler  http.Handler
	draining atomic.Bool
	started  time.Time

	loginLimit    ratelimit.Limiter
	registerLimit ratelimit.Limiter
	refreshLimit  ratelimit.Limiter
}

// New builds the HTTP server's handler.
func New(d Deps) *Server {
	if d.Limiter == nil {
		d.Limiter = func(_ string, per int, window time.Duration) ratelimit.Limiter {
			return ratelimit.NewLocal(per, window)
		}
	}
	s := &Server{Deps: d, started: time.Now(),
		loginLimit:    d.Limiter("login", 10, time.Minute),
		registerLimit: d.Limiter("register", 5, time.Minute),
		refreshLimit:  d.Limiter("refresh", 30, time.Minute),
	}
	mux := http.NewServeMux()
	authn := s.requireAuth

	mux.HandleFunc("GET /health", s.health)
	mux.HandleFunc("GET /ready", s.ready)
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks)
	mux.HandleFunc("GET /oauth2/jwks", s.jwks)
	mux.HandleFunc("GET /.well-known/oauth-protected-resource", s.protectedResource)
	mux.HandleFunc("GET /.well-known/oauth-protected-resource/mcp", s.protectedResource)

	mux.HandleFunc("POST /admin/setup", s.adminSetup)
	mux.HandleFunc("GET /admin/setup", s.adminSetupStatus)
	mux.HandleFunc("POST /api/auth/register", s.register)
	mux.HandleFunc("POST /api/auth/login", s.login)
	mux.HandleFunc("POST /api/auth/refresh", s.refresh)
	mux.Handle("POST /api/auth/logout", authn(http.HandlerFunc(s.logout)))
	mux.Handle("GET /api/auth/me", authn(http.HandlerFunc(s.me)))

	mux.Handle("GET /api/admin/users", authn(s.adminOnly(s.listUsers)))
	mux.Handle("POST /api/admin/users/{id}/approve", authn(s.adminOnly(s.setStatus(store.StatusActive))))
	mux.Handle("POST /api/admin/users/{id}/suspend", authn(s.adminOnly(s.setStatus(store.StatusSuspended))))

	mux.Handle("POST /api/admin/users/{id}/role", authn(s.adminOnly(s.setRole)))
	mux.Handle("POST /api/admin/tenants", authn(s.superAdminOnly(s.createTenant)))
	mux.Handle("GET /api/admin/tenants", authn(s.superAdminOnly(s.listTenants)))

	mux.Handle("GET /api/tools", authn(http.HandlerFunc(s.listTools)))

	mcpHandler := authn(mcpserver.WithTokenInfo(mcpserver.StreamableHandler(d.MCP, d.Log, d.ProtectLocalhost)))
	mux.Handle("/mcp", mcpHandler)
	mux.Handle("/mcp/", mcpHandler)
	sse := authn(mcpserver.WithTokenInfo(mcpserver.SSEHandler(d.MCP)))
	mux.Handle("/sse", sse)
	mux.Handle("/sse/", sse)

	if d.Mount != nil {
		d.Mount(mux, authn)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, "not_found", "no route for "+r.Method+" "+r.URL.Path)
	})
	s.handler = observe(d.Log, securityHeaders(d.Production, cors(d.CORS, mux)))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Drain marks the server as shutting down: /ready answers 503 so load
// balancers stop sending traffic while in-flight requests finish.
func (s *Server) Drain() { s.draining.Store(true) }

// requireAuth authenticates the bearer token of REST routes.
func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// RFC 6750 §3 and RFC 9728 §5.1: say what is wrong and where the
		// protected-resource metadata is, so clients can discover how to
		// obtain a token.
		metadata := `resource_metadata="` + s.BaseURL + `/.well-known/oauth-protected-resource"`
		tok := bearerToken(r)
		if tok == "" {
			w.Header().Set("WWW-Authenticate", "Bearer "+metadata)
			writeError(w, r, http.StatusUnauthorized, "unauthorized", "missing bearer token: send Authorization: Bearer <token>")
			return
		}
		p, err := s.Auth.Authenticate(r.Context(), tok)
		if err != nil {
			var te *auth.TokenError
			if errors.As(err, &te) {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+te.Reason+`", `+metadata)
				writeError(w, r, http.StatusUnauthorized, "invalid_token", te.Reason)
				return
			}
			s.Log.Error("authenticate", "err", err, "request_id", RequestID(r.Context()))
			writeError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; it has been logged")
			return
		}
		if p.Method == "api_key" && s.KeyLimit != nil {
			a, err := s.KeyLimit(r.Context(), p)
			if err != nil {
				s.Log.Error("count API key request", "err", err, "request_id", RequestID(r.Context()))
				writeError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; it has been logged")
				return
			}
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.Itoa(a.Limit))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(a.Remaining))
			h.Set("X-RateLimit-Reset", strconv.FormatInt(a.Reset.Unix(), 10))
			if !a.Allowed {
				h.Set("Retry-After", strconv.Itoa(max(1, int(time.Until(a.Reset).Seconds()+0.999))))
				writeError(w, r, http.StatusTooManyRequests, "rate_limited",
					fmt.Sprintf("this API key has used its %d requests until %s", a.Limit, a.Reset.UTC().Format(time.RFC3339)))
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// KeyAllowance is what is left of an API key's requests.
type KeyAllowance struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Time
}

func (s *Server) adminOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context())
		if !p.IsAdmin() {
			writeError(w, r, http.StatusForbidden, "forbidden", "this operation needs an administrator")
			return
		}
		h(w, r)
	})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	db := map[string]any{"driver": s.Driver, "status": "ok"}
	status := http.StatusOK
	overall := "ok"
	if err := s.DB.Ping(ctx); err != nil {
		db["status"], db["error"] = "unavailable", "database did not answer"
		status, overall = http.StatusServiceUnavailable, "degraded"
	}
	db["latency_ms"] = float64(time.Since(start).Microseconds()) / 1000
	body := map[string]any{"status": overall, "version": s.Version,
		"uptime_seconds": int(time.Since(s.started).Seconds()), "database": db}
	for name, c := range s.Checks {
		st := "ok"
		if err := c.Ping(ctx); err != nil {
			st, status, body["status"] = "unavailable", http.StatusServiceUnavailable, "degraded"
		}
		body[name] = map[string]string{"status": st}
	}
	writeJSON(w, status, body)
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeError(w, r, http.StatusServiceUnavailable, "shutting_down", "server is shutting down")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		writeError(w, r, http.StatusServiceUnavailable, "database_unavailable", "database did not answer")
		return
	}
	for name, c := range s.Checks {
		if err := c.Ping(ctx); err != nil {
			writeError(w, r, http.StatusServiceUnavailable, name+"_unavailable", name+" did not answer")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.Auth.Signer().Keys().JWKS())
}

// protectedResource is the RFC 9728 metadata for the MCP endpoint.
func (s *Server) protectedResource(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	json.NewEncoder(w).Encode(map[string]any{
		"resource":                 s.Resource,
		"authorization_servers":    []string{s.BaseURL},
		"bearer_methods_supported": []string{"header"},
		"jwks_uri":                 s.BaseURL + "/.well-known/jwks.json",
		"resource_name":            "Pierre Fitness Intelligence MCP server",
		"scopes_supported":         []string{"fitness:read", "fitness:write", "offline_access"},
	})
}

func (s *Server) listTools(w http.ResponseWriter, _ *http.Request) {
	type toolInfo struct {
		Name        string        `json:"name"`
		Title       string        `json:"title,omitempty"`
		Category    string        `json:"category,omitempty"`
		Description string        `json:"description"`
		InputSchema *tools.Schema `json:"inputSchema"`
	}
	out := []toolInfo{}
	for _, t := range s.Tools.Tools() {
		out = append(out, toolInfo{t.Name, t.Title, t.Category, t.Description, t.InputSchema()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tools": out, "count": len(out)})
}
