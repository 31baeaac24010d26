package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
)

// This file stores Pierre's OAuth 2.1 authorization server state: clients,
// authorization codes, token families (refresh tokens and the ids of the
// access tokens they issued) and consents. Single-use artefacts are
// consumed with conditional UPDATEs, so of two concurrent uses exactly one
// wins.

// CreateOAuthClient stores a registered client.
func (s *Store) CreateOAuthClient(ctx context.Context, c store.OAuthClient) error {
	uris, _ := json.Marshal(c.RedirectURIs)
	grants, _ := json.Marshal(c.GrantTypes)
	_, err := s.exec(ctx, s.db, `INSERT INTO oauth_clients (id, secret_hash, auth_method, name, client_uri, redirect_uris,
		grant_types, scope, owner_tenant_id, owner_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.SecretHash, c.AuthMethod, c.Name, c.URI, string(uris), string(grants), c.Scope,
		nullStr(c.OwnerTenantID), nullStr(c.OwnerUserID), ms(c.CreatedAt))
	if IsUniqueViolation(err) {
		return fmt.Errorf("oauth client %s: %w", c.ID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create oauth client: %w", err)
	}
	return nil
}

// OAuthClient returns a client by id.
func (s *Store) OAuthClient(ctx context.Context, id string) (store.OAuthClient, error) {
	var c store.OAuthClient
	var uris, grants string
	var ownerT, ownerU sql.NullString
	var created int64
	err := s.queryRow(ctx, s.db, `SELECT id, secret_hash, auth_method, name, client_uri, redirect_uris, grant_types, scope,
		owner_tenant_id, owner_user_id, created_at FROM oauth_clients WHERE id = ?`, id).
		Scan(&c.ID, &c.SecretHash, &c.AuthMethod, &c.Name, &c.URI, &uris, &grants, &c.Scope, &ownerT, &ownerU, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, store.ErrNotFound
	}
	if err != nil {
		return c, fmt.Errorf("load oauth client: %w", err)
	}
	if err := json.Unmarshal([]byte(uris), &c.RedirectURIs); err != nil {
		return c, fmt.Errorf("oauth client %s redirect_uris: %w", id, err)
	}
	if err := json.Unmarshal([]byte(grants), &c.GrantTypes); err != nil {
		return c, fmt.Errorf("oauth client %s grant_types: %w", id, err)
	}
	c.OwnerTenantID, c.OwnerUserID, c.CreatedAt = ownerT.String, ownerU.String, fromMS(created)
	return c, nil
}

// CreateOAuthCode stores an issued authorization code.
func (s *Store) CreateOAuthCode(ctx context.Context, c store.OAuthCode) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO oauth_codes (hash, family_id, client_id, tenant_id, user_id, redirect_uri, scope,
		resource, code_challenge, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Hash, c.FamilyID, c.ClientID, c.TenantID, c.UserID, c.RedirectURI, c.Scope, c.Resource, c.Challenge,
		ms(c.CreatedAt), ms(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create authorization code: %w", err)
	}
	return nil
}

// ConsumeOAuthCode marks the code with hash used and returns it. The
// caller checks client, redirect URI, expiry and verifier afterwards, so a
// failed attempt burns the code too. An unknown code gives ErrNotFound; a
// code used before is returned with ErrReplayed.
func (s *Store) ConsumeOAuthCode(ctx context.Context, hash string, now time.Time) (store.OAuthCode, error) {
	var c store.OAuthCode
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE oauth_codes SET used_at = ? WHERE hash = ? AND used_at IS NULL`, ms(now), hash)
		if err != nil {
			return fmt.Errorf("consume authorization code: %w", err)
		}
		n, _ := res.RowsAffected()
		var created, expires int64
		var used sql.NullInt64
		err = s.queryRow(ctx, tx, `SELECT hash, family_id, client_id, tenant_id, user_id, redirect_uri, scope, resource,
			code_challenge, created_at, expires_at, used_at FROM oauth_codes WHERE hash = ?`, hash).
			Scan(&c.Hash, &c.FamilyID, &c.ClientID, &c.TenantID, &c.UserID, &c.RedirectURI, &c.Scope, &c.Resource,
				&c.Challenge, &created, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read authorization code: %w", err)
		}
		c.CreatedAt, c.ExpiresAt, c.UsedAt = fromMS(created), fromMS(expires), fromNullMS(used)
		if n == 0 {
			return store.ErrReplayed
		}
		return nil
	})
	if errors.Is(err, store.ErrReplayed) {
		return c, store.ErrReplayed
	}
	return c, err
}

// DeleteExpiredOAuthCodes removes codes that expired before t.
func (s *Store) DeleteExpiredOAuthCodes(ctx context.Context, t time.Time) (int, error) {
	res, err := s.exec(ctx, s.db, `DELETE FROM oauth_codes WHERE expires_at < ?`, ms(t))
	if err != nil {
		return 0, fmt.Errorf("delete expired authorization codes: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CreateOAuthFamily starts a token family. A family id that exists already
// (e.g. revoked by a replay of its code) gives ErrConflict.
func (s *Store) CreateOAuthFamily(ctx context.Context, f store.OAuthFamily) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO oauth_families (id, client_id, tenant_id, user_id, scope, resource, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.ClientID, f.TenantID, f.UserID, f.Scope, f.Resource, ms(f.CreatedAt), ms(f.ExpiresAt))
	if IsUniqueViolation(err) {
		return fmt.Errorf("token family %s: %w", f.ID, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("create token family: %w", err)
	}
	return nil
}

// AddOAuthRefreshToken stores a refresh token (by hash) of a family.
func (s *Store) AddOAuthRefreshToken(ctx context.Context, familyID, hash string, created, expires time.Time) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO oauth_refresh_tokens (hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hash, familyID, ms(created), ms(expires))
	if err != nil {
		return fmt.Errorf("store refresh token: %w", err)
	}
	return nil
}

// AddOAuthAccessToken records an access token id issued from a family.
// It refuses (ErrNotFound) when the family is revoked, so a token signed
// while a replay revoked its family is never handed out.
func (s *Store) AddOAuthAccessToken(ctx context.Context, familyID, jti string, exp time.Time) error {
	res, err := s.exec(ctx, s.db, `INSERT INTO oauth_access_tokens (jti, family_id, expires_at)
		SELECT ?, id, ? FROM oauth_families WHERE id = ? AND revoked_at IS NULL`, jti, ms(exp), familyID)
	if err != nil {
		return fmt.Errorf("record access token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token family %s is revoked: %w", familyID, store.ErrNotFound)
	}
	return nil
}

// RotateOAuthRefreshToken uses the refresh token oldHash of clientID once
// and stores newHash in its place, in one transaction. It returns the
// family. A token that is unknown, expired, of another client or of a
// revoked family gives ErrNotFound; one already used gives its family with
// ErrReplayed, so the caller can revoke the family.
func (s *Store) RotateOAuthRefreshToken(ctx context.Context, clientID, oldHash, newHash string, now, newExpires time.Time) (store.OAuthFamily, error) {
	var f store.OAuthFamily
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE oauth_refresh_tokens SET used_at = ?
			WHERE hash = ? AND used_at IS NULL AND expires_at > ?
			AND family_id IN (SELECT id FROM oauth_families WHERE client_id = ? AND revoked_at IS NULL)`,
			ms(now), oldHash, ms(now), clientID)
		if err != nil {
			return fmt.Errorf("use refresh token: %w", err)
		}
		n, _ := res.RowsAffected()
		var used sql.NullInt64
		f, used, err = s.familyOfRefresh(ctx, tx, oldHash)
		if err != nil {
			return err
		}
		if n == 0 {
			if used.Valid && f.ClientID == clientID {
				return store.ErrReplayed
			}
			return store.ErrNotFound
		}
		if f.ExpiresAt.Before(newExpires) {
			newExpires = f.ExpiresAt
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO oauth_refresh_tokens (hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			newHash, f.ID, ms(now), ms(newExpires)); err != nil {
			return fmt.Errorf("store rotated refresh token: %w", err)
		}
		return nil
	})
	if errors.Is(err, store.ErrReplayed) {
		return f, store.ErrReplayed
	}
	return f, err
}

// OAuthFamilyByRefreshToken returns the family of a refresh token (used
// or not), for revocation.
func (s *Store) OAuthFamilyByRefreshToken(ctx context.Context, hash string) (store.OAuthFamily, error) {
	f, _, err := s.familyOfRefresh(ctx, s.db, hash)
	return f, err
}

func (s *Store) familyOfRefresh(ctx context.Context, q querier, hash string) (store.OAuthFamily, sql.NullInt64, error) {
	var f store.OAuthFamily
	var used, revoked sql.NullInt64
	var created, expires int64
	err := s.queryRow(ctx, q, `SELECT f.id, f.client_id, f.tenant_id, f.user_id, f.scope, f.resource, f.created_at, f.expires_at,
		f.revoked_at, r.used_at FROM oauth_refresh_tokens r JOIN oauth_families f ON f.id = r.family_id WHERE r.hash = ?`, hash).
		Scan(&f.ID, &f.ClientID, &f.TenantID, &f.UserID, &f.Scope, &f.Resource, &created, &expires, &revoked, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return f, used, store.ErrNotFound
	}
	if err != nil {
		return f, used, fmt.Errorf("read refresh token: %w", err)
	}
	f.CreatedAt, f.ExpiresAt, f.RevokedAt = fromMS(created), fromMS(expires), fromNullMS(revoked)
	return f, used, nil
}

// RevokeOAuthFamily revokes family f and returns the ids of its access
// tokens still valid at now. If the family does not exist yet (a code
// replay racing the first exchange), it is created revoked, so the first
// exchange then fails to create it.
func (s *Store) RevokeOAuthFamily(ctx context.Context, f store.OAuthFamily, now time.Time) ([]store.RevokedJTI, error) {
	var out []store.RevokedJTI
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `INSERT INTO oauth_families (id, client_id, tenant_id, user_id, scope, resource, created_at, expires_at, revoked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET revoked_at = COALESCE(oauth_families.revoked_at, excluded.revoked_at)`,
			f.ID, f.ClientID, f.TenantID, f.UserID, f.Scope, f.Resource, ms(now), ms(now), ms(now)); err != nil {
			return fmt.Errorf("revoke token family: %w", err)
		}
		var err error
		out, err = s.liveJTIs(ctx, tx, `family_id = ?`, now, f.ID)
		return err
	})
	return out, err
}

func (s *Store) liveJTIs(ctx context.Context, q querier, where string, now time.Time, args ...any) ([]store.RevokedJTI, error) {
	rows, err := s.query(ctx, q, `SELECT jti, expires_at FROM oauth_access_tokens WHERE `+where+` AND expires_at > ?`,
		append(args, ms(now))...)
	if err != nil {
		return nil, fmt.Errorf("list access tokens: %w", err)
	}
	defer rows.Close()
	var out []store.RevokedJTI
	for rows.Next() {
		var j store.RevokedJTI
		var exp int64
		if err := rows.Scan(&j.JTI, &exp); err != nil {
			return nil, err
		}
		j.Exp = fromMS(exp)
		out = append(out, j)
	}
	return out, rows.Err()
}

// UpsertOAuthConsent records that a user approved a client for scope.
func (s *Store) UpsertOAuthConsent(ctx context.Context, tenantID, userID, clientID, scope string, at time.Time) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO oauth_consents (tenant_id, user_id, client_id, scope, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, user_id, client_id) DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at`,
		tenantID, userID, clientID, scope, ms(at), ms(at))
	if err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// AuthorizedOAuthClients lists the clients a user has consented to, most
// recently authorized first.
func (s *Store) AuthorizedOAuthClients(ctx context.Context, tenantID, userID string) ([]store.AuthorizedClient, error) {
	rows, err := s.query(ctx, s.db, `SELECT c.id, c.name, c.client_uri, k.scope, k.created_at, k.updated_at
		FROM oauth_consents k JOIN oauth_clients c ON c.id = k.client_id
		WHERE k.tenant_id = ? AND k.user_id = ? ORDER BY k.updated_at DESC, c.id`, tenantID, userID)
	if err != nil {
		return nil, fmt.Errorf("list authorized clients: %w", err)
	}
	defer rows.Close()
	out := []store.AuthorizedClient{}
	for rows.Next() {
		var a store.AuthorizedClient
		var created, updated int64
		if err := rows.Scan(&a.ClientID, &a.Name, &a.URI, &a.Scope, &created, &updated); err != nil {
			return nil, err
		}
		a.AuthorizedAt, a.LastUsedAt = fromMS(created), fromMS(updated)
		out = append(out, a)
	}
	return out, rows.Err()
}

// RevokeOAuthClientForUser withdraws a user's consent to a client and
// revokes every token family the client holds for that user. It returns
// the access token ids to deny, or ErrNotFound when the user never
// authorized the client.
func (s *Store) RevokeOAuthClientForUser(ctx context.Context, tenantID, userID, clientID string, now time.Time) ([]store.RevokedJTI, error) {
	var out []store.RevokedJTI
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `DELETE FROM oauth_consents WHERE tenant_id = ? AND user_id = ? AND client_id = ?`, tenantID, userID, clientID)
		if err != nil {
			return fmt.Errorf("delete consent: %w", err)
		}
		consents, _ := res.RowsAffected()
		res, err = s.exec(ctx, tx, `UPDATE oauth_families SET revoked_at = ?
			WHERE tenant_id = ? AND user_id = ? AND client_id = ? AND revoked_at IS NULL`, ms(now), tenantID, userID, clientID)
		if err != nil {
			return fmt.Errorf("revoke token families: %w", err)
		}
		families, _ := res.RowsAffected()
		if consents == 0 && families == 0 {
			return store.ErrNotFound
		}
		out, err = s.liveJTIs(ctx, tx, `family_id IN (SELECT id FROM oauth_families WHERE tenant_id = ? AND user_id = ? AND client_id = ?)`,
			now, tenantID, userID, clientID)
		return err
	})
	return out, err
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
