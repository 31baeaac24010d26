package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/config"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pierre-mcp-client-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "pierre-mcp-client")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cleanEnv runs the binary without the developer's PIERRE_* settings and
// with credentials in a private file, never the real keychain.
func cleanEnv(t *testing.T, extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	return append(env, extra...)
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// lockedBuffer collects a child's stderr while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
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
		if code := exitCode(err); code != 2 {
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
	if code := exitCode(err); code != 1 {
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
	var stderr lockedBuffer
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

func TestFirstSignalStopsCleanly(t *testing.T) {
	srv := apptest.Start(t, config.SQLite, apptest.Options{})
	cmd := exec.Command(binary, "--server", srv.URL, "--token", srv.DemoToken(t))
	cmd.Env = cleanEnv(t)
	stdin, _ := cmd.StdinPipe() // held open: the host is still there
	defer stdin.Close()
	var stderr lockedBuffer
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
	if code := exitCode(err); code != 0 {
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
	var stderr lockedBuffer
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
