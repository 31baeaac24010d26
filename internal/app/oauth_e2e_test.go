package app_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/testutil"
)

func getJSON(t testing.TB, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func postForm(t testing.TB, u string, v url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// connectWithToken connects the go-sdk client with a bearer token.
func connectWithToken(ctx context.Context, s *testServer, token string) (*mcp.ClientSession, error) {
	c := mcp.NewClient(&mcp.Implementation{Name: "oauth-e2e", Version: "1"}, nil)
	return c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: s.URL + "/mcp", DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: testutil.Bearer{Token: token, Base: http.DefaultTransport}}}, nil)
}

// TestOAuthEndToEndFollowingTheMCPAuthSpec walks the MCP authorization
// spec step by step, from the 401 on /mcp, with nothing configured by hand.
func TestOAuthEndToEndFollowingTheMCPAuthSpec(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, d)
			demo, err := s.App.EnsureDemo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			// 1. 401 with the protected-resource metadata address.
			resp, err := http.Post(s.URL+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			challenges, err := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate"))
			if resp.StatusCode != 401 || err != nil || len(challenges) == 0 || challenges[0].Params["resource_metadata"] == "" {
				t.Fatalf("401 challenge: %d %v %v", resp.StatusCode, challenges, err)
			}
			// 2. Protected-resource metadata names the authorization server.
			var prm oauthex.ProtectedResourceMetadata
			getJSON(t, challenges[0].Params["resource_metadata"], &prm)
			if prm.Resource != s.URL+"/mcp" || len(prm.AuthorizationServers) != 1 {
				t.Fatalf("PRM: %+v", prm)
			}
			// 3. Authorization server metadata (RFC 8414).
			var asm oauthex.AuthServerMeta
			getJSON(t, prm.AuthorizationServers[0]+"/.well-known/oauth-authorization-server", &asm)
			if asm.Issuer != prm.AuthorizationServers[0] || asm.RegistrationEndpoint == "" || len(asm.CodeChallengeMethodsSupported) != 1 || asm.CodeChallengeMethodsSupported[0] != "S256" {
				t.Fatalf("AS metadata: %+v", asm)
			}
			// 4. Dynamic registration as a public native client.
			redirect := "http://127.0.0.1:53682/callback"
			reg, err := oauthex.RegisterClient(ctx, asm.RegistrationEndpoint, &oauthex.ClientRegistrationMetadata{
				RedirectURIs: []string{redirect}, TokenEndpointAuthMethod: "none", ClientName: "E2E Assistant",
				GrantTypes: []string{"authorization_code", "refresh_token"}}, nil)
			if err != nil || reg.ClientID == "" {
				t.Fatalf("register: %+v %v", reg, err)
			}
			// 5. Authorization through the real login and consent pages, with PKCE.
			vb := make([]byte, 32)
			rand.Read(vb)
			verifier := base64.RawURLEncoding.EncodeToString(vb)
			sum := sha256.Sum256([]byte(verifier))
			q := url.Values{"response_type": {"code"}, "client_id": {reg.ClientID}, "redirect_uri": {redirect},
				"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
				"state": {"e2e-state"}, "scope": {strings.Join(prm.ScopesSupported, " ")}, "resource": {prm.Resource}}
			loc := apptest.NewBrowser(t, s.URL, demo.Email, demo.Password).Authorize(asm.AuthorizationEndpoint + "?" + q.Encode())
			if loc.Query().Get("state") != "e2e-state" || loc.Query().Get("iss") != asm.Issuer {
				t.Fatalf("redirect: %s", loc)
			}
			// 6. Code exchange with the verifier.
			st, tok := postForm(t, asm.TokenEndpoint, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
				"redirect_uri": {redirect}, "code_verifier": {verifier}, "client_id": {reg.ClientID}, "resource": {prm.Resource}})
			access, _ := tok["access_token"].(string)
			refresh, _ := tok["refresh_token"].(string)
			if st != 200 || access == "" || refresh == "" || tok["token_type"] != "Bearer" {
				t.Fatalf("token: %d %v", st, tok)
			}
			// 7. The go-sdk client calls a tool with the token.
			cs, err := connectWithToken(ctx, s, access)
			if err != nil {
				t.Fatalf("connect with the OAuth token: %v", err)
			}
			_, out := call(t, cs, "get_activities", map[string]any{"limit": 3})
			if acts, _ := out["activities"].([]any); len(acts) != 3 {
				t.Fatalf("get_activities: %v", out)
			}
			cs.Close()
			// 8. Refresh (rotation).
			st, tok = postForm(t, asm.TokenEndpoint, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {reg.ClientID}})
			access2, _ := tok["access_token"].(string)
			refresh2, _ := tok["refresh_token"].(string)
			if st != 200 || access2 == "" || refresh2 == "" || refresh2 == refresh {
				t.Fatalf("refresh: %d %v", st, tok)
			}
			cs, err = connectWithToken(ctx, s, access2)
			if err != nil {
				t.Fatalf("connect with the refreshed token: %v", err)
			}
			cs.Close()
			// The user sees the application among their connected apps; a
			// user of another tenant neither sees nor can disconnect it.
			var mine, root tokenBody
			s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": demo.Email, "password": demo.Password}, &mine)
			s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
			var apps struct {
				Clients []struct {
					ClientID string `json:"client_id"`
					Name     string `json:"client_name"`
				} `json:"clients"`
			}
			s.do(t, http.MethodGet, "/api/oauth2/clients", mine.AccessToken, nil, &apps)
			if len(apps.Clients) != 1 || apps.Clients[0].ClientID != reg.ClientID || apps.Clients[0].Name != "E2E Assistant" {
				t.Fatalf("connected apps: %+v", apps)
			}
			apps.Clients = nil
			s.do(t, http.MethodGet, "/api/oauth2/clients", root.AccessToken, nil, &apps)
			if len(apps.Clients) != 0 || root.AccessToken == "" {
				t.Fatalf("another tenant's user sees %+v", apps)
			}
			if r := s.do(t, http.MethodDelete, "/api/oauth2/clients/"+reg.ClientID, root.AccessToken, nil, nil); r.StatusCode != 404 {
				t.Fatalf("another tenant disconnecting the app: %d, want 404", r.StatusCode)
			}
			if r := s.do(t, http.MethodGet, "/api/tools", access2, nil, nil); r.StatusCode != 200 {
				t.Fatalf("the grant must survive another tenant's attempt: %d", r.StatusCode)
			}
			// 9. Revocation (RFC 7009) ends the grant: both tokens are refused.
			revoke := asm.RevocationEndpoint
			if revoke == "" {
				t.Fatal("metadata lacks revocation_endpoint")
			}
			if st, _ := postForm(t, revoke, url.Values{"token": {refresh2}, "client_id": {reg.ClientID}}); st != 200 {
				t.Fatalf("revoke: %d", st)
			}
			if _, err := connectWithToken(ctx, s, access2); err == nil {
				t.Fatal("the MCP endpoint accepted an access token of a revoked grant")
			}
			resp2 := s.do(t, http.MethodGet, "/api/tools", access2, nil, nil)
			if resp2.StatusCode != 401 {
				t.Fatalf("revoked token on REST: %d", resp2.StatusCode)
			}
			st, tok = postForm(t, asm.TokenEndpoint, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh2}, "client_id": {reg.ClientID}})
			if st != 400 || tok["error"] != "invalid_grant" {
				t.Fatalf("refresh after revoke: %d %v", st, tok)
			}
		})
	}
}

// TestOAuthWithTheGoSDKClientHandler lets the go-sdk's own OAuth support
// (auth.AuthorizationCodeHandler) discover, register, authorize and
// exchange, as any spec-following client would; only the person at the
// browser is simulated.
func TestOAuthWithTheGoSDKClientHandler(t *testing.T) {
	s := startServer(t, "sqlite")
	demo, err := s.App.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://127.0.0.1:53683/callback"
	person := apptest.NewBrowser(t, s.URL, demo.Email, demo.Password)
	h, err := sdkauth.NewAuthorizationCodeHandler(&sdkauth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &sdkauth.DynamicClientRegistrationConfig{Metadata: &oauthex.ClientRegistrationMetadata{
			RedirectURIs: []string{redirect}, TokenEndpointAuthMethod: "none", ClientName: "go-sdk client",
			GrantTypes: []string{"authorization_code", "refresh_token"}}},
		RedirectURL:         redirect,
		RequestRefreshToken: true,
		AuthorizationCodeFetcher: func(_ context.Context, args *sdkauth.AuthorizationArgs) (*sdkauth.AuthorizationResult, error) {
			loc := person.Authorize(args.URL)
			q := loc.Query()
			if q.Get("error") != "" {
				return nil, fmt.Errorf("authorization refused: %s", q.Get("error"))
			}
			return &sdkauth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := mcp.NewClient(&mcp.Implementation{Name: "sdk-oauth", Version: "1"}, nil)
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: s.URL + "/mcp", OAuthHandler: h, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatalf("go-sdk OAuth connect: %v", err)
	}
	defer cs.Close()
	_, out := call(t, cs, "get_activities", map[string]any{"limit": 2})
	if acts, _ := out["activities"].([]any); len(acts) != 2 {
		t.Fatalf("get_activities: %v", out)
	}
	ts, err := h.TokenSource(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Token()
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("the handler holds a refresh token: %+v %v", tok, err)
	}
	if scope, _ := tok.Extra("scope").(string); !strings.Contains(scope, "offline_access") || !strings.Contains(scope, "fitness:read") {
		t.Fatalf("granted scope: %q", scope)
	}
}
