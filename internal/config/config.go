// Package config loads Pierre's configuration from the environment, an
// optional .env file and command-line flags, and validates it with messages
// that say exactly what is wrong and how to fix it.
//
// Precedence, highest first: flags, process environment, .env file, defaults.
// A .env file never overrides a variable already set in the process
// environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Environment is the deployment environment.
type Environment string

// Environments.
const (
	Development Environment = "development"
	Production  Environment = "production"
	Testing     Environment = "testing"
)

// Config is the validated server configuration.
type Config struct {
	Env        Environment
	HTTPHost   string // interface to listen on
	HTTPPort   int
	BaseURL    string // public URL clients reach the server at, no trailing slash
	DataDir    string
	Database   DatabaseURL
	RedisURL   string // empty: in-process cache and limiter
	MasterKey  []byte // 32 bytes; nil means "generate or load from DataDir" (development only)
	JWTExpiry  time.Duration
	RSAKeySize int
	LogLevel   string // debug, info, warn, error
	LogFormat  string // json or text
	// CORSAllowedOrigins is the exact-match origin list; empty allows any
	// origin (development convenience; production warns).
	CORSAllowedOrigins []string
	DefaultProvider    string
	// SyncDepthDays is how far back the first sync of a provider copies
	// (PIERRE_SYNC_DEPTH_DAYS, default 365).
	SyncDepthDays int
	// SyncInterval is how often copies are brought up to date on a
	// schedule (PIERRE_SYNC_INTERVAL_MINUTES, default 60).
	SyncInterval time.Duration
	// SyncDisabled (PIERRE_SYNC=off) keeps no copy of provider data: every
	// read asks the provider, as before the activity store existed.
	SyncDisabled bool
	// StravaWebhookVerifyToken is the verify_token chosen when creating
	// the Strava push subscription; StravaWebhookSubscriptionID, when set,
	// must match every event.
	StravaWebhookVerifyToken    string
	StravaWebhookSubscriptionID int64
	// FitbitSubscriberVerifyCode is the subscriber verification code from
	// Fitbit's developer console; it enables /api/webhooks/fitbit.
	FitbitSubscriberVerifyCode string
	// GarminPushToken is the secret in the notification URL registered with
	// Garmin (…/api/webhooks/garmin?token=…); it enables the endpoint.
	GarminPushToken string
	// Demo seeds a demo tenant and athlete at start-up and prints how to
	// connect an assistant.
	Demo bool
	// ShutdownTimeout bounds how long in-flight requests may run after
	// SIGTERM before the server exits anyway.
	ShutdownTimeout time.Duration
	// OAuth 2.1 server lifetimes: access tokens, refresh tokens and
	// authorization codes issued to MCP clients.
	OAuthAccessTTL  time.Duration
	OAuthRefreshTTL time.Duration
	OAuthCodeTTL    time.Duration
	// Lookup reads raw variables (process environment merged over .env) for
	// packages with their own settings, such as algorithm selection.
	Lookup func(string) (string, bool) `json:"-"`
}

// IsProduction reports whether the server runs in production mode.
func (c *Config) IsProduction() bool { return c.Env == Production }

// MCPResourceURL is the canonical URL of the MCP endpoint, used as the JWT
// audience and in the protected-resource metadata (RFC 8707, RFC 9728).
func (c *Config) MCPResourceURL() string { return c.BaseURL + "/mcp" }

// Source supplies raw settings. Lookup is typically os.LookupEnv.
type Source struct {
	Args    []string                    // command-line arguments after the subcommand
	Lookup  func(string) (string, bool) // process environment
	EnvFile string                      // .env path; "" means ".env" in the working directory
	Output  io.Writer                   // where flag usage goes; nil means os.Stderr
}

// ValidationError lists every invalid or missing setting at once.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid configuration: " + e.Problems[0]
	}
	return "invalid configuration:\n  - " + strings.Join(e.Problems, "\n  - ")
}

// Flags are the command-line overrides shared by the server subcommands.
type Flags struct {
	HTTPPort    int
	DatabaseURL string
	DataDir     string
	EnvFile     string
	Demo        bool
}

// Register adds the shared flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.IntVar(&f.HTTPPort, "http-port", 0, "HTTP port (overrides HTTP_PORT)")
	fs.StringVar(&f.DatabaseURL, "database-url", "", "database URL (overrides DATABASE_URL)")
	fs.StringVar(&f.DataDir, "data-dir", "", "data directory (overrides PIERRE_DATA_DIR)")
	fs.StringVar(&f.EnvFile, "env-file", "", "path of a .env file to read (default ./.env)")
	fs.BoolVar(&f.Demo, "demo", false, "seed a demo tenant and athlete and print how to connect")
}

// Load reads and validates the configuration. Flags must already be parsed
// into fl (nil for none).
func Load(src Source, fl *Flags) (*Config, error) {
	if fl == nil {
		fl = &Flags{}
	}
	lookup := src.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	// Only a file named on the command line must exist; the default one
	// is optional.
	envFile, explicitEnvFile := fl.EnvFile, fl.EnvFile != ""
	if envFile == "" {
		envFile = src.EnvFile
	}
	if envFile == "" {
		envFile = ".env"
	}
	fileVars, err := godotenv.Read(envFile)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) || explicitEnvFile {
			return nil, fmt.Errorf("read env file %s: %w", envFile, err)
		}
		fileVars = nil
	}
	get := func(k string) (string, bool) {
		if v, ok := lookup(k); ok {
			return v, true
		}
		v, ok := fileVars[k]
		return v, ok
	}
	return build(get, fl)
}

func build(get func(string) (string, bool), fl *Flags) (*Config, error) {
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	str := func(k, def string) string {
		if v, ok := get(k); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	integer := func(k string, def, lo, hi int) int {
		v := str(k, "")
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			bad("%s must be an integer between %d and %d (got %q)", k, lo, hi, v)
			return def
		}
		return n
	}

	c := &Config{Lookup: get}

	switch env := strings.ToLower(str("PIERRE_ENV", "development")); env {
	case "development", "dev":
		c.Env = Development
	case "production", "prod":
		c.Env = Production
	case "testing", "test":
		c.Env = Testing
	default:
		bad("PIERRE_ENV must be one of development, production, testing (got %q)", env)
		c.Env = Development
	}

	c.HTTPPort = integer("HTTP_PORT", 8081, 1, 65535)
	if fl.HTTPPort != 0 {
		if fl.HTTPPort < 1 || fl.HTTPPort > 65535 {
			bad("--http-port must be between 1 and 65535 (got %d)", fl.HTTPPort)
		} else {
			c.HTTPPort = fl.HTTPPort
		}
	}
	defaultHost := "127.0.0.1"
	if c.Env == Production {
		defaultHost = "0.0.0.0"
	}
	c.HTTPHost = str("HTTP_HOST", defaultHost)

	c.DataDir = str("PIERRE_DATA_DIR", "./data")
	if fl.DataDir != "" {
		c.DataDir = fl.DataDir
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}

	dbURL := str("DATABASE_URL", "")
	if fl.DatabaseURL != "" {
		dbURL = fl.DatabaseURL
	}
	if dbURL == "" {
		dbURL = "sqlite:" + filepath.Join(c.DataDir, "pierre.db")
	}
	if d, err := ParseDatabaseURL(dbURL); err != nil {
		bad("DATABASE_URL: %v", err)
	} else {
		c.Database = d
	}

	c.RedisURL = str("REDIS_URL", "")
	if c.RedisURL != "" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			bad("REDIS_URL must be a redis:// or rediss:// URL (got %q)", redactURL(c.RedisURL))
		}
	}

	if k := str("PIERRE_MASTER_ENCRYPTION_KEY", ""); k != "" {
		key, err := DecodeMasterKey(k)
		if err != nil {
			bad("%v", err)
		} else {
			c.MasterKey = key
		}
	} else if c.Env == Production {
		bad("PIERRE_MASTER_ENCRYPTION_KEY is required in production: it encrypts OAuth tokens, " +
			"client secrets and signing keys at rest. Generate one with `openssl rand -base64 32` " +
			"and set it in the environment (or the .env file)")
	}

	c.JWTExpiry = time.Duration(integer("JWT_EXPIRY_HOURS", 24, 1, 24*30)) * time.Hour
	c.RSAKeySize = integer("PIERRE_RSA_KEY_SIZE", 4096, 2048, 8192)
	if c.RSAKeySize%1024 != 0 {
		bad("PIERRE_RSA_KEY_SIZE must be a multiple of 1024 between 2048 and 8192 (got %d)", c.RSAKeySize)
	}

	level := str("LOG_LEVEL", "")
	if level == "" {
		// RUST_LOG is the original server's variable; accept its simple form.
		level = strings.SplitN(str("RUST_LOG", "info"), ",", 2)[0]
	}
	switch l := strings.ToLower(level); l {
	case "debug", "info", "error":
		c.LogLevel = l
	case "warn", "warning":
		c.LogLevel = "warn"
	case "trace":
		c.LogLevel = "debug"
	default:
		bad("LOG_LEVEL must be one of debug, info, warn, error (got %q)", level)
		c.LogLevel = "info"
	}
	defaultFormat := "text"
	if c.Env == Production {
		defaultFormat = "json"
	}
	switch f := strings.ToLower(str("LOG_FORMAT", defaultFormat)); f {
	case "json", "text":
		c.LogFormat = f
	default:
		bad("LOG_FORMAT must be json or text (got %q)", f)
		c.LogFormat = defaultFormat
	}

	c.CORSAllowedOrigins = parseOrigins(str("CORS_ALLOWED_ORIGINS", ""), bad)

	base := str("PIERRE_BASE_URL", "")
	if base == "" {
		if c.Env == Production {
			bad("PIERRE_BASE_URL is required in production: the public https URL clients use " +
				"(it becomes the token issuer and the OAuth metadata base), e.g. https://pierre.example.com")
		}
		base = fmt.Sprintf("http://localhost:%d", c.HTTPPort)
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad("PIERRE_BASE_URL must be an absolute http(s) URL without query or fragment (got %q)", base)
	} else if c.Env == Production && u.Scheme != "https" {
		bad("PIERRE_BASE_URL must use https in production (got %q)", base)
	}
	c.BaseURL = strings.TrimRight(base, "/")

	c.DefaultProvider = strings.ToLower(str("PIERRE_DEFAULT_PROVIDER", "synthetic"))
	switch c.DefaultProvider {
	case "strava", "garmin", "fitbit", "whoop", "coros", "terra", "synthetic":
	default:
		bad("PIERRE_DEFAULT_PROVIDER must be one of strava, garmin, fitbit, whoop, coros, terra, synthetic (got %q)", c.DefaultProvider)
	}

	c.OAuthAccessTTL = time.Duration(integer("OAUTH_ACCESS_TOKEN_TTL_SECONDS", 3600, 60, 86400)) * time.Second
	c.OAuthRefreshTTL = time.Duration(integer("OAUTH_REFRESH_TOKEN_TTL_DAYS", 30, 1, 365)) * 24 * time.Hour
	// RFC 6749 §4.1.2 recommends at most 10 minutes for codes.
	c.OAuthCodeTTL = time.Duration(integer("OAUTH_CODE_TTL_SECONDS", 600, 10, 600)) * time.Second

	c.SyncDepthDays = integer("PIERRE_SYNC_DEPTH_DAYS", 365, 7, 3650)
	c.SyncInterval = time.Duration(integer("PIERRE_SYNC_INTERVAL_MINUTES", 60, 5, 1440)) * time.Minute
	c.StravaWebhookVerifyToken = str("PIERRE_STRAVA_WEBHOOK_VERIFY_TOKEN", "")
	c.FitbitSubscriberVerifyCode = str("PIERRE_FITBIT_SUBSCRIBER_VERIFY_CODE", "")
	c.GarminPushToken = str("PIERRE_GARMIN_PUSH_TOKEN", "")
	c.StravaWebhookSubscriptionID = int64(integer("PIERRE_STRAVA_WEBHOOK_SUBSCRIPTION_ID", 0, 0, 1<<31-1))
	switch v := strings.ToLower(str("PIERRE_SYNC", "on")); v {
	case "on", "true", "1":
	case "off", "false", "0":
		c.SyncDisabled = true
	default:
		bad("PIERRE_SYNC must be on or off (got %q)", v)
	}

	c.ShutdownTimeout = time.Duration(integer("PIERRE_SHUTDOWN_TIMEOUT_SECONDS", 30, 1, 3600)) * time.Second

	demo := strings.ToLower(str("PIERRE_DEMO", "false"))
	c.Demo = fl.Demo || demo == "1" || demo == "true" || demo == "yes"

	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return c, nil
}

func parseOrigins(v string, bad func(string, ...any)) []string {
	if v == "" || v == "*" {
		return nil
	}
	var out []string
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
			bad("CORS_ALLOWED_ORIGINS entry %q is not an origin like https://app.example.com", o)
			continue
		}
		out = append(out, o)
	}
	return out
}

// redactURL hides a password in a URL for error messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}
