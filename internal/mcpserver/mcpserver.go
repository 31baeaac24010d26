// Package mcpserver serves Pierre's tool registry over the Model Context
// Protocol with the official go-sdk: streamable HTTP at /mcp, the older
// HTTP+SSE transport at /sse, and stdio. Authentication happens before a
// request reaches the SDK; the verified principal travels in the SDK's
// TokenInfo so every tool runs as its caller and sessions cannot be
// hijacked by another user.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/tools"
)

// Instructions tell clients what Pierre is for.
const Instructions = "Pierre connects you to the user's training data (Strava, Garmin, Fitbit, WHOOP, COROS, Terra, or " +
	"built-in synthetic demo data) and answers with sports science. Start with get_connection_status to see which " +
	"providers are connected; every data tool takes an optional provider and says which provider answered. " +
	"Pass \"format\": \"toon\" to any tool for a compact answer when listing many items."

// principalKey is the TokenInfo.Extra key holding the auth.Principal.
const principalKey = "pierre_principal"

// Options configure the MCP server.
type Options struct {
	Version string
	Logger  *slog.Logger
	// Principal resolves the caller when a request has no TokenInfo (the
	// single-user stdio mode). Nil means such requests are refused.
	Principal func(ctx context.Context) (auth.Principal, bool)
}

// New returns an MCP server exposing every tool in reg.
func New(reg *tools.Registry, opts Options) *mcp.Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "pierre", Title: "Pierre Fitness Intelligence", Version: opts.Version},
		&mcp.ServerOptions{
			Instructions: Instructions,
			Logger:       opts.Logger,
			Capabilities: &mcp.ServerCapabilities{
				Tools: &mcp.ToolCapabilities{ListChanged: true},
				// Logging is deprecated from protocol 2026-07-28 but
				// today's clients use it; the SDK drops it for new ones.
				//lint:ignore SA1019 see above
				Logging: &mcp.LoggingCapabilities{},
			},
			// Idle streamable sessions are reaped by the HTTP handler's
			// SessionTimeout; keep-alive pings detect dead peers.
			KeepAlive: 0,
		})
	for _, t := range reg.Tools() {
		s.AddTool(toMCPTool(t), handler(reg, opts))
	}
	return s
}

func toMCPTool(t *tools.Tool) *mcp.Tool {
	destructive, openWorld := t.Annotations.Destructive, t.Annotations.OpenWorld
	return &mcp.Tool{
		Name: t.Name, Title: t.Title, Description: t.Description, InputSchema: t.InputSchema(),
		Annotations: &mcp.ToolAnnotations{Title: t.Title, ReadOnlyHint: t.Annotations.ReadOnly,
			IdempotentHint: t.Annotations.Idempotent, DestructiveHint: &destructive, OpenWorldHint: &openWorld},
	}
}

func handler(reg *tools.Registry, opts Options) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		p, ok := principalOf(ctx, req, opts)
		if !ok {
			return nil, &jsonrpc.Error{Code: CodeUnauthorized, Message: "authentication required"}
		}
		call := &tools.Call{Principal: p, Progress: progress(req), Sampler: sampler(req)}
		start := time.Now()
		res, err := reg.Call(ctx, call, req.Params.Name, req.Params.Arguments)
		opts.Logger.LogAttrs(ctx, slog.LevelInfo, "tool call",
			slog.String("tool", req.Params.Name), slog.String("user_id", p.UserID), slog.String("tenant_id", p.TenantID),
			slog.Bool("success", err == nil && !res.IsError), slog.Duration("duration", time.Since(start)))
		if err != nil {
			var ae *tools.ArgumentError
			if errors.As(err, &ae) || errors.Is(err, tools.ErrUnknownTool) {
				return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: err.Error()}
			}
			return nil, err
		}
		out := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: res.Text}}, IsError: res.IsError}
		if !res.IsError {
			// Already-encoded JSON: the SDK copies it without re-marshalling.
			out.StructuredContent = res.JSON
		}
		return out, nil
	}
}

// CodeUnauthorized is the JSON-RPC error for a call without a principal.
// HTTP requests never get here without one (the bearer middleware answers
// 401 first); it guards misconfigured transports.
const CodeUnauthorized = -32001

func principalOf(ctx context.Context, req *mcp.CallToolRequest, opts Options) (auth.Principal, bool) {
	if req.Extra != nil && req.Extra.TokenInfo != nil {
		if p, ok := req.Extra.TokenInfo.Extra[principalKey].(auth.Principal); ok {
			return p, true
		}
	}
	if opts.Principal != nil {
		return opts.Principal(ctx)
	}
	return auth.Principal{}, false
}

func progress(req *mcp.CallToolRequest) func(context.Context, float64, float64, string) {
	token := req.Params.GetProgressToken()
	if token == nil || req.Session == nil {
		return func(context.Context, float64, float64, string) {}
	}
	return func(ctx context.Context, done, total float64, msg string) {
		req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: token, Progress: done, Total: total, Message: msg})
	}
}

type sessionSampler struct{ ss *mcp.ServerSession }

// Sample implements tools.Sampler with MCP sampling/createMessage.
func (s sessionSampler) Sample(ctx context.Context, system, prompt string, maxTokens int) (string, error) {
	//lint:ignore SA1019 sampling is deprecated from protocol 2026-07-28 but is what today's clients offer; callers fall back when it fails.
	res, err := s.ss.CreateMessage(ctx, &mcp.CreateMessageParams{
		SystemPrompt: system, MaxTokens: int64(maxTokens),
		//lint:ignore SA1019 see above
		Messages: []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: prompt}}},
	})
	if err != nil {
		return "", fmt.Errorf("sampling: %w", err)
	}
	if t, ok := res.Content.(*mcp.TextContent); ok && strings.TrimSpace(t.Text) != "" {
		return t.Text, nil
	}
	return "", errors.New("sampling: client returned no text")
}

func sampler(req *mcp.CallToolRequest) tools.Sampler {
	if req.Session == nil {
		return nil
	}
	caps := req.ClientCapabilities()
	//lint:ignore SA1019 see sessionSampler
	if caps == nil || caps.Sampling == nil {
		return nil
	}
	return sessionSampler{ss: req.Session}
}

// WithTokenInfo hands the principal that authentication middleware put in
// the request context to the SDK as TokenInfo, which the SDK uses to bind
// each session to its user (no session hijacking) and passes to tools.
// Requests without a principal are refused; authenticate before this.
func WithTokenInfo(next http.Handler) http.Handler {
	verify := func(ctx context.Context, _ string, _ *http.Request) (*sdkauth.TokenInfo, error) {
		p, ok := auth.PrincipalFrom(ctx)
		if !ok {
			return nil, sdkauth.ErrInvalidToken
		}
		return &sdkauth.TokenInfo{Scopes: p.Scopes, Expiration: p.ExpiresAt, UserID: p.TenantID + "/" + p.UserID,
			Extra: map[string]any{principalKey: p}}, nil
	}
	return sdkauth.RequireBearerToken(verify, nil)(next)
}

// PrincipalFromRequest returns the principal the bearer middleware stored.
func PrincipalFromRequest(r *http.Request) (auth.Principal, bool) {
	ti := sdkauth.TokenInfoFromContext(r.Context())
	if ti == nil {
		return auth.Principal{}, false
	}
	p, ok := ti.Extra[principalKey].(auth.Principal)
	return p, ok
}

// StreamableHandler serves MCP streamable HTTP for server s. With
// protectLocalhost the SDK refuses requests that reach a loopback address
// under a foreign Host header (DNS rebinding); it must be off when a
// reverse proxy on the same machine forwards the public hostname.
func StreamableHandler(s *mcp.Server, log *slog.Logger, protectLocalhost bool) http.Handler {
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, &mcp.StreamableHTTPOptions{
		Logger:                     log,
		SessionTimeout:             30 * time.Minute,
		DisableLocalhostProtection: !protectLocalhost,
	})
}

// SSEHandler serves the 2024-11-05 HTTP+SSE transport for older clients.
func SSEHandler(s *mcp.Server) http.Handler {
	return mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return s }, nil)
}
