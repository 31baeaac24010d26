// Package broadcast delivers small messages to every replica: a logout, a
// suspended account, a provider connected. In one process the Local bus
// fans out in memory; with REDIS_URL the Redis bus uses pub/sub so all
// replicas hear each message.
package broadcast

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Bus publishes and subscribes to topics. Delivery is at most once and
// only to subscribers connected at the time; messages are hints that let
// replicas act immediately, never the only record of a change.
type Bus interface {
	Publish(ctx context.Context, topic string, msg []byte) error
	// Subscribe calls handle for each message on topic until ctx ends. It
	// returns once the subscription is active.
	Subscribe(ctx context.Context, topic string, handle func([]byte)) error
}

// Local is an in-process bus.
type Local struct {
	mu   sync.RWMutex
	subs map[string]map[*func([]byte)]struct{}
}

// NewLocal returns an in-process bus.
func NewLocal() *Local { return &Local{subs: map[string]map[*func([]byte)]struct{}{}} }

// Publish implements Bus.
func (l *Local) Publish(_ context.Context, topic string, msg []byte) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for h := range l.subs[topic] {
		(*h)(msg)
	}
	return nil
}

// Subscribe implements Bus.
func (l *Local) Subscribe(ctx context.Context, topic string, handle func([]byte)) error {
	h := &handle
	l.mu.Lock()
	if l.subs[topic] == nil {
		l.subs[topic] = map[*func([]byte)]struct{}{}
	}
	l.subs[topic][h] = struct{}{}
	l.mu.Unlock()
	go func() {
		<-ctx.Done()
		l.mu.Lock()
		delete(l.subs[topic], h)
		l.mu.Unlock()
	}()
	return nil
}

// Redis is a bus over Redis pub/sub.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedis returns a bus whose channels are prefixed with prefix.
func NewRedis(rdb redis.UniversalClient, prefix string) *Redis {
	return &Redis{rdb: rdb, prefix: prefix}
}

// Publish implements Bus.
func (r *Redis) Publish(ctx context.Context, topic string, msg []byte) error {
	if err := r.rdb.Publish(ctx, r.prefix+topic, msg).Err(); err != nil {
		return fmt.Errorf("publish %s: %w", topic, err)
	}
	return nil
}

// Subscribe implements Bus.
func (r *Redis) Subscribe(ctx context.Context, topic string, handle func([]byte)) error {
	ps := r.rdb.Subscribe(ctx, r.prefix+topic)
	// Wait for the confirmation so that messages published after Subscribe
	// returns are not missed.
	if _, err := ps.Receive(ctx); err != nil {
		ps.Close()
		return fmt.Errorf("subscribe %s: %w", topic, err)
	}
	go func() {
		defer ps.Close()
		ch := ps.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				handle([]byte(m.Payload))
			}
		}
	}()
	return nil
}
