package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	. "github.com/pierre-fitness/pierre/internal/auth"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/logging"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/vault"
)

const (
	issuer   = "http://pierre.test"
	audience = "http://pierre.test/mcp"
	goodPW   = "a long enough passphrase"
)

type fixture struct {
	st  *sqlstore.Store
	v   *vault.Vault
	ks  *KeySet
	svc *Service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, config.SQLite)
	mek := make([]byte, 32)
	rand.Read(mek)
	v, err := vault.New(mek, st)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := LoadKeySet(ctx, st, v, 2048)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := NewService(st, NewSigner(ks, issuer, audience), time.Hour, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, v: v, ks: ks, svc: svc}
}

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword(goodPW)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash format %s", h)
	}
	if ok, err := VerifyPassword(goodPW, h); !ok || err != nil {
		t.Fatal("right password refused", err)
	}
	if ok, _ := VerifyPassword(goodPW+"x", h); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword(goodPW)
	if h == h2 {
		t.Fatal("salt not random")
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=19$m=0,t=1,p=1$AA$AA", "$argon2id$v=19$m=19456,t=2,p=1$!!$AA"} {
		if _, err := VerifyPassword("x", bad); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, want := range map[string]string{
		"short":                  "at least 12 characters",
		"abcdefghijkl":           "too common",
		"password1234":           "too common",
		"aaaaaaaaaaaaaaaa":       "repeat a single character",
		"me@example.com":         "e-mail",
		strings.Repeat("ab", 65): "at most 128",
	} {
		err := CheckPasswordPolicy(pw, "me@example.com")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: want %q, got %v", pw, want, err)
		}
	}
	if err := CheckPasswordPolicy(goodPW, "me@example.com"); err != nil {
		t.Fatal(err)
	}
}

func TestJWKSAndRotation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var set struct{ Keys []map[string]string }
	if err := json.Unmarshal(f.ks.JWKS(), &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks: %s %v", f.ks.JWKS(), err)
	}
	k := set.Keys[0]
	n, _ := base64.RawURLEncoding.DecodeString(k["n"])
	if k["kty"] != "RSA" || k["use"] != "sig" || k["alg"] != "RS256" || k["e"] != "AQAB" || len(n) != 256 || k["kid"] != f.ks.ActiveKID() {
		t.Fatalf("jwk: %v (modulus %d bytes)", k, len(n))
	}
	// The key survives a restart: a second load signs with the same kid
	// and opens the sealed private key.
	ks2, err := LoadKeySet(ctx, f.st, f.v, 2048)
	if err != nil || ks2.ActiveKID() != f.ks.ActiveKID() {
		t.Fatalf("reload: %v", err)
	}
	// A token signed before rotation still verifies after it.
	signer := NewSigner(f.ks, issuer, audience)
	old, _, _ := signer.Sign(Claims{TenantID: "t", RegisteredClaims: subject("u")}, time.Hour)
	oldKID := f.ks.ActiveKID()
	if err := f.ks.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	if f.ks.ActiveKID() == oldKID {
		t.Fatal("rotation kept the kid")
	}
	json.Unmarshal(f.ks.JWKS(), &set)
	if len(set.Keys) != 2 {
		t.Fatalf("retired key must stay in the JWKS: %d keys", len(set.Keys))
	}
	if _, err := signer.Verify(old); err != nil {
		t.Fatalf("token of retired key refused: %v", err)
	}
	fresh, _, _ := signer.Sign(Claims{TenantID: "t", RegisteredClaims: subject("u")}, time.Hour)
	if h := header(t, fresh); h["kid"] != f.ks.ActiveKID() || h["alg"] != "RS256" {
		t.Fatalf("header %v", h)
	}
	// Once pruned, the retired key no longer verifies.
	if n, err := f.ks.PruneRetired(ctx, -time.Minute); err != nil || n != 1 {
		t.Fatalf("prune: %d %v", n, err)
	}
	if _, err := signer.Verify(old); err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Fatalf("pruned key still verifies: %v", err)
	}
}

func header(t *testing.T, tok string) map[string]any {
	b, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	var h map[string]any
	json.Unmarshal(b, &h)
	return h
}

// A key rotated by another replica verifies here without a restart.
func TestKeyRotatedElsewhereIsPickedUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := LoadKeySet(ctx, f.st, f.v, 2048) // a second replica
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	tok, _, _ := NewSigner(other, issuer, audience).Sign(Claims{TenantID: "t", RegisteredClaims: subject("u")}, time.Hour)
	if _, err := NewSigner(f.ks, issuer, audience).Verify(tok); err != nil {
		t.Fatalf("token signed with the other replica's new key: %v", err)
	}
}

func TestVerifyRefusesForgedTokens(t *testing.T) {
	f := newFixture(t)
	signer := NewSigner(f.ks, issuer, audience)
	good, c, _ := signer.Sign(Claims{TenantID: "t", RegisteredClaims: subject("u")}, time.Hour)
	if got, err := signer.Verify(good); err != nil || got.Subject != "u" || got.ID != c.ID || got.Issuer != issuer {
		t.Fatalf("good token: %v %v", got, err)
	}
	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	claims := func() Claims {
		now := time.Now()
		return Claims{TenantID: "t", RegisteredClaims: jwt.RegisteredClaims{Subject: "u", ID: "j", Issuer: issuer,
			Audience: jwt.ClaimStrings{audience}, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	}
	sign := func(m jwt.SigningMethod, key any, kid string, c Claims) string {
		tok := jwt.NewWithClaims(m, c)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	wrongAud := claims()
	wrongAud.Audience = jwt.ClaimStrings{"http://elsewhere/mcp"}
	wrongIss := claims()
	wrongIss.Issuer = "http://evil"
	expired := claims()
	expired.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","tenant_id":"t","jti":"x"}`)) + "." + parts[2]
	cases := map[string]struct{ token, want string }{
		"other key, our kid": {sign(jwt.SigningMethodRS256, otherKey, f.ks.ActiveKID(), claims()), "signature is invalid"},
		"unknown kid":        {sign(jwt.SigningMethodRS256, otherKey, "nope", claims()), "unknown key"},
		"no kid":             {sign(jwt.SigningMethodRS256, otherKey, "", claims()), "no kid"},
		"HS256":              {sign(jwt.SigningMethodHS256, []byte("secret"), f.ks.ActiveKID(), claims()), "signature is invalid"},
		"alg none":           {sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, f.ks.ActiveKID(), claims()), "signature is invalid"},
		"wrong audience":     {signWith(t, f.ks, wrongAud), "another resource"},
		"wrong issuer":       {signWith(t, f.ks, wrongIss), "another server"},
		"expired":            {signWith(t, f.ks, expired), "expired"},
		"tampered payload":   {tampered, "signature is invalid"},
		"garbage":            {"not.a.jwt", "malformed"},
	}
	for name, tc := range cases {
		_, err := signer.Verify(tc.token)
		var te *TokenError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want TokenError %q, got %v", name, tc.want, err)
		}
	}
	if _, err := signer.Verify(signWith(t, f.ks, expired)); !errors.Is(err, ErrTokenExpired) {
		t.Error("expired token must wrap ErrTokenExpired")
	}
}

// signWith signs c as the server's own key would, keeping c's issuer,
// audience and expiry (Signer.Sign sets them).
func signWith(t *testing.T, ks *KeySet, c Claims) string {
	t.Helper()
	iss := c.Issuer
	if iss == "" {
		iss = issuer
	}
	aud := audience
	if len(c.Audience) > 0 {
		aud = c.Audience[0]
	}
	ttl := time.Hour
	if c.ExpiresAt != nil {
		ttl = time.Until(c.ExpiresAt.Time)
	}
	tok, _, err := NewSigner(ks, iss, aud).Sign(c, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAccountLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	svc := f.svc

	admin, adminTokens, err := svc.SetupAdmin(ctx, "Admin@Example.com", goodPW, "Ada")
	if err != nil || admin.Role != store.RoleSuperAdmin || admin.Status != store.StatusActive || adminTokens.AccessToken == "" {
		t.Fatalf("setup: %+v %v", admin, err)
	}
	if _, _, err := svc.SetupAdmin(ctx, "second@example.com", goodPW, "Bob"); !errors.Is(err, ErrAdminExists) {
		t.Fatalf("second setup: %v", err)
	}
	adminP, err := svc.Authenticate(ctx, adminTokens.AccessToken)
	if err != nil || !adminP.IsSuperAdmin() {
		t.Fatalf("admin token: %+v %v", adminP, err)
	}

	// Registration: pending until approved; a taken e-mail answers alike.
	created, err := svc.Register(ctx, "runner@example.com", goodPW, "Runner", "")
	if err != nil || !created {
		t.Fatalf("register: %v %v", created, err)
	}
	if created, err := svc.Register(ctx, "RUNNER@example.com", goodPW, "Again", ""); err != nil || created {
		t.Fatalf("duplicate register must look like success: %v %v", created, err)
	}
	if _, _, err := svc.Login(ctx, "runner@example.com", goodPW); !errors.Is(err, ErrAccountPending) {
		t.Fatalf("pending login: %v", err)
	}
	runner, _ := f.st.UserByEmail(ctx, "runner@example.com")
	if _, err := svc.SetUserStatus(ctx, adminP, adminP.TenantID, runner.ID, store.StatusActive); err != nil {
		t.Fatal(err)
	}

	// Wrong password and unknown e-mail are indistinguishable.
	_, _, e1 := svc.Login(ctx, "runner@example.com", "wrong password here")
	_, _, e2 := svc.Login(ctx, "nobody@example.com", "wrong password here")
	if !errors.Is(e1, ErrInvalidCredentials) || !errors.Is(e2, ErrInvalidCredentials) || e1.Error() != e2.Error() {
		t.Fatalf("credential errors differ: %v / %v", e1, e2)
	}

	u, tokens, err := svc.Login(ctx, " Runner@Example.com ", goodPW)
	if err != nil || u.ID != runner.ID || !strings.HasPrefix(tokens.RefreshToken, "prt_") {
		t.Fatalf("login: %v", err)
	}
	p, err := svc.Authenticate(ctx, tokens.AccessToken)
	if err != nil || p.UserID != runner.ID || p.TenantID != runner.TenantID || p.Role != store.RoleUser || p.SessionID == "" {
		t.Fatalf("authenticate: %+v %v", p, err)
	}

	// Refresh rotates; the old refresh token then fails and revokes the family.
	next, err := svc.Refresh(ctx, tokens.RefreshToken)
	if err != nil || next.RefreshToken == tokens.RefreshToken || next.AccessToken == "" {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := svc.Refresh(ctx, tokens.RefreshToken); !errors.Is(err, ErrInvalidRefresh) {
		t.Fatalf("reused refresh: %v", err)
	}
	if _, err := svc.Refresh(ctx, next.RefreshToken); !errors.Is(err, ErrInvalidRefresh) {
		t.Fatalf("family must be revoked after reuse: %v", err)
	}

	// Logout revokes the access token, here and (after sync) on other replicas.
	_, t2, _ := svc.Login(ctx, "runner@example.com", goodPW)
	p2, _ := svc.Authenticate(ctx, t2.AccessToken)
	if err := svc.Logout(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, t2.AccessToken); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("logged-out token still works: %v", err)
	}
	if _, err := svc.Refresh(ctx, t2.RefreshToken); !errors.Is(err, ErrInvalidRefresh) {
		t.Fatalf("logged-out session still refreshes: %v", err)
	}
	replica, _ := NewService(f.st, NewSigner(f.ks, issuer, audience), time.Hour, logging.Discard())
	replica.SyncRevocations(ctx)
	if _, err := replica.Authenticate(ctx, t2.AccessToken); err == nil {
		t.Fatal("another replica accepts a logged-out token after sync")
	}

	// Suspension takes effect on the next request.
	_, t3, _ := svc.Login(ctx, "runner@example.com", goodPW)
	svc.Authenticate(ctx, t3.AccessToken) // cached
	svc.SetUserStatus(ctx, adminP, adminP.TenantID, runner.ID, store.StatusSuspended)
	if _, err := svc.Authenticate(ctx, t3.AccessToken); err == nil {
		t.Fatal("suspended user still authenticated")
	}
	if _, _, err := svc.Login(ctx, "runner@example.com", goodPW); !errors.Is(err, ErrAccountSuspended) {
		t.Fatalf("suspended login: %v", err)
	}
}

func TestInputErrorsNameTheField(t *testing.T) {
	svc := newFixture(t).svc
	ctx := context.Background()
	cases := []struct {
		err   error
		field string
	}{
		{second(svc.Register(ctx, "not-an-email", goodPW, "x", "")), "email"},
		{second(svc.Register(ctx, "", goodPW, "x", "")), "email"},
		{second(svc.Register(ctx, "a@example.com", "short", "x", "")), "password"},
		{second(svc.Register(ctx, "a@example.com", goodPW, strings.Repeat("x", 101), "")), "display_name"},
		{second(svc.Register(ctx, "a@example.com", goodPW, "x", "No Such!")), "tenant"},
		{second(svc.Register(ctx, "a@example.com", goodPW, "x", "missing-tenant")), "tenant"},
		{third(svc.Login(ctx, "a@example.com", "")), "password"},
		{second(svc.Refresh(ctx, "")), "refresh_token"},
	}
	for i, tc := range cases {
		var ie *InputError
		if !errors.As(tc.err, &ie) || ie.Field != tc.field {
			t.Errorf("case %d: want InputError on %q, got %v", i, tc.field, tc.err)
		}
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }

func TestConcurrentAuthenticate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, tokens, _ := f.svc.SetupAdmin(ctx, "admin@example.com", goodPW, "A")
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.svc.Authenticate(ctx, tokens.AccessToken); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func BenchmarkVerifyJWT(b *testing.B) {
	for _, bits := range []int{2048, 4096} {
		b.Run(map[int]string{2048: "rsa2048", 4096: "rsa4096"}[bits], func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, config.SQLite)
			v, _ := vault.New(make([]byte, 32), st)
			ks, _ := LoadKeySet(ctx, st, v, bits)
			s := NewSigner(ks, issuer, audience)
			tok, _, _ := s.Sign(Claims{TenantID: "t", RegisteredClaims: subject("u")}, time.Hour)
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.Verify(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAuthenticateCached is the per-request cost once a token has
// been seen: what every MCP call pays.
func BenchmarkAuthenticateCached(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	_, tokens, _ := f.svc.SetupAdmin(ctx, "admin@example.com", goodPW, "A")
	f.svc.Authenticate(ctx, tokens.AccessToken)
	for b.Loop() {
		if _, err := f.svc.Authenticate(ctx, tokens.AccessToken); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLogin(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	f.svc.SetupAdmin(ctx, "admin@example.com", goodPW, "A")
	for b.Loop() {
		if _, _, err := f.svc.Login(ctx, "admin@example.com", goodPW); err != nil {
			b.Fatal(err)
		}
	}
}

func subject(id string) jwt.RegisteredClaims { return jwt.RegisteredClaims{Subject: id} }
