package apikeys

import (
	"errors"
	"net/http"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/httpapi"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Mount adds POST/GET /api/keys and DELETE /api/keys/{id} for the signed-in
// user.
func (s *Service) Mount(mux *http.ServeMux, authn func(http.Handler) http.Handler) {
	mux.Handle("POST /api/keys", authn(http.HandlerFunc(s.create)))
	mux.Handle("GET /api/keys", authn(http.HandlerFunc(s.list)))
	mux.Handle("DELETE /api/keys/{id}", authn(http.HandlerFunc(s.revoke)))
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	var in struct {
		Name string `json:"name"`
	}
	if !httpapi.DecodeJSON(w, r, &in) {
		return
	}
	key, k, err := s.Create(r.Context(), p, in.Name)
	if fe, ok := errors.AsType[*FieldError](err); ok {
		httpapi.WriteError(w, r, http.StatusBadRequest, "invalid_request", fe.Error(), fe.Field)
		return
	}
	if err != nil {
		httpapi.WriteError(w, r, http.StatusInternalServerError, "internal_error", "the key could not be created; please try again", "")
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"api_key": key, "key": k,
		"message": "Store this key now: Pierre keeps only its hash and cannot show it again."})
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	keys, err := s.List(r.Context(), p)
	if err != nil {
		httpapi.WriteError(w, r, http.StatusInternalServerError, "internal_error", "the keys could not be listed", "")
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func (s *Service) revoke(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	err := s.Revoke(r.Context(), p, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		httpapi.WriteError(w, r, http.StatusNotFound, "not_found", "you have no API key with this id", "id")
		return
	}
	if err != nil {
		httpapi.WriteError(w, r, http.StatusInternalServerError, "internal_error", "the key could not be revoked", "")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
