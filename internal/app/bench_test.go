package app_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/testutil"
)

// benchSessions opens n client sessions on one server, each with its own
// HTTP connection pool, as n separate assistants would.
func benchSessions(b *testing.B, s *testServer, n int) []*mcp.ClientSession {
	token := demoToken(b, s)
	out := make([]*mcp.ClientSession, n)
	for i := range out {
		tr := &http.Transport{MaxIdleConnsPerHost: 4}
		c := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil)
		cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: s.URL + "/mcp",
			HTTPClient: &http.Client{Transport: testutil.Bearer{Token: token, Base: tr}}, DisableStandaloneSSE: true}, nil)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = cs
		b.Cleanup(func() { cs.Close() })
	}
	return out
}

// loadSession is a lean streamable-HTTP client used as a load generator:
// it reads each answer fully but does not decode it, so the benchmark
// measures the server, not the client's JSON decoding (which the go-sdk
// client in the same process would otherwise dominate).
type loadSession struct {
	hc      *http.Client
	url     string
	token   string
	session string
	body    []byte
	buf     bytes.Buffer
}

func newLoadSessions(b *testing.B, s *testServer, n int, call string) []*loadSession {
	token := demoToken(b, s)
	out := make([]*loadSession, n)
	for i := range out {
		ls := &loadSession{hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2}}, url: s.URL + "/mcp", token: token}
		if _, err := ls.post(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"load","version":"1"}}}`); err != nil {
			b.Fatal(err)
		}
		if _, err := ls.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil {
			b.Fatal(err)
		}
		ls.body = []byte(call)
		out[i] = ls
	}
	return out
}

func (ls *loadSession) post(body string) ([]byte, error) {
	req, _ := http.NewRequest("POST", ls.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+ls.token)
	if ls.session != "" {
		req.Header.Set("Mcp-Session-Id", ls.session)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := ls.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
		ls.session = id
	}
	ls.buf.Reset()
	if _, err := io.Copy(&ls.buf, resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, ls.buf.Bytes())
	}
	return ls.buf.Bytes(), nil
}

func (ls *loadSession) do() error {
	out, err := ls.post(string(ls.body))
	if err != nil {
		return err
	}
	if !bytes.Contains(out, []byte(`"result"`)) || bytes.Contains(out, []byte(`"isError":true`)) {
		return fmt.Errorf("bad answer: %.300s", out)
	}
	return nil
}

// runConcurrent issues b.N calls spread over the sessions, one goroutine
// per session, and reports throughput and latency percentiles.
func runConcurrent[S any](b *testing.B, sessions []S, do func(S) error) {
	var next atomic.Int64
	lat := make([][]time.Duration, len(sessions))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i, cs := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				t0 := time.Now()
				if err := do(cs); err != nil {
					b.Error(err)
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "calls/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkToolsCallGetActivities50 is tools/call get_activities (limit
// 50) through the whole stack — HTTP, bearer auth, the go-sdk streamable
// handler, validation, the synthetic provider, JSON — with 64 concurrent
// clients. Run it with -benchtime=20000x for stable figures.
func BenchmarkToolsCallGetActivities50(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 64, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_activities","arguments":{"limit":50}}}`)
	runConcurrent(b, sessions, (*loadSession).do)
}

// BenchmarkToolsCallGetActivities5 is the same with a small answer, to
// separate per-call overhead from answer size.
func BenchmarkToolsCallGetActivities5(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 64, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_activities","arguments":{"limit":5}}}`)
	runConcurrent(b, sessions, (*loadSession).do)
}

// BenchmarkPing is the same path with MCP ping, the transport's ceiling
// on this machine, measured on the same server setup.
func BenchmarkPing(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 64, `{"jsonrpc":"2.0","id":2,"method":"ping"}`)
	runConcurrent(b, sessions, (*loadSession).do)
}

// BenchmarkToolsCallGetActivities50Serial is one go-sdk client calling in
// a loop: the latency a single assistant sees, client decoding included.
func BenchmarkToolsCallGetActivities50Serial(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := benchSessions(b, s, 1)
	args := map[string]any{"limit": 50}
	runConcurrent(b, sessions, func(cs *mcp.ClientSession) error {
		_, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "get_activities", Arguments: args})
		return err
	})
}

// BenchmarkToolsCallGetActivities50OneClient is the latency one assistant
// sees: a single session calling in a loop, with the lean client, so the
// figure is the server's (plus loopback HTTP).
func BenchmarkToolsCallGetActivities50OneClient(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 1, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_activities","arguments":{"limit":50}}}`)
	runConcurrent(b, sessions, (*loadSession).do)
}

// BenchmarkToolsCallGetActivities5OneClient is the same for a small answer.
func BenchmarkToolsCallGetActivities5OneClient(b *testing.B) {
	s := startServer(b, "sqlite")
	sessions := newLoadSessions(b, s, 1, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_activities","arguments":{"limit":5}}}`)
	runConcurrent(b, sessions, (*loadSession).do)
}
