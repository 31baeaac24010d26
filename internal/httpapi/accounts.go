package httpapi

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

type userView struct {
	ID          string           `json:"id"`
	Email       string           `json:"email"`
	DisplayName string           `json:"display_name"`
	Role        store.Role       `json:"role"`
	TenantID    string           `json:"tenant_id"`
	TenantRole  store.TenantRole `json:"tenant_role"`
	Status      store.Status     `json:"status"`
	CreatedAt   time.Time        `json:"created_at"`
	ApprovedAt  *time.Time       `json:"approved_at,omitempty"`
	LastActive  *time.Time       `json:"last_active_at,omitempty"`
}

func viewUser(u store.User) userView {
	return userView{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: u.Role, TenantID: u.TenantID,
		TenantRole: u.TenantRole, Status: u.Status, CreatedAt: u.CreatedAt, ApprovedAt: u.ApprovedAt, LastActive: u.LastActiveAt}
}

func tokensBody(u store.User, t auth.Tokens) map[string]any {
	return map[string]any{
		"access_token": t.AccessToken, "jwt_token": t.AccessToken, "token_type": t.TokenType,
		"expires_at": t.ExpiresAt, "expires_in": int(time.Until(t.ExpiresAt).Seconds()),
		"refresh_token": t.RefreshToken, "refresh_expires_at": t.RefreshExpiresAt,
		"user": viewUser(u),
	}
}

// authError maps account-service errors to responses.
func (s *Server) authError(w http.ResponseWriter, r *http.Request, err error) {
	var ie *auth.InputError
	switch {
	case errors.As(err, &ie):
		code := "invalid_input"
		if ie.Field == "password" && r.URL.Path != "/api/auth/login" {
			code = "weak_password"
		}
		writeErrorField(w, r, http.StatusBadRequest, code, ie.Field+" "+ie.Reason, ie.Field)
	case errors.Is(err, auth.ErrInvalidCredentials):
		writeError(w, r, http.StatusUnauthorized, "invalid_credentials", err.Error())
	case errors.Is(err, auth.ErrAccountPending):
		writeError(w, r, http.StatusForbidden, "account_pending", err.Error())
	case errors.Is(err, auth.ErrAccountSuspended):
		writeError(w, r, http.StatusForbidden, "account_suspended", err.Error())
	case errors.Is(err, auth.ErrAdminExists):
		writeError(w, r, http.StatusConflict, "admin_exists", "the server is already set up; sign in as its administrator")
	case errors.Is(err, auth.ErrInvalidRefresh):
		writeError(w, r, http.StatusUnauthorized, "invalid_refresh_token", err.Error())
	case errors.Is(err, store.ErrNotFound):
		writeError(w, r, http.StatusNotFound, "not_found", "no such user in your tenant")
	default:
		s.Log.Error("account request failed", "path", r.URL.Path, "err", err, "request_id", RequestID(r.Context()))
		writeError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; it has been logged")
	}
}

type setupRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

func (s *Server) adminSetupStatus(w http.ResponseWriter, r *http.Request) {
	exists, err := s.Users.AdminExists(r.Context())
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"needs_setup": !exists})
}

func (s *Server) adminSetup(w http.ResponseWriter, r *http.Request) {
	var req setupRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if ok, retry, _ := s.registerLimit.Allow(r.Context(), "setup|"+clientIP(r)); !ok {
		writeRateLimited(w, r, retry)
		return
	}
	u, tokens, err := s.Auth.SetupAdmin(r.Context(), req.Email, req.Password, req.DisplayName)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	s.Log.Info("server set up", "admin_id", u.ID)
	body := tokensBody(u, tokens)
	body["message"] = "administrator created; keep the refresh token to stay signed in"
	writeJSON(w, http.StatusCreated, body)
}

type registerRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Tenant      string `json:"tenant"`
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var req registerRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	// Malformed bodies cost nothing and are not counted; well-formed ones
	// hash a password, so they are.
	if ok, retry, _ := s.registerLimit.Allow(r.Context(), "register|"+clientIP(r)); !ok {
		writeRateLimited(w, r, retry)
		return
	}
	created, err := s.Auth.Register(r.Context(), req.Email, req.Password, req.DisplayName, req.Tenant)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	if !created {
		s.Log.Info("registration for an existing e-mail ignored")
	}
	// Identical answer whether or not the e-mail was new.
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "pending",
		"message": "registration received; an administrator must approve the account before you can sign in"})
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	// Limit per address and per account, so neither a single client nor a
	// distributed attack on one account can guess quickly.
	if ok, retry, _ := s.loginLimit.Allow(r.Context(), "ip|"+clientIP(r)); !ok {
		writeRateLimited(w, r, retry)
		return
	}
	if email, err := auth.NormalizeEmail(req.Email); err == nil {
		if ok, retry, _ := s.loginLimit.Allow(r.Context(), "email|"+email); !ok {
			writeRateLimited(w, r, retry)
			return
		}
	}
	u, tokens, err := s.Auth.Login(r.Context(), req.Email, req.Password)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tokensBody(u, tokens))
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var req refreshRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	if ok, retry, _ := s.refreshLimit.Allow(r.Context(), "refresh|"+clientIP(r)); !ok {
		writeRateLimited(w, r, retry)
		return
	}
	tokens, err := s.Auth.Refresh(r.Context(), req.RefreshToken)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tokens.AccessToken, "jwt_token": tokens.AccessToken,
		"token_type": tokens.TokenType, "expires_at": tokens.ExpiresAt, "expires_in": int(time.Until(tokens.ExpiresAt).Seconds()),
		"refresh_token": tokens.RefreshToken, "refresh_expires_at": tokens.RefreshExpiresAt})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	if err := s.Auth.Logout(r.Context(), p); err != nil {
		s.authError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	u, err := s.Users.User(r.Context(), p.TenantID, p.UserID)
	if err != nil {
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewUser(u))
}

// adminTenant is the tenant an admin request acts on: the admin's own, or
// for a super admin the one named by ?tenant_id=.
func (s *Server) adminTenant(w http.ResponseWriter, r *http.Request) (string, bool) {
	p, _ := auth.PrincipalFrom(r.Context())
	t := r.URL.Query().Get("tenant_id")
	if t == "" || t == p.TenantID {
		return p.TenantID, true
	}
	if !p.IsSuperAdmin() {
		// Not 403: another tenant's existence is not revealed.
		writeError(w, r, http.StatusNotFound, "not_found", "no such tenant")
		return "", false
	}
	if _, err := s.Tenants.Tenant(r.Context(), t); err != nil {
		writeError(w, r, http.StatusNotFound, "not_found", "no such tenant")
		return "", false
	}
	s.Log.Info("super admin acting on another tenant", "admin_id", p.UserID, "tenant_id", t, "path", r.URL.Path)
	return t, true
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	tenantID, ok := s.adminTenant(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := store.UserFilter{Status: store.Status(q.Get("status"))}
	switch f.Status {
	case "", store.StatusPending, store.StatusActive, store.StatusSuspended:
	default:
		writeErrorField(w, r, http.StatusBadRequest, "invalid_input", "status must be pending, active or suspended", "status")
		return
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeErrorField(w, r, http.StatusBadRequest, "invalid_input", "limit must be between 1 and 500", "limit")
			return
		}
		limit = n
	}
	users, next, err := s.Users.ListUsers(r.Context(), tenantID, f, store.Page{Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		if errors.Is(err, store.ErrBadCursor) {
			writeErrorField(w, r, http.StatusBadRequest, "invalid_input", "cursor is not valid; start again without it", "cursor")
			return
		}
		s.authError(w, r, err)
		return
	}
	out := make([]userView, len(users))
	for i, u := range users {
		out[i] = viewUser(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "next_cursor": next})
}

func (s *Server) setStatus(st store.Status) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context())
		tenantID, ok := s.adminTenant(w, r)
		if !ok {
			return
		}
		id := r.PathValue("id")
		if id == p.UserID && st != store.StatusActive {
			writeError(w, r, http.StatusBadRequest, "invalid_input", "you cannot suspend yourself")
			return
		}
		u, err := s.Auth.SetUserStatus(r.Context(), p, tenantID, id, st)
		if err != nil {
			s.authError(w, r, err)
			return
		}
		s.Log.Info("user status changed", "user_id", u.ID, "status", u.Status, "by", p.UserID)
		writeJSON(w, http.StatusOK, viewUser(u))
	}
}

type roleRequest struct {
	Role string `json:"role"`
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	tenantID, ok := s.adminTenant(w, r)
	if !ok {
		return
	}
	var req roleRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	id := r.PathValue("id")
	if id == p.UserID {
		writeError(w, r, http.StatusBadRequest, "invalid_input", "you cannot change your own role")
		return
	}
	u, err := s.Auth.SetUserRole(r.Context(), tenantID, id, store.Role(req.Role))
	if err != nil {
		s.authError(w, r, err)
		return
	}
	s.Log.Info("user role changed", "user_id", u.ID, "role", u.Role, "by", p.UserID)
	writeJSON(w, http.StatusOK, viewUser(u))
}

type tenantRequest struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// createTenant lets a super admin create a tenant; users then register
// into it with "tenant": slug and its admins approve them.
func (s *Server) createTenant(w http.ResponseWriter, r *http.Request) {
	var req tenantRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	switch {
	case req.Name == "" || len(req.Name) > 100:
		writeErrorField(w, r, http.StatusBadRequest, "invalid_input", "name is required (at most 100 characters)", "name")
		return
	case !slugRE.MatchString(req.Slug):
		writeErrorField(w, r, http.StatusBadRequest, "invalid_input", "slug must be 1-63 lower-case letters, digits or hyphens", "slug")
		return
	}
	now := time.Now().UTC()
	t := store.Tenant{ID: uuid.NewString(), Name: req.Name, Slug: req.Slug, Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now}
	if err := s.Tenants.CreateTenant(r.Context(), t); err != nil {
		if errors.Is(err, store.ErrConflict) {
			writeErrorField(w, r, http.StatusConflict, "tenant_exists", "a tenant with this slug exists", "slug")
			return
		}
		s.authError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) listTenants(w http.ResponseWriter, r *http.Request) {
	ts, next, err := s.Tenants.ListTenants(r.Context(), store.Page{Limit: 100, Cursor: r.URL.Query().Get("cursor")})
	if errors.Is(err, store.ErrBadCursor) {
		writeErrorField(w, r, http.StatusBadRequest, "invalid_input", "cursor is not valid; start again without it", "cursor")
		return
	}
	if err != nil {
		s.authError(w, r, err)
		return
	}
	if ts == nil {
		ts = []store.Tenant{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tenants": ts, "next_cursor": next})
}

func (s *Server) superAdminOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.PrincipalFrom(r.Context())
		if !p.IsSuperAdmin() {
			writeError(w, r, http.StatusForbidden, "forbidden", "this operation needs the server's super administrator")
			return
		}
		h(w, r)
	})
}
