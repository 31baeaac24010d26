package oauth2server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/store"
)

// BenchmarkTokenAuthorizationCode measures POST /oauth2/token for the
// authorization_code grant over HTTP on SQLite: client lookup, atomic code
// consumption, PKCE check, family and refresh token rows, an RS256
// signature (2048-bit in tests; production default is 4096) and the jti row.
func BenchmarkTokenAuthorizationCode(b *testing.B) {
	f := newFixture(b)
	c := f.publicClient(b)
	verifier, challenge := pkce()
	ctx := context.Background()
	now := time.Now()
	codes := make([]string, b.N)
	for i := range codes {
		codes[i] = randomToken()
		if err := f.st.CreateOAuthCode(ctx, store.OAuthCode{Hash: hashSecret(codes[i]), FamilyID: uuid.NewString(), ClientID: c.ID,
			TenantID: f.tenantID, UserID: f.user.ID, RedirectURI: c.Redirect, Scope: defaultScope, Resource: f.resource,
			Challenge: challenge, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := url.Values{"grant_type": {"authorization_code"}, "code": {codes[i]}, "redirect_uri": {c.Redirect},
			"code_verifier": {verifier}, "client_id": {c.ID}}.Encode()
		resp, err := hc.Post(f.URL+"/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkJWTValidation measures what every /mcp request pays for an
// OAuth access token: the full RS256 verification (first sight of a
// token) and auth.Service.Authenticate (cached principal, revocation check).
func BenchmarkJWTValidation(b *testing.B) {
	f := newFixture(b)
	tok, _, err := f.acc.Signer().Sign(auth.Claims{TenantID: f.tenantID, Scope: defaultScope, ClientID: "mcp_client_x",
		RegisteredClaims: subjectClaims(f.user.ID)}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := f.acc.Signer().Verify(tok); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("authenticate_cached", func(b *testing.B) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			if _, err := f.acc.Authenticate(ctx, tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
