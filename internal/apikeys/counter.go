package apikeys

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// LocalCounter counts in process, for a single replica.
type LocalCounter struct {
	mu     sync.Mutex
	counts map[string]localCount
}

type localCount struct {
	n       int
	expires time.Time
}

// NewLocalCounter returns an empty counter.
func NewLocalCounter() *LocalCounter { return &LocalCounter{counts: map[string]localCount{}} }

// Incr implements Counter.
func (l *LocalCounter) Incr(_ context.Context, key string, ttl time.Duration) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.counts) > 10_000 {
		for k, c := range l.counts {
			if now.After(c.expires) {
				delete(l.counts, k)
			}
		}
	}
	c := l.counts[key]
	if now.After(c.expires) {
		c = localCount{expires: now.Add(ttl)}
	}
	c.n++
	l.counts[key] = c
	return c.n, nil
}

// RedisCounter counts in Redis, shared by every replica.
type RedisCounter struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisCounter returns a counter whose keys start with prefix.
func NewRedisCounter(rdb redis.UniversalClient, prefix string) *RedisCounter {
	return &RedisCounter{rdb: rdb, prefix: prefix}
}

var incrScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`)

// Incr implements Counter.
func (r *RedisCounter) Incr(ctx context.Context, key string, ttl time.Duration) (int, error) {
	n, err := incrScript.Run(ctx, r.rdb, []string{r.prefix + key}, ttl.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("redis counter: %w", err)
	}
	return n, nil
}
