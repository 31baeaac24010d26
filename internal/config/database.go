package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// Driver names a database engine.
type Driver string

// Supported drivers.
const (
	SQLite   Driver = "sqlite"
	Postgres Driver = "postgres"
)

// DatabaseURL is a parsed DATABASE_URL.
type DatabaseURL struct {
	Driver Driver
	// Path is the SQLite file path, or ":memory:".
	Path string
	// DSN is the PostgreSQL connection string, unchanged.
	DSN string
}

// String renders the URL with any password hidden.
func (d DatabaseURL) String() string {
	if d.Driver == SQLite {
		return "sqlite:" + d.Path
	}
	return redactURL(d.DSN)
}

// ParseDatabaseURL accepts sqlite:PATH, sqlite::memory:, postgres://… and
// postgresql://…. Anything else is rejected rather than guessed at.
func ParseDatabaseURL(s string) (DatabaseURL, error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(s, "sqlite:"), "//")
		if p == "" {
			return DatabaseURL{}, fmt.Errorf("sqlite URL has no path (use sqlite:./data/pierre.db or sqlite::memory:)")
		}
		return DatabaseURL{Driver: SQLite, Path: p}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err != nil {
			return DatabaseURL{}, fmt.Errorf("PostgreSQL URL does not parse")
		}
		return DatabaseURL{Driver: Postgres, DSN: s}, nil
	default:
		return DatabaseURL{}, fmt.Errorf("unsupported database URL %q; supported formats: "+
			"sqlite:path/to/pierre.db, sqlite::memory:, postgres://user:pass@host:5432/db", redactURL(s))
	}
}

// DecodeMasterKey decodes PIERRE_MASTER_ENCRYPTION_KEY: standard base64
// (padded or not, as `openssl rand -base64 32` prints) or URL-safe base64 of
// exactly 32 bytes.
func DecodeMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	var key []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		key, err = enc.DecodeString(s)
		if err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("PIERRE_MASTER_ENCRYPTION_KEY is not valid base64; generate one with `openssl rand -base64 32`")
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("PIERRE_MASTER_ENCRYPTION_KEY must decode to exactly 32 bytes, got %d bytes; generate one with `openssl rand -base64 32`", len(key))
	}
	return key, nil
}
