package connections

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// Cache TTLs (spec ch15-17 §6). Streams of a finished activity do not
// change, so they live as long as the activity; sleep, recovery and health
// lists change daily like the activity list.
const (
	TTLAthlete      = 24 * time.Hour
	TTLActivityList = 15 * time.Minute
	TTLActivity     = time.Hour
	TTLStats        = 6 * time.Hour
	TTLStreams      = time.Hour
	TTLDaily        = 15 * time.Minute
)

// Cache stores vendor answers. Implementations are safe for concurrent use;
// failures degrade to misses.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration)
	// DeletePrefix drops every key starting with prefix.
	DeletePrefix(ctx context.Context, prefix string)
}

// LocalCache is an in-process Cache bounded to a number of entries.
type LocalCache struct {
	mu   sync.Mutex
	max  int
	data map[string]localEntry
	now  func() time.Time
}

type localEntry struct {
	val []byte
	exp time.Time
}

// NewLocalCache returns a cache holding at most max entries.
func NewLocalCache(max int) *LocalCache {
	return &LocalCache{max: max, data: map[string]localEntry{}, now: time.Now}
}

// Get implements Cache.
func (c *LocalCache) Get(_ context.Context, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.data[key]
	if !ok || !c.now().Before(e.exp) {
		return nil, false
	}
	return e.val, true
}

// Set implements Cache.
func (c *LocalCache) Set(_ context.Context, key string, val []byte, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if len(c.data) >= c.max {
		for k, e := range c.data {
			if !now.Before(e.exp) {
				delete(c.data, k)
			}
		}
		// Still full: drop arbitrary entries (map order) rather than grow.
		for k := range c.data {
			if len(c.data) < c.max {
				break
			}
			delete(c.data, k)
		}
	}
	c.data[key] = localEntry{val: val, exp: now.Add(ttl)}
}

// DeletePrefix implements Cache.
func (c *LocalCache) DeletePrefix(_ context.Context, prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.data {
		if strings.HasPrefix(k, prefix) {
			delete(c.data, k)
		}
	}
}

// RedisCache is a Cache shared by every replica.
type RedisCache struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisCache returns a cache whose keys start with prefix.
func NewRedisCache(rdb redis.UniversalClient, prefix string) *RedisCache {
	return &RedisCache{rdb: rdb, prefix: prefix}
}

// Get implements Cache.
func (c *RedisCache) Get(ctx context.Context, key string) ([]byte, bool) {
	b, err := c.rdb.Get(ctx, c.prefix+key).Bytes()
	return b, err == nil
}

// Set implements Cache.
func (c *RedisCache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) {
	c.rdb.Set(ctx, c.prefix+key, val, ttl)
}

// DeletePrefix implements Cache. One user's keys are few, so SCAN is cheap.
func (c *RedisCache) DeletePrefix(ctx context.Context, prefix string) {
	it := c.rdb.Scan(ctx, 0, escapeGlob(c.prefix+prefix)+"*", 200).Iterator()
	var keys []string
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	if len(keys) > 0 {
		c.rdb.Del(ctx, keys...)
	}
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}

// cachedClient is the cache-aside decorator of a vendor client. Errors are
// never cached.
type cachedClient struct {
	inner  provider.Client
	cache  Cache
	prefix string
}

type bypassKey struct{}

// WithoutCache makes reads through ctx go to the vendor, skipping the
// response cache: syncs and webhook checks need the vendor's current
// answer, and keep their own copy anyway.
func WithoutCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, bypassKey{}, true)
}

func cached[T any](ctx context.Context, c *cachedClient, resource string, ttl time.Duration, fetch func() (T, error)) (T, error) {
	if ctx.Value(bypassKey{}) != nil {
		return fetch()
	}
	key := c.prefix + resource
	if b, ok := c.cache.Get(ctx, key); ok {
		var v T
		if json.Unmarshal(b, &v) == nil {
			return v, nil
		}
	}
	v, err := fetch()
	if err != nil {
		return v, err
	}
	if b, err := json.Marshal(v); err == nil {
		c.cache.Set(ctx, key, b, ttl)
	}
	return v, nil
}

func timeKey(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return fmt.Sprint(t.UnixMilli())
}

func (c *cachedClient) Athlete(ctx context.Context) (fitness.Athlete, error) {
	return cached(ctx, c, "athlete_profile", TTLAthlete, func() (fitness.Athlete, error) { return c.inner.Athlete(ctx) })
}

func (c *cachedClient) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	res := fmt.Sprintf("activity_list:after:%s:before:%s:per_page:%d:cursor:%s", timeKey(q.After), timeKey(q.Before), q.Limit, q.Cursor)
	if q.Before.IsZero() && q.Cursor == "" {
		// The first page without an upper bound changes with new uploads;
		// the 15-minute TTL bounds how stale it gets.
		res += ":latest"
	}
	return cached(ctx, c, res, TTLActivityList, func() (provider.ActivityPage, error) { return c.inner.Activities(ctx, q) })
}

func (c *cachedClient) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	return cached(ctx, c, "activity:"+id, TTLActivity, func() (fitness.Activity, error) { return c.inner.Activity(ctx, id) })
}

func (c *cachedClient) Streams(ctx context.Context, id string) (fitness.Streams, error) {
	return cached(ctx, c, "streams:"+id, TTLStreams, func() (fitness.Streams, error) { return c.inner.Streams(ctx, id) })
}

func (c *cachedClient) Stats(ctx context.Context) (fitness.Stats, error) {
	return cached(ctx, c, "stats", TTLStats, func() (fitness.Stats, error) { return c.inner.Stats(ctx) })
}

func (c *cachedClient) Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	return cached(ctx, c, "sleep:"+timeKey(from)+":"+timeKey(to), TTLDaily, func() ([]fitness.SleepSession, error) { return c.inner.Sleep(ctx, from, to) })
}

func (c *cachedClient) Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	return cached(ctx, c, "recovery:"+timeKey(from)+":"+timeKey(to), TTLDaily, func() ([]fitness.DailyRecovery, error) { return c.inner.Recovery(ctx, from, to) })
}

func (c *cachedClient) Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	return cached(ctx, c, "health:"+timeKey(from)+":"+timeKey(to), TTLDaily, func() ([]fitness.HealthMetrics, error) { return c.inner.Health(ctx, from, to) })
}
