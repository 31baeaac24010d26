package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vault"
)

// WrappedDataKey implements vault.KeyStore.
func (s *Store) WrappedDataKey(ctx context.Context, scope string) ([]byte, error) {
	var w []byte
	err := s.queryRow(ctx, s.db, `SELECT wrapped FROM data_keys WHERE scope = ?`, scope).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vault.ErrKeyNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load data key %q: %w", scope, err)
	}
	return w, nil
}

// PutWrappedDataKeyIfAbsent implements vault.KeyStore.
func (s *Store) PutWrappedDataKeyIfAbsent(ctx context.Context, scope string, wrapped []byte) ([]byte, error) {
	now := ms(time.Now())
	if _, err := s.exec(ctx, s.db, `INSERT INTO data_keys (scope, wrapped, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (scope) DO NOTHING`, scope, wrapped, now, now); err != nil {
		return nil, fmt.Errorf("store data key %q: %w", scope, err)
	}
	return s.WrappedDataKey(ctx, scope)
}

// RewrapDataKeys implements vault.KeyStore.
func (s *Store) RewrapDataKeys(ctx context.Context, rewrap func(scope string, wrapped []byte) ([]byte, error)) (int, error) {
	n := 0
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		rows, err := s.query(ctx, tx, `SELECT scope, wrapped FROM data_keys ORDER BY scope`)
		if err != nil {
			return fmt.Errorf("list data keys: %w", err)
		}
		type key struct {
			scope   string
			wrapped []byte
		}
		var keys []key
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.scope, &k.wrapped); err != nil {
				rows.Close()
				return err
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		now := ms(time.Now())
		for _, k := range keys {
			nw, err := rewrap(k.scope, k.wrapped)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, `UPDATE data_keys SET wrapped = ?, updated_at = ? WHERE scope = ?`, nw, now, k.scope); err != nil {
				return fmt.Errorf("update data key %q: %w", k.scope, err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// SigningKeys implements store.SigningKeys.
func (s *Store) SigningKeys(ctx context.Context) ([]store.SigningKey, error) {
	rows, err := s.query(ctx, s.db, `SELECT kid, private_sealed, public_der, created_at, retired_at
		FROM signing_keys ORDER BY created_at DESC, kid DESC`)
	if err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	defer rows.Close()
	var out []store.SigningKey
	for rows.Next() {
		var k store.SigningKey
		var created int64
		var retired sql.NullInt64
		if err := rows.Scan(&k.KID, &k.PrivateSealed, &k.PublicDER, &created, &retired); err != nil {
			return nil, fmt.Errorf("read signing key: %w", err)
		}
		k.CreatedAt, k.RetiredAt = fromMS(created), fromNullMS(retired)
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddSigningKey implements store.SigningKeys.
func (s *Store) AddSigningKey(ctx context.Context, k store.SigningKey) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL`, ms(k.CreatedAt)); err != nil {
			return fmt.Errorf("retire signing keys: %w", err)
		}
		_, err := s.exec(ctx, tx, `INSERT INTO signing_keys (kid, private_sealed, public_der, created_at) VALUES (?, ?, ?, ?)`,
			k.KID, k.PrivateSealed, k.PublicDER, ms(k.CreatedAt))
		if IsUniqueViolation(err) {
			return fmt.Errorf("signing key %s: %w", k.KID, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store signing key: %w", err)
		}
		return nil
	})
}

// DeleteSigningKeysRetiredBefore implements store.SigningKeys.
func (s *Store) DeleteSigningKeysRetiredBefore(ctx context.Context, t time.Time) (int, error) {
	res, err := s.exec(ctx, s.db, `DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?`, ms(t))
	if err != nil {
		return 0, fmt.Errorf("delete retired signing keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CreateSession implements store.Sessions.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO auth_sessions (id, tenant_id, user_id, refresh_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, se.ID, se.TenantID, se.UserID, se.RefreshHash, ms(se.CreatedAt), ms(se.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// RotateSession implements store.Sessions. The conditional UPDATE is the
// atomic check-and-swap: of two concurrent refreshes with the same token,
// exactly one matches the current hash.
func (s *Store) RotateSession(ctx context.Context, oldHash, newHash string, now time.Time) (store.Session, error) {
	var se store.Session
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE auth_sessions SET refresh_hash = ?, previous_hash = ?
			WHERE refresh_hash = ? AND revoked_at IS NULL AND expires_at > ?`, newHash, oldHash, oldHash, ms(now))
		if err != nil {
			return fmt.Errorf("rotate session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		var created, expires int64
		err = s.queryRow(ctx, tx, `SELECT id, tenant_id, user_id, refresh_hash, created_at, expires_at
			FROM auth_sessions WHERE refresh_hash = ?`, newHash).Scan(&se.ID, &se.TenantID, &se.UserID, &se.RefreshHash, &created, &expires)
		se.CreatedAt, se.ExpiresAt = fromMS(created), fromMS(expires)
		return err
	})
	return se, err
}

// RevokeReusedSession implements store.Sessions.
func (s *Store) RevokeReusedSession(ctx context.Context, hash string, at time.Time) (bool, error) {
	res, err := s.exec(ctx, s.db, `UPDATE auth_sessions SET revoked_at = ? WHERE previous_hash = ? AND revoked_at IS NULL`, ms(at), hash)
	if err != nil {
		return false, fmt.Errorf("revoke reused session: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RevokeSession implements store.Sessions.
func (s *Store) RevokeSession(ctx context.Context, tenantID, id string, at time.Time) error {
	_, err := s.exec(ctx, s.db, `UPDATE auth_sessions SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL`,
		ms(at), tenantID, id)
	if err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// RevokeToken implements store.Sessions.
func (s *Store) RevokeToken(ctx context.Context, jti string, exp time.Time) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO revoked_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING`, jti, ms(exp))
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return nil
}

// RevokedTokens implements store.Sessions. It also prunes expired entries.
func (s *Store) RevokedTokens(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	if _, err := s.exec(ctx, s.db, `DELETE FROM revoked_tokens WHERE expires_at <= ?`, ms(now)); err != nil {
		return nil, fmt.Errorf("prune revoked tokens: %w", err)
	}
	rows, err := s.query(ctx, s.db, `SELECT jti, expires_at FROM revoked_tokens`)
	if err != nil {
		return nil, fmt.Errorf("list revoked tokens: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var jti string
		var exp int64
		if err := rows.Scan(&jti, &exp); err != nil {
			return nil, err
		}
		out[jti] = fromMS(exp)
	}
	return out, rows.Err()
}
