package configtools

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/httpapi"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// Mount adds the REST routes for the logged-in user's fitness
// configurations: GET /api/fitness-configurations (list),
// GET/PUT/DELETE /api/fitness-configurations/{name}. PUT takes the
// configuration object (as set_fitness_config's configuration) and answers
// 201 when it created the name, 200 when it replaced it. It is called from
// the app's httpapi.Deps.Mount hook.
func Mount(mux *http.ServeMux, authn func(http.Handler) http.Handler, st Store) {
	s := &service{st: st, now: time.Now}
	mux.Handle("GET /api/fitness-configurations", authn(http.HandlerFunc(s.restList)))
	mux.Handle("GET /api/fitness-configurations/{name}", authn(http.HandlerFunc(s.restGet)))
	mux.Handle("PUT /api/fitness-configurations/{name}", authn(http.HandlerFunc(s.restPut)))
	mux.Handle("DELETE /api/fitness-configurations/{name}", authn(http.HandlerFunc(s.restDelete)))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes the API's error body {"error":{code,message,field,request_id}}.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg, field string) {
	body := map[string]string{"code": code, "message": msg, "request_id": httpapi.RequestID(r.Context())}
	if field != "" {
		body["field"] = field
	}
	writeJSON(w, status, map[string]any{"error": body})
}

// principal and the name from the path; false when a response was written.
func restTarget(w http.ResponseWriter, r *http.Request) (auth.Principal, string, bool) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		writeError(w, r, http.StatusUnauthorized, "unauthorized", "authentication required", "")
		return p, "", false
	}
	name := r.PathValue("name")
	if !configNamePattern.MatchString(name) {
		writeError(w, r, http.StatusBadRequest, "invalid_input", "name "+configNameRule, "name")
		return p, "", false
	}
	return p, name, true
}

func internalError(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusInternalServerError, "internal_error", "an internal error occurred", "")
}

func (s *service) restList(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		writeError(w, r, http.StatusUnauthorized, "unauthorized", "authentication required", "")
		return
	}
	list, err := s.st.ListFitnessConfigs(r.Context(), p.TenantID, p.UserID)
	if err != nil {
		internalError(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"configurations": list, "count": len(list)})
}

func (s *service) restGet(w http.ResponseWriter, r *http.Request) {
	p, name, ok := restTarget(w, r)
	if !ok {
		return
	}
	fc, err := s.st.FitnessConfig(r.Context(), p.TenantID, p.UserID, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, r, http.StatusNotFound, "not_found", "no fitness configuration named "+name, "")
	case err != nil:
		internalError(w, r)
	default:
		writeJSON(w, http.StatusOK, fc)
	}
}

func (s *service) restPut(w http.ResponseWriter, r *http.Request) {
	p, name, ok := restTarget(w, r)
	if !ok {
		return
	}
	var cfg usersettings.FitnessConfiguration
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		msg, field := "request body must be a fitness configuration object", ""
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			msg = "request body is empty; send the configuration as a JSON object"
		case errors.As(err, &te):
			field = te.Field
			msg = field + " has the wrong type"
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			msg = "unknown field " + field
		}
		writeError(w, r, http.StatusBadRequest, "invalid_input", msg, field)
		return
	}
	fc, created, err := s.putFitnessConfig(r.Context(), p, name, cfg)
	if err != nil {
		var ie *intelligence.InputError
		if errors.As(err, &ie) {
			writeError(w, r, http.StatusBadRequest, "invalid_input", err.Error(), ie.Field)
			return
		}
		internalError(w, r)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, fc)
}

func (s *service) restDelete(w http.ResponseWriter, r *http.Request) {
	p, name, ok := restTarget(w, r)
	if !ok {
		return
	}
	err := s.st.DeleteFitnessConfig(r.Context(), p.TenantID, p.UserID, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, r, http.StatusNotFound, "not_found", "no fitness configuration named "+name, "")
	case err != nil:
		internalError(w, r)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
