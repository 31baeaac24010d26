// Package webhooks receives vendors' push notifications (Strava webhook
// events, Fitbit subscription notifications) and turns each into the
// smallest sync that brings Pierre's copy up to date. A notification is
// never trusted for data: it only says what to fetch (or check) with the
// user's own token.
package webhooks

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Owners finds the Pierre users connected to a vendor account.
type Owners interface {
	ConnectionsByVendorUser(ctx context.Context, provider, vendorUserID string) ([]store.ProviderConnection, error)
}

// Syncer brings one item, or a user's whole copy, up to date.
type Syncer interface {
	SyncActivity(ctx context.Context, o store.Owner, provider, id string) error
	Start(ctx context.Context, o store.Owner, provider string)
}

// Records deletes from Pierre's copy.
type Records interface {
	DeleteRecord(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, id string) error
}

// Checker asks the vendor, with the user's token, whether an activity
// still exists and whether the user's authorisation still holds, so a
// forged event cannot delete anything.
type Checker interface {
	ActivityGone(ctx context.Context, o store.Owner, provider, id string) (bool, error)
	Deauthorized(ctx context.Context, o store.Owner, provider string) error
}

// StravaEvent is a Strava webhook event
// (https://developers.strava.com/docs/webhooks/).
type StravaEvent struct {
	ObjectType     string            `json:"object_type"` // activity or athlete
	ObjectID       int64             `json:"object_id"`
	AspectType     string            `json:"aspect_type"` // create, update, delete
	OwnerID        int64             `json:"owner_id"`
	SubscriptionID int64             `json:"subscription_id"`
	EventTime      int64             `json:"event_time"`
	Updates        map[string]string `json:"updates"`
}

// ParseStravaEvent reads and checks an event body.
func ParseStravaEvent(body []byte) (StravaEvent, error) {
	var e StravaEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return e, fmt.Errorf("event is not Strava's JSON: %w", err)
	}
	switch {
	case e.ObjectType != "activity" && e.ObjectType != "athlete":
		return e, fmt.Errorf("object_type %q is neither activity nor athlete", e.ObjectType)
	case e.AspectType != "create" && e.AspectType != "update" && e.AspectType != "delete":
		return e, fmt.Errorf("aspect_type %q is not create, update or delete", e.AspectType)
	case e.ObjectID <= 0 || e.OwnerID <= 0:
		return e, errors.New("object_id and owner_id must be positive")
	}
	return e, nil
}

// Strava handles GET (subscription handshake) and POST (events) on
// /api/webhooks/strava.
type Strava struct {
	// VerifyToken is the secret chosen when creating the subscription
	// (PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN); empty disables the endpoint.
	VerifyToken string
	// SubscriptionID, when non-zero, must match each event's.
	SubscriptionID int64
	Owners         Owners
	Syncer         Syncer
	Records        Records
	Checker        Checker
	Worker
}

// ServeHTTP implements http.Handler.
func (h *Strava) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.VerifyToken == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Strava webhooks are not configured on this server (set PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN)"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if q.Get("hub.mode") != "subscribe" || q.Get("hub.challenge") == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "expected hub.mode=subscribe and hub.challenge"})
			return
		}
		if subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(h.VerifyToken)) != 1 {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "hub.verify_token does not match"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"hub.challenge": q.Get("hub.challenge")})
	case http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unreadable body"})
			return
		}
		e, err := ParseStravaEvent(body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if h.SubscriptionID != 0 && e.SubscriptionID != h.SubscriptionID {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "unknown subscription_id"})
			return
		}
		h.later("strava webhook event", func(ctx context.Context) error { return h.Handle(ctx, e) })
		w.WriteHeader(http.StatusOK)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET (handshake) or POST (events)"})
	}
}

// Handle applies one event to every Pierre user connected to the owner.
func (h *Strava) Handle(ctx context.Context, e StravaEvent) error {
	conns, err := h.Owners.ConnectionsByVendorUser(ctx, provider.Strava, strconv.FormatInt(e.OwnerID, 10))
	if err != nil {
		return err
	}
	id := strconv.FormatInt(e.ObjectID, 10)
	var errs []error
	for _, c := range conns {
		o := store.Owner{TenantID: c.TenantID, UserID: c.UserID}
		switch {
		case e.ObjectType == "activity" && e.AspectType != "delete":
			errs = append(errs, h.Syncer.SyncActivity(ctx, o, provider.Strava, id))
		case e.ObjectType == "activity":
			gone, err := h.Checker.ActivityGone(ctx, o, provider.Strava, id)
			if err == nil && gone {
				err = errors.Join(h.Records.DeleteRecord(ctx, o, provider.Strava, store.KindActivity, id),
					h.Records.DeleteRecord(ctx, o, provider.Strava, store.KindStreams, id))
			}
			errs = append(errs, err)
		case e.Updates["authorized"] == "false":
			errs = append(errs, h.Checker.Deauthorized(ctx, o, provider.Strava))
		default: // the athlete's profile changed
			h.Syncer.Start(ctx, o, provider.Strava)
		}
	}
	return errors.Join(errs...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
