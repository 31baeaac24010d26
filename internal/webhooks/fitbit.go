package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

// FitbitNotification is one entry of a Fitbit subscription notification
// (https://dev.fitbit.com/build/reference/web-api/developer-guide/using-subscriptions/).
type FitbitNotification struct {
	CollectionType string `json:"collectionType"` // activities, sleep, body, foods, userRevokedAccess…
	Date           string `json:"date"`
	OwnerID        string `json:"ownerId"`
	OwnerType      string `json:"ownerType"`
	SubscriptionID string `json:"subscriptionId"`
}

// ParseFitbitNotifications reads a notification body: a JSON array.
func ParseFitbitNotifications(body []byte) ([]FitbitNotification, error) {
	var ns []FitbitNotification
	if err := json.Unmarshal(body, &ns); err != nil {
		return nil, fmt.Errorf("notification is not Fitbit's JSON array: %w", err)
	}
	for i, n := range ns {
		if n.OwnerID == "" || n.CollectionType == "" {
			return nil, fmt.Errorf("notification %d lacks ownerId or collectionType", i)
		}
	}
	return ns, nil
}

// Fitbit handles GET (subscriber verification) and POST (notifications)
// on /api/webhooks/fitbit.
type Fitbit struct {
	// VerifyCode is the subscriber verification code shown in Fitbit's
	// developer console (PIERRE_FITBIT_SUBSCRIBER_VERIFY_CODE); empty
	// disables the endpoint.
	VerifyCode string
	// ClientSecret signs notifications (X-Fitbit-Signature).
	ClientSecret string
	Owners       Owners
	Syncer       Syncer
	Worker
}

// Signature is what Fitbit sends in X-Fitbit-Signature for body.
func (h *Fitbit) Signature(body []byte) string {
	m := hmac.New(sha1.New, []byte(h.ClientSecret+"&"))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ServeHTTP implements http.Handler. Fitbit's rules: verification answers
// 204 for the right code and 404 otherwise; notifications are answered 204
// within five seconds, and a bad signature with 404.
func (h *Fitbit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.VerifyCode == "" || h.ClientSecret == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Fitbit notifications are not configured on this server (set PIERRE_FITBIT_SUBSCRIBER_VERIFY_CODE and the Fitbit app)"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("verify")), []byte(h.VerifyCode)) == 1 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	case http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unreadable body"})
			return
		}
		if !hmac.Equal([]byte(r.Header.Get("X-Fitbit-Signature")), []byte(h.Signature(body))) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "X-Fitbit-Signature does not match"})
			return
		}
		ns, err := ParseFitbitNotifications(body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		h.later("fitbit notification", func(ctx context.Context) error { return h.Handle(ctx, ns) })
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET (verification) or POST (notifications)"})
	}
}

// Handle starts one incremental sync per Pierre user a batch concerns:
// Fitbit says only that something changed, so the sync asks what.
func (h *Fitbit) Handle(ctx context.Context, ns []FitbitNotification) error {
	seen := map[store.Owner]bool{}
	for _, n := range ns {
		conns, err := h.Owners.ConnectionsByVendorUser(ctx, provider.Fitbit, n.OwnerID)
		if err != nil {
			return err
		}
		for _, c := range conns {
			o := store.Owner{TenantID: c.TenantID, UserID: c.UserID}
			if !seen[o] {
				seen[o] = true
				h.Syncer.Start(ctx, o, provider.Fitbit)
			}
		}
	}
	return nil
}
