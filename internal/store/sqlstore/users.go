package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store"
)

// CreateTenant implements store.Tenants.
func (s *Store) CreateTenant(ctx context.Context, t store.Tenant) error {
	return s.createTenant(ctx, s.db, t)
}

func (s *Store) createTenant(ctx context.Context, q querier, t store.Tenant) error {
	_, err := s.exec(ctx, q, `INSERT INTO tenants (id, name, slug, plan, is_active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.Name, t.Slug, t.Plan, t.Active, ms(t.CreatedAt), ms(t.UpdatedAt))
	if IsUniqueViolation(err) {
		return fmt.Errorf("tenant %q: %w", t.Slug, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create tenant %q: %w", t.Slug, err)
	}
	return nil
}

const tenantCols = `id, name, slug, plan, is_active, created_at, updated_at`

func scanTenant(row interface{ Scan(...any) error }) (store.Tenant, error) {
	var t store.Tenant
	var created, updated int64
	err := row.Scan(&t.ID, &t.Name, &t.Slug, &t.Plan, &t.Active, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return t, store.ErrNotFound
	}
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return t, err
}

// Tenant implements store.Tenants.
func (s *Store) Tenant(ctx context.Context, id string) (store.Tenant, error) {
	t, err := scanTenant(s.queryRow(ctx, s.db, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return t, fmt.Errorf("load tenant %s: %w", id, err)
	}
	return t, err
}

// TenantBySlug implements store.Tenants.
func (s *Store) TenantBySlug(ctx context.Context, slug string) (store.Tenant, error) {
	t, err := scanTenant(s.queryRow(ctx, s.db, `SELECT `+tenantCols+` FROM tenants WHERE slug = ?`, slug))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return t, fmt.Errorf("load tenant %q: %w", slug, err)
	}
	return t, err
}

// ListTenants implements store.Tenants.
func (s *Store) ListTenants(ctx context.Context, p store.Page) ([]store.Tenant, string, error) {
	limit := pageLimit(p.Limit)
	q := `SELECT ` + tenantCols + ` FROM tenants`
	args := []any{}
	if p.Cursor != "" {
		at, id, err := parseCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		q += ` WHERE (created_at > ? OR (created_at = ? AND id > ?))`
		args = append(args, at, at, id)
	}
	q += ` ORDER BY created_at, id LIMIT ?`
	args = append(args, limit+1)
	rows, err := s.query(ctx, s.db, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list tenants: %w", err)
	}
	defer rows.Close()
	var out []store.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = cursor(last.CreatedAt, last.ID)
	}
	return out, next, nil
}

const userCols = `u.id, u.tenant_id, u.email, u.display_name, u.password_hash, u.role, tu.role, u.status, u.tier,
	u.approved_by, u.approved_at, u.created_at, u.updated_at, u.last_active_at`

const userFrom = ` FROM users u JOIN tenant_users tu ON tu.user_id = u.id AND tu.tenant_id = u.tenant_id`

func scanUser(row interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var approvedBy sql.NullString
	var approvedAt, lastActive sql.NullInt64
	var created, updated int64
	err := row.Scan(&u.ID, &u.TenantID, &u.Email, &u.DisplayName, &u.PasswordHash, &u.Role, &u.TenantRole,
		&u.Status, &u.Tier, &approvedBy, &approvedAt, &created, &updated, &lastActive)
	if errors.Is(err, sql.ErrNoRows) {
		return u, store.ErrNotFound
	}
	if err != nil {
		return u, err
	}
	u.ApprovedBy = approvedBy.String
	u.ApprovedAt = fromNullMS(approvedAt)
	u.LastActiveAt = fromNullMS(lastActive)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

// CreateUser implements store.Users.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return s.createUser(ctx, tx, u) })
}

func (s *Store) createUser(ctx context.Context, q querier, u store.User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	var approvedBy any
	if u.ApprovedBy != "" {
		approvedBy = u.ApprovedBy
	}
	_, err := s.exec(ctx, q, `INSERT INTO users (id, tenant_id, email, display_name, password_hash, role, status, tier,
		approved_by, approved_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.TenantID, u.Email, u.DisplayName, u.PasswordHash, u.Role, u.Status, u.Tier,
		approvedBy, msPtr(u.ApprovedAt), ms(u.CreatedAt), ms(u.UpdatedAt))
	if IsUniqueViolation(err) {
		return fmt.Errorf("user e-mail: %w", store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	role := u.TenantRole
	if role == "" {
		role = store.TenantMember
	}
	if _, err := s.exec(ctx, q, `INSERT INTO tenant_users (tenant_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)`,
		u.TenantID, u.ID, role, ms(u.CreatedAt)); err != nil {
		return fmt.Errorf("add user to tenant: %w", err)
	}
	return nil
}

// User implements store.Users.
func (s *Store) User(ctx context.Context, tenantID, id string) (store.User, error) {
	u, err := scanUser(s.queryRow(ctx, s.db, `SELECT `+userCols+userFrom+` WHERE u.tenant_id = ? AND u.id = ?`, tenantID, id))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("load user %s: %w", id, err)
	}
	return u, err
}

// UserByEmail implements store.Users.
func (s *Store) UserByEmail(ctx context.Context, email string) (store.User, error) {
	u, err := scanUser(s.queryRow(ctx, s.db, `SELECT `+userCols+userFrom+` WHERE u.email = ?`,
		strings.ToLower(strings.TrimSpace(email))))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("load user by e-mail: %w", err)
	}
	return u, err
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context, tenantID string, f store.UserFilter, p store.Page) ([]store.User, string, error) {
	limit := pageLimit(p.Limit)
	q := `SELECT ` + userCols + userFrom + ` WHERE u.tenant_id = ?`
	args := []any{tenantID}
	if f.Status != "" {
		q += ` AND u.status = ?`
		args = append(args, f.Status)
	}
	if p.Cursor != "" {
		at, id, err := parseCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		q += ` AND (u.created_at > ? OR (u.created_at = ? AND u.id > ?))`
		args = append(args, at, at, id)
	}
	q += ` ORDER BY u.created_at, u.id LIMIT ?`
	args = append(args, limit+1)
	rows, err := s.query(ctx, s.db, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = cursor(last.CreatedAt, last.ID)
	}
	return out, next, nil
}

// SetUserStatus implements store.Users.
func (s *Store) SetUserStatus(ctx context.Context, tenantID, id string, st store.Status, by string, at time.Time) (store.User, error) {
	var approvedBy any
	var approvedAt any
	q := `UPDATE users SET status = ?, updated_at = ?`
	args := []any{st, ms(at)}
	if st == store.StatusActive {
		approvedBy, approvedAt = by, ms(at)
		q += `, approved_by = ?, approved_at = ?`
		args = append(args, approvedBy, approvedAt)
	}
	q += ` WHERE tenant_id = ? AND id = ?`
	args = append(args, tenantID, id)
	res, err := s.exec(ctx, s.db, q, args...)
	if err != nil {
		return store.User{}, fmt.Errorf("set status of user %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.User{}, store.ErrNotFound
	}
	return s.User(ctx, tenantID, id)
}

// SetPasswordHash implements store.Users.
func (s *Store) SetPasswordHash(ctx context.Context, tenantID, id, hash string) error {
	res, err := s.exec(ctx, s.db, `UPDATE users SET password_hash = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		hash, ms(time.Now()), tenantID, id)
	if err != nil {
		return fmt.Errorf("set password of user %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// SetUserRole implements store.Users.
func (s *Store) SetUserRole(ctx context.Context, tenantID, id string, r store.Role, tr store.TenantRole) (store.User, error) {
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE users SET role = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`, r, ms(time.Now()), tenantID, id)
		if err != nil {
			return fmt.Errorf("set role of user %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		_, err = s.exec(ctx, tx, `UPDATE tenant_users SET role = ? WHERE tenant_id = ? AND user_id = ?`, tr, tenantID, id)
		return err
	})
	if err != nil {
		return store.User{}, err
	}
	return s.User(ctx, tenantID, id)
}

// TouchUser implements store.Users.
func (s *Store) TouchUser(ctx context.Context, tenantID, id string, at time.Time) error {
	_, err := s.exec(ctx, s.db, `UPDATE users SET last_active_at = ? WHERE tenant_id = ? AND id = ?`, ms(at), tenantID, id)
	if err != nil {
		return fmt.Errorf("touch user %s: %w", id, err)
	}
	return nil
}

// AdminExists implements store.Users.
func (s *Store) AdminExists(ctx context.Context) (bool, error) {
	var n int
	err := s.queryRow(ctx, s.db, `SELECT COUNT(*) FROM users WHERE role IN ('admin', 'super_admin')`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count admins: %w", err)
	}
	return n > 0, nil
}

// CreateFirstAdmin implements store.Users. On SQLite the transaction starts
// with BEGIN IMMEDIATE (the _txlock setting) so two concurrent setups
// serialise; on PostgreSQL a transaction-scoped advisory lock does the same.
func (s *Store) CreateFirstAdmin(ctx context.Context, t store.Tenant, u store.User) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if s.driver == config.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7243001)`); err != nil {
				return fmt.Errorf("lock admin setup: %w", err)
			}
		}
		var n int
		if err := s.queryRow(ctx, tx, `SELECT COUNT(*) FROM users WHERE role IN ('admin', 'super_admin')`).Scan(&n); err != nil {
			return fmt.Errorf("count admins: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("an admin: %w", store.ErrConflict)
		}
		if _, err := scanTenant(s.queryRow(ctx, tx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, t.ID)); errors.Is(err, store.ErrNotFound) {
			if err := s.createTenant(ctx, tx, t); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		return s.createUser(ctx, tx, u)
	})
}
