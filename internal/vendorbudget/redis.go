package vendorbudget

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Counter shared by every replica.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedis returns a counter whose keys start with prefix.
func NewRedis(rdb redis.UniversalClient, prefix string) *Redis {
	return &Redis{rdb: rdb, prefix: prefix}
}

var takeScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

var raiseScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > n then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 0
`)

var giveScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0
`)

// Take implements Counter.
func (r *Redis) Take(ctx context.Context, key string, limit int, ttl time.Duration) (bool, error) {
	n, err := takeScript.Run(ctx, r.rdb, []string{r.prefix + key}, limit, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis budget: %w", err)
	}
	return n == 1, nil
}

// Raise implements Counter.
func (r *Redis) Raise(ctx context.Context, key string, n int, ttl time.Duration) error {
	return raiseScript.Run(ctx, r.rdb, []string{r.prefix + key}, n, ttl.Milliseconds()).Err()
}

// Give implements Counter.
func (r *Redis) Give(ctx context.Context, key string) error {
	return giveScript.Run(ctx, r.rdb, []string{r.prefix + key}).Err()
}
