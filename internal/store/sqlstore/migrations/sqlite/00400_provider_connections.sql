-- +goose Up
-- A user's connection to a fitness provider. tokens_sealed is an AES-GCM
-- ciphertext from the vault (tenant DEK, AAD tenant|user|provider|table).
CREATE TABLE provider_connections (
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider        TEXT NOT NULL,
    vendor_user_id  TEXT NOT NULL DEFAULT '',
    tokens_sealed   BLOB NOT NULL,
    expires_at      INTEGER,
    scopes          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('connected','reauth_required')),
    status_message  TEXT NOT NULL DEFAULT '',
    connected_at    INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, provider)
);
CREATE INDEX provider_connections_vendor_user ON provider_connections (provider, vendor_user_id);

-- Pending provider authorizations (OAuth state), consumed once.
CREATE TABLE oauth_connect_states (
    state_hash       TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider         TEXT NOT NULL,
    verifier_sealed  BLOB,
    redirect_uri     TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
);
CREATE INDEX oauth_connect_states_expires ON oauth_connect_states (expires_at);

-- +goose Down
DROP TABLE oauth_connect_states;
DROP TABLE provider_connections;
