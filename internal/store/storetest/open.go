// Package storetest holds the repository contract that every store
// implementation passes, and helpers that open a fresh, isolated store for
// tests on SQLite or on the PostgreSQL server named by
// PIERRE_TEST_POSTGRES_URL.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/logging"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
)

// PostgresEnv names the variable holding the test PostgreSQL URL.
const PostgresEnv = "PIERRE_TEST_POSTGRES_URL"

// Engines lists the engines available to this test run: SQLite always,
// PostgreSQL when PIERRE_TEST_POSTGRES_URL is set.
func Engines(t testing.TB) []config.Driver {
	if os.Getenv(PostgresEnv) == "" {
		t.Logf("%s is not set: PostgreSQL cases are skipped (`.ci/run` sets it)", PostgresEnv)
		return []config.Driver{config.SQLite}
	}
	return []config.Driver{config.SQLite, config.Postgres}
}

// DatabaseURL returns a fresh, empty database for one test: a new SQLite file,
// or a new PostgreSQL schema (dropped at cleanup) on the test server. It skips
// the test when PostgreSQL is asked for but not configured.
func DatabaseURL(t testing.TB, d config.Driver) config.DatabaseURL {
	t.Helper()
	if d == config.SQLite {
		return config.DatabaseURL{Driver: config.SQLite, Path: filepath.Join(t.TempDir(), "pierre.db")}
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s is not set; skipping PostgreSQL test", PostgresEnv)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "pierre_test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", PostgresEnv, err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create test schema (is PostgreSQL running at %s?): %v", PostgresEnv, err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx passes unknown parameters to the server
	u.RawQuery = q.Encode()
	return config.DatabaseURL{Driver: config.Postgres, DSN: u.String()}
}

// Open returns a migrated, empty store closed at cleanup.
func Open(t testing.TB, d config.Driver) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), DatabaseURL(t, d), logging.Discard())
	if err != nil {
		t.Fatalf("open %s store: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
