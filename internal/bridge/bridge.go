// Package bridge connects an MCP host that speaks stdio (Claude Desktop,
// Cursor, …) to a Pierre server over streamable HTTP. It forwards every
// JSON-RPC message both ways unchanged: requests keep their ids, server
// requests (sampling) reach the host and the host's answers go back, and
// notifications (progress, logging, list changes) flow in both directions.
// When the server restarts, the bridge opens a new session, replays the
// host's initialize handshake, and resends the message that failed.
package bridge

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Config configures a bridge.
type Config struct {
	// ServerURL is the Pierre base URL, e.g. http://localhost:8081.
	ServerURL string
	// Auth supplies credentials for the server (token, password login or
	// OAuth). Nil sends no credentials.
	Auth auth.OAuthHandler
	// HTTPClient is used for every request to the server; nil means a
	// client with sane timeouts.
	HTTPClient *http.Client
	// ConnectTimeout bounds the start-up reachability check and each
	// (re)connection.
	ConnectTimeout time.Duration
	// CallTimeout bounds how long a message waits for a connection to the
	// server before the host gets an error for it.
	CallTimeout time.Duration
	Log         *slog.Logger
	Stdin       io.Reader
	Stdout      io.Writer
}

// Bridge forwards MCP between stdio and a Pierre server.
type Bridge struct {
	cfg Config
	out *jsonWriter

	mu        sync.Mutex
	conn      mcp.Connection // current upstream session; nil when down
	gen       int            // incremented on each new session
	initReq   *jsonrpc.Request
	initNote  *jsonrpc.Request // notifications/initialized, replayed with initReq
	replayIDs map[string]bool  // ids of replayed initialize requests, whose answers the host must not see
	replaySeq int
}

// New returns a bridge.
func New(cfg Config) *Bridge {
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 10 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{
			ResponseHeaderTimeout: 0, // SSE streams stay open
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   4,
		}}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.ServerURL = strings.TrimRight(cfg.ServerURL, "/")
	return &Bridge{cfg: cfg, out: &jsonWriter{w: cfg.Stdout}, replayIDs: map[string]bool{}}
}

// Unreachable is returned by CheckServer when the server does not answer.
type Unreachable struct {
	URL string
	Err error
}

func (e *Unreachable) Error() string {
	return fmt.Sprintf("cannot reach the Pierre server at %s: %v (is it running? start it with `pierre-server` or set --server / PIERRE_SERVER_URL)", e.URL, e.Err)
}

func (e *Unreachable) Unwrap() error { return e.Err }

// CheckServer verifies at start-up that the server answers its health
// check, so a wrong URL fails at once with a clear message rather than on
// the host's first request.
func (b *Bridge) CheckServer(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.ConnectTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.cfg.ServerURL+"/health", nil)
	if err != nil {
		return &Unreachable{URL: b.cfg.ServerURL, Err: err}
	}
	resp, err := b.cfg.HTTPClient.Do(req)
	if err != nil {
		return &Unreachable{URL: b.cfg.ServerURL, Err: err}
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return &Unreachable{URL: b.cfg.ServerURL, Err: fmt.Errorf("health check answered %s", resp.Status)}
	}
	return nil
}

// Run forwards messages until stdin closes or ctx ends.
func (b *Bridge) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer b.closeConn()

	sc := bufio.NewScanner(b.cfg.Stdin)
	sc.Buffer(make([]byte, 64<<10), mcp.DefaultMaxLineLength)
	lines := make(chan []byte)
	readErr := make(chan error, 1)
	go func() {
		for sc.Scan() {
			line := append([]byte(nil), sc.Bytes()...)
			select {
			case lines <- line:
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("read stdin: %w", err)
				}
				return nil // the host closed stdin: normal end
			}
			b.handleLine(ctx, line)
		}
	}
}

// handleLine forwards one message from the host, answering malformed
// lines with a JSON-RPC parse error (and carrying on).
func (b *Bridge) handleLine(ctx context.Context, line []byte) {
	trimmed := strings.TrimSpace(string(line))
	if trimmed == "" {
		return
	}
	msg, err := jsonrpc.DecodeMessage([]byte(trimmed))
	if err != nil {
		b.cfg.Log.Warn("malformed message from host", "err", err)
		b.out.raw(parseError(err))
		return
	}
	if req, ok := msg.(*jsonrpc.Request); ok {
		switch req.Method {
		case "initialize":
			b.mu.Lock()
			b.initReq = req
			b.mu.Unlock()
		case "notifications/initialized":
			b.mu.Lock()
			b.initNote = req
			b.mu.Unlock()
		}
	}
	// The handshake and notifications go out in order (the server must see
	// initialize before initialized, and a cancellation after its request);
	// calls and answers each go on their own goroutine, so a long tool call
	// never holds up the host's next request or its answer to a sampling
	// request.
	if req, ok := msg.(*jsonrpc.Request); ok && (!req.IsCall() || req.Method == "initialize") {
		b.forward(ctx, msg)
		return
	}
	go b.forward(ctx, msg)
}

// forward sends msg upstream, reconnecting when the session is gone. If no
// connection can be made in CallTimeout, a request gets an error answer.
func (b *Bridge) forward(ctx context.Context, msg jsonrpc.Message) {
	deadline := time.Now().Add(b.cfg.CallTimeout)
	backoff := 100 * time.Millisecond
	var lastErr error
	for attempt := 0; ; attempt++ {
		conn, gen, err := b.connection(ctx)
		if err == nil {
			if err = conn.Write(ctx, msg); err == nil {
				return
			}
			b.dropConn(gen, err)
		}
		lastErr = err
		if _, ok := errors.AsType[*AuthError](err); ok {
			break // signing in again now would ask the user again
		}
		if ctx.Err() != nil {
			return
		}
		if time.Now().Add(backoff).After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
	b.cfg.Log.Error("could not deliver message to the Pierre server", "err", lastErr)
	if req, ok := msg.(*jsonrpc.Request); ok && req.IsCall() {
		text := fmt.Sprintf("Pierre server at %s is unreachable: %v", b.cfg.ServerURL, lastErr)
		if ae, ok := errors.AsType[*AuthError](lastErr); ok {
			text = ae.Error()
		}
		b.out.msg(&jsonrpc.Response{ID: req.ID, Error: &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: text}})
	}
}

// connection returns the live upstream session, opening (and, after a
// restart, re-initialising) one if needed.
func (b *Bridge) connection(ctx context.Context) (mcp.Connection, int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil {
		return b.conn, b.gen, nil
	}
	cctx, cancel := context.WithTimeout(ctx, b.cfg.ConnectTimeout)
	defer cancel()
	t := &mcp.StreamableClientTransport{Endpoint: b.cfg.ServerURL + "/mcp", HTTPClient: b.cfg.HTTPClient, OAuthHandler: b.cfg.Auth}
	conn, err := t.Connect(cctx)
	if err != nil {
		return nil, 0, err
	}
	reconnect := b.gen > 0
	b.gen++
	gen := b.gen
	// A session that replaces a lost one must replay the host's handshake,
	// under a bridge-owned id whose answer is swallowed. (The first session
	// carries the host's own initialize.)
	if reconnect && b.initReq != nil {
		b.replaySeq++
		id, _ := jsonrpc.MakeID(fmt.Sprintf("pierre-bridge-reinit-%d", b.replaySeq))
		replay := &jsonrpc.Request{ID: id, Method: b.initReq.Method, Params: b.initReq.Params}
		b.replayIDs[fmt.Sprint(id.Raw())] = true
		if err := conn.Write(cctx, replay); err != nil {
			conn.Close()
			return nil, 0, fmt.Errorf("replay initialize: %w", err)
		}
		if b.initNote != nil {
			if err := conn.Write(cctx, b.initNote); err != nil {
				conn.Close()
				return nil, 0, fmt.Errorf("replay initialized: %w", err)
			}
		}
		b.cfg.Log.Info("reconnected to the Pierre server", "session", conn.SessionID())
	}
	b.conn = conn
	go b.pump(ctx, conn, gen)
	return conn, gen, nil
}

// pump copies messages from the server to the host until the session ends.
func (b *Bridge) pump(ctx context.Context, conn mcp.Connection, gen int) {
	for {
		msg, err := conn.Read(ctx)
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, io.EOF) {
				b.cfg.Log.Warn("connection to the Pierre server lost; will reconnect on the next message", "err", err)
			}
			b.dropConn(gen, err)
			return
		}
		if resp, ok := msg.(*jsonrpc.Response); ok {
			key := fmt.Sprint(resp.ID.Raw())
			b.mu.Lock()
			replayed := b.replayIDs[key]
			delete(b.replayIDs, key)
			b.mu.Unlock()
			if replayed {
				continue
			}
		}
		b.out.msg(msg)
	}
}

// dropConn discards session gen after a failure (unless a newer session
// already replaced it).
func (b *Bridge) dropConn(gen int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil && b.gen == gen {
		b.cfg.Log.Debug("dropping session", "err", err)
		b.conn.Close()
		b.conn = nil
	}
}

func (b *Bridge) closeConn() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn != nil {
		b.conn.Close()
		b.conn = nil
	}
}

// jsonWriter writes one JSON-RPC message per line, whole, even when
// several goroutines answer at once.
type jsonWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (j *jsonWriter) msg(m jsonrpc.Message) {
	data, err := jsonrpc.EncodeMessage(m)
	if err != nil {
		return
	}
	j.raw(data)
}

func (j *jsonWriter) raw(data []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.w.Write(append(data, '\n'))
}

func parseError(err error) []byte {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": nil,
		"error": map[string]any{"code": jsonrpc.CodeParseError, "message": "Parse error: " + err.Error()}})
	return b
}
