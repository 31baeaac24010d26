package fooddata

import (
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Cache stores encoded responses by key. Implementations must be safe for
// concurrent use. The in-process [NewMemoryCache] is the default; a Redis
// implementation (SET with EX = TTL) fits the same interface.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool)
	Set(ctx context.Context, key string, value []byte)
}

// Defaults of the in-process cache (upstream UsdaApiConfig: 1000 items,
// 24 h).
const (
	DefaultCacheSize = 1000
	DefaultCacheTTL  = 24 * time.Hour
)

type memoryCache struct {
	lru *expirable.LRU[string, []byte]
}

// NewMemoryCache is an in-process LRU cache of at most size entries that
// expire after ttl.
func NewMemoryCache(size int, ttl time.Duration) Cache {
	if size <= 0 {
		size = DefaultCacheSize
	}
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &memoryCache{lru: expirable.NewLRU[string, []byte](size, nil, ttl)}
}

func (m *memoryCache) Get(_ context.Context, key string) ([]byte, bool) { return m.lru.Get(key) }

func (m *memoryCache) Set(_ context.Context, key string, value []byte) { m.lru.Add(key, value) }

// noCache disables caching.
type noCache struct{}

func (noCache) Get(context.Context, string) ([]byte, bool) { return nil, false }
func (noCache) Set(context.Context, string, []byte)        {}

// NoCache returns a Cache that stores nothing.
func NewNoCache() Cache { return noCache{} }
