package app

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/pierre-fitness/pierre/internal/broadcast"
	"github.com/pierre-fitness/pierre/internal/ratelimit"
)

// redisPinger adapts a Redis client to the health checks.
type redisPinger struct{ rdb *redis.Client }

func (p redisPinger) Ping(ctx context.Context) error { return p.rdb.Ping(ctx).Err() }

// connectRedis opens REDIS_URL and checks it answers, so a wrong URL stops
// the server at start-up rather than at the first login.
func connectRedis(ctx context.Context, url string) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL does not parse: %w", err)
	}
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("cannot reach Redis at REDIS_URL (%s:%d): %w", opt.Addr, opt.DB, err)
	}
	return rdb, nil
}

// sharedState returns the broadcast bus and the rate-limiter factory:
// Redis-backed when a client is given, in-process otherwise.
func sharedState(rdb *redis.Client) (broadcast.Bus, func(string, int, time.Duration) ratelimit.Limiter) {
	if rdb == nil {
		return broadcast.NewLocal(), func(_ string, per int, window time.Duration) ratelimit.Limiter {
			return ratelimit.NewLocal(per, window)
		}
	}
	return broadcast.NewRedis(rdb, "pierre:"), func(name string, per int, window time.Duration) ratelimit.Limiter {
		return ratelimit.NewRedis(rdb, "pierre:rl:"+name+":", per, window)
	}
}
