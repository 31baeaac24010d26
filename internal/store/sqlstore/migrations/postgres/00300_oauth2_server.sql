-- +goose Up
-- OAuth 2.1 authorization server for MCP clients. Secrets, codes and
-- refresh tokens are stored only as SHA-256 hashes (they are 256-bit random
-- values, so a fast hash is enough: there is nothing to brute-force).
CREATE TABLE oauth_clients (
    id               TEXT PRIMARY KEY,
    secret_hash      TEXT NOT NULL DEFAULT '',
    auth_method      TEXT NOT NULL CHECK (auth_method IN ('none','client_secret_basic','client_secret_post')),
    name             TEXT NOT NULL DEFAULT '',
    client_uri       TEXT NOT NULL DEFAULT '',
    redirect_uris    TEXT NOT NULL,
    grant_types      TEXT NOT NULL,
    scope            TEXT NOT NULL DEFAULT '',
    owner_tenant_id  TEXT REFERENCES tenants(id),
    owner_user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL
);

-- A family is one grant: everything issued from one authorization code (or
-- one client_credentials call). Revoking it kills its refresh tokens and
-- its access tokens.
CREATE TABLE oauth_families (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scope       TEXT NOT NULL DEFAULT '',
    resource    TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX oauth_families_user ON oauth_families (tenant_id, user_id, client_id);

CREATE TABLE oauth_codes (
    hash            TEXT PRIMARY KEY,
    family_id       TEXT NOT NULL,
    client_id       TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    redirect_uri    TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT '',
    resource        TEXT NOT NULL DEFAULT '',
    code_challenge  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT
);
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);

CREATE TABLE oauth_refresh_tokens (
    hash        TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL REFERENCES oauth_families(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX oauth_refresh_tokens_family ON oauth_refresh_tokens (family_id);

-- Access tokens are JWTs; their ids are kept per family so revoking the
-- family can put them on the deny list.
CREATE TABLE oauth_access_tokens (
    jti         TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL REFERENCES oauth_families(id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX oauth_access_tokens_family ON oauth_access_tokens (family_id);

CREATE TABLE oauth_consents (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL REFERENCES oauth_clients(id) ON DELETE CASCADE,
    scope       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, client_id)
);

-- +goose Down
DROP TABLE oauth_consents;
DROP TABLE oauth_access_tokens;
DROP TABLE oauth_refresh_tokens;
DROP TABLE oauth_codes;
DROP TABLE oauth_families;
DROP TABLE oauth_clients;
