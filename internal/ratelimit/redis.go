package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a limiter shared by every replica: the generic cell rate
// algorithm (GCRA) evaluated atomically in Redis. Each key holds one
// number, its theoretical arrival time, and expires when idle.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	per    time.Duration // emission interval: window / events
	burst  int
}

// NewRedis allows `per` events per `window` per key, in bursts of up to
// per, like NewLocal. prefix namespaces the keys (e.g. "rl:login:").
func NewRedis(rdb redis.UniversalClient, prefix string, per int, window time.Duration) *Redis {
	return &Redis{rdb: rdb, prefix: prefix, per: window / time.Duration(per), burst: per}
}

// gcra: KEYS[1] key; ARGV emission interval (µs), burst tolerance (µs).
// Returns {allowed, retry_after_µs}. Time comes from the Redis server so
// replicas with skewed clocks agree.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - tolerance - interval
if allow_at > now then
  return {0, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return {1, 0}
`)

// Allow implements Limiter.
func (l *Redis) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	interval := l.per.Microseconds()
	tolerance := interval * int64(l.burst-1)
	res, err := gcra.Run(ctx, l.rdb, []string{l.prefix + key}, interval, tolerance).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("redis rate limit: %w", err)
	}
	if res[0] == 1 {
		return true, 0, nil
	}
	retry := time.Duration(res[1]) * time.Microsecond
	return false, retry.Round(time.Second) + time.Second, nil
}
