package app_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/config"
)

type createdKey struct {
	APIKey string `json:"api_key"`
	Key    struct {
		ID, Name, Prefix, Tier string
		ExpiresAt              *time.Time `json:"expires_at"`
	}
}

// TestAPIKeys: a user creates a pk_live_ key (shown once), uses it as a
// bearer token over MCP and as a bare Authorization header on REST, sees
// its allowance in the headers, and revokes it; nobody else can.
func TestAPIKeys(t *testing.T) {
	s := startServer(t, config.SQLite)
	token := demoToken(t, s)

	var bad errBody
	if r := s.do(t, "POST", "/api/keys", token, map[string]string{"name": "  "}, &bad); r.StatusCode != 400 || bad.Error.Field != "name" {
		t.Fatalf("empty name: %d %+v", r.StatusCode, bad)
	}
	var k createdKey
	if r := s.do(t, "POST", "/api/keys", token, map[string]string{"name": "training script"}, &k); r.StatusCode != 201 {
		t.Fatalf("create: %d", r.StatusCode)
	}
	if !strings.HasPrefix(k.APIKey, "pk_live_") || len(k.APIKey) < 40 || !strings.HasPrefix(k.APIKey, k.Key.Prefix) || k.Key.Tier != "starter" {
		t.Fatalf("created key: %+v", k)
	}

	// Over MCP, as a bearer token.
	cs := connect(t, s, k.APIKey, nil)
	if res, _ := call(t, cs, "get_activities", map[string]any{"limit": 2}); res.IsError {
		t.Fatalf("get_activities with an API key: %s", errorText(res))
	}
	// On REST, as the bare header the original accepted; the text of a key
	// is never listed again.
	req, _ := http.NewRequest("GET", s.URL+"/api/keys", nil)
	req.Header.Set("Authorization", k.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("list with a bare key: %v %v", err, resp)
	}
	resp.Body.Close()
	if resp.Header.Get("X-RateLimit-Limit") != "60" || resp.Header.Get("X-RateLimit-Remaining") == "" || resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Fatalf("allowance headers: %v", resp.Header)
	}
	var list struct {
		Keys []map[string]any `json:"keys"`
	}
	s.do(t, "GET", "/api/keys", token, nil, &list)
	if len(list.Keys) != 1 || list.Keys[0]["api_key"] != nil || list.Keys[0]["hash"] != nil || list.Keys[0]["last_used_at"] == nil {
		t.Fatalf("listed keys: %+v", list.Keys)
	}

	// Someone else cannot revoke it; its owner can, at once.
	var root tokenBody
	s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
	if r := s.do(t, "DELETE", "/api/keys/"+k.Key.ID, root.AccessToken, nil, nil); r.StatusCode != 404 {
		t.Fatalf("another user revoking: %d, want 404", r.StatusCode)
	}
	if r := s.do(t, "DELETE", "/api/keys/"+k.Key.ID, token, nil, nil); r.StatusCode != 204 {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	var gone errBody
	if r := s.do(t, "GET", "/api/keys", k.APIKey, nil, &gone); r.StatusCode != 401 || !strings.Contains(gone.Error.Message, "revoked") {
		t.Fatalf("revoked key: %d %+v", r.StatusCode, gone)
	}
	if r := s.do(t, "GET", "/api/keys", "pk_live_notakey", nil, nil); r.StatusCode != 401 {
		t.Fatalf("unknown key: %d", r.StatusCode)
	}
}

// TestTrialKeyAllowance: a trial user's key lasts 14 days and allows 10
// requests a minute; the 11th gets 429 saying when to retry.
func TestTrialKeyAllowance(t *testing.T) {
	s := startServer(t, config.SQLite)
	token := demoToken(t, s)
	owner := demoOwner(t, s)
	if _, err := s.App.Store.DB().ExecContext(context.Background(), s.App.Store.Rebind(`UPDATE users SET tier = 'trial' WHERE id = ?`), owner.UserID); err != nil {
		t.Fatal(err)
	}
	var k createdKey
	s.do(t, "POST", "/api/keys", token, map[string]string{"name": "trial"}, &k)
	if k.Key.Tier != "trial" || k.Key.ExpiresAt == nil || time.Until(*k.Key.ExpiresAt) < 13*24*time.Hour || time.Until(*k.Key.ExpiresAt) > 14*24*time.Hour {
		t.Fatalf("trial key: %+v", k.Key)
	}
	var last *http.Response
	for i := range 11 {
		last = s.do(t, "GET", "/api/keys", k.APIKey, nil, nil)
		if i < 10 && last.StatusCode != 200 {
			t.Fatalf("request %d: %d", i+1, last.StatusCode)
		}
	}
	retry, _ := strconv.Atoi(last.Header.Get("Retry-After"))
	if last.StatusCode != 429 || last.Header.Get("X-RateLimit-Remaining") != "0" || retry < 1 || retry > 60 {
		t.Fatalf("11th request: %d %v", last.StatusCode, last.Header)
	}

	// Suspending the owner stops the key at once, cached or not.
	var root tokenBody
	s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
	if r := s.do(t, "POST", "/api/admin/users/"+owner.UserID+"/suspend?tenant_id="+owner.TenantID, root.AccessToken, nil, nil); r.StatusCode != 200 {
		t.Fatalf("suspend: %d", r.StatusCode)
	}
	var off errBody
	if r := s.do(t, "GET", "/api/keys", k.APIKey, nil, &off); r.StatusCode != 401 || !strings.Contains(off.Error.Message, "not active") {
		t.Fatalf("a suspended user's key: %d %+v", r.StatusCode, off)
	}
}
