package webhooks

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

// GarminNotice is one entry of a Garmin Health API ping or push
// notification: whatever the summary type, each entry names the user.
type GarminNotice struct {
	UserID string `json:"userId"`
}

// ParseGarminNotification reads a notification body: an object whose keys
// are summary types ("activities", "dailies", "sleeps", "deregistrations",
// …) and whose values are lists of entries.
func ParseGarminNotification(body []byte) (map[string][]GarminNotice, error) {
	var m map[string][]GarminNotice
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("notification is not Garmin's JSON: %w", err)
	}
	if len(m) == 0 {
		return nil, errors.New("notification lists no summary type")
	}
	for kind, list := range m {
		for i, n := range list {
			if n.UserID == "" {
				return nil, fmt.Errorf("%s[%d] has no userId", kind, i)
			}
		}
	}
	return m, nil
}

// Garmin handles POST /api/webhooks/garmin: Garmin's ping and push
// notifications. Garmin does not sign them, so the URL registered in
// Garmin's portal carries a secret (?token=PIERRE_GARMIN_PUSH_TOKEN);
// and a notification only ever starts a sync with the user's own token.
type Garmin struct {
	Token   string
	Owners  Owners
	Syncer  Syncer
	Checker Checker
	Worker
}

// ServeHTTP implements http.Handler.
func (h *Garmin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.Token == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Garmin notifications are not configured on this server (set PIERRE_GARMIN_PUSH_TOKEN)"})
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "Garmin notifications are POSTed"})
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(h.Token)) != 1 {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "token does not match"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unreadable body"})
		return
	}
	m, err := ParseGarminNotification(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	h.later("garmin notification", func(ctx context.Context) error { return h.Handle(ctx, m) })
	w.WriteHeader(http.StatusOK)
}

// Handle starts one incremental sync per Pierre user named; a
// deregistration, once Garmin confirms it, deletes the user's copy.
func (h *Garmin) Handle(ctx context.Context, m map[string][]GarminNotice) error {
	var errs []error
	seen := map[store.Owner]bool{}
	for kind, list := range m {
		for _, n := range list {
			conns, err := h.Owners.ConnectionsByVendorUser(ctx, provider.Garmin, n.UserID)
			if err != nil {
				return err
			}
			for _, c := range conns {
				o := store.Owner{TenantID: c.TenantID, UserID: c.UserID}
				switch {
				case kind == "deregistrations" || kind == "userPermissionsChange":
					errs = append(errs, h.Checker.Deauthorized(ctx, o, provider.Garmin))
				case !seen[o]:
					seen[o] = true
					h.Syncer.Start(ctx, o, provider.Garmin)
				}
			}
		}
	}
	return errors.Join(errs...)
}
