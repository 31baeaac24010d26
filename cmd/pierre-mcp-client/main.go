// Command pierre-mcp-client lets an MCP host that launches servers over
// stdio (Claude Desktop, Cursor, VS Code, …) use a Pierre server over the
// network. It forwards MCP between stdin/stdout and the server's streamable
// HTTP endpoint, and signs in by itself with OAuth 2.1 in the browser (or
// with --token, an API key, or an e-mail and password).
//
// stdout carries only MCP JSON-RPC; every log line goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"

	"github.com/pierre-fitness/pierre/internal/bridge"
	"github.com/pierre-fitness/pierre/internal/logging"
	"github.com/pierre-fitness/pierre/internal/version"
)

const usage = `pierre-mcp-client %s: MCP client connecting to Pierre Fitness MCP Server

An MCP host starts it as a stdio server, for example:
  {"command": "pierre-mcp-client", "args": ["--server", "https://pierre.example.com"]}

Sign-in, in order of precedence: --token / PIERRE_JWT_TOKEN, PIERRE_API_KEY,
--user-email and --user-password, else OAuth in the browser (the
registration and tokens are kept in the OS keychain, or in a 0600 file).

Flags (each falls back to the environment variable shown):
`

// options are the command line after environment fallbacks.
type options struct {
	server, token, apiKey             string
	clientID, clientSecret            string
	email, password                   string
	callbackPort                      int
	noBrowser, verbose, showVersion   bool
	credentialsFile                   string
	tokenValidation, connect, callDur time.Duration
	toolsList                         time.Duration
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv, signals()))
}

func signals() <-chan os.Signal {
	c := make(chan os.Signal, 2)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	return c
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("pierre-mcp-client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	// Environment fallbacks are applied after parsing, not as flag
	// defaults, so --help never prints a token from the environment.
	type fallback struct {
		names   []string
		envName string
		apply   func(string) error
	}
	var fallbacks []fallback
	str := func(p *string, long, short, envName, def, help string) {
		fs.StringVar(p, long, def, help+" ("+envName+")")
		names := []string{long}
		if short != "" {
			fs.StringVar(p, short, def, "shorthand for --"+long)
			names = append(names, short)
		}
		fallbacks = append(fallbacks, fallback{names, envName, func(v string) error { *p = v; return nil }})
	}
	integer := func(p *int, name, envName string, def int, help string) {
		fs.IntVar(p, name, def, help+" ("+envName+")")
		fallbacks = append(fallbacks, fallback{[]string{name}, envName, func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s must be a whole number, got %q", envName, v)
			}
			*p = n
			return nil
		}})
	}
	str(&o.server, "server", "s", "PIERRE_SERVER_URL", "http://localhost:8081", "Pierre server URL")
	str(&o.token, "token", "t", "PIERRE_JWT_TOKEN", "", "bearer token (JWT) to use instead of signing in")
	str(&o.clientID, "oauth-client-id", "", "PIERRE_OAUTH_CLIENT_ID", "", "OAuth client registered beforehand (default: register dynamically)")
	str(&o.clientSecret, "oauth-client-secret", "", "PIERRE_OAUTH_CLIENT_SECRET", "", "secret of that client, if confidential")
	str(&o.email, "user-email", "", "PIERRE_USER_EMAIL", "", "sign in with this e-mail and --user-password instead of the browser")
	str(&o.password, "user-password", "", "PIERRE_USER_PASSWORD", "", "password for --user-email")
	str(&o.credentialsFile, "credentials-file", "", "PIERRE_CREDENTIALS_FILE", "", "keep credentials in this 0600 file instead of the OS keychain")
	integer(&o.callbackPort, "callback-port", "PIERRE_CALLBACK_PORT", bridge.DefaultCallbackPort, "loopback port the browser returns to after sign-in")
	fs.BoolVar(&o.noBrowser, "no-browser", false, "print the sign-in URL instead of opening a browser")
	fs.BoolVar(&o.verbose, "verbose", false, "log debug detail on stderr (PIERRE_VERBOSE=1)")
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	// Timeouts are given in milliseconds, as in the original client.
	var timeouts [4]int
	durations := []*time.Duration{&o.tokenValidation, &o.connect, &o.toolsList, &o.callDur}
	integer(&timeouts[0], "token-validation-timeout", "PIERRE_TOKEN_VALIDATION_TIMEOUT_MS", 3000, "how long the start-up server check may take, ms")
	integer(&timeouts[1], "proactive-connection-timeout", "PIERRE_PROACTIVE_CONNECTION_TIMEOUT_MS", 5000, "how long opening a session may take, ms")
	integer(&timeouts[2], "proactive-tools-list-timeout", "PIERRE_PROACTIVE_TOOLS_LIST_TIMEOUT_MS", 3000, "accepted for compatibility (tools are listed when the host asks), ms")
	integer(&timeouts[3], "tool-call-connection-timeout", "PIERRE_TOOL_CALL_CONNECTION_TIMEOUT_MS", 10000, "how long a message may wait for a connection before the host gets an error, ms")
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, version.String())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (this command has no subcommands)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, fb := range fallbacks {
		if v := getenv(fb.envName); v != "" && !slices.ContainsFunc(fb.names, func(n string) bool { return given[n] }) {
			if err := fb.apply(v); err != nil {
				return nil, err
			}
		}
	}
	if !given["verbose"] && getenv("PIERRE_VERBOSE") != "" {
		o.verbose = true
	}
	for i, ms := range timeouts {
		if ms <= 0 {
			return nil, fmt.Errorf("timeouts must be positive milliseconds, got %d", ms)
		}
		*durations[i] = time.Duration(ms) * time.Millisecond
	}
	if o.callbackPort <= 0 || o.callbackPort > 65535 {
		return nil, fmt.Errorf("--callback-port must be 1-65535, got %d", o.callbackPort)
	}
	if !strings.HasPrefix(o.server, "http://") && !strings.HasPrefix(o.server, "https://") {
		return nil, fmt.Errorf("--server must be an http:// or https:// URL, got %q", o.server)
	}
	if (o.email == "") != (o.password == "") {
		return nil, errors.New("--user-email and --user-password go together")
	}
	o.apiKey = getenv("PIERRE_API_KEY")
	return o, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, sigs <-chan os.Signal) int {
	o, err := parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "pierre-mcp-client:", err)
		return 2
	}
	if o.showVersion {
		fmt.Fprintln(stdout, "pierre-mcp-client", version.String())
		return 0
	}
	level := "info"
	if o.verbose {
		level = "debug"
	}
	log := logging.New(stderr, level, "text")
	server := strings.TrimRight(o.server, "/")
	log.Debug("bridge starting", "server", server, "PIERRE_JWT_TOKEN", setOrNot(o.token), "PIERRE_API_KEY", setOrNot(o.apiKey))

	store := bridge.OpenStore(o.credentialsFile)
	cfg := bridge.Config{ServerURL: server, Auth: authHandler(o, server, store, log, stderr),
		ConnectTimeout: o.connect, CallTimeout: o.callDur, Log: log, Stdin: stdin, Stdout: stdout}
	b := bridge.New(cfg)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	checkCtx, cancelCheck := context.WithTimeout(ctx, o.tokenValidation)
	err = b.CheckServer(checkCtx)
	cancelCheck()
	if err != nil {
		fmt.Fprintln(stderr, "Bridge failed to start:", err)
		return 1
	}
	log.Info("bridge ready", "server", server, "credentials", store.Describe())

	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case err := <-done:
		// The host closed stdin: the normal end of a session.
		if err != nil {
			fmt.Fprintln(stderr, "Bridge stopped:", err)
			return 1
		}
		return 0
	case sig := <-sigs:
		fmt.Fprintf(stderr, "\nBridge shutting down (%s)...\n", signalName(sig))
		cancel()
	}
	select {
	case err := <-done:
		if err != nil {
			fmt.Fprintln(stderr, "Error during shutdown:", err)
			return 1
		}
		fmt.Fprintln(stderr, "Bridge stopped cleanly")
		return 0
	case <-sigs:
		fmt.Fprintln(stderr, "\nForcing immediate exit...")
		return 1
	}
}

// authHandler picks how to sign in, most explicit first.
func authHandler(o *options, server string, store bridge.Store, log *slog.Logger, stderr io.Writer) auth.OAuthHandler {
	switch {
	case o.token != "":
		return bridge.StaticToken{Token: o.token}
	case o.apiKey != "":
		return bridge.StaticToken{Token: o.apiKey}
	case o.email != "":
		return &bridge.PasswordLogin{ServerURL: server, Email: o.email, Password: o.password, Store: store, HTTP: httpClient()}
	}
	return &bridge.OAuthLogin{ServerURL: server, Store: store, HTTP: httpClient(), Log: log, Prompt: stderr,
		ClientID: o.clientID, ClientSecret: o.clientSecret, CallbackPort: o.callbackPort, NoBrowser: o.noBrowser}
}

// httpClient is for sign-in requests, which are short; the MCP stream
// itself uses the bridge's own client.
func httpClient() *http.Client { return &http.Client{Timeout: 30 * time.Second} }

func setOrNot(v string) string {
	if v == "" {
		return "[NOT SET]"
	}
	return "[SET]"
}

func signalName(s os.Signal) string {
	if s == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}
