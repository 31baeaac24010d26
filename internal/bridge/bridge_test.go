package bridge

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/logging"
)

// runBridge starts a bridge between pipes and returns the host's ends.
func runBridge(t testing.TB, cfg Config) (hostIn io.WriteCloser, hostOut io.Reader, stop func()) {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cfg.Stdin, cfg.Stdout = inR, outW
	if cfg.Log == nil {
		cfg.Log = logging.Discard()
	}
	b := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx); outW.Close() }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			inW.Close()
			<-done
		})
	}
	t.Cleanup(stop)
	return inW, outR, stop
}

// host connects a go-sdk client, as an MCP host would, to the bridge.
func host(t testing.TB, in io.WriteCloser, out io.Reader, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "desktop-host", Version: "1"}, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cs, err := c.Connect(ctx, &mcp.IOTransport{Reader: io.NopCloser(out), Writer: in}, nil)
	if err != nil {
		t.Fatalf("host connect through the bridge: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func activities(t *testing.T, cs *mcp.ClientSession, limit int) int {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_activities", Arguments: map[string]any{"limit": limit}})
	if err != nil || res.IsError {
		t.Fatalf("get_activities through the bridge: %v %v", err, res)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var out struct{ Activities []json.RawMessage }
	json.Unmarshal(b, &out)
	return len(out.Activities)
}

func TestBridgeForwardsToolsWithAToken(t *testing.T) {
	s := apptest.Start(t, config.SQLite, apptest.Options{})
	in, out, _ := runBridge(t, Config{ServerURL: s.URL, Auth: StaticToken{Token: s.DemoToken(t)}})
	cs := host(t, in, out, nil)
	tl, err := cs.ListTools(context.Background(), nil)
	if err != nil || len(tl.Tools) < 4 {
		t.Fatalf("tools/list: %v (%d tools)", err, len(tl.Tools))
	}
	if n := activities(t, cs, 5); n != 5 {
		t.Fatalf("%d activities, want 5", n)
	}
	// Errors come back unchanged, with their codes.
	_, err = cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_activities", Arguments: map[string]any{"limit": 0}})
	if err == nil || !strings.Contains(err.Error(), `invalid argument "limit"`) {
		t.Fatalf("argument error through the bridge: %v", err)
	}
}

func TestBridgeAnswersMalformedLinesAndKeepsRunning(t *testing.T) {
	s := apptest.Start(t, config.SQLite, apptest.Options{})
	in, out, _ := runBridge(t, Config{ServerURL: s.URL, Auth: StaticToken{Token: s.DemoToken(t)}})
	rd := bufio.NewReader(out)
	readLine := func() map[string]any {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bridge wrote a non-JSON line: %q", line)
		}
		return m
	}
	io.WriteString(in, "this is not json\n")
	m := readLine()
	e, _ := m["error"].(map[string]any)
	if e["code"] != float64(-32700) || m["id"] != nil {
		t.Fatalf("malformed line: %v", m)
	}
	io.WriteString(in, "\n") // blank lines are ignored
	io.WriteString(in, `{"jsonrpc":"2.0","id":"a-1","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`+"\n")
	m = readLine()
	if m["id"] != "a-1" || m["result"] == nil {
		t.Fatalf("initialize after a malformed line: %v", m)
	}
	io.WriteString(in, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	io.WriteString(in, `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"get_athlete","arguments":{}}}`+"\n")
	m = readLine()
	if m["id"] != float64(42) || m["result"] == nil {
		t.Fatalf("ids must be preserved: %v", m)
	}
}

// TestBridgeSurvivesServerRestart stops the server mid-session and starts a
// new one on the same port and database; the host never notices.
func TestBridgeSurvivesServerRestart(t *testing.T) {
	db := config.DatabaseURL{Driver: config.SQLite, Path: filepath.Join(t.TempDir(), "pierre.db")}
	env := map[string]string{"PIERRE_MASTER_ENCRYPTION_KEY": "K7xL9mP2qR4vT6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR="}
	first := apptest.StartOn(t, db, apptest.Options{Env: env})
	token := first.DemoToken(t)
	addr := strings.TrimPrefix(first.URL, "http://")
	env["PIERRE_BASE_URL"] = first.URL
	in, out, _ := runBridge(t, Config{ServerURL: first.URL, Auth: StaticToken{Token: token}, CallTimeout: 20 * time.Second})
	cs := host(t, in, out, nil)
	if n := activities(t, cs, 3); n != 3 {
		t.Fatal("before restart")
	}

	first.Stop()
	if err := <-first.Done; err != nil {
		t.Fatal(err)
	}
	first.Done <- nil
	// While the server is down, a call waits for it to come back.
	restarted := make(chan *apptest.Server, 1)
	go func() {
		time.Sleep(500 * time.Millisecond)
		var ln net.Listener
		var err error
		for range 50 { // the port may take a moment to free
			if ln, err = net.Listen("tcp", addr); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Error(err)
			restarted <- nil
			return
		}
		restarted <- apptest.StartOn(t, db, apptest.Options{Env: env, Listener: ln})
	}()
	if n := activities(t, cs, 4); n != 4 {
		t.Fatal("after restart")
	}
	if s := <-restarted; s == nil {
		t.Fatal("no second server")
	}
	tl, err := cs.ListTools(context.Background(), nil)
	if err != nil || len(tl.Tools) < 4 {
		t.Fatalf("tools/list after restart: %v", err)
	}
}

func TestBridgePasswordLoginIsRememberedInAPrivateFile(t *testing.T) {
	s := apptest.Start(t, config.SQLite, apptest.Options{})
	d, err := s.App.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "creds", "credentials.json")
	store := OpenStore(path)
	in, out, stop := runBridge(t, Config{ServerURL: s.URL, Auth: &PasswordLogin{ServerURL: s.URL, Email: d.Email,
		Password: d.Password, Store: store, HTTP: http.DefaultClient}})
	cs := host(t, in, out, nil)
	if n := activities(t, cs, 2); n != 2 {
		t.Fatal("password mode")
	}
	cs.Close()
	stop()
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", err, st)
	}
	c, _ := store.Load(s.URL)
	if c == nil || c.RefreshToken == "" || c.Method != "password" {
		t.Fatalf("stored credentials: %+v", c)
	}
	// A second run uses the stored session: a wrong password is never needed.
	in2, out2, _ := runBridge(t, Config{ServerURL: s.URL, Auth: &PasswordLogin{ServerURL: s.URL, Email: d.Email,
		Password: "not the password anymore", Store: store, HTTP: http.DefaultClient}})
	if n := activities(t, host(t, in2, out2, nil), 1); n != 1 {
		t.Fatal("second run")
	}
}

func TestUnreachableServerIsReportedClearly(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	b := New(Config{ServerURL: "http://" + addr, ConnectTimeout: time.Second})
	err := b.CheckServer(context.Background())
	var u *Unreachable
	if !errors.As(err, &u) || !strings.Contains(err.Error(), "cannot reach the Pierre server at http://"+addr) {
		t.Fatalf("got %v", err)
	}
}
