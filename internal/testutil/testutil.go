// Package testutil holds the small helpers several packages' tests share:
// building a command under test, reading a child's output while it runs,
// and sending a bearer token.
package testutil

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// BuildBinary builds the command in the current directory into a
// temporary directory, runs the tests, removes it and exits. Call it from
// TestMain; the binary's path goes to *path.
func BuildBinary(m *testing.M, name string, path *string) {
	dir, err := os.MkdirTemp("", name+"-bin")
	if err != nil {
		panic(err)
	}
	*path = filepath.Join(dir, name)
	if out, err := exec.Command("go", "build", "-o", *path, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// ExitCode is a finished command's exit status (-1 when it did not run).
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		return ee.ExitCode()
	}
	return -1
}

// LockedBuffer is an io.Writer safe to read while a child process writes
// to it (exec copies a child's output on its own goroutine).
type LockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Bearer adds "Authorization: Bearer <Token>" to every request.
type Bearer struct {
	Token string
	Base  http.RoundTripper // nil: http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (b Bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.Token)
	base := b.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}
