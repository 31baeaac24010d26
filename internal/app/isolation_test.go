package app_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// TestTenantIsolation: an admin and a user of tenant B can reach nothing of
// tenant A, by any route or tool, and existence is never revealed (404).
func TestTenantIsolation(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, d)
			var root tokenBody
			s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
			var club struct{ ID, Slug string }
			if r := s.do(t, "POST", "/api/admin/tenants", root.AccessToken, map[string]string{"name": "Club B", "slug": "club-b"}, &club); r.StatusCode != 201 {
				t.Fatalf("create tenant: %d", r.StatusCode)
			}

			// Alice in the default tenant (A); Bob will administer club B; Carol is Bob's member.
			login := func(email string) tokenBody {
				var tb tokenBody
				if r := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": pw}, &tb); r.StatusCode != 200 {
					t.Fatalf("login %s: %d", email, r.StatusCode)
				}
				return tb
			}
			approve := func(tenantID, email string) string {
				var list struct{ Users []struct{ ID, Email string } }
				s.do(t, "GET", "/api/admin/users?status=pending&tenant_id="+tenantID, root.AccessToken, nil, &list)
				for _, u := range list.Users {
					if u.Email == email {
						s.do(t, "POST", "/api/admin/users/"+u.ID+"/approve?tenant_id="+tenantID, root.AccessToken, nil, nil)
						return u.ID
					}
				}
				t.Fatalf("%s not pending in %s: %+v", email, tenantID, list)
				return ""
			}
			s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "alice@example.com", "password": pw}, nil)
			s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "bob@example.com", "password": pw, "tenant": "club-b"}, nil)
			s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "carol@example.com", "password": pw, "tenant": "club-b"}, nil)
			s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "dave@example.com", "password": pw}, nil)
			aliceID := approve(root.User.TenantID, "alice@example.com")
			bobID := approve(club.ID, "bob@example.com")
			approve(club.ID, "carol@example.com")
			if r := s.do(t, "POST", "/api/admin/users/"+bobID+"/role?tenant_id="+club.ID, root.AccessToken, map[string]string{"role": "admin"}, nil); r.StatusCode != 200 {
				t.Fatalf("promote bob: %d", r.StatusCode)
			}
			alice, bob, carol := login("alice@example.com"), login("bob@example.com"), login("carol@example.com")
			if bob.User.TenantID != club.ID || alice.User.TenantID == club.ID {
				t.Fatal("tenants not assigned as registered")
			}

			// Bob administers club B only.
			var list struct{ Users []struct{ Email string } }
			s.do(t, "GET", "/api/admin/users", bob.AccessToken, nil, &list)
			for _, u := range list.Users {
				if !strings.HasPrefix(u.Email, "bob@") && !strings.HasPrefix(u.Email, "carol@") {
					t.Fatalf("tenant B admin sees %s", u.Email)
				}
			}
			var pendingDave struct{ Users []struct{ ID string } }
			s.do(t, "GET", "/api/admin/users?status=pending&tenant_id="+root.User.TenantID, root.AccessToken, nil, &pendingDave)
			daveID := pendingDave.Users[0].ID
			var e errBody
			for _, req := range []struct{ method, path string }{
				{"POST", "/api/admin/users/" + aliceID + "/suspend"},
				{"POST", "/api/admin/users/" + daveID + "/approve"},
				{"GET", "/api/admin/users?tenant_id=" + root.User.TenantID},
				{"POST", "/api/admin/users/" + aliceID + "/approve?tenant_id=" + root.User.TenantID},
			} {
				if r := s.do(t, req.method, req.path, bob.AccessToken, nil, &e); r.StatusCode != 404 {
					t.Errorf("tenant B admin %s %s: %d %+v, want 404", req.method, req.path, r.StatusCode, e)
				}
			}
			if r := s.do(t, "POST", "/api/admin/users/"+aliceID+"/role", bob.AccessToken, map[string]string{"role": "admin"}, &e); r.StatusCode != 404 {
				t.Errorf("tenant B admin promotes tenant A user: %d", r.StatusCode)
			}
			if r := s.do(t, "POST", "/api/admin/tenants", bob.AccessToken, map[string]string{"name": "X", "slug": "x"}, &e); r.StatusCode != 403 {
				t.Errorf("tenant admin creates tenants: %d", r.StatusCode)
			}
			// Dave stayed pending, Alice stayed active.
			var aliceMe map[string]any
			s.do(t, "GET", "/api/auth/me", alice.AccessToken, nil, &aliceMe)
			if aliceMe["status"] != "active" {
				t.Fatalf("alice changed by tenant B: %v", aliceMe)
			}

			// Tools: each user sees only their own athlete; no tool takes a
			// user or tenant to read someone else's data.
			athleteOf := func(tok string) string {
				cs := connect(t, s, tok, nil)
				_, out := call(t, cs, "get_athlete", nil)
				return out["athlete"].(map[string]any)["id"].(string)
			}
			a, b, c := athleteOf(alice.AccessToken), athleteOf(bob.AccessToken), athleteOf(carol.AccessToken)
			if a == b || b == c || a == c {
				t.Fatalf("users share an athlete: %s %s %s", a, b, c)
			}
			if athleteOf(alice.AccessToken) != a {
				t.Fatal("a user's data is not stable")
			}
			cs := connect(t, s, carol.AccessToken, nil)
			tl, _ := cs.ListTools(context.Background(), nil)
			for _, tool := range tl.Tools {
				props := tool.InputSchema.(map[string]any)["properties"].(map[string]any)
				for _, forbidden := range []string{"user_id", "tenant_id", "athlete_id"} {
					if props[forbidden] != nil {
						t.Errorf("tool %s accepts %s", tool.Name, forbidden)
					}
				}
			}
		})
	}
}

// A session belongs to the user who opened it: another user's token cannot
// drive it.
func TestMCPSessionIsBoundToItsUser(t *testing.T) {
	s := startServer(t, "sqlite")
	var root tokenBody
	s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
	c := &rawMCP{t: t, url: s.URL + "/mcp", token: demoToken(t, s), version: "2025-06-18"}
	c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	req, _ := http.NewRequest("POST", s.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_athlete","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+root.AccessToken)
	req.Header.Set("Mcp-Session-Id", c.session)
	req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 400 || strings.Contains(string(body), "athlete") {
		t.Fatalf("another user drove the session: %d %s", resp.StatusCode, body)
	}
}

// SIGTERM-style shutdown lets an in-flight request finish and turns /ready
// to 503 meanwhile.
func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	s := startServer(t, "sqlite")
	host := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"nobody@example.com","password":"some long password"}`
	// Send the headers and half the body: the handler is now reading.
	io.WriteString(conn, "POST /api/auth/login HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/json\r\n"+
		"Content-Length: "+strconv.Itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body[:20])
	time.Sleep(100 * time.Millisecond)
	s.stop() // what SIGTERM does in main
	time.Sleep(100 * time.Millisecond)
	io.WriteString(conn, body[20:])
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(resp), "HTTP/1.1 401") || !strings.Contains(string(resp), "invalid_credentials") {
		t.Fatalf("in-flight request was not completed: %q", resp)
	}
	if err := <-s.Done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	s.Done <- nil // for cleanup
	if _, err := http.Get(s.URL + "/health"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}
