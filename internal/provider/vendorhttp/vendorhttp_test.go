package vendorhttp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/provider"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

type payload struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func newTestClient(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *Recorder) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &Recorder{}
	base := []Option{WithBaseURL(srv.URL), WithSleeper(rec.Sleep), WithClock(func() time.Time { return t0 }),
		WithRand(func() float64 { return 0.5 })}
	return New(Config{Provider: "acme", HTTP: srv.Client()}, append(base, opts...)...), rec
}

func TestGetDecodes(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/thing" || r.URL.Query().Get("a") != "b" {
			t.Errorf("got %s", r.URL)
		}
		if r.Header.Get("X-Static") != "yes" {
			t.Errorf("static header missing")
		}
		w.Write([]byte(`{"name":"x","count":3}`))
	}, WithHeader("X-Static", "yes"))
	got, err := Get[payload](context.Background(), c, "/v1/thing", map[string][]string{"a": {"b"}})
	if err != nil || got != (payload{"x", 3}) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestPostSendsJSON(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("method %s ct %s", r.Method, r.Header.Get("Content-Type"))
		}
		w.Write([]byte(`{"name":"ok"}`))
	})
	got, err := Post[payload](context.Background(), c, "/p", map[string]int{"a": 1})
	if err != nil || got.Name != "ok" {
		t.Fatalf("got %+v %v", got, err)
	}
}

func TestStatusMapping(t *testing.T) {
	cases := []struct {
		status int
		kind   provider.ErrorKind
		words  string
	}{
		{401, provider.KindReauthRequired, "reconnect"},
		{403, provider.KindReauthRequired, "reconnect"},
		{404, provider.KindNotFound, "no such"},
		{400, provider.KindInvalidData, "rejected"},
		{503, provider.KindUnavailable, "unavailable"},
		{429, provider.KindRateLimited, "rate limit"},
	}
	for _, tc := range cases {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(`{"secret":"access_token=abc123"}`))
		}, WithRetry(1, time.Second))
		_, err := Get[payload](context.Background(), c, "/x", nil)
		var pe *provider.Error
		if !errors.As(err, &pe) || pe.Kind != tc.kind || pe.Status != tc.status {
			t.Fatalf("%d: got %v", tc.status, err)
		}
		if !strings.Contains(err.Error(), tc.words) || !strings.Contains(err.Error(), "acme") {
			t.Errorf("%d: message %q lacks %q/vendor", tc.status, err, tc.words)
		}
		if strings.Contains(err.Error(), "abc123") {
			t.Errorf("%d: body leaked into %q", tc.status, err)
		}
	}
}

func TestRetry429HonoursRetryAfterSeconds(t *testing.T) {
	var n atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
			return
		}
		w.Write([]byte(`{"name":"late"}`))
	})
	got, err := Get[payload](context.Background(), c, "/x", nil)
	if err != nil || got.Name != "late" {
		t.Fatalf("got %+v %v", got, err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 7*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestRetry429HonoursRetryAfterDate(t *testing.T) {
	var n atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", t0.Add(12*time.Second).Format(http.TimeFormat))
			w.WriteHeader(429)
			return
		}
		w.Write([]byte(`{}`))
	})
	if _, err := Get[payload](context.Background(), c, "/x", nil); err != nil {
		t.Fatal(err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 12*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestRetryAfterBeyondCapReturnedAtOnce(t *testing.T) {
	var n atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "900")
		w.WriteHeader(429)
	}, WithRetry(5, 60*time.Second))
	_, err := Get[payload](context.Background(), c, "/x", nil)
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Kind != provider.KindRateLimited || pe.RetryAfter != 900*time.Second {
		t.Fatalf("got %#v", err)
	}
	if n.Load() != 1 || len(rec.Waits()) != 0 {
		t.Fatalf("requests %d waits %v", n.Load(), rec.Waits())
	}
	if !strings.Contains(err.Error(), "retry after 15m0s") {
		t.Errorf("message %q", err)
	}
}

func TestRetry5xxBoundedWithJitteredBackoff(t *testing.T) {
	var n atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(502)
	}, WithRetry(4, time.Minute), WithBackoff(time.Second, 3*time.Second))
	_, err := Get[payload](context.Background(), c, "/x", nil)
	if provider.KindOf(err) != provider.KindUnavailable {
		t.Fatalf("got %v", err)
	}
	if n.Load() != 4 {
		t.Fatalf("requests %d", n.Load())
	}
	// rand 0.5 × min(cap, 1s·2^(n-1)): 0.5s, 1s, 1.5s (capped at 3s).
	want := []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	got := rec.Waits()
	if len(got) != len(want) {
		t.Fatalf("waits %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits %v want %v", got, want)
		}
	}
	if !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("message %q", err)
	}
}

func TestTotalWaitBound(t *testing.T) {
	var n atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "4")
		w.WriteHeader(503)
	}, WithRetry(10, 10*time.Second))
	_, err := Get[payload](context.Background(), c, "/x", nil)
	if provider.KindOf(err) != provider.KindUnavailable {
		t.Fatal(err)
	}
	// 4s + 4s = 8s; a third 4s wait would exceed 10s, so it stops.
	if len(rec.Waits()) != 2 || n.Load() != 3 {
		t.Fatalf("waits %v requests %d", rec.Waits(), n.Load())
	}
}

func TestNeverSleepsPastDeadline(t *testing.T) {
	var n atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "20")
		w.WriteHeader(429)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Get[payload](ctx, c, "/x", nil)
	if provider.KindOf(err) != provider.KindRateLimited || n.Load() != 1 || len(rec.Waits()) != 0 {
		t.Fatalf("err %v requests %d waits %v", err, n.Load(), rec.Waits())
	}
}

func TestNotRetried4xx(t *testing.T) {
	var n atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(401)
	})
	_, err := Get[payload](context.Background(), c, "/x", nil)
	if provider.KindOf(err) != provider.KindReauthRequired || n.Load() != 1 {
		t.Fatalf("err %v requests %d", err, n.Load())
	}
}

func TestMalformedGivesInvalidDataAndZero(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"name":"partial","count":"nope"}`))
	})
	got, err := Get[payload](context.Background(), c, "/x", nil)
	if provider.KindOf(err) != provider.KindInvalidData || got != (payload{}) {
		t.Fatalf("got %+v %v", got, err)
	}
	if strings.Contains(err.Error(), "nope") {
		t.Errorf("body leaked: %v", err)
	}
	var pe *provider.Error
	errors.As(err, &pe)
	if pe.Err == nil || strings.Contains(pe.Err.Error(), "nope") {
		t.Errorf("cause %v", pe.Err)
	}
}

func TestBodyLimit(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"name":"` + strings.Repeat("x", 200) + `"}`))
	}, WithMaxBodyBytes(64))
	_, err := Get[payload](context.Background(), c, "/x", nil)
	if provider.KindOf(err) != provider.KindInvalidData || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v", err)
	}
}

func TestNetworkErrorRedactsQuery(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	u := srv.URL
	srv.Close()
	rec := &Recorder{}
	c := New(Config{Provider: "acme"}, WithBaseURL(u), WithSleeper(rec.Sleep), WithRetry(2, time.Minute))
	_, err := Get[payload](context.Background(), c, "/x", map[string][]string{"token": {"SECRET"}})
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Kind != provider.KindUnavailable {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(pe.Error(), "SECRET") || strings.Contains(pe.Err.Error(), "SECRET") {
		t.Fatalf("token leaked: %v / %v", pe, pe.Err)
	}
	if len(rec.Waits()) != 1 {
		t.Fatalf("network errors should be retried: %v", rec.Waits())
	}
}

func TestContextCancelled(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Get[payload](ctx, c, "/x", nil)
	if !errors.Is(err, context.Canceled) || provider.KindOf(err) != provider.KindUnavailable {
		t.Fatalf("got %v", err)
	}
}

func TestObserverSeesStravaRateLimitHeaders(t *testing.T) {
	var got []ResponseInfo
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "200,2000")
		w.Header().Set("X-RateLimit-Usage", "17,345")
		w.Header().Set("X-ReadRateLimit-Limit", "100,1000")
		w.Header().Set("X-ReadRateLimit-Usage", "9,120")
		w.Write([]byte(`{}`))
	}, WithObserver(func(i ResponseInfo) { got = append(got, i) }))
	if _, err := Get[payload](context.Background(), c, "/athlete", map[string][]string{"q": {"1"}}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RateLimit == nil || got[0].Path != "/athlete" || got[0].Status != 200 {
		t.Fatalf("got %+v", got)
	}
	want := RateLimitUsage{200, 2000, 17, 345, 100, 1000, 9, 120}
	if *got[0].RateLimit != want {
		t.Fatalf("got %+v", *got[0].RateLimit)
	}
}

func TestHintUsedWithoutRetryAfter(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) },
		WithRetry(1, time.Second),
		func(c *Config) { c.Hint = func(http.Header, time.Time) time.Duration { return 3 * time.Minute } })
	_, err := Get[payload](context.Background(), c, "/x", nil)
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.RetryAfter != 3*time.Minute {
		t.Fatalf("got %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	cases := map[string]time.Duration{
		"":    0,
		"0":   0,
		"-5":  0,
		"abc": 0,
		"30":  30 * time.Second,
		t0.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		t0.Add(-time.Hour).Format(http.TimeFormat):       0,
	}
	for in, want := range cases {
		if got := ParseRetryAfter(in, t0); got != want {
			t.Errorf("%q: got %v want %v", in, got, want)
		}
	}
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("120", "100,1000", "5,10")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", ",", "x,")
	f.Fuzz(func(t *testing.T, ra, lim, use string) {
		if d := ParseRetryAfter(ra, t0); d < 0 {
			t.Fatalf("negative %v", d)
		}
		h := http.Header{}
		h.Set("X-RateLimit-Limit", lim)
		h.Set("X-RateLimit-Usage", use)
		r, _ := ParseRateLimitHeaders(h)
		if r.Limit15Min < 0 || r.UsageDaily < 0 {
			t.Fatalf("negative %+v", r)
		}
	})
}
