// Package ratelimit limits how often a key (an IP address, a user, an API
// key) may do something. The in-process limiter here serves one replica;
// a Redis-backed limiter with the same interface serves many.
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter decides whether one more event for key is allowed now.
type Limiter interface {
	// Allow consumes one token for key. When refused, retryAfter says when
	// the next event would be allowed.
	Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// Local is an in-process token-bucket limiter per key. Idle keys are
// forgotten so memory stays bounded under many distinct keys.
type Local struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLocal allows `per` events per `window` per key, in bursts of up to per.
func NewLocal(per int, window time.Duration) *Local {
	return &Local{limit: rate.Limit(float64(per) / window.Seconds()), burst: per, buckets: map[string]*bucket{}}
}

// Allow implements Limiter.
func (l *Local) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		// A bucket idle for long enough to have refilled can be dropped.
		full := time.Duration(float64(l.burst)/float64(l.limit)*float64(time.Second)) + time.Minute
		for k, b := range l.buckets {
			if now.Sub(b.seen) > full {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, time.Duration(math.Ceil(d.Seconds())) * time.Second, nil
	}
	return true, 0, nil
}
