package notify

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/broadcast"
)

func serve(t *testing.T, h *Hub, p auth.Principal) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Handler().ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// stream opens the SSE stream and returns a channel of "event id" lines.
func stream(t *testing.T, url, lastID string) <-chan string {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan string, 64)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var id string
		for sc.Scan() {
			l := sc.Text()
			if v, ok := strings.CutPrefix(l, "id: "); ok {
				id = v
			}
			if v, ok := strings.CutPrefix(l, "data: "); ok {
				out <- id + " " + v
			}
		}
	}()
	return out
}

func recv(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return ""
}

func TestEventsReachOnlyTheirUserAndResume(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := New(broadcast.NewLocal())
	if err := h.Run(ctx); err != nil {
		t.Fatal(err)
	}
	alice := auth.Principal{TenantID: "t1", UserID: "alice"}
	sa := serve(t, h, alice)
	sb := serve(t, h, auth.Principal{TenantID: "t2", UserID: "alice"}) // same user id, other tenant
	a, b := stream(t, sa.URL, ""), stream(t, sb.URL, "")
	time.Sleep(50 * time.Millisecond) // let both subscribe
	for _, p := range []string{"strava", "fitbit", "whoop"} {
		if err := h.Publish(ctx, "t1", "alice", "oauth_completed", map[string]string{"provider": p}); err != nil {
			t.Fatal(err)
		}
	}
	first := recv(t, a)
	if !strings.Contains(first, `"method":"notifications/oauth_completed"`) || !strings.Contains(first, "strava") {
		t.Fatalf("event %s", first)
	}
	recv(t, a)
	recv(t, a)
	select {
	case e := <-b:
		t.Fatalf("another tenant's user received %s", e)
	case <-time.After(100 * time.Millisecond):
	}
	firstID, _, _ := strings.Cut(first, " ")
	r := stream(t, sa.URL, firstID)
	if e := recv(t, r); !strings.Contains(e, "fitbit") {
		t.Fatalf("resume after the first event gave %s", e)
	}
	if e := recv(t, r); !strings.Contains(e, "whoop") {
		t.Fatalf("resume second %s", e)
	}
}

func TestRingKeepsTheLastEvents(t *testing.T) {
	h := New(broadcast.NewLocal())
	for i := range RingSize + 10 {
		h.deliver(Event{ID: string(rune('a' + i)), Tenant: "t", User: "u"})
	}
	_, missed := h.subscribe("t/u", "unknown-id")
	if len(missed) != RingSize || missed[len(missed)-1].ID != string(rune('a'+RingSize+9)) {
		t.Fatalf("ring holds %d", len(missed))
	}
}

// With Redis, an event published on one replica reaches a stream held by
// another.
func TestEventsCrossReplicas(t *testing.T) {
	u := os.Getenv("PIERRE_TEST_REDIS_URL")
	if u == "" {
		t.Skip("PIERRE_TEST_REDIS_URL is not set; skipping the cross-replica test")
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := redis.NewClient(opt), redis.NewClient(opt)
	defer r1.Close()
	defer r2.Close()
	prefix := "pierre-test-" + time.Now().Format("150405.000000") + ":"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h1, h2 := New(broadcast.NewRedis(r1, prefix)), New(broadcast.NewRedis(r2, prefix))
	if err := h1.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h2.Run(ctx); err != nil {
		t.Fatal(err)
	}
	s2 := serve(t, h2, auth.Principal{TenantID: "t", UserID: "u"})
	ch := stream(t, s2.URL, "")
	time.Sleep(50 * time.Millisecond)
	h1.Publish(ctx, "t", "u", "oauth_completed", map[string]string{"provider": "garmin"})
	if e := recv(t, ch); !strings.Contains(e, "garmin") {
		t.Fatalf("got %s", e)
	}
}
