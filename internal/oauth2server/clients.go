package oauth2server

import (
	"errors"
	"net/http"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/httpapi"
	"github.com/pierre-fitness/pierre/internal/store"
)

// apiError writes Pierre's REST error body.
func apiError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg, "request_id": httpapi.RequestID(r.Context())}})
}

// firstParty returns the caller, refusing tokens held by OAuth clients:
// an application must not list or disconnect the user's applications.
func firstParty(w http.ResponseWriter, r *http.Request) (auth.Principal, bool) {
	p, _ := auth.PrincipalFrom(r.Context())
	if p.ClientID != "" {
		apiError(w, r, http.StatusForbidden, "forbidden", "connected applications are managed with your own sign-in, not with an application's token")
		return p, false
	}
	return p, true
}

// listClients is GET /api/oauth2/clients: the applications the user has
// authorized.
func (s *Server) listClients(w http.ResponseWriter, r *http.Request) {
	p, ok := firstParty(w, r)
	if !ok {
		return
	}
	list, err := s.st.AuthorizedOAuthClients(r.Context(), p.TenantID, p.UserID)
	if err != nil {
		s.log.Error("list authorized clients", "err", err)
		apiError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; it has been logged")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"clients": list, "count": len(list)})
}

// deleteClient is DELETE /api/oauth2/clients/{id}: it withdraws consent
// and revokes every token the application holds for the user.
func (s *Server) deleteClient(w http.ResponseWriter, r *http.Request) {
	p, ok := firstParty(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	jtis, err := s.st.RevokeOAuthClientForUser(r.Context(), p.TenantID, p.UserID, id, s.now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		apiError(w, r, http.StatusNotFound, "not_found", "you have not authorized a client with this id")
		return
	}
	if err != nil {
		s.log.Error("revoke authorized client", "err", err)
		apiError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred; it has been logged")
		return
	}
	s.denyAll(r.Context(), jtis)
	w.WriteHeader(http.StatusNoContent)
}
