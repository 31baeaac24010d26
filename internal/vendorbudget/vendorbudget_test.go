package vendorbudget

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// counters returns each Counter implementation available: in-process
// always, Redis when PIERRE_TEST_REDIS_URL is set.
func counters(t *testing.T) map[string]Counter {
	out := map[string]Counter{"local": NewLocal()}
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
	out["redis"] = NewRedis(rdb, "test:"+hex.EncodeToString(b[:])+":")
	return out
}

func TestCounterContract(t *testing.T) {
	for name, c := range counters(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i := range 3 {
				if ok, err := c.Take(ctx, "k", 3, time.Minute); !ok || err != nil {
					t.Fatalf("take %d: %v %v", i, ok, err)
				}
			}
			if ok, _ := c.Take(ctx, "k", 3, time.Minute); ok {
				t.Fatal("took a 4th slot of 3")
			}
			c.Give(ctx, "k")
			if ok, _ := c.Take(ctx, "k", 3, time.Minute); !ok {
				t.Fatal("a given-back slot was not free")
			}
			// The vendor saw more use than we counted: believe the vendor.
			c.Raise(ctx, "other", 9, time.Minute)
			if ok, _ := c.Take(ctx, "other", 10, time.Minute); !ok {
				t.Fatal("slot 10 of 10 refused")
			}
			if ok, _ := c.Take(ctx, "other", 10, time.Minute); ok {
				t.Fatal("raised usage ignored")
			}
			// Raising never lowers.
			c.Raise(ctx, "other", 2, time.Minute)
			if ok, _ := c.Take(ctx, "other", 10, time.Minute); ok {
				t.Fatal("Raise lowered the count")
			}
		})
	}
}

func TestBackgroundLeavesRoomForInteractive(t *testing.T) {
	b := New("strava", []Window{{time.Hour, 10}}, NewLocal())
	bg, cancel := context.WithTimeout(WithPriority(context.Background(), Background), 50*time.Millisecond)
	defer cancel()
	n := 0
	for b.Wait(bg) == nil {
		n++
	}
	if n != 8 {
		t.Fatalf("background took %d of 10 slots, want 8", n)
	}
	for i := range 2 {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatalf("interactive request %d refused: %v", i, err)
		}
	}
	err := b.Wait(context.Background())
	var ex *ExhaustedError
	if !errors.As(err, &ex) || ex.Vendor != "strava" || ex.RetryAt.Before(time.Now()) {
		t.Fatalf("full budget: %v", err)
	}
}

func TestWaitSpansAWindowReset(t *testing.T) {
	b := New("strava", []Window{{200 * time.Millisecond, 3}}, NewLocal())
	start := time.Now()
	for i := range 7 {
		if err := b.Wait(context.Background()); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	// 7 requests at 3 per window need three windows.
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("7 requests through a 3-per-window budget took only %s", d)
	}
}

// stravaLike enforces windowed limits the way Strava documents them: each
// answer carries X-RateLimit-Limit and X-RateLimit-Usage, and a request over
// the limit gets 429.
type stravaLike struct {
	windows  []Window
	mu       sync.Mutex
	used     map[string]int
	over     atomic.Int64
	requests atomic.Int64
}

func (s *stravaLike) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := time.Now()
	limits, usage := "", ""
	refuse := false
	for i, win := range s.windows {
		key := fmt.Sprint(i, ":", now.UnixNano()/int64(win.Length))
		s.used[key]++
		if s.used[key] > win.Limit {
			refuse = true
		}
		if i > 0 {
			limits, usage = limits+",", usage+","
		}
		limits += fmt.Sprint(win.Limit)
		usage += fmt.Sprint(s.used[key])
	}
	s.mu.Unlock()
	s.requests.Add(1)
	w.Header().Set("X-RateLimit-Limit", limits)
	w.Header().Set("X-RateLimit-Usage", usage)
	if refuse {
		s.over.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	w.Write([]byte(`[]`))
}

func TestConcurrentUsersNeverExceedTheVendorLimit(t *testing.T) {
	windows := []Window{{300 * time.Millisecond, 20}, {3 * time.Second, 200}}
	vendor := &stravaLike{windows: windows, used: map[string]int{}}
	srv := httptest.NewServer(vendor)
	defer srv.Close()
	b := New("strava", windows, NewLocal())
	client := &http.Client{Transport: &Transport{Budget: b}}
	var wg sync.WaitGroup
	for u := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := WithPriority(context.Background(), Background)
			for range 15 {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/athlete/activities", nil)
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("user %d: %v", u, err)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if vendor.over.Load() != 0 {
		t.Fatalf("%d requests went over the vendor's limit", vendor.over.Load())
	}
	if vendor.requests.Load() != 60 {
		t.Fatalf("%d requests reached the vendor, want 60", vendor.requests.Load())
	}
}

func TestBudgetLearnsUsageFromTheVendor(t *testing.T) {
	windows := []Window{{400 * time.Millisecond, 10}}
	vendor := &stravaLike{windows: windows, used: map[string]int{}}
	srv := httptest.NewServer(vendor)
	defer srv.Close()
	// Another deployment of the same application has used 9 of 10.
	key := fmt.Sprint(0, ":", time.Now().UnixNano()/int64(windows[0].Length))
	vendor.used[key] = 9
	b := New("strava", windows, NewLocal())
	client := &http.Client{Transport: &Transport{Budget: b}}
	for range 5 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	// At most one request can have met the full window before the budget
	// learned the real usage from the vendor's headers.
	if vendor.over.Load() > 1 {
		t.Fatalf("%d refused requests: the budget did not learn the vendor's usage", vendor.over.Load())
	}
}
