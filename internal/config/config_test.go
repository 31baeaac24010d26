package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func load(t *testing.T, env map[string]string, fl *Flags) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	return Load(Source{Lookup: envOf(env), EnvFile: filepath.Join(dir, "absent.env")}, fl)
}

func TestDefaultsNeedNoVariables(t *testing.T) {
	dir := t.TempDir()
	// An absent default .env is fine; an explicitly named absent one is not.
	c, err := Load(Source{Lookup: envOf(nil)}, &Flags{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPPort != 8081 || c.Env != Development || c.JWTExpiry != 24*time.Hour || c.RSAKeySize != 4096 {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Database.Driver != SQLite || c.Database.Path != filepath.Join(dir, "pierre.db") {
		t.Fatalf("default database: %+v", c.Database)
	}
	if c.BaseURL != "http://localhost:8081" || c.DefaultProvider != "synthetic" || c.LogFormat != "text" {
		t.Fatalf("defaults: base %q provider %q format %q", c.BaseURL, c.DefaultProvider, c.LogFormat)
	}
	if c.MasterKey != nil {
		t.Fatal("no master key configured, none expected")
	}
}

func TestFlagOverridesEnvironment(t *testing.T) {
	c, err := load(t, map[string]string{"HTTP_PORT": "9000"}, &Flags{HTTPPort: 9100})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPPort != 9100 {
		t.Fatalf("port = %d, want flag value 9100", c.HTTPPort)
	}
	c, err = load(t, map[string]string{"HTTP_PORT": "9000"}, nil)
	if err != nil || c.HTTPPort != 9000 || c.BaseURL != "http://localhost:9000" {
		t.Fatalf("env port: %v %+v", err, c)
	}
}

func TestEnvFileNeverOverridesProcessEnvironment(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, ".env")
	os.WriteFile(f, []byte("# comment\nHTTP_PORT=7000\nexport LOG_LEVEL=debug\nPIERRE_DEFAULT_PROVIDER=\"strava\"\n"), 0o600)
	c, err := Load(Source{Lookup: envOf(map[string]string{"HTTP_PORT": "7500"}), EnvFile: f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPPort != 7500 {
		t.Errorf("process env must win: port %d", c.HTTPPort)
	}
	if c.LogLevel != "debug" || c.DefaultProvider != "strava" {
		t.Errorf(".env values not applied: level %q provider %q", c.LogLevel, c.DefaultProvider)
	}
}

func TestExplicitMissingEnvFileIsAnError(t *testing.T) {
	_, err := Load(Source{Lookup: envOf(nil)}, &Flags{EnvFile: filepath.Join(t.TempDir(), "nope.env")})
	if err == nil || !strings.Contains(err.Error(), "nope.env") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}

func TestProductionRefusesWithoutMasterKeyAndSaysWhatIsMissing(t *testing.T) {
	_, err := load(t, map[string]string{"PIERRE_ENV": "production"}, nil)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want ValidationError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"PIERRE_MASTER_ENCRYPTION_KEY is required in production", "openssl rand -base64 32", "PIERRE_BASE_URL is required in production"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestProductionWithEverythingStarts(t *testing.T) {
	c, err := load(t, map[string]string{
		"PIERRE_ENV":                   "prod",
		"PIERRE_MASTER_ENCRYPTION_KEY": "K7xL9mP2qR4vT6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR=", // the seed's (non-canonical) example
		"PIERRE_BASE_URL":              "https://pierre.example.com/",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.MasterKey) != 32 || c.BaseURL != "https://pierre.example.com" || c.LogFormat != "json" || c.HTTPHost != "0.0.0.0" {
		t.Fatalf("production config: %+v", c)
	}
	if c.MCPResourceURL() != "https://pierre.example.com/mcp" {
		t.Fatalf("resource URL %q", c.MCPResourceURL())
	}
}

func TestValidationMessagesAreExact(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HTTP_PORT": "abc"}, `HTTP_PORT must be an integer between 1 and 65535 (got "abc")`},
		{map[string]string{"HTTP_PORT": "70000"}, `HTTP_PORT must be an integer between 1 and 65535 (got "70000")`},
		{map[string]string{"PIERRE_ENV": "staging"}, `PIERRE_ENV must be one of development, production, testing (got "staging")`},
		{map[string]string{"DATABASE_URL": "mysql://x"}, `unsupported database URL "mysql://x"`},
		{map[string]string{"PIERRE_MASTER_ENCRYPTION_KEY": "not base64!"}, `PIERRE_MASTER_ENCRYPTION_KEY is not valid base64`},
		{map[string]string{"PIERRE_MASTER_ENCRYPTION_KEY": "AAAAAAAAAAAAAAAAAAAAAA=="}, `must decode to exactly 32 bytes, got 16 bytes`},
		{map[string]string{"PIERRE_RSA_KEY_SIZE": "1024"}, `PIERRE_RSA_KEY_SIZE must be an integer between 2048 and 8192 (got "1024")`},
		{map[string]string{"LOG_LEVEL": "loud"}, `LOG_LEVEL must be one of debug, info, warn, error (got "loud")`},
		{map[string]string{"LOG_FORMAT": "xml"}, `LOG_FORMAT must be json or text (got "xml")`},
		{map[string]string{"PIERRE_BASE_URL": "localhost:8081"}, `PIERRE_BASE_URL must be an absolute http(s) URL`},
		{map[string]string{"PIERRE_DEFAULT_PROVIDER": "polar"}, `PIERRE_DEFAULT_PROVIDER must be one of`},
		{map[string]string{"CORS_ALLOWED_ORIGINS": "https://a.com, not an origin"}, `CORS_ALLOWED_ORIGINS entry "not an origin"`},
		{map[string]string{"JWT_EXPIRY_HOURS": "0"}, `JWT_EXPIRY_HOURS must be an integer between 1 and 720 (got "0")`},
		{map[string]string{"REDIS_URL": "http://user:secret@h"}, `REDIS_URL must be a redis:// or rediss:// URL`},
	}
	for _, tc := range cases {
		_, err := load(t, tc.env, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: want %q, got %v", tc.env, tc.want, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks a password: %v", err)
		}
	}
}

func TestAllProblemsReportedTogether(t *testing.T) {
	_, err := load(t, map[string]string{"HTTP_PORT": "x", "LOG_FORMAT": "y"}, nil)
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
}

func TestCORSOrigins(t *testing.T) {
	c, _ := load(t, map[string]string{"CORS_ALLOWED_ORIGINS": " https://a.com , https://b.com/ ,"}, nil)
	if len(c.CORSAllowedOrigins) != 2 || c.CORSAllowedOrigins[1] != "https://b.com" {
		t.Fatalf("origins %q", c.CORSAllowedOrigins)
	}
	c, _ = load(t, map[string]string{"CORS_ALLOWED_ORIGINS": "*"}, nil)
	if c.CORSAllowedOrigins != nil {
		t.Fatalf("* should allow any: %q", c.CORSAllowedOrigins)
	}
}

func TestParseDatabaseURL(t *testing.T) {
	for in, want := range map[string]DatabaseURL{
		"sqlite::memory:":         {Driver: SQLite, Path: ":memory:"},
		"sqlite:./data/users.db":  {Driver: SQLite, Path: "./data/users.db"},
		"sqlite:///abs/pierre.db": {Driver: SQLite, Path: "/abs/pierre.db"},
		"postgres://u:p@h/db":     {Driver: Postgres, DSN: "postgres://u:p@h/db"},
		"postgresql://h/db":       {Driver: Postgres, DSN: "postgresql://h/db"},
	} {
		got, err := ParseDatabaseURL(in)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"mydb.sqlite", "mysql://x", "sqlite:"} {
		if _, err := ParseDatabaseURL(in); err == nil {
			t.Errorf("%s: want error", in)
		}
	}
	if s := (DatabaseURL{Driver: Postgres, DSN: "postgres://u:hunter2@h/db"}).String(); strings.Contains(s, "hunter2") {
		t.Errorf("String leaks password: %s", s)
	}
}

func FuzzParseDatabaseURL(f *testing.F) {
	for _, s := range []string{"sqlite::memory:", "postgres://u:p@h:5432/db?sslmode=disable", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDatabaseURL(s)
		if err == nil && d.Driver != SQLite && d.Driver != Postgres {
			t.Fatalf("accepted %q as %+v", s, d)
		}
	})
}

func TestOAuthLifetimes(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.OAuthAccessTTL != time.Hour || c.OAuthRefreshTTL != 30*24*time.Hour || c.OAuthCodeTTL != 10*time.Minute {
		t.Fatalf("OAuth defaults: access %v refresh %v code %v", c.OAuthAccessTTL, c.OAuthRefreshTTL, c.OAuthCodeTTL)
	}
	c, err = load(t, map[string]string{"OAUTH_ACCESS_TOKEN_TTL_SECONDS": "900", "OAUTH_REFRESH_TOKEN_TTL_DAYS": "7", "OAUTH_CODE_TTL_SECONDS": "60"}, nil)
	if err != nil || c.OAuthAccessTTL != 15*time.Minute || c.OAuthRefreshTTL != 7*24*time.Hour || c.OAuthCodeTTL != time.Minute {
		t.Fatalf("OAuth overrides: %v %+v", err, c)
	}
	_, err = load(t, map[string]string{"OAUTH_CODE_TTL_SECONDS": "3600"}, nil)
	if err == nil || !strings.Contains(err.Error(), "OAUTH_CODE_TTL_SECONDS must be an integer between 10 and 600") {
		t.Fatalf("code lifetime above 10 minutes: %v", err)
	}
}
