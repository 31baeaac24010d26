package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// forEachEngine runs f once per available engine on a fresh store.
func forEachEngine(t *testing.T, f func(t *testing.T, s *sqlstore.Store)) {
	for _, d := range Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			f(t, Open(t, d))
		})
	}
}

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func tenant(slug string, at time.Time) store.Tenant {
	return store.Tenant{ID: uuid.NewString(), Name: slug, Slug: slug, Plan: "starter", Active: true, CreatedAt: at, UpdatedAt: at}
}

func user(tenantID, email string, at time.Time) store.User {
	return store.User{ID: uuid.NewString(), TenantID: tenantID, Email: email, DisplayName: "Test", PasswordHash: "h",
		Role: store.RoleUser, TenantRole: store.TenantMember, Status: store.StatusPending, Tier: "starter", CreatedAt: at, UpdatedAt: at}
}

func TestTenants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		var ids []string
		for i := range 5 {
			tn := tenant(fmt.Sprintf("t%d", i), t0.Add(time.Duration(i)*time.Minute))
			if err := s.CreateTenant(ctx, tn); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, tn.ID)
		}
		if err := s.CreateTenant(ctx, tenant("t0", t0)); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate slug: want ErrConflict, got %v", err)
		}
		got, err := s.TenantBySlug(ctx, "t3")
		if err != nil || got.ID != ids[3] || !got.CreatedAt.Equal(t0.Add(3*time.Minute)) || !got.Active {
			t.Fatalf("by slug: %+v %v", got, err)
		}
		if _, err := s.Tenant(ctx, uuid.NewString()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing tenant: %v", err)
		}
		// Keyset pagination visits every tenant once, in order.
		var seen []string
		cur := ""
		for pages := 0; ; pages++ {
			items, next, err := s.ListTenants(ctx, store.Page{Limit: 2, Cursor: cur})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				seen = append(seen, it.ID)
			}
			if next == "" {
				if pages != 2 {
					t.Fatalf("want 3 pages, got %d", pages+1)
				}
				break
			}
			cur = next
		}
		if fmt.Sprint(seen) != fmt.Sprint(ids) {
			t.Fatalf("pagination order %v, want %v", seen, ids)
		}
		if _, _, err := s.ListTenants(ctx, store.Page{Cursor: "garbage!"}); !errors.Is(err, sqlstore.ErrBadCursor) {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func TestUsersAreTenantScoped(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, b := tenant("a", t0), tenant("b", t0)
		s.CreateTenant(ctx, a)
		s.CreateTenant(ctx, b)
		ua := user(a.ID, "Runner@Example.com", t0)
		if err := s.CreateUser(ctx, ua); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUser(ctx, user(b.ID, "runner@example.COM", t0)); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("e-mail must be unique case-insensitively: %v", err)
		}
		got, err := s.UserByEmail(ctx, " RUNNER@example.com ")
		if err != nil || got.ID != ua.ID || got.TenantID != a.ID || got.Email != "runner@example.com" || got.TenantRole != store.TenantMember {
			t.Fatalf("by e-mail: %+v %v", got, err)
		}
		// Tenant B sees nothing of tenant A's user.
		if _, err := s.User(ctx, b.ID, ua.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cross-tenant read: %v", err)
		}
		if items, _, _ := s.ListUsers(ctx, b.ID, store.UserFilter{}, store.Page{}); len(items) != 0 {
			t.Fatalf("cross-tenant list: %d users", len(items))
		}
		if _, err := s.SetUserStatus(ctx, b.ID, ua.ID, store.StatusActive, "x", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cross-tenant update: %v", err)
		}
		if err := s.SetPasswordHash(ctx, b.ID, ua.ID, "evil"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cross-tenant password change: %v", err)
		}
		if u, _ := s.User(ctx, a.ID, ua.ID); u.Status != store.StatusPending || u.PasswordHash != "h" {
			t.Fatalf("cross-tenant writes changed the user: %+v", u)
		}
		// Approval within the tenant.
		approver := uuid.NewString()
		u, err := s.SetUserStatus(ctx, a.ID, ua.ID, store.StatusActive, approver, t0.Add(time.Hour))
		if err != nil || u.Status != store.StatusActive || u.ApprovedBy != approver || u.ApprovedAt == nil || !u.ApprovedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("approve: %+v %v", u, err)
		}
		if err := s.TouchUser(ctx, a.ID, ua.ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		u, _ = s.User(ctx, a.ID, ua.ID)
		if u.LastActiveAt == nil || !u.LastActiveAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("last active %v", u.LastActiveAt)
		}
		// Filter by status and paginate.
		for i := range 3 {
			s.CreateUser(ctx, user(a.ID, fmt.Sprintf("p%d@example.com", i), t0.Add(time.Duration(i+1)*time.Minute)))
		}
		pending, next, err := s.ListUsers(ctx, a.ID, store.UserFilter{Status: store.StatusPending}, store.Page{Limit: 2})
		if err != nil || len(pending) != 2 || next == "" {
			t.Fatalf("pending page 1: %d %q %v", len(pending), next, err)
		}
		rest, next, err := s.ListUsers(ctx, a.ID, store.UserFilter{Status: store.StatusPending}, store.Page{Limit: 2, Cursor: next})
		if err != nil || len(rest) != 1 || next != "" || rest[0].Email != "p2@example.com" {
			t.Fatalf("pending page 2: %+v %q %v", rest, next, err)
		}
	})
}

func TestFirstAdminIsCreatedExactlyOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if ok, _ := s.AdminExists(ctx); ok {
			t.Fatal("fresh store has an admin")
		}
		tn := tenant("default", t0)
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := user(tn.ID, fmt.Sprintf("admin%d@example.com", i), t0)
				u.Role, u.TenantRole, u.Status = store.RoleSuperAdmin, store.TenantOwner, store.StatusActive
				errs[i] = s.CreateFirstAdmin(ctx, tn, u)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d setups succeeded, want exactly 1", won)
		}
		if ok, _ := s.AdminExists(ctx); !ok {
			t.Fatal("admin missing after setup")
		}
	})
}

func TestDataKeys(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if _, err := s.WrappedDataKey(ctx, "t1"); !errors.Is(err, vault.ErrKeyNotFound) {
			t.Fatalf("missing key: %v", err)
		}
		first, err := s.PutWrappedDataKeyIfAbsent(ctx, "t1", []byte("one"))
		if err != nil || string(first) != "one" {
			t.Fatal(first, err)
		}
		again, _ := s.PutWrappedDataKeyIfAbsent(ctx, "t1", []byte("two"))
		if string(again) != "one" {
			t.Fatalf("second put replaced the key: %q", again)
		}
		s.PutWrappedDataKeyIfAbsent(ctx, "t2", []byte("x"))
		if _, err := s.RewrapDataKeys(ctx, func(scope string, w []byte) ([]byte, error) {
			if scope == "t2" {
				return nil, errors.New("boom")
			}
			return []byte("changed"), nil
		}); err == nil {
			t.Fatal("want error")
		}
		if w, _ := s.WrappedDataKey(ctx, "t1"); string(w) != "one" {
			t.Fatalf("failed rewrap must roll back, got %q", w)
		}
		n, err := s.RewrapDataKeys(ctx, func(_ string, w []byte) ([]byte, error) { return append([]byte("re-"), w...), nil })
		if err != nil || n != 2 {
			t.Fatal(n, err)
		}
		if w, _ := s.WrappedDataKey(ctx, "t2"); string(w) != "re-x" {
			t.Fatalf("rewrap: %q", w)
		}
		// The vault works end to end on this store.
		v, _ := vault.New(bytes.Repeat([]byte{7}, 32), s)
		if err := v.Verify(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSigningKeys(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		k1 := store.SigningKey{KID: "k1", PrivateSealed: []byte("p1"), PublicDER: []byte("d1"), CreatedAt: t0}
		k2 := store.SigningKey{KID: "k2", PrivateSealed: []byte("p2"), PublicDER: []byte("d2"), CreatedAt: t0.Add(time.Hour)}
		if err := s.AddSigningKey(ctx, k1); err != nil {
			t.Fatal(err)
		}
		if err := s.AddSigningKey(ctx, k2); err != nil {
			t.Fatal(err)
		}
		keys, err := s.SigningKeys(ctx)
		if err != nil || len(keys) != 2 || keys[0].KID != "k2" || keys[0].RetiredAt != nil || keys[1].RetiredAt == nil {
			t.Fatalf("keys: %+v %v", keys, err)
		}
		if string(keys[1].PublicDER) != "d1" || !keys[1].RetiredAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("retired key: %+v", keys[1])
		}
		if err := s.AddSigningKey(ctx, k2); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate kid: %v", err)
		}
		n, _ := s.DeleteSigningKeysRetiredBefore(ctx, t0.Add(2*time.Hour))
		keys, _ = s.SigningKeys(ctx)
		if n != 1 || len(keys) != 1 || keys[0].KID != "k2" {
			t.Fatalf("after pruning: %d %+v", n, keys)
		}
	})
}

func TestSessionsRotateOnceAndDetectReuse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		tn := tenant("a", t0)
		s.CreateTenant(ctx, tn)
		u := user(tn.ID, "u@example.com", t0)
		s.CreateUser(ctx, u)
		se := store.Session{ID: uuid.NewString(), TenantID: tn.ID, UserID: u.ID, RefreshHash: "h1", CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour)}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Minute)
		// Two concurrent refreshes with the same token: exactly one wins.
		var wg sync.WaitGroup
		results := make([]error, 4)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, results[i] = s.RotateSession(ctx, "h1", fmt.Sprintf("h2-%d", i), now)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			if err == nil {
				won++
			} else if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("rotate: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d rotations won, want 1", won)
		}
		// Replaying the rotated token revokes the family.
		revoked, err := s.RevokeReusedSession(ctx, "h1", now)
		if err != nil || !revoked {
			t.Fatalf("reuse: %v %v", revoked, err)
		}
		for i := range results {
			if _, err := s.RotateSession(ctx, fmt.Sprintf("h2-%d", i), "h3", now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("revoked session still rotates: %v", err)
			}
		}
		// Expired sessions do not rotate.
		se2 := store.Session{ID: uuid.NewString(), TenantID: tn.ID, UserID: u.ID, RefreshHash: "x1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		s.CreateSession(ctx, se2)
		if _, err := s.RotateSession(ctx, "x1", "x2", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session rotated: %v", err)
		}
		// Explicit revocation is tenant-scoped.
		se3 := store.Session{ID: uuid.NewString(), TenantID: tn.ID, UserID: u.ID, RefreshHash: "y1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		s.CreateSession(ctx, se3)
		s.RevokeSession(ctx, uuid.NewString(), se3.ID, now)
		if _, err := s.RotateSession(ctx, "y1", "y2", now); err != nil {
			t.Fatalf("revocation from another tenant took effect: %v", err)
		}
	})
}

func TestRevokedTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		s.RevokeToken(ctx, "j1", t0.Add(time.Hour))
		s.RevokeToken(ctx, "j1", t0.Add(time.Hour)) // idempotent
		s.RevokeToken(ctx, "j2", t0.Add(-time.Hour))
		m, err := s.RevokedTokens(ctx, t0)
		if err != nil || len(m) != 1 || !m["j1"].Equal(t0.Add(time.Hour)) {
			t.Fatalf("revoked: %v %v", m, err)
		}
	})
}

func TestReopenKeepsDataAndSkipsAppliedMigrations(t *testing.T) {
	for _, d := range Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			u := DatabaseURL(t, d)
			ctx := context.Background()
			s1, err := sqlstore.Open(ctx, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			s1.CreateTenant(ctx, tenant("keep", t0))
			s1.Close()
			s2, err := sqlstore.Open(ctx, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if _, err := s2.TenantBySlug(ctx, "keep"); err != nil {
				t.Fatalf("data lost on reopen: %v", err)
			}
		})
	}
}
