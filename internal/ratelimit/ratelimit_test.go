package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// limiters returns a fresh limiter of each implementation available:
// in-process always, Redis when PIERRE_TEST_REDIS_URL is set.
func limiters(t *testing.T, per int, window time.Duration) map[string]Limiter {
	out := map[string]Limiter{"local": NewLocal(per, window)}
	url := os.Getenv("PIERRE_TEST_REDIS_URL")
	if url == "" {
		t.Log("PIERRE_TEST_REDIS_URL is not set: Redis cases skipped (`.ci/run` sets it)")
		return out
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	var b [6]byte
	rand.Read(b[:])
	out["redis"] = NewRedis(rdb, "test:"+hex.EncodeToString(b[:])+":", per, window)
	return out
}

func TestLimiterContract(t *testing.T) {
	for name, l := range limiters(t, 3, time.Minute) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i := range 3 {
				if ok, _, err := l.Allow(ctx, "a"); !ok || err != nil {
					t.Fatalf("event %d refused within the burst: %v", i, err)
				}
			}
			ok, retry, err := l.Allow(ctx, "a")
			if ok || err != nil || retry < 15*time.Second || retry > 22*time.Second {
				t.Fatalf("4th event: ok=%v retry=%v err=%v (want refusal, ~20s)", ok, retry, err)
			}
			if ok, _, _ := l.Allow(ctx, "b"); !ok {
				t.Fatal("another key must have its own budget")
			}
		})
	}
}

func TestLimiterRefillsOverTime(t *testing.T) {
	for name, l := range limiters(t, 10, time.Second) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for range 10 {
				l.Allow(ctx, "k")
			}
			if ok, _, _ := l.Allow(ctx, "k"); ok {
				t.Fatal("burst exceeded")
			}
			time.Sleep(250 * time.Millisecond) // two tokens back
			if ok, _, _ := l.Allow(ctx, "k"); !ok {
				t.Fatal("no token after refill time")
			}
		})
	}
}

// Concurrent callers (replicas) never get more than the burst together.
func TestLimiterIsAtomicUnderConcurrency(t *testing.T) {
	for name, l := range limiters(t, 20, time.Hour) {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			allowed := 0
			var wg sync.WaitGroup
			for range 100 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if ok, _, _ := l.Allow(context.Background(), "shared"); ok {
						mu.Lock()
						allowed++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if allowed != 20 {
				t.Fatalf("%d of 100 concurrent events allowed, want exactly 20", allowed)
			}
		})
	}
}
