// Package sqlstore implements the store repositories on SQLite (modernc.org/sqlite,
// pure Go, WAL) and PostgreSQL (pgx). Queries are written once with "?"
// placeholders and rewritten for PostgreSQL; the few statements that differ
// between engines say so where they are. Each engine has its own embedded
// migrations, applied with goose at start-up.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store"
)

//go:embed migrations
var migrations embed.FS

// Store is a database holding all of Pierre's state.
type Store struct {
	db       *sql.DB
	driver   config.Driver
	rebinds  sync.Map // query → PostgreSQL form
	closeFns []func()
}

// Open connects to the database in u, applies pending migrations and
// returns the store.
func Open(ctx context.Context, u config.DatabaseURL, log *slog.Logger) (*Store, error) {
	s := &Store{driver: u.Driver}
	var err error
	switch u.Driver {
	case config.SQLite:
		s.db, err = openSQLite(u.Path)
	case config.Postgres:
		s.db, err = sql.Open("pgx", u.DSN)
		if err == nil {
			s.db.SetMaxOpenConns(20)
			s.db.SetMaxIdleConns(10)
			s.db.SetConnMaxLifetime(30 * time.Minute)
			s.db.SetConnMaxIdleTime(10 * time.Minute)
		}
	default:
		return nil, fmt.Errorf("unsupported database driver %q", u.Driver)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", u, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.db.PingContext(pingCtx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect to %s: %w", u, err)
	}
	if err := s.migrate(ctx, log); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(path string) (*sql.DB, error) {
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	var dsn string
	if path == ":memory:" {
		// A named shared-cache memory database, so every pooled
		// connection sees the same data.
		var b [8]byte
		rand.Read(b[:])
		dsn = "file:mem" + hex.EncodeToString(b[:]) + "?mode=memory&cache=shared&" + pragmas
	} else {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		dsn = "file:" + path + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// WAL lets readers run beside the single writer; more connections
	// than cores only adds lock contention.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	return db, nil
}

func (s *Store) migrate(ctx context.Context, log *slog.Logger) error {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	if s.driver == config.Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	// Migrations of different features are numbered in separate ranges and
	// may land in any order, so out-of-order application is allowed.
	p, err := goose.NewProvider(dialect, s.db, sub, goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("applied migration", "version", r.Source.Version, "file", filepath.Base(r.Source.Path), "duration", r.Duration)
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	for _, f := range s.closeFns {
		f()
	}
	return s.db.Close()
}

// DB exposes the handle for packages that own their own tables.
func (s *Store) DB() *sql.DB { return s.db }

// Driver reports the engine.
func (s *Store) Driver() config.Driver { return s.driver }

// Ping checks the connection, for health checks.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Rebind rewrites "?" placeholders to "$n" on PostgreSQL. Queries are
// constants, so the rewritten form is cached.
func (s *Store) Rebind(q string) string {
	if s.driver != config.Postgres {
		return q
	}
	if v, ok := s.rebinds.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inQuote = !inQuote
		}
		if c == '?' && !inQuote {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	r := b.String()
	s.rebinds.Store(q, r)
	return r
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, s.Rebind(query), args...)
}

func (s *Store) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, s.Rebind(query), args...)
}

func (s *Store) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, s.Rebind(query), args...)
}

// Exec runs a statement; for packages that own their own tables.
func (s *Store) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.exec(ctx, s.db, query, args...)
}

// Query runs a query; for packages that own their own tables.
func (s *Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.query(ctx, s.db, query, args...)
}

// QueryRow runs a single-row query; for packages that own their own tables.
func (s *Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.queryRow(ctx, s.db, query, args...)
}

// InTx runs f in a transaction, committing if it returns nil.
func (s *Store) InTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint violation on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	m := err.Error()
	return strings.Contains(m, "UNIQUE constraint failed") || // SQLite
		strings.Contains(m, "SQLSTATE 23505") // PostgreSQL unique_violation
}

// ms converts a time to stored Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// msPtr stores an optional time as NULL or milliseconds.
func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// fromMS converts stored milliseconds back to UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

// cursor encodes a keyset position (creation time, id).
func cursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ms(t), 10) + ":" + id))
}

// ErrBadCursor is store.ErrBadCursor, re-exported for callers of this package.
var ErrBadCursor = store.ErrBadCursor

func parseCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	at, id, ok := strings.Cut(string(b), ":")
	if !ok || id == "" {
		return 0, "", ErrBadCursor
	}
	n, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	return n, id, nil
}

// pageLimit clamps a requested page size.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}
