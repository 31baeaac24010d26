package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
)

// oauthFixture makes two tenants, a user in each plus a second user in the
// first, and a registered client.
type oauthFixture struct {
	tenantA, tenantB  string
	alice, bob, carol string // alice and bob in A, carol in B
	client            store.OAuthClient
}

func newOAuthFixture(t *testing.T, s *sqlstore.Store) oauthFixture {
	t.Helper()
	ctx := context.Background()
	var f oauthFixture
	ta, tb := tenant("oa", t0), tenant("ob", t0)
	for _, tn := range []store.Tenant{ta, tb} {
		if err := s.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	f.tenantA, f.tenantB = ta.ID, tb.ID
	for _, u := range []struct {
		id     *string
		tenant string
		email  string
	}{{&f.alice, ta.ID, "alice@x.test"}, {&f.bob, ta.ID, "bob@x.test"}, {&f.carol, tb.ID, "carol@x.test"}} {
		us := user(u.tenant, u.email, t0)
		if err := s.CreateUser(ctx, us); err != nil {
			t.Fatal(err)
		}
		*u.id = us.ID
	}
	f.client = store.OAuthClient{ID: "mcp_client_" + uuid.NewString(), SecretHash: "abc", AuthMethod: "client_secret_basic",
		Name: "Claude", URI: "https://claude.ai", RedirectURIs: []string{"https://claude.ai/cb", "http://127.0.0.1/cb"},
		GrantTypes: []string{"authorization_code", "refresh_token"}, Scope: "fitness:read", CreatedAt: t0}
	if err := s.CreateOAuthClient(ctx, f.client); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestOAuthClients(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newOAuthFixture(t, s)
		got, err := s.OAuthClient(ctx, f.client.ID)
		if err != nil || got.Name != "Claude" || len(got.RedirectURIs) != 2 || got.RedirectURIs[1] != "http://127.0.0.1/cb" ||
			got.SecretHash != "abc" || got.AuthMethod != "client_secret_basic" || !got.CreatedAt.Equal(t0) || got.OwnerUserID != "" {
			t.Fatalf("client round trip: %+v %v", got, err)
		}
		if err := s.CreateOAuthClient(ctx, f.client); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate client id: want ErrConflict, got %v", err)
		}
		if _, err := s.OAuthClient(ctx, "mcp_client_nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown client: %v", err)
		}
		owned := f.client
		owned.ID, owned.OwnerTenantID, owned.OwnerUserID = "mcp_client_owned", f.tenantA, f.alice
		if err := s.CreateOAuthClient(ctx, owned); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.OAuthClient(ctx, owned.ID); got.OwnerUserID != f.alice || got.OwnerTenantID != f.tenantA {
			t.Fatalf("owner lost: %+v", got)
		}
	})
}

func TestOAuthCodeSingleUse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newOAuthFixture(t, s)
		code := store.OAuthCode{Hash: "h1", FamilyID: uuid.NewString(), ClientID: f.client.ID, TenantID: f.tenantA, UserID: f.alice,
			RedirectURI: "https://claude.ai/cb", Scope: "fitness:read", Resource: "https://p/mcp", Challenge: "chal",
			CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
		if err := s.CreateOAuthCode(ctx, code); err != nil {
			t.Fatal(err)
		}
		// Eight concurrent exchanges: exactly one wins, the others see a replay.
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, replays := 0, 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := s.ConsumeOAuthCode(ctx, "h1", t0.Add(time.Minute))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
					if got.FamilyID != code.FamilyID || got.Challenge != "chal" || got.RedirectURI != code.RedirectURI || !got.ExpiresAt.Equal(code.ExpiresAt) {
						t.Errorf("consumed code: %+v", got)
					}
				case errors.Is(err, store.ErrReplayed):
					replays++
					if got.FamilyID != code.FamilyID {
						t.Errorf("replay must return the family to revoke: %+v", got)
					}
				default:
					t.Errorf("consume: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || replays != 7 {
			t.Fatalf("wins %d replays %d; want 1 and 7", wins, replays)
		}
		if _, err := s.ConsumeOAuthCode(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown code: %v", err)
		}
		if n, err := s.DeleteExpiredOAuthCodes(ctx, t0.Add(11*time.Minute)); err != nil || n != 1 {
			t.Fatalf("expired codes deleted: %d %v", n, err)
		}
	})
}

func TestOAuthRefreshRotationAndReuse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newOAuthFixture(t, s)
		fam := store.OAuthFamily{ID: uuid.NewString(), ClientID: f.client.ID, TenantID: f.tenantA, UserID: f.alice,
			Scope: "fitness:read", Resource: "https://p/mcp", CreatedAt: t0, ExpiresAt: t0.Add(30 * 24 * time.Hour)}
		if err := s.CreateOAuthFamily(ctx, fam); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateOAuthFamily(ctx, fam); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate family: %v", err)
		}
		if err := s.AddOAuthRefreshToken(ctx, fam.ID, "r1", t0, fam.ExpiresAt); err != nil {
			t.Fatal(err)
		}
		if err := s.AddOAuthAccessToken(ctx, fam.ID, "jti-1", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		now := t0.Add(time.Minute)
		if _, err := s.RotateOAuthRefreshToken(ctx, "mcp_client_other", "r1", "r2", now, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another client's refresh token: want ErrNotFound, got %v", err)
		}
		got, err := s.RotateOAuthRefreshToken(ctx, f.client.ID, "r1", "r2", now, now.Add(90*24*time.Hour))
		if err != nil || got.ID != fam.ID || got.UserID != f.alice || got.Scope != "fitness:read" {
			t.Fatalf("rotate: %+v %v", got, err)
		}
		if err := s.AddOAuthAccessToken(ctx, fam.ID, "jti-2", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// r1 again: a replay, reported with the family.
		got, err = s.RotateOAuthRefreshToken(ctx, f.client.ID, "r1", "r3", now, now.Add(time.Hour))
		if !errors.Is(err, store.ErrReplayed) || got.ID != fam.ID {
			t.Fatalf("reuse: want ErrReplayed with family, got %+v %v", got, err)
		}
		jtis, err := s.RevokeOAuthFamily(ctx, got, now)
		if err != nil || len(jtis) != 2 {
			t.Fatalf("revoke family: %v %v", jtis, err)
		}
		// The current token (r2) dies with its family.
		if _, err := s.RotateOAuthRefreshToken(ctx, f.client.ID, "r2", "r4", now, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("token of a revoked family: %v", err)
		}
		if err := s.AddOAuthAccessToken(ctx, fam.ID, "jti-3", now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("access token for a revoked family must be refused: %v", err)
		}
		if fr, err := s.OAuthFamilyByRefreshToken(ctx, "r2"); err != nil || fr.RevokedAt == nil {
			t.Fatalf("family by refresh: %+v %v", fr, err)
		}
		// An expired refresh token is refused.
		fam2 := fam
		fam2.ID = uuid.NewString()
		s.CreateOAuthFamily(ctx, fam2)
		s.AddOAuthRefreshToken(ctx, fam2.ID, "old", t0, t0.Add(time.Hour))
		if _, err := s.RotateOAuthRefreshToken(ctx, f.client.ID, "old", "x", t0.Add(2*time.Hour), t0.Add(3*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired refresh token: %v", err)
		}
	})
}

func TestOAuthRevokeFamilyBeforeItExists(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newOAuthFixture(t, s)
		// A replayed code revokes its family before the first exchange has
		// created it: the first exchange must then fail.
		fam := store.OAuthFamily{ID: uuid.NewString(), ClientID: f.client.ID, TenantID: f.tenantA, UserID: f.alice}
		if _, err := s.RevokeOAuthFamily(ctx, fam, t0); err != nil {
			t.Fatal(err)
		}
		fam.CreatedAt, fam.ExpiresAt = t0, t0.Add(time.Hour)
		if err := s.CreateOAuthFamily(ctx, fam); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("creating a family revoked by a replay: want ErrConflict, got %v", err)
		}
	})
}

func TestOAuthConsentsScopedByTenantAndUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newOAuthFixture(t, s)
		if err := s.UpsertOAuthConsent(ctx, f.tenantA, f.alice, f.client.ID, "fitness:read", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertOAuthConsent(ctx, f.tenantA, f.alice, f.client.ID, "fitness:read fitness:write", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		list, err := s.AuthorizedOAuthClients(ctx, f.tenantA, f.alice)
		if err != nil || len(list) != 1 || list[0].Scope != "fitness:read fitness:write" || list[0].Name != "Claude" ||
			!list[0].AuthorizedAt.Equal(t0) || !list[0].LastUsedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("alice's clients: %+v %v", list, err)
		}
		fam := store.OAuthFamily{ID: uuid.NewString(), ClientID: f.client.ID, TenantID: f.tenantA, UserID: f.alice, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		s.CreateOAuthFamily(ctx, fam)
		s.AddOAuthAccessToken(ctx, fam.ID, "a-jti", t0.Add(time.Hour))
		s.AddOAuthRefreshToken(ctx, fam.ID, "a-r", t0, t0.Add(time.Hour))

		// Bob (same tenant) and Carol (other tenant) see nothing and
		// cannot revoke Alice's authorization.
		for _, who := range []struct{ tenant, user string }{{f.tenantA, f.bob}, {f.tenantB, f.carol}, {f.tenantB, f.alice}} {
			if l, err := s.AuthorizedOAuthClients(ctx, who.tenant, who.user); err != nil || len(l) != 0 {
				t.Fatalf("%s/%s sees %+v %v", who.tenant, who.user, l, err)
			}
			if _, err := s.RevokeOAuthClientForUser(ctx, who.tenant, who.user, f.client.ID, t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s/%s revoking alice's client: want ErrNotFound, got %v", who.tenant, who.user, err)
			}
		}
		jtis, err := s.RevokeOAuthClientForUser(ctx, f.tenantA, f.alice, f.client.ID, t0.Add(time.Minute))
		if err != nil || len(jtis) != 1 || jtis[0].JTI != "a-jti" {
			t.Fatalf("alice revokes: %v %v", jtis, err)
		}
		if l, _ := s.AuthorizedOAuthClients(ctx, f.tenantA, f.alice); len(l) != 0 {
			t.Fatalf("still listed after revocation: %+v", l)
		}
		if _, err := s.RotateOAuthRefreshToken(ctx, f.client.ID, "a-r", "a-r2", t0.Add(2*time.Minute), t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("refresh after client revocation: %v", err)
		}
		if _, err := s.RevokeOAuthClientForUser(ctx, f.tenantA, f.alice, f.client.ID, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second revocation: %v", err)
		}
	})
}
