// Package apptest starts real Pierre servers for tests: the whole app on a
// random loopback port, on SQLite or on a fresh PostgreSQL schema.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/app"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/logging"
	"github.com/pierre-fitness/pierre/internal/provider/synthetic"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// FixedNow keeps synthetic data identical across test runs.
var FixedNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Server is a real Pierre server on a random port.
type Server struct {
	URL  string
	App  *app.App
	Stop context.CancelFunc // what SIGTERM does in main
	Done chan error         // Serve's result
}

// Options adjust a test server.
type Options struct {
	// Env overrides configuration variables.
	Env map[string]string
	// Synthetic overrides the synthetic provider (clock defaults to FixedNow).
	Synthetic *synthetic.Options
	// Listener serves on an existing listener (e.g. to restart on the same port).
	Listener net.Listener
	// Log receives the server's log (nil: discarded), e.g. to check that
	// secrets never reach it.
	Log *slog.Logger
}

// Start runs a server on a fresh database of the given engine.
func Start(t testing.TB, driver config.Driver, opts Options) *Server {
	t.Helper()
	return StartOn(t, storetest.DatabaseURL(t, driver), opts)
}

// StartOn runs a server on an existing database, e.g. a second replica of
// the same PostgreSQL schema or a restart on the same SQLite file.
func StartOn(t testing.TB, db config.DatabaseURL, opts Options) *Server {
	t.Helper()
	ln := opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	base := "http://" + ln.Addr().String()
	dir := t.TempDir()
	env := map[string]string{
		"PIERRE_ENV":          "testing",
		"PIERRE_BASE_URL":     base,
		"PIERRE_RSA_KEY_SIZE": "2048",
		"PIERRE_DATA_DIR":     dir,
		"LOG_LEVEL":           "error",
	}
	for k, v := range opts.Env {
		env[k] = v
	}
	cfg, err := config.Load(config.Source{Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }, EnvFile: dir + "/none.env"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = db
	syn := opts.Synthetic
	if syn == nil {
		syn = &synthetic.Options{}
	}
	if syn.Now == nil {
		syn.Now = func() time.Time { return FixedNow }
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := opts.Log
	if log == nil {
		log = logging.Discard()
	}
	a, err := app.New(ctx, cfg, log, app.Options{Synthetic: syn})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &Server{URL: base, App: a, Stop: cancel, Done: make(chan error, 1)}
	go func() { s.Done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-s.Done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return s
}

// DemoToken seeds the demo athlete and returns a token for it.
func (s *Server) DemoToken(t testing.TB) string {
	t.Helper()
	d, err := s.App.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d.Token.AccessToken
}

// Do sends a JSON request (body: nil, a string, or a value to marshal) and
// decodes a JSON answer into out when given.
func (s *Server) Do(t testing.TB, method, path, token string, body any, out any) *http.Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d, body not JSON: %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp
}
