// Package notify pushes per-user events (a provider connected, an
// authorization failed) to the user's open GET /notifications/sse streams.
//
// Events travel over the broadcast bus, so a callback handled by one
// replica reaches a stream held open by another. Every replica keeps the
// last RingSize events of each recently active user, so a client that
// reconnects with Last-Event-ID (to any replica) gets what it missed.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/broadcast"
)

// Topic is the broadcast topic carrying user events.
const Topic = "user-events"

// RingSize is how many recent events per user are kept for resumption.
const RingSize = 32

// Event is one notification.
type Event struct {
	// ID orders events: "<unix-ms>-<publisher>-<seq>", assigned by the
	// publishing replica so every replica agrees on it.
	ID     string          `json:"id"`
	Tenant string          `json:"tenant"`
	User   string          `json:"user"`
	Name   string          `json:"event"`
	Data   json.RawMessage `json:"data"`
}

// Hub fans events out to streams.
type Hub struct {
	bus       broadcast.Bus
	KeepAlive time.Duration
	origin    string
	seq       atomic.Uint64

	mu     sync.Mutex
	subs   map[string]map[chan Event]struct{}
	recent *lru.LRU[string, []Event]
}

// New returns a hub on bus. Call Run before serving streams.
func New(bus broadcast.Bus) *Hub {
	var b [4]byte
	rand.Read(b[:])
	return &Hub{bus: bus, KeepAlive: 25 * time.Second, origin: hex.EncodeToString(b[:]),
		subs:   map[string]map[chan Event]struct{}{},
		recent: lru.NewLRU[string, []Event](50_000, nil, time.Hour)}
}

// Run subscribes to the bus until ctx ends. It returns once subscribed.
func (h *Hub) Run(ctx context.Context) error {
	return h.bus.Subscribe(ctx, Topic, func(msg []byte) {
		var e Event
		if json.Unmarshal(msg, &e) == nil && e.Tenant != "" && e.User != "" {
			h.deliver(e)
		}
	})
}

func userKey(tenant, user string) string { return tenant + "/" + user }

// Publish sends event with data (any JSON value) to the user's streams on
// every replica.
func (h *Hub) Publish(ctx context.Context, tenantID, userID, event string, data any) error {
	params, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s notification: %w", event, err)
	}
	// MCP-style notification, as the original server's SSE stream sends.
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "notifications/" + event, "params": json.RawMessage(params)})
	e := Event{ID: fmt.Sprintf("%d-%s-%d", time.Now().UnixMilli(), h.origin, h.seq.Add(1)),
		Tenant: tenantID, User: userID, Name: event, Data: body}
	msg, _ := json.Marshal(e)
	return h.bus.Publish(ctx, Topic, msg)
}

func (h *Hub) deliver(e Event) {
	k := userKey(e.Tenant, e.User)
	h.mu.Lock()
	defer h.mu.Unlock()
	ring, _ := h.recent.Get(k)
	ring = append(ring, e)
	if len(ring) > RingSize {
		ring = append([]Event(nil), ring[len(ring)-RingSize:]...)
	}
	h.recent.Add(k, ring)
	for ch := range h.subs[k] {
		select {
		case ch <- e:
		default:
			// A stream that cannot keep up is closed; the client resumes
			// with Last-Event-ID.
			delete(h.subs[k], ch)
			close(ch)
		}
	}
}

// subscribe registers a stream and returns the events after lastID (all
// kept ones when lastID is unknown, none when it is empty).
func (h *Hub) subscribe(k, lastID string) (chan Event, []Event) {
	ch := make(chan Event, 16)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[k] == nil {
		h.subs[k] = map[chan Event]struct{}{}
	}
	h.subs[k][ch] = struct{}{}
	if lastID == "" {
		return ch, nil
	}
	ring, _ := h.recent.Get(k)
	for i, e := range ring {
		if e.ID == lastID {
			return ch, append([]Event(nil), ring[i+1:]...)
		}
	}
	return ch, append([]Event(nil), ring...)
}

func (h *Hub) unsubscribe(k string, ch chan Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[k][ch]; ok {
		delete(h.subs[k], ch)
		close(ch)
	}
	if len(h.subs[k]) == 0 {
		delete(h.subs, k)
	}
}

// Handler serves GET /notifications/sse for the authenticated principal.
func (h *Hub) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.PrincipalFrom(r.Context())
		if !ok {
			http.Error(w, `{"error":{"code":"unauthorized","message":"authentication required"}}`, http.StatusUnauthorized)
			return
		}
		rc := http.NewResponseController(w)
		lastID := r.Header.Get("Last-Event-ID")
		if lastID == "" {
			lastID = r.URL.Query().Get("last_event_id")
		}
		k := userKey(p.TenantID, p.UserID)
		ch, missed := h.subscribe(k, lastID)
		defer h.unsubscribe(k, ch)

		hd := w.Header()
		hd.Set("Content-Type", "text/event-stream")
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, "retry: 3000\n: connected\n\n")
		for _, e := range missed {
			writeEvent(w, e)
		}
		if err := rc.Flush(); err != nil {
			return
		}
		tick := time.NewTicker(h.KeepAlive)
		defer tick.Stop()
		expiry := time.NewTimer(untilExpiry(p))
		defer expiry.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-expiry.C:
				// The token that opened the stream has expired; the client
				// reconnects with a fresh one.
				return
			case <-tick.C:
				fmt.Fprint(w, ": keep-alive\n\n")
			case e, ok := <-ch:
				if !ok {
					return
				}
				writeEvent(w, e)
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
	})
}

func untilExpiry(p auth.Principal) time.Duration {
	if p.ExpiresAt.IsZero() {
		return 24 * time.Hour
	}
	return max(time.Until(p.ExpiresAt), time.Second)
}

func writeEvent(w http.ResponseWriter, e Event) {
	// Data is compact JSON (no newlines), so one data line suffices.
	fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", e.ID, e.Name, e.Data)
}
