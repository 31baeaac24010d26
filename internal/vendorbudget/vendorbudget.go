// Package vendorbudget keeps Pierre inside a vendor's application-wide
// request limits (Strava: 600 requests per 15 minutes and 30,000 per day for
// the whole application, across all its athletes). Every request to the
// vendor, from any user and any replica, takes a slot from shared counters
// first; the counters learn the vendor's real usage from its rate-limit
// headers. Background work (backfills) may use only part of each window, so
// an interactive tool call always finds room.
package vendorbudget

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Window is one of a vendor's limits: at most Limit requests per Length,
// with windows aligned to multiples of Length since the Unix epoch (Strava's
// 15-minute windows start on the quarter hour; its day at midnight UTC).
type Window struct {
	Length time.Duration
	Limit  int
}

// StravaWindows are Strava's documented default application limits.
var StravaWindows = []Window{{15 * time.Minute, 600}, {24 * time.Hour, 30000}}

// Priority says whether a person is waiting for a request.
type Priority int

// Priorities.
const (
	Interactive Priority = iota
	Background
)

type priorityKey struct{}

// WithPriority marks requests made with ctx.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityFrom returns the priority of ctx (Interactive when unmarked).
func PriorityFrom(ctx context.Context) Priority {
	p, _ := ctx.Value(priorityKey{}).(Priority)
	return p
}

// Counter is the shared request count per window: in process, or in Redis
// for several replicas.
type Counter interface {
	// Take adds one to key if the result stays within limit, and reports
	// whether it did. The key expires after ttl.
	Take(ctx context.Context, key string, limit int, ttl time.Duration) (bool, error)
	// Raise lifts key to at least n (what the vendor says was used).
	Raise(ctx context.Context, key string, n int, ttl time.Duration) error
	// Give returns one slot taken by Take (a request that was not sent).
	Give(ctx context.Context, key string) error
}

// ExhaustedError means the budget will not have room before the caller's
// deadline; the answer should say how fresh the data is instead.
type ExhaustedError struct {
	Vendor  string
	RetryAt time.Time
}

func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("%s's request limit for this server is used up until %s; try again then",
		e.Vendor, e.RetryAt.UTC().Format("15:04 MST"))
}

// Budget is one vendor's shared request budget.
type Budget struct {
	Vendor  string
	Counter Counter
	// BackgroundShare is the part of each window background work may use
	// (default 0.8): the rest is kept for people waiting on an answer.
	BackgroundShare float64
	// MaxInteractiveWait bounds how long an interactive request waits for a
	// slot before it gets ExhaustedError (default 5 s).
	MaxInteractiveWait time.Duration
	Now                func() time.Time

	mu      sync.Mutex
	windows []Window
}

// New returns a budget for vendor with its documented windows.
func New(vendor string, windows []Window, c Counter) *Budget {
	return &Budget{Vendor: vendor, Counter: c, windows: append([]Window(nil), windows...)}
}

func (b *Budget) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Windows returns the limits in force (documented, or learned).
func (b *Budget) Windows() []Window {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Window(nil), b.windows...)
}

func (b *Budget) key(w Window, now time.Time) (string, time.Time) {
	n := now.UnixNano() / int64(w.Length)
	end := time.Unix(0, (n+1)*int64(w.Length))
	return "budget:" + b.Vendor + ":" + strconv.FormatInt(int64(w.Length/time.Second), 10) + ":" + strconv.FormatInt(n, 10), end
}

// Wait takes one request slot in every window, waiting for windows to
// reset when they are full. It returns *ExhaustedError when the wait would
// pass ctx's deadline (or, for interactive requests, MaxInteractiveWait).
func (b *Budget) Wait(ctx context.Context) error {
	prio := PriorityFrom(ctx)
	share := b.BackgroundShare
	if share == 0 {
		share = 0.8
	}
	maxWait := b.MaxInteractiveWait
	if maxWait == 0 {
		maxWait = 5 * time.Second
	}
	start := b.now()
	for {
		now := b.now()
		resetAt, err := b.tryTake(ctx, now, prio, share)
		if err != nil {
			return err
		}
		if resetAt.IsZero() {
			return nil
		}
		wait := resetAt.Sub(now)
		if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
			return &ExhaustedError{Vendor: b.Vendor, RetryAt: resetAt}
		}
		if prio == Interactive && now.Add(wait).Sub(start) > maxWait {
			return &ExhaustedError{Vendor: b.Vendor, RetryAt: resetAt}
		}
		if err := vendorhttp.SleepContext(ctx, wait); err != nil {
			return err
		}
	}
}

// tryTake takes a slot in every window, or none: it returns the reset time
// of the first full window.
func (b *Budget) tryTake(ctx context.Context, now time.Time, prio Priority, share float64) (time.Time, error) {
	var taken []string
	for _, w := range b.Windows() {
		key, end := b.key(w, now)
		limit := w.Limit
		if prio == Background {
			limit = int(float64(w.Limit) * share)
		}
		ok, err := b.Counter.Take(ctx, key, limit, time.Until(end)+time.Minute)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s request budget: %w", b.Vendor, err)
		}
		if !ok {
			for _, k := range taken {
				b.Counter.Give(ctx, k)
			}
			return end, nil
		}
		taken = append(taken, key)
	}
	return time.Time{}, nil
}

// Observe learns from a vendor answer: Strava sends the limits and the
// application's usage in each window (X-RateLimit-Limit: "600,30000",
// X-RateLimit-Usage: "12,345", and the same as X-ReadRateLimit-* for
// reads). Usage seen by the vendor is authoritative: it includes requests
// from before a restart or from other deployments of the same app.
func (b *Budget) Observe(ctx context.Context, h http.Header) {
	rl, ok := vendorhttp.ParseRateLimitHeaders(h)
	if !ok {
		return
	}
	limits := [2]int{rl.Limit15Min, rl.LimitDaily}
	usage := [2]int{rl.Usage15Min, rl.UsageDaily}
	// Reads have their own, tighter limits; Pierre only reads.
	if rl.ReadLimit15Min > 0 {
		limits = [2]int{rl.ReadLimit15Min, rl.ReadLimitDaily}
		usage = [2]int{rl.ReadUsage15Min, rl.ReadUsageDaily}
	}
	now := b.now()
	b.mu.Lock()
	for i := range b.windows {
		if i < 2 && limits[i] > 0 {
			b.windows[i].Limit = limits[i]
		}
	}
	windows := append([]Window(nil), b.windows...)
	b.mu.Unlock()
	for i, w := range windows {
		if i < 2 && usage[i] > 0 {
			key, end := b.key(w, now)
			b.Counter.Raise(ctx, key, usage[i], time.Until(end)+time.Minute)
		}
	}
}

// Transport takes a budget slot before each request and learns from each
// answer. It wraps the vendor client's authenticated transport.
type Transport struct {
	Budget *Budget
	Base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.Budget.Wait(req.Context()); err != nil {
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if resp != nil {
		t.Budget.Observe(req.Context(), resp.Header)
	}
	return resp, err
}

// Local is an in-process Counter for a single replica.
type Local struct {
	mu     sync.Mutex
	counts map[string]localCount
}

type localCount struct {
	n       int
	expires time.Time
}

// NewLocal returns an empty in-process counter.
func NewLocal() *Local { return &Local{counts: map[string]localCount{}} }

func (l *Local) get(key string) localCount {
	c := l.counts[key]
	if !c.expires.IsZero() && time.Now().After(c.expires) {
		delete(l.counts, key)
		return localCount{}
	}
	return c
}

// Take implements Counter.
func (l *Local) Take(_ context.Context, key string, limit int, ttl time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.counts) > 1024 {
		for k := range l.counts {
			l.get(k) // drop expired windows
		}
	}
	c := l.get(key)
	if c.n >= limit {
		return false, nil
	}
	c.n++
	c.expires = time.Now().Add(ttl)
	l.counts[key] = c
	return true, nil
}

// Raise implements Counter.
func (l *Local) Raise(_ context.Context, key string, n int, ttl time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.get(key)
	if n > c.n {
		c.n = n
		c.expires = time.Now().Add(ttl)
		l.counts[key] = c
	}
	return nil
}

// Give implements Counter.
func (l *Local) Give(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.get(key); c.n > 0 {
		c.n--
		l.counts[key] = c
	}
	return nil
}
