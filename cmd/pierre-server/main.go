// Command pierre-server runs Pierre: the multi-tenant fitness-intelligence
// server (MCP, OAuth 2.1 and REST on one port), its single-user stdio mode,
// and administrative subcommands.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/logging"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vault"
	"github.com/pierre-fitness/pierre/internal/version"
)

const usage = `Pierre Fitness Intelligence server %s

Usage:
  pierre-server [serve] [flags]     run the HTTP server (MCP at /mcp, REST, OAuth)
  pierre-server stdio [flags]       serve MCP over stdin/stdout for one local user
  pierre-server migrate [flags]     apply database migrations and exit
  pierre-server demo seed [flags]   create the demo tenant and athlete, print a token
  pierre-server admin create --email E [--display-name N] [--role admin|super_admin]
                                    create an administrator (password from PIERRE_ADMIN_PASSWORD or stdin)
  pierre-server keys rotate         re-wrap data keys under PIERRE_NEW_MASTER_ENCRYPTION_KEY
  pierre-server keys rotate-signing generate a new JWT signing key (the old one keeps verifying)
  pierre-server version             print the version

Flags (every subcommand):
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	sub := ""
	if (cmd == "demo" || cmd == "admin" || cmd == "keys") && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch cmd {
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "pierre-server", version.String())
		return 0
	case "help", "-h", "--help":
		printUsage(stdout, nil)
		return 0
	}

	fs := flag.NewFlagSet("pierre-server "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var fl config.Flags
	fl.Register(fs)
	showVersion := fs.Bool("version", false, "print the version and exit")
	email := fs.String("email", "", "admin create: e-mail of the new administrator")
	displayName := fs.String("display-name", "", "admin create: display name")
	role := fs.String("role", "super_admin", "admin create: admin or super_admin")
	fs.Usage = func() { printUsage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "pierre-server", version.String())
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q; see pierre-server --help\n", fs.Arg(0))
		return 2
	}

	cfg, err := config.Load(config.Source{}, &fl)
	if err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	logOut := stderr
	log := logging.New(logOut, cfg.LogLevel, cfg.LogFormat)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, stdout, stderr)
	case "stdio":
		return stdio(ctx, cfg, stderr)
	case "migrate":
		return withApp(ctx, cfg, log, stderr, func(a *app.App) error {
			fmt.Fprintln(stdout, "database is up to date:", cfg.Database)
			return nil
		})
	case "demo":
		if sub != "seed" {
			fmt.Fprintln(stderr, "usage: pierre-server demo seed")
			return 2
		}
		return withApp(ctx, cfg, log, stderr, func(a *app.App) error {
			d, err := a.EnsureDemo(ctx)
			if err != nil {
				return err
			}
			printConnect(stdout, cfg, &d)
			return nil
		})
	case "admin":
		if sub != "create" {
			fmt.Fprintln(stderr, "usage: pierre-server admin create --email E [--display-name N] [--role admin|super_admin]")
			return 2
		}
		return withApp(ctx, cfg, log, stderr, func(a *app.App) error {
			return createAdmin(ctx, a, *email, *displayName, *role, stdout)
		})
	case "keys":
		switch sub {
		case "rotate":
			return withApp(ctx, cfg, log, stderr, func(a *app.App) error {
				raw, ok := cfg.Lookup("PIERRE_NEW_MASTER_ENCRYPTION_KEY")
				if !ok || raw == "" {
					return errors.New("set PIERRE_NEW_MASTER_ENCRYPTION_KEY to the new key (openssl rand -base64 32); " +
						"PIERRE_MASTER_ENCRYPTION_KEY must hold the current one")
				}
				key, err := config.DecodeMasterKey(raw)
				if err != nil {
					return errors.New(strings.Replace(err.Error(), "PIERRE_MASTER_ENCRYPTION_KEY", "PIERRE_NEW_MASTER_ENCRYPTION_KEY", 1))
				}
				n, err := a.Vault.Rotate(ctx, key)
				if err != nil {
					return err
				}
				if cfg.MasterKey == nil {
					// The development key lives in the data directory: replace it.
					if err := os.WriteFile(filepath.Join(cfg.DataDir, vault.DevKeyFile), []byte(strings.TrimSpace(raw)+"\n"), 0o600); err != nil {
						return fmt.Errorf("data keys were re-wrapped but %s could not be updated: %w; start the server with PIERRE_MASTER_ENCRYPTION_KEY set to the new key", vault.DevKeyFile, err)
					}
				}
				fmt.Fprintf(stdout, "re-wrapped %d data keys; start the server with PIERRE_MASTER_ENCRYPTION_KEY set to the new key\n", n)
				return nil
			})
		case "rotate-signing":
			return withApp(ctx, cfg, log, stderr, func(a *app.App) error {
				if err := a.Keys.Rotate(ctx); err != nil {
					return err
				}
				fmt.Fprintln(stdout, "new signing key", a.Keys.ActiveKID(), "is active; the previous key keeps verifying until its tokens expire")
				return nil
			})
		}
		fmt.Fprintln(stderr, "usage: pierre-server keys rotate | keys rotate-signing")
		return 2
	}
	fmt.Fprintf(stderr, "unknown command %q; see pierre-server --help\n", cmd)
	return 2
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, usage, version.String())
	if fs == nil {
		fs = flag.NewFlagSet("", flag.ContinueOnError)
		var fl config.Flags
		fl.Register(fs)
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func withApp(ctx context.Context, cfg *config.Config, log *slog.Logger, stderr io.Writer, f func(*app.App) error) int {
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	defer a.Close()
	if err := f(a); err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout, stderr io.Writer) int {
	addr := net.JoinHostPort(cfg.HTTPHost, strconv.Itoa(cfg.HTTPPort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "Error: cannot listen on %s: %v (is another server using port %d? set HTTP_PORT or --http-port)\n", addr, err, cfg.HTTPPort)
		return 1
	}
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	defer a.Close()
	if len(cfg.CORSAllowedOrigins) == 0 && cfg.IsProduction() {
		log.Warn("CORS_ALLOWED_ORIGINS is empty: any web origin may call the API without credentials")
	}
	var demo *app.Demo
	if cfg.Demo {
		d, err := a.EnsureDemo(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "Error:", err)
			return 1
		}
		demo = &d
	}
	log.Info("pierre listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "database", cfg.Database.String(), "env", cfg.Env, "version", version.String())
	printConnect(stdout, cfg, demo)
	if err := a.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// printConnect tells a person how to reach the server and connect an
// assistant. It goes to stdout, never to the logs.
func printConnect(w io.Writer, cfg *config.Config, d *app.Demo) {
	exe, _ := os.Executable()
	fmt.Fprintf(w, "\nPierre %s is running at %s (MCP endpoint %s)\n", version.String(), cfg.BaseURL, cfg.MCPResourceURL())
	if d == nil {
		fmt.Fprintf(w, "  First run? Create the administrator: curl -X POST %s/admin/setup -H 'Content-Type: application/json' "+
			"-d '{\"email\":\"you@example.com\",\"password\":\"a long passphrase\",\"display_name\":\"You\"}'\n\n", cfg.BaseURL)
		return
	}
	fmt.Fprintf(w, "\n  Demo login : %s / %s\n", d.Email, d.Password)
	fmt.Fprintf(w, "  Demo token : %s\n  (valid until %s)\n", d.Token.AccessToken, d.Token.ExpiresAt.Format(time.RFC3339))
	httpCfg := map[string]any{"mcpServers": map[string]any{"pierre": map[string]any{
		"type": "http", "url": cfg.MCPResourceURL(),
		"headers": map[string]string{"Authorization": "Bearer " + d.Token.AccessToken}}}}
	stdioCfg := map[string]any{"mcpServers": map[string]any{"pierre": map[string]any{
		"command": exe, "args": []string{"stdio", "--data-dir", cfg.DataDir}}}}
	hj, _ := json.MarshalIndent(httpCfg, "  ", "  ")
	sj, _ := json.MarshalIndent(stdioCfg, "  ", "  ")
	fmt.Fprintf(w, "\n  Connect any MCP client over HTTP (paste into its MCP configuration):\n  %s\n", hj)
	fmt.Fprintf(w, "\n  Or let a desktop assistant (Claude Desktop, Cursor) start Pierre itself, no login needed:\n  %s\n", sj)
	bridgeCfg := map[string]any{"mcpServers": map[string]any{"pierre": map[string]any{
		"command": filepath.Join(filepath.Dir(exe), "pierre-mcp-client"), "args": []string{"--server", cfg.BaseURL}}}}
	bj, _ := json.MarshalIndent(bridgeCfg, "  ", "  ")
	fmt.Fprintf(w, "\n  Or connect a desktop assistant to this server through the bridge (it signs in in your browser):\n  %s\n", bj)
	fmt.Fprintf(w, "\n  Try: curl -s %s/mcp -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' "+
		"-H 'Accept: application/json, text/event-stream' -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"+
		"{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}'\n\n", cfg.BaseURL)
}

func stdio(ctx context.Context, cfg *config.Config, stderr io.Writer) int {
	// stdout carries JSON-RPC only; every log line goes to stderr.
	log := logging.New(stderr, cfg.LogLevel, cfg.LogFormat)
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	defer a.Close()
	p, err := a.LocalPrincipal(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	log.Info("serving MCP on stdio", "user_id", p.UserID, "database", cfg.Database.String())
	if err := a.ServeStdio(ctx, p, &mcp.StdioTransport{}); err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) {
		fmt.Fprintln(stderr, "Error:", err)
		return 1
	}
	return 0
}

func createAdmin(ctx context.Context, a *app.App, email, name, role string, stdout io.Writer) error {
	if email == "" {
		return errors.New("--email is required")
	}
	r := store.Role(role)
	if r != store.RoleAdmin && r != store.RoleSuperAdmin {
		return fmt.Errorf("--role must be admin or super_admin (got %q)", role)
	}
	pw, ok := a.Config.Lookup("PIERRE_ADMIN_PASSWORD")
	if !ok || pw == "" {
		fmt.Fprint(os.Stderr, "Password for the new administrator (input is read from stdin): ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password given: set PIERRE_ADMIN_PASSWORD or type it on stdin")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	t, err := a.Store.TenantBySlug(ctx, auth.DefaultTenantSlug)
	if errors.Is(err, store.ErrNotFound) {
		now := time.Now().UTC()
		t = store.Tenant{ID: newID(), Name: "Default", Slug: auth.DefaultTenantSlug, Plan: "starter", Active: true, CreatedAt: now, UpdatedAt: now}
		if err = a.Store.CreateTenant(ctx, t); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	u, err := a.Auth.CreateUser(ctx, t.ID, email, pw, name, r, store.TenantOwner)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%s is already registered", email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s %s (id %s) in tenant %q\n", r, u.Email, u.ID, t.Slug)
	return nil
}

func newID() string { return uuid.NewString() }
