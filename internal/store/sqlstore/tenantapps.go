package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pierre-fitness/pierre/internal/store"
)

var _ store.TenantOAuthApps = (*Store)(nil)

const tenantAppColumns = `tenant_id, provider, client_id, client_secret_sealed, redirect_uri, scopes, created_at, updated_at`

func scanTenantApp(row interface{ Scan(...any) error }) (store.TenantOAuthApp, error) {
	var a store.TenantOAuthApp
	var created, updated int64
	if err := row.Scan(&a.TenantID, &a.Provider, &a.ClientID, &a.ClientSecretSealed, &a.RedirectURI, &a.Scopes,
		&created, &updated); err != nil {
		return a, err
	}
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, nil
}

// PutTenantOAuthApp creates the tenant's application at a.Provider or
// replaces it, keeping its creation time. The insert is tried first so that
// "created" is exact even when two administrators save at once.
func (s *Store) PutTenantOAuthApp(ctx context.Context, a store.TenantOAuthApp) (bool, error) {
	res, err := s.exec(ctx, s.db, `INSERT INTO tenant_oauth_apps (`+tenantAppColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, provider) DO NOTHING`,
		a.TenantID, a.Provider, a.ClientID, a.ClientSecretSealed, a.RedirectURI, a.Scopes, ms(a.CreatedAt), ms(a.UpdatedAt))
	if err != nil {
		return false, fmt.Errorf("store %s application of tenant: %w", a.Provider, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	if _, err := s.exec(ctx, s.db, `UPDATE tenant_oauth_apps SET client_id = ?, client_secret_sealed = ?, redirect_uri = ?,
		scopes = ?, updated_at = ? WHERE tenant_id = ? AND provider = ?`,
		a.ClientID, a.ClientSecretSealed, a.RedirectURI, a.Scopes, ms(a.UpdatedAt), a.TenantID, a.Provider); err != nil {
		return false, fmt.Errorf("update %s application of tenant: %w", a.Provider, err)
	}
	return false, nil
}

// TenantOAuthApp returns one of the tenant's applications, or store.ErrNotFound.
func (s *Store) TenantOAuthApp(ctx context.Context, tenantID, provider string) (store.TenantOAuthApp, error) {
	a, err := scanTenantApp(s.queryRow(ctx, s.db, `SELECT `+tenantAppColumns+` FROM tenant_oauth_apps
		WHERE tenant_id = ? AND provider = ?`, tenantID, provider))
	if errors.Is(err, sql.ErrNoRows) {
		return a, store.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("load %s application of tenant: %w", provider, err)
	}
	return a, nil
}

// TenantOAuthApps lists the tenant's applications by provider name.
func (s *Store) TenantOAuthApps(ctx context.Context, tenantID string) ([]store.TenantOAuthApp, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+tenantAppColumns+` FROM tenant_oauth_apps
		WHERE tenant_id = ? ORDER BY provider`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list applications of tenant: %w", err)
	}
	defer rows.Close()
	var out []store.TenantOAuthApp
	for rows.Next() {
		a, err := scanTenantApp(rows)
		if err != nil {
			return nil, fmt.Errorf("list applications of tenant: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteTenantOAuthApp removes one application; store.ErrNotFound if absent.
func (s *Store) DeleteTenantOAuthApp(ctx context.Context, tenantID, provider string) error {
	res, err := s.exec(ctx, s.db, `DELETE FROM tenant_oauth_apps WHERE tenant_id = ? AND provider = ?`, tenantID, provider)
	if err != nil {
		return fmt.Errorf("delete %s application of tenant: %w", provider, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}
