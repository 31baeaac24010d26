package broadcast

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// replicas returns, per implementation, two buses standing for two
// replicas of the server.
func replicas(t *testing.T) map[string][2]Bus {
	local := NewLocal()
	out := map[string][2]Bus{"local": {local, local}}
	url := os.Getenv("PIERRE_TEST_REDIS_URL")
	if url == "" {
		t.Log("PIERRE_TEST_REDIS_URL is not set: Redis cases skipped (`.ci/run` sets it)")
		return out
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	a, b := redis.NewClient(opt), redis.NewClient(opt)
	t.Cleanup(func() { a.Close(); b.Close() })
	var n [6]byte
	rand.Read(n[:])
	prefix := "test:" + hex.EncodeToString(n[:]) + ":"
	out["redis"] = [2]Bus{NewRedis(a, prefix), NewRedis(b, prefix)}
	return out
}

func TestMessagesReachOtherReplicas(t *testing.T) {
	for name, pair := range replicas(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			got := make(chan string, 4)
			if err := pair[1].Subscribe(ctx, "auth.revoked", func(m []byte) { got <- string(m) }); err != nil {
				t.Fatal(err)
			}
			other := make(chan string, 4)
			pair[1].Subscribe(ctx, "other", func(m []byte) { other <- string(m) })
			if err := pair[0].Publish(ctx, "auth.revoked", []byte("jti-1")); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-got:
				if m != "jti-1" {
					t.Fatalf("got %q", m)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("message not delivered")
			}
			select {
			case m := <-other:
				t.Fatalf("message leaked to another topic: %q", m)
			case <-time.After(100 * time.Millisecond):
			}
			// After the subscriber's context ends, nothing more arrives.
			cancel()
			time.Sleep(100 * time.Millisecond)
			pair[0].Publish(context.Background(), "auth.revoked", []byte("late"))
			select {
			case m := <-got:
				t.Fatalf("delivered after unsubscribe: %q", m)
			case <-time.After(200 * time.Millisecond):
			}
		})
	}
}
