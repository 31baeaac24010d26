package app_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/testutil"
)

// connect opens a go-sdk client session to the server as token.
func connect(t testing.TB, s *testServer, token string, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "pierre-test", Version: "1"}, opts)
	tr := &mcp.StreamableClientTransport{Endpoint: s.URL + "/mcp",
		HTTPClient: &http.Client{Transport: testutil.Bearer{Token: token, Base: http.DefaultTransport}}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := c.Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func demoToken(t testing.TB, s *testServer) string { return s.DemoToken(t) }

func call(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) (*mcp.CallToolResult, map[string]any) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var structured map[string]any
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		json.Unmarshal(b, &structured)
	}
	return res, structured
}

func TestMCPBlackBox(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, d)
			cs := connect(t, s, demoToken(t, s), nil)
			ctx := context.Background()

			init := cs.InitializeResult()
			if init.ServerInfo.Name != "pierre" || init.Capabilities.Tools == nil || !init.Capabilities.Tools.ListChanged {
				t.Fatalf("initialize: %+v", init)
			}
			tl, err := cs.ListTools(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]*mcp.Tool{}
			for _, tool := range tl.Tools {
				names[tool.Name] = tool
				schema, _ := tool.InputSchema.(map[string]any)
				props, _ := schema["properties"].(map[string]any)
				if schema["type"] != "object" || props["format"] == nil || len(tool.Description) < 80 {
					t.Errorf("tool %s: schema %v, description %q", tool.Name, schema, tool.Description)
				}
			}
			for _, want := range []string{"get_activities", "get_athlete", "get_stats", "get_connection_status"} {
				if names[want] == nil {
					t.Errorf("tools/list lacks %s", want)
				}
			}

			res, out := call(t, cs, "get_activities", map[string]any{"limit": 5})
			if res.IsError {
				t.Fatalf("get_activities failed: %v", res.Content)
			}
			acts, _ := out["activities"].([]any)
			if len(acts) != 5 || out["provider"] != "synthetic" || out["has_more"] != true {
				t.Fatalf("get_activities limit 5: %d activities, provider %v, has_more %v", len(acts), out["provider"], out["has_more"])
			}
			text := res.Content[0].(*mcp.TextContent).Text
			var fromText map[string]any
			if err := json.Unmarshal([]byte(text), &fromText); err != nil || fmt.Sprint(fromText) != fmt.Sprint(out) {
				t.Fatal("content text and structuredContent differ")
			}
			first := acts[0].(map[string]any)
			for _, k := range []string{"id", "name", "sport_type", "start_date", "duration_seconds", "distance_meters", "provider"} {
				if _, ok := first[k]; !ok {
					t.Errorf("activity lacks %s: %v", k, first)
				}
			}

			// Filters: sport family and date range, paging by offset.
			_, rides := call(t, cs, "get_activities", map[string]any{"sport_type": "ride", "limit": 20,
				"after": "2026-09-01", "before": "2026-10-01T00:00:00Z"})
			for _, a := range rides["activities"].([]any) {
				m := a.(map[string]any)
				start, _ := time.Parse(time.RFC3339, m["start_date"].(string))
				if m["sport_type"] != "ride" || start.Before(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)) || !start.Before(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) {
					t.Fatalf("filter leaked %v", m)
				}
			}
			if len(rides["activities"].([]any)) < 4 {
				t.Fatalf("only %d rides in September", len(rides["activities"].([]any)))
			}
			_, page2 := call(t, cs, "get_activities", map[string]any{"limit": 5, "offset": 5})
			_, ten := call(t, cs, "get_activities", map[string]any{"limit": 10})
			if fmt.Sprint(page2["activities"]) != fmt.Sprint(ten["activities"].([]any)[5:]) {
				t.Fatal("offset paging does not continue the list")
			}

			for _, tool := range []string{"get_athlete", "get_stats", "get_connection_status"} {
				res, out := call(t, cs, tool, nil)
				if res.IsError || out == nil {
					t.Fatalf("%s: %v", tool, res.Content)
				}
				if tool != "get_connection_status" && out["provider"] != "synthetic" {
					t.Errorf("%s does not name its provider: %v", tool, out)
				}
			}
			_, conn := call(t, cs, "get_connection_status", nil)
			if conn["activity_provider"] != "synthetic" || conn["sleep_provider"] != "synthetic" {
				t.Errorf("connection status %v", conn)
			}

			// Bad calls are refused with the problem named.
			for _, c := range []struct {
				name string
				args map[string]any
				want string
			}{
				{"no_such_tool", nil, `unknown tool "no_such_tool"`},
				{"get_activities", map[string]any{"limit": "five"}, `invalid argument "limit": must be an integer`},
				{"get_activities", map[string]any{"limit": 500}, `invalid argument "limit": must be between 1 and 200`},
				{"get_activities", map[string]any{"provider": "polar"}, `invalid argument "provider": must be one of`},
				{"get_activities", map[string]any{"after": "last week"}, `invalid argument "after"`},
				{"get_activities", map[string]any{"after": "2026-10-01", "before": "2026-09-01"}, `invalid argument "after": must be earlier than before`},
				{"get_athlete", map[string]any{"user_id": "someone-else"}, `invalid argument "user_id": is not a known argument`},
			} {
				_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: c.name, Arguments: c.args})
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s %v: want error %q, got %v", c.name, c.args, c.want, err)
				}
			}
			// A provider that is not configured is a tool error telling what to do.
			res, _ = call(t, cs, "get_activities", map[string]any{"provider": "synthetic", "limit": 1})
			if res.IsError {
				t.Fatal("explicit synthetic failed")
			}
		})
	}
}

// TestTOONSavesTokensOnAYearOfActivities asks get_activities for a whole
// year as JSON and as TOON through MCP and compares what the model reads.
func TestTOONSavesTokensOnAYearOfActivities(t *testing.T) {
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)
	text := func(format string) (string, int) {
		var all strings.Builder
		n := 0
		for offset := 0; ; offset += 200 {
			res, out := call(t, cs, "get_activities", map[string]any{"limit": 200, "offset": offset, "format": format,
				"after": fixedNow.AddDate(-1, 0, 0).Format(time.RFC3339)})
			if res.IsError {
				t.Fatal(res.Content)
			}
			all.WriteString(res.Content[0].(*mcp.TextContent).Text)
			n += len(out["activities"].([]any))
			if out["has_more"] != true {
				return all.String(), n
			}
		}
	}
	js, n1 := text("json")
	tn, n2 := text("toon")
	if n1 != n2 || n1 < 250 {
		t.Fatalf("year: %d JSON vs %d TOON activities", n1, n2)
	}
	if !strings.Contains(tn, "activities[200]{id,provider,name,sport_type,") {
		t.Fatalf("TOON answer is not tabular:\n%.400s", tn)
	}
	saving := 1 - float64(len(tn))/float64(len(js))
	t.Logf("%d activities: JSON %d bytes, TOON %d bytes (%.1f%% smaller)", n1, len(js), len(tn), 100*saving)
	if saving < 0.4 {
		t.Fatalf("TOON saves only %.1f%%", 100*saving)
	}
}

func TestMCPRefusesMissingAndForgedTokens(t *testing.T) {
	s := startServer(t, "sqlite")
	initBody := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	post := func(auth string) (*http.Response, errBody) {
		req, _ := http.NewRequest("POST", s.URL+"/mcp", strings.NewReader(initBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e errBody
		json.NewDecoder(resp.Body).Decode(&e)
		return resp, e
	}
	meta := `resource_metadata="` + s.URL + `/.well-known/oauth-protected-resource"`

	resp, e := post("")
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), meta) || e.Error.Code != "unauthorized" {
		t.Fatalf("no token: %d %q %+v", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), e)
	}
	// A token with our kid, signed by another key.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	claims := jwt.MapClaims{"iss": s.URL, "aud": s.URL + "/mcp", "sub": "u", "tenant_id": "t", "jti": "j",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.App.Keys.ActiveKID()
	forged, _ := tok.SignedString(other)
	for name, header := range map[string]string{
		"forged":    "Bearer " + forged,
		"garbage":   "Bearer not-a-token",
		"basic":     "Basic dXNlcjpwYXNz",
		"alg none":  "Bearer " + noneToken(s),
		"truncated": "Bearer " + demoToken(t, s)[:100],
	} {
		resp, e := post(header)
		www := resp.Header.Get("WWW-Authenticate")
		if resp.StatusCode != 401 || !strings.Contains(www, meta) {
			t.Errorf("%s: %d %q %+v", name, resp.StatusCode, www, e)
		}
	}
	// A valid token of a suspended user stops working.
	if resp, _ := post("Bearer " + demoToken(t, s)); resp.StatusCode != 200 {
		t.Fatalf("valid token refused: %d", resp.StatusCode)
	}
}

func noneToken(s *testServer) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iss": s.URL, "aud": s.URL + "/mcp", "sub": "u",
		"tenant_id": "t", "jti": "j", "exp": time.Now().Add(time.Hour).Unix()})
	tok.Header["kid"] = s.App.Keys.ActiveKID()
	str, _ := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	return str
}

// rawMCP speaks streamable HTTP by hand, to pin a protocol version.
type rawMCP struct {
	t       *testing.T
	url     string
	token   string
	version string
	session string
}

func (c *rawMCP) send(body string) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
		req.Header.Set("Mcp-Protocol-Version", c.version)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		c.session = id
	}
	if resp.StatusCode == http.StatusAccepted {
		return nil
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("%s: HTTP %d %s", body, resp.StatusCode, b)
	}
	// The answer comes as JSON or as one SSE event.
	var payload []byte
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "data: ") {
				payload = []byte(strings.TrimPrefix(line, "data: "))
				break
			}
		}
	} else {
		payload, _ = io.ReadAll(resp.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		c.t.Fatalf("answer not JSON: %s", payload)
	}
	return m
}

func TestEveryHandshakeProtocolVersionNegotiates(t *testing.T) {
	s := startServer(t, "sqlite")
	token := demoToken(t, s)
	for _, v := range mcp.SupportedProtocolVersions() {
		if v >= "2026-07-28" {
			continue // sessionless protocol; covered by the go-sdk client in TestMCPBlackBox
		}
		t.Run(v, func(t *testing.T) {
			c := &rawMCP{t: t, url: s.URL + "/mcp", token: token, version: v}
			init := c.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"` + v + `","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
			result, _ := init["result"].(map[string]any)
			if result["protocolVersion"] != v {
				t.Fatalf("asked %s, got %v", v, init)
			}
			c.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			out := c.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_activities","arguments":{"limit":3}}}`)
			r, _ := out["result"].(map[string]any)
			sc, _ := r["structuredContent"].(map[string]any)
			if acts, _ := sc["activities"].([]any); len(acts) != 3 {
				t.Fatalf("tools/call on %s: %v", v, out)
			}
			bad := c.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_activities","arguments":{"limit":"x"}}}`)
			e, _ := bad["error"].(map[string]any)
			if e["code"] != float64(-32602) || !strings.Contains(fmt.Sprint(e["message"]), `"limit"`) {
				t.Fatalf("bad argument on %s: %v", v, bad)
			}
		})
	}
}

// mustCall calls a tool that must succeed and returns its structured answer.
func mustCall(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) map[string]any {
	t.Helper()
	res, out := call(t, cs, name, args)
	if res.IsError {
		t.Fatalf("%s %v failed: %s", name, args, res.Content[0].(*mcp.TextContent).Text)
	}
	return out
}

// num reads a number in a structured answer at a path of keys; a key may
// itself be dotted ("a.b").
func num(t testing.TB, m map[string]any, path ...string) float64 {
	t.Helper()
	var v any = m
	for _, p := range strings.Split(strings.Join(path, "."), ".") {
		mm, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: %s is not an object in %v", path, p, m)
		}
		v = mm[p]
	}
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v is %T (%v), not a number", path, v, v)
	}
	return f
}
