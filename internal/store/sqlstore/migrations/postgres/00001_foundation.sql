-- +goose Up
-- Times are Unix milliseconds (UTC) in both engines: one representation,
-- integer comparisons for keyset pagination.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    plan        TEXT NOT NULL DEFAULT 'starter',
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL DEFAULT '',
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user','admin','super_admin')),
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','active','suspended')),
    tier            TEXT NOT NULL DEFAULT 'starter',
    approved_by     TEXT,
    approved_at     BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    last_active_at  BIGINT
);
CREATE INDEX users_tenant_created ON users (tenant_id, created_at, id);

CREATE TABLE tenant_users (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner','admin','billing','member')),
    joined_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE data_keys (
    scope       TEXT PRIMARY KEY,
    wrapped     BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,
    private_sealed  BYTEA NOT NULL,
    public_der      BYTEA NOT NULL,
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT
);

CREATE TABLE auth_sessions (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    refresh_hash   TEXT NOT NULL UNIQUE,
    previous_hash  TEXT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX auth_sessions_previous ON auth_sessions (previous_hash);
CREATE INDEX auth_sessions_user ON auth_sessions (tenant_id, user_id);

CREATE TABLE revoked_tokens (
    jti         TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE revoked_tokens;
DROP TABLE auth_sessions;
DROP TABLE signing_keys;
DROP TABLE data_keys;
DROP TABLE tenant_users;
DROP TABLE users;
DROP TABLE tenants;
