package tenantapps

import (
	"errors"
	"net/http"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/httpapi"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Mount adds the tenant administrators' routes, from the app's
// httpapi.Deps.Mount hook:
//
//	GET    /api/tenants/{tenant_id}/oauth-apps             list (never secrets)
//	PUT    /api/tenants/{tenant_id}/oauth-apps/{provider}  create (201) or replace (200)
//	DELETE /api/tenants/{tenant_id}/oauth-apps/{provider}  204, or 404 if none
func (s *Service) Mount(mux *http.ServeMux, authn func(http.Handler) http.Handler) {
	mux.Handle("GET /api/tenants/{tenant_id}/oauth-apps", authn(http.HandlerFunc(s.restList)))
	mux.Handle("PUT /api/tenants/{tenant_id}/oauth-apps/{provider}", authn(http.HandlerFunc(s.restPut)))
	mux.Handle("DELETE /api/tenants/{tenant_id}/oauth-apps/{provider}", authn(http.HandlerFunc(s.restDelete)))
}

// canAdminister reports whether p manages its own tenant's applications:
// a server admin (scoped to its tenant, as in /api/admin/*) or the tenant's
// owner or admin.
func canAdminister(p auth.Principal) bool {
	return p.IsAdmin() || p.TenantRole == store.TenantOwner || p.TenantRole == store.TenantAdmin
}

// tenant is the tenant the request may act on, or false once an answer is
// written. Another tenant is 404 (its existence is not revealed) except to
// the super administrator, as for /api/admin/* with ?tenant_id=.
func (s *Service) tenant(w http.ResponseWriter, r *http.Request) (string, bool) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		httpapi.WriteError(w, r, http.StatusUnauthorized, "unauthorized", "authentication required", "")
		return "", false
	}
	t := r.PathValue("tenant_id")
	if t != p.TenantID {
		if p.IsSuperAdmin() && s.o.Tenants != nil {
			if _, err := s.o.Tenants.Tenant(r.Context(), t); err == nil {
				s.o.Log.Info("super admin acting on another tenant", "admin_id", p.UserID, "tenant_id", t, "path", r.URL.Path)
				return t, true
			}
		}
		httpapi.WriteError(w, r, http.StatusNotFound, "not_found", "no such tenant", "")
		return "", false
	}
	if !canAdminister(p) {
		httpapi.WriteError(w, r, http.StatusForbidden, "forbidden", "managing the tenant's vendor applications needs a tenant owner or administrator", "")
		return "", false
	}
	return t, true
}

func (s *Service) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.o.Log.Error("tenant oauth app request failed", "path", r.URL.Path, "err", err, "request_id", httpapi.RequestID(r.Context()))
	httpapi.WriteError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; it has been logged", "")
}

func (s *Service) restList(w http.ResponseWriter, r *http.Request) {
	tenantID, ok := s.tenant(w, r)
	if !ok {
		return
	}
	list, err := s.List(r.Context(), tenantID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"providers": list, "count": len(list), "available": Providers()})
}

func (s *Service) restPut(w http.ResponseWriter, r *http.Request) {
	tenantID, ok := s.tenant(w, r)
	if !ok {
		return
	}
	var in Input
	if !httpapi.DecodeJSON(w, r, &in) {
		return
	}
	v, created, err := s.Put(r.Context(), tenantID, r.PathValue("provider"), in)
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		httpapi.WriteError(w, r, http.StatusBadRequest, "invalid_input", ie.Error(), ie.Field)
		return
	case err != nil:
		s.internalError(w, r, err)
		return
	}
	p, _ := auth.PrincipalFrom(r.Context())
	s.o.Log.Info("tenant oauth app saved", "tenant_id", tenantID, "provider", v.Provider, "by", p.UserID, "created", created)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpapi.WriteJSON(w, status, v)
}

func (s *Service) restDelete(w http.ResponseWriter, r *http.Request) {
	tenantID, ok := s.tenant(w, r)
	if !ok {
		return
	}
	provider := r.PathValue("provider")
	err := s.Delete(r.Context(), tenantID, provider)
	switch {
	case errors.Is(err, store.ErrNotFound):
		httpapi.WriteError(w, r, http.StatusNotFound, "not_found", "the tenant has no "+truncate(provider, 40)+" application", "")
	case err != nil:
		s.internalError(w, r, err)
	default:
		p, _ := auth.PrincipalFrom(r.Context())
		s.o.Log.Info("tenant oauth app deleted", "tenant_id", tenantID, "provider", provider, "by", p.UserID)
		w.WriteHeader(http.StatusNoContent)
	}
}
