package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/testutil"
)

var binary string

func TestMain(m *testing.M) { testutil.BuildBinary(m, "pierre-server", &binary) }

// cleanEnv runs the binary without the developer's PIERRE_* settings.
func cleanEnv(extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PIERRE_RSA_KEY_SIZE=2048"}
	return append(env, extra...)
}

func TestProductionRefusesToStartWithoutMasterKey(t *testing.T) {
	cmd := exec.Command(binary, "--data-dir", t.TempDir())
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv("PIERRE_ENV=production", "PIERRE_BASE_URL=https://pierre.example.com")
	out, err := cmd.CombinedOutput()
	if code := testutil.ExitCode(err); code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, out)
	}
	for _, want := range []string{"PIERRE_MASTER_ENCRYPTION_KEY is required in production", "openssl rand -base64 32"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestVersionHelpAndBadUsage(t *testing.T) {
	out, err := exec.Command(binary, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "pierre-server ") {
		t.Fatalf("--version: %v %s", err, out)
	}
	out, _ = exec.Command(binary, "--help").CombinedOutput()
	if !strings.Contains(string(out), "pierre-server stdio") || !strings.Contains(string(out), "-http-port") {
		t.Fatalf("--help: %s", out)
	}
	for _, args := range [][]string{{"frobnicate"}, {"--no-such-flag"}, {"demo", "grow"}} {
		if code := testutil.ExitCode(exec.Command(binary, args...).Run()); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestMakeRunPath is what `make run` does: start with --demo on the
// embedded defaults, print how to connect, serve, and stop on SIGTERM.
func TestMakeRunPath(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	cmd := exec.Command(binary, "--demo", "--http-port", strconv.Itoa(port))
	cmd.Dir = dir // ./data is created here, as in a fresh checkout
	cmd.Env = cleanEnv()
	stdout, _ := cmd.StdoutPipe()
	var stderr testutil.LockedBuffer // written by exec's copier goroutine while the test reads it
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var printed strings.Builder
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	deadline := time.After(60 * time.Second)
	lines := make(chan string)
	go func() {
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited early:\n%s\n%s", printed.String(), stderr.String())
			}
			printed.WriteString(l + "\n")
			if strings.Contains(l, "Try: curl") {
				break wait
			}
		case <-deadline:
			t.Fatalf("no connection instructions printed:\n%s\n%s", printed.String(), stderr.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	out := printed.String()
	base := "http://localhost:" + strconv.Itoa(port)
	token := regexp.MustCompile(`Demo token : (\S+)`).FindStringSubmatch(out)
	if !strings.Contains(out, base) || !strings.Contains(out, "Demo login : demo@pierre.local / ") || token == nil ||
		!strings.Contains(out, `"Authorization": "Bearer `+token[1]+`"`) || !strings.Contains(out, `"stdio"`) ||
		!strings.Contains(out, `pierre-mcp-client"`) {
		t.Fatalf("connection instructions incomplete:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "master.key")); err != nil {
		t.Fatal("development master key not kept in the data directory")
	}
	if !strings.Contains(stderr.String(), "generated a development master encryption key") {
		t.Errorf("no warning about the generated key:\n%s", stderr.String())
	}

	// The printed token works against the printed URL.
	req, _ := http.NewRequest("POST", base+"/api/auth/login", strings.NewReader(`{"email":"demo@pierre.local","password":"`+
		regexp.MustCompile(`demo@pierre.local / (\S+)`).FindStringSubmatch(out)[1]+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("printed demo login does not work: %v %v", err, resp)
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: base + "/mcp",
		HTTPClient: &http.Client{Transport: headerRT{"Authorization", "Bearer " + token[1]}}}, nil)
	if err != nil {
		t.Fatalf("printed token does not connect: %v", err)
	}
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_activities", Arguments: map[string]any{"limit": 2}})
	if err != nil || res.IsError {
		t.Fatalf("get_activities via printed config: %v %v", err, res)
	}
	cs.Close()

	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop within 30 s of SIGTERM")
	}
}

type headerRT struct{ k, v string }

func (h headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.k, h.v)
	return http.DefaultTransport.RoundTrip(r)
}

// TestStdioServesTheSameTools runs `pierre-server stdio` under the go-sdk
// command transport, as a desktop assistant would.
func TestStdioServesTheSameTools(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(binary, "stdio", "--data-dir", filepath.Join(dir, "data"))
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	c := mcp.NewClient(&mcp.Implementation{Name: "desktop", Version: "1"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cs, err := c.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	tl, err := cs.ListTools(ctx, nil)
	if err != nil || len(tl.Tools) < 4 {
		t.Fatalf("tools/list: %v %d", err, len(tl.Tools))
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_activities", Arguments: map[string]any{"limit": 5}})
	if err != nil || res.IsError {
		t.Fatalf("get_activities: %v %v", err, res)
	}
	var out struct {
		Provider   string
		Activities []json.RawMessage
	}
	b, _ := json.Marshal(res.StructuredContent)
	json.Unmarshal(b, &out)
	if out.Provider != "synthetic" || len(out.Activities) != 5 {
		t.Fatalf("stdio answer: %s", b)
	}
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_activities", Arguments: map[string]any{"limit": 0}}); err == nil ||
		!strings.Contains(err.Error(), `"limit"`) {
		t.Fatalf("bad argument over stdio: %v", err)
	}
}

func TestInvalidAlgorithmStopsStartup(t *testing.T) {
	cmd := exec.Command(binary, "migrate", "--data-dir", t.TempDir())
	cmd.Dir = t.TempDir()
	cmd.Env = cleanEnv("PIERRE_TSS_ALGORITHM=magic")
	out, err := cmd.CombinedOutput()
	if testutil.ExitCode(err) != 1 || !strings.Contains(string(out), `PIERRE_TSS_ALGORITHM`) || !strings.Contains(string(out), "hybrid") {
		t.Fatalf("exit %d: %s", testutil.ExitCode(err), out)
	}
}
