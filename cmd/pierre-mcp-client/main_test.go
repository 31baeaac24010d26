package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/testutil"
)

var binary string

func TestMain(m *testing.M) { testutil.BuildBinary(m, "pierre-mcp-client", &binary) }

// cleanEnv runs the binary without the developer's PIERRE_* settings and
// with credentials in a private file, never the real keychain.
func cleanEnv(t *testing.T, extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	return append(env, extra...)
}

func TestVersionHelpAndBadUsage(t *testing.T) {
	out, err := exec.Command(binary, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "pierre-mcp-client ") {
		t.Fatalf("--version: %v %s", err, out)
	}
	cmd := exec.Command(binary, "--help")
	cmd.Env = cleanEnv(t, "PIERRE_JWT_TOKEN=eyJsecret.token.value")
	out, _ = cmd.CombinedOutput()
	for _, want := range []string{"--server", "PIERRE_SERVER_URL", "callback-port", "35535", "no-browser", "http://localhost:8081"} {
		if !strings.Contains(strings.ReplaceAll(string(out), "-server", "--server"), strings.TrimPrefix(want, "-")) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "eyJsecret") {
		t.Fatal("--help printed the token from the environment")
	}
	cases := map[string][]string{
		"unknown flag":       {"--frobnicate"},
		"subcommand":         {"serve"},
		"bad port":           {"--callback-port", "70000"},
		"bad timeout":        {"--tool-call-connection-timeout", "0"},
		"not a URL":          {"--server", "localhost:8081"},
		"e-mail, no passwd":  {"--user-email", "a@b.c"},
		"non-numeric env ms": {},
	}
	for name, args := range cases {
		cmd := exec.Command(binary, args...)
		cmd.Env = cleanEnv(t)
		if name == "non-numeric env ms" {
			cmd.Env = cleanEnv(t, "PIERRE_CALLBACK_PORT=abc")
		}
		out, err := cmd.CombinedOutput()
		if code := testutil.ExitCode(err); code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", name, code, out)
		}
		if !strings.Contains(string(out), "pierre-mcp-client:") && !strings.Contains(string(out), "flag provided but not defined") {
			t.Errorf("%s: no clear message: %s", name, out)
		}
	}
}

func TestUnreachableServerFailsAtStartup(t *testing.T) {
	cmd := exec.Command(binary, "--server", "http://127.0.0.1:1")
	cmd.Env = cleanEnv(t)
	out, err := cmd.CombinedOutput()
	if code := testutil.ExitCode(err); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, out)
	}
	if !strings.Contains(string(out), "Bridge failed to start: cannot reach the Pierre server at http://127.0.0.1:1") {
		t.Fatalf("unclear message: %s", out)
	}
}

// connect runs the built bridge under the go-sdk command transport, as an
// MCP host does.
func connect(t *testing.T, cmd *exec.Cmd) *mcp.ClientSession {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "test-host", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect through the bridge: %v", err)
	}
	return cs
}

func callActivities(t *testing.T, cs *mcp.ClientSession) int {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_activities", Arguments: map[string]any{"limit": 3}})
	if err != nil || res.IsError {
		t.Fatalf("get_activities through the bridge: %v %+v", err, res)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var out struct{ Activities []json.RawMessage }
	json.Unmarshal(b, &out)
	return len(out.Activities)
}

func TestTokenModeForwardsTools(t *testing.T) {
	srv := apptest.Start(t, config.SQLite, apptest.Options{})
	cmd := exec.Command(binary, "--server", srv.URL)
	var stderr testutil.LockedBuffer
	cmd.Stderr = &stderr
	cmd.Env = cleanEnv(t, "PIERRE_JWT_TOKEN="+srv.DemoToken(t))
	cs := connect(t, cmd)
	defer cs.Close()
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil || len(tools.Tools) < 4 {
		t.Fatalf("tools/list through the bridge: %v", err)
	}
	if n := callActivities(t, cs); n != 3 {
		t.Fatalf("got %d activities, want 3", n)
	}
	if strings.Contains(stderr.String(), "eyJ") {
		t.Fatalf("the token reached the log:\n%s", stderr.String())
	}
}

// TestAPIKeyMode: PIERRE_API_KEY (a pk_live_ key made on the server)
// skips the browser sign-in.
func TestAPIKeyMode(t *testing.T) {
	srv := apptest.Start(t, config.SQLite, apptest.Options{})
	var created struct {
		APIKey string `json:"api_key"`
	}
	if r := srv.Do(t, "POST", "/api/keys", srv.DemoToken(t), map[string]string{"name": "desktop bridge"}, &created); r.StatusCode != 201 {
		t.Fatalf("create key: %d", r.StatusCode)
	}
	cmd := exec.Command(binary, "--server", srv.URL)
	cmd.Env = cleanEnv(t, "PIERRE_API_KEY="+created.APIKey)
	var stderr testutil.LockedBuffer
	cmd.Stderr = &stderr
	cs := connect(t, cmd)
	defer cs.Close()
	if n := callActivities(t, cs); n != 3 {
		t.Fatalf("%d activities with an API key", n)
	}
	if strings.Contains(stderr.String(), created.APIKey) || strings.Contains(stderr.String(), "open this URL") {
		t.Fatalf("key logged or browser asked for:\n%s", stderr.String())
	}
}

func TestFirstSignalStopsCleanly(t *testing.T) {
	srv := apptest.Start(t, config.SQLite, apptest.Options{})
	cmd := exec.Command(binary, "--server", srv.URL, "--token", srv.DemoToken(t))
	cmd.Env = cleanEnv(t)
	stdin, _ := cmd.StdinPipe() // held open: the host is still there
	defer stdin.Close()
	var stderr testutil.LockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for start-up to finish before signalling.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "bridge ready") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("bridge never became ready:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if code := testutil.ExitCode(err); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Bridge shutting down (SIGTERM)") || !strings.Contains(stderr.String(), "Bridge stopped cleanly") {
		t.Fatalf("shutdown not reported:\n%s", stderr.String())
	}
}

// TestSecondSignalForcesExit drives run directly: the bridge is stuck
// (stdin never answers) and two signals arrive before it stops.
func TestSecondSignalForcesExit(t *testing.T) {
	srv := apptest.Start(t, config.SQLite, apptest.Options{})
	sigs := make(chan os.Signal, 2)
	sigs <- syscall.SIGINT
	sigs <- syscall.SIGINT
	r, w := io.Pipe()
	defer w.Close()
	var stderr testutil.LockedBuffer
	code := run([]string{"--server", srv.URL, "--token", "x"}, r, io.Discard, &stderr,
		func(string) string { return "" }, sigs)
	// Either the bridge stopped before the second signal was read (0) or the
	// second signal forced the exit (1); both must say so.
	out := stderr.String()
	switch code {
	case 0:
		if !strings.Contains(out, "Bridge stopped cleanly") {
			t.Fatalf("exit 0 without saying so:\n%s", out)
		}
	case 1:
		if !strings.Contains(out, "Forcing immediate exit") {
			t.Fatalf("exit 1 without saying why:\n%s", out)
		}
	default:
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, "Bridge shutting down (SIGINT)") {
		t.Fatalf("first signal not reported:\n%s", out)
	}
}

// signInWatcher reads the bridge's stderr, keeps it, and hands over each
// sign-in URL it prints.
type signInWatcher struct {
	log  testutil.LockedBuffer
	urls chan string
}

func watchStderr(cmd *exec.Cmd) *signInWatcher {
	w := &signInWatcher{urls: make(chan string, 4)}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	go func() {
		sc := bufio.NewScanner(pr)
		next := false
		for sc.Scan() {
			line := sc.Text()
			w.log.Write([]byte(line + "\n"))
			if next && strings.HasPrefix(strings.TrimSpace(line), "http") {
				w.urls <- strings.TrimSpace(line)
			}
			next = strings.Contains(line, "open this URL in your browser")
		}
	}()
	return w
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func readCreds(t *testing.T, path string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("credentials file: %v", err)
	}
	m := map[string]map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOAuthSignInEndToEnd runs the built bridge the way a desktop host
// does, against the real server: the first run signs in through the
// server's login and consent pages (the test plays the browser), later runs
// reuse the stored token, an expired token is renewed without a browser,
// and a server restart mid-session is survived.
func TestOAuthSignInEndToEnd(t *testing.T) {
	var key [32]byte
	rand.Read(key[:])
	env := map[string]string{"PIERRE_MASTER_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(key[:])}
	db := config.DatabaseURL{Driver: config.SQLite, Path: filepath.Join(t.TempDir(), "pierre.db")}
	srv := apptest.StartOn(t, db, apptest.Options{Env: env})
	demo, err := srv.App.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(t.TempDir(), "pierre", "credentials.json")
	port := strconv.Itoa(freePort(t))
	bridgeCmd := func() (*exec.Cmd, *signInWatcher) {
		cmd := exec.Command(binary, "--server", srv.URL, "--no-browser", "--callback-port", port,
			"--credentials-file", creds, "--tool-call-connection-timeout", "30000")
		cmd.Env = cleanEnv(t)
		return cmd, watchStderr(cmd)
	}

	// First run: no credentials, so the host's initialize waits while the
	// person signs in.
	cmd, watch := bridgeCmd()
	sessions := make(chan *mcp.ClientSession, 1)
	go func() { sessions <- connect(t, cmd) }()
	var signInURL string
	select {
	case signInURL = <-watch.urls:
	case <-time.After(60 * time.Second):
		t.Fatalf("no sign-in URL printed:\n%s", watch.log.String())
	}
	if !strings.HasPrefix(signInURL, srv.URL+"/oauth2/authorize?") || !strings.Contains(signInURL, "code_challenge_method=S256") {
		t.Fatalf("sign-in URL is not a PKCE authorization request to the server: %s", signInURL)
	}
	back := apptest.NewBrowser(t, srv.URL, demo.Email, demo.Password).Authorize(signInURL)
	if back.Host != "127.0.0.1:"+port || back.Path != "/callback" {
		t.Fatalf("the server sent the browser to %s, not the bridge's loopback callback", back)
	}
	resp, err := http.Get(back.String()) // the browser lands on the bridge
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Signed in to Pierre") {
		t.Fatalf("callback page: %s", page)
	}
	var cs *mcp.ClientSession
	select {
	case cs = <-sessions:
	case <-time.After(60 * time.Second):
		t.Fatalf("host never connected after sign-in:\n%s", watch.log.String())
	}
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil || len(tools.Tools) < 20 {
		t.Fatalf("tools/list after sign-in: %v", err)
	}
	if n := callActivities(t, cs); n != 3 {
		t.Fatalf("%d activities", n)
	}
	cs.Close()

	st, err := os.Stat(creds)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials not kept in a private file: %v %v", err, st)
	}
	saved := readCreds(t, creds)[srv.URL]
	if saved["client_id"] == "" || saved["refresh_token"] == nil || saved["access_token"] == nil {
		t.Fatalf("registration and tokens not kept: %v", saved)
	}
	if log := watch.log.String(); strings.Contains(log, saved["access_token"].(string)) || strings.Contains(log, "eyJ") {
		t.Fatalf("a token reached the log:\n%s", log)
	}

	// Second run: signed in from the stored token, no browser.
	cmd, watch = bridgeCmd()
	cs = connect(t, cmd)
	if n := callActivities(t, cs); n != 3 {
		t.Fatalf("%d activities on the second run", n)
	}
	cs.Close()
	if strings.Contains(watch.log.String(), "open this URL") {
		t.Fatalf("second run asked to sign in again:\n%s", watch.log.String())
	}
	if readCreds(t, creds)[srv.URL]["client_id"] != saved["client_id"] {
		t.Fatal("the second run registered a new client")
	}

	// An expired access token is renewed silently with the refresh token.
	all := readCreds(t, creds)
	all[srv.URL]["expiry"] = time.Now().Add(-time.Hour).Format(time.RFC3339)
	b, _ := json.Marshal(all)
	os.WriteFile(creds, b, 0o600)
	cmd, watch = bridgeCmd()
	cs = connect(t, cmd)
	defer cs.Close()
	if n := callActivities(t, cs); n != 3 {
		t.Fatalf("%d activities after renewal", n)
	}
	renewed := readCreds(t, creds)[srv.URL]
	if renewed["access_token"] == saved["access_token"] || renewed["refresh_token"] == saved["refresh_token"] {
		t.Fatal("the expired token was not renewed (or the refresh token not rotated)")
	}
	if strings.Contains(watch.log.String(), "open this URL") {
		t.Fatalf("renewal needed a browser:\n%s", watch.log.String())
	}

	// The server restarts mid-session; the host's next call still works.
	addr := strings.TrimPrefix(srv.URL, "http://")
	env["PIERRE_BASE_URL"] = srv.URL
	srv.Stop()
	if err := <-srv.Done; err != nil {
		t.Fatal(err)
	}
	srv.Done <- nil
	var ln net.Listener
	for range 100 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	apptest.StartOn(t, db, apptest.Options{Env: env, Listener: ln})
	if n := callActivities(t, cs); n != 3 {
		t.Fatalf("%d activities after the restart", n)
	}
}
