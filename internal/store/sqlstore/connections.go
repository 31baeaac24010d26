package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
)

const connectionColumns = `tenant_id, user_id, provider, vendor_user_id, tokens_sealed, expires_at, scopes,
	status, status_message, connected_at, updated_at`

func scanConnection(row interface{ Scan(...any) error }) (store.ProviderConnection, error) {
	var c store.ProviderConnection
	var exp sql.NullInt64
	var connected, updated int64
	err := row.Scan(&c.TenantID, &c.UserID, &c.Provider, &c.VendorUserID, &c.TokensSealed, &exp, &c.Scopes,
		&c.Status, &c.StatusMessage, &connected, &updated)
	if err != nil {
		return c, err
	}
	c.ExpiresAt = fromNullMS(exp)
	c.ConnectedAt, c.UpdatedAt = fromMS(connected), fromMS(updated)
	return c, nil
}

// UpsertProviderConnection stores (or replaces) a user's connection to a provider.
func (s *Store) UpsertProviderConnection(ctx context.Context, c store.ProviderConnection) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO provider_connections (`+connectionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id, provider) DO UPDATE SET
			vendor_user_id = excluded.vendor_user_id, tokens_sealed = excluded.tokens_sealed,
			expires_at = excluded.expires_at, scopes = excluded.scopes, status = excluded.status,
			status_message = excluded.status_message, connected_at = excluded.connected_at,
			updated_at = excluded.updated_at`,
		c.TenantID, c.UserID, c.Provider, c.VendorUserID, c.TokensSealed, msPtr(c.ExpiresAt), c.Scopes,
		c.Status, c.StatusMessage, ms(c.ConnectedAt), ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store %s connection: %w", c.Provider, err)
	}
	return nil
}

// ProviderConnection returns one user's connection, or store.ErrNotFound.
func (s *Store) ProviderConnection(ctx context.Context, tenantID, userID, provider string) (store.ProviderConnection, error) {
	c, err := scanConnection(s.queryRow(ctx, s.db, `SELECT `+connectionColumns+` FROM provider_connections
		WHERE tenant_id = ? AND user_id = ? AND provider = ?`, tenantID, userID, provider))
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("load %s connection: %w", provider, err)
	}
	return c, nil
}

// ProviderConnections lists a user's connections, by provider name.
func (s *Store) ProviderConnections(ctx context.Context, tenantID, userID string) ([]store.ProviderConnection, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+connectionColumns+` FROM provider_connections
		WHERE tenant_id = ? AND user_id = ? ORDER BY provider`, tenantID, userID)
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	defer rows.Close()
	var out []store.ProviderConnection
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, fmt.Errorf("list connections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetProviderConnectionStatus changes a connection's status (e.g. to
// reauth_required after a failed refresh); store.ErrNotFound if absent.
func (s *Store) SetProviderConnectionStatus(ctx context.Context, tenantID, userID, provider, status, message string, at time.Time) error {
	res, err := s.exec(ctx, s.db, `UPDATE provider_connections SET status = ?, status_message = ?, updated_at = ?
		WHERE tenant_id = ? AND user_id = ? AND provider = ?`, status, message, ms(at), tenantID, userID, provider)
	if err != nil {
		return fmt.Errorf("set %s connection status: %w", provider, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// DeleteProviderConnection removes a connection; store.ErrNotFound if absent.
func (s *Store) DeleteProviderConnection(ctx context.Context, tenantID, userID, provider string) error {
	res, err := s.exec(ctx, s.db, `DELETE FROM provider_connections WHERE tenant_id = ? AND user_id = ? AND provider = ?`,
		tenantID, userID, provider)
	if err != nil {
		return fmt.Errorf("delete %s connection: %w", provider, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// PutOAuthConnectState records a pending authorization.
func (s *Store) PutOAuthConnectState(ctx context.Context, st store.OAuthConnectState) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO oauth_connect_states
		(state_hash, tenant_id, user_id, provider, verifier_sealed, redirect_uri, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		st.StateHash, st.TenantID, st.UserID, st.Provider, st.VerifierSealed, st.RedirectURI, ms(st.CreatedAt), ms(st.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store oauth state: %w", err)
	}
	return nil
}

// TakeOAuthConnectState consumes a pending authorization atomically: the
// row is deleted and returned in one statement, so a state works once even
// under concurrent callbacks. Missing or expired (at now) states give
// store.ErrNotFound. Expired rows are swept on the way.
func (s *Store) TakeOAuthConnectState(ctx context.Context, stateHash string, now time.Time) (store.OAuthConnectState, error) {
	var st store.OAuthConnectState
	var created, expires int64
	err := s.queryRow(ctx, s.db, `DELETE FROM oauth_connect_states WHERE state_hash = ?
		RETURNING state_hash, tenant_id, user_id, provider, verifier_sealed, redirect_uri, created_at, expires_at`,
		stateHash).Scan(&st.StateHash, &st.TenantID, &st.UserID, &st.Provider, &st.VerifierSealed, &st.RedirectURI, &created, &expires)
	// Sweep abandoned states; a failure here only delays the cleanup.
	s.exec(ctx, s.db, `DELETE FROM oauth_connect_states WHERE expires_at <= ?`, ms(now))
	if errors.Is(err, sql.ErrNoRows) {
		return st, store.ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("consume oauth state: %w", err)
	}
	st.CreatedAt, st.ExpiresAt = fromMS(created), fromMS(expires)
	if !now.Before(st.ExpiresAt) {
		return store.OAuthConnectState{}, store.ErrNotFound
	}
	return st, nil
}
