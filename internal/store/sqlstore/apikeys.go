package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
)

const apiKeyColumns = `id, tenant_id, user_id, name, prefix, key_hash, tier, created_at, expires_at, last_used_at, revoked_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (store.APIKey, error) {
	var k store.APIKey
	var created int64
	var exp, used, revoked sql.NullInt64
	if err := sc.Scan(&k.ID, &k.TenantID, &k.UserID, &k.Name, &k.Prefix, &k.Hash, &k.Tier, &created, &exp, &used, &revoked); err != nil {
		return k, err
	}
	k.CreatedAt = fromMS(created)
	k.ExpiresAt, k.LastUsedAt, k.RevokedAt = fromNullMS(exp), fromNullMS(used), fromNullMS(revoked)
	return k, nil
}

// CreateAPIKey implements store.APIKeys.
func (s *Store) CreateAPIKey(ctx context.Context, k store.APIKey) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
		k.ID, k.TenantID, k.UserID, k.Name, k.Prefix, k.Hash, k.Tier, ms(k.CreatedAt), msPtr(k.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store API key: %w", err)
	}
	return nil
}

// APIKeyByHash implements store.APIKeys.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (store.APIKey, error) {
	k, err := scanAPIKey(s.queryRow(ctx, s.db, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return k, store.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("load API key: %w", err)
	}
	return k, nil
}

// APIKeys implements store.APIKeys.
func (s *Store) APIKeys(ctx context.Context, tenantID, userID string) ([]store.APIKey, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+apiKeyColumns+` FROM api_keys WHERE tenant_id = ? AND user_id = ?
		ORDER BY created_at DESC, id DESC`, tenantID, userID)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	defer rows.Close()
	out := []store.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey implements store.APIKeys.
func (s *Store) RevokeAPIKey(ctx context.Context, tenantID, userID, id string, at time.Time) error {
	res, err := s.exec(ctx, s.db, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)
		WHERE tenant_id = ? AND user_id = ? AND id = ?`, ms(at), tenantID, userID, id)
	if err != nil {
		return fmt.Errorf("revoke API key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// TouchAPIKey implements store.APIKeys.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	_, err := s.exec(ctx, s.db, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, ms(at), id)
	return err
}
