package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
)

func TestAPIKeysAreHashedAndScoped(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		ta, tb := tenant("club-a", t0), tenant("club-b", t0)
		ua, ub := user(ta.ID, "a@example.com", t0), user(tb.ID, "b@example.com", t0)
		for _, tn := range []store.Tenant{ta, tb} {
			if err := s.CreateTenant(ctx, tn); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []store.User{ua, ub} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		exp := t0.Add(14 * 24 * time.Hour)
		k := store.APIKey{ID: "k1", TenantID: ta.ID, UserID: ua.ID, Name: "script", Prefix: "pk_live_Ab12",
			Hash: "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", Tier: "trial", CreatedAt: t0, ExpiresAt: &exp}
		if err := s.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		got, err := s.APIKeyByHash(ctx, k.Hash)
		if err != nil || got.ID != "k1" || got.UserID != ua.ID || !got.ExpiresAt.Equal(exp) || got.RevokedAt != nil {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if _, err := s.APIKeyByHash(ctx, "00"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown hash: %v", err)
		}
		if list, _ := s.APIKeys(ctx, tb.ID, ub.ID); len(list) != 0 {
			t.Fatalf("another tenant's user lists %d keys", len(list))
		}
		if err := s.RevokeAPIKey(ctx, tb.ID, ub.ID, "k1", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another tenant's user revoked the key: %v", err)
		}
		if err := s.TouchAPIKey(ctx, "k1", t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIKey(ctx, ta.ID, ua.ID, "k1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		list, _ := s.APIKeys(ctx, ta.ID, ua.ID)
		if len(list) != 1 || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(t0.Add(time.Hour)) || !list[0].LastUsedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("after revoke: %+v", list)
		}
	})
}
