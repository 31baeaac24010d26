-- +goose Up
-- A tenant's own application at a fitness vendor; it wins over the server's
-- PIERRE_<PROVIDER>_* application for the tenant's users. client_secret_sealed
-- is an AES-GCM ciphertext from the vault (tenant DEK, AAD
-- tenant|provider|tenant_oauth_apps).
CREATE TABLE tenant_oauth_apps (
    tenant_id             TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider              TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    client_secret_sealed  BLOB NOT NULL,
    redirect_uri          TEXT NOT NULL DEFAULT '',
    scopes                TEXT NOT NULL DEFAULT '',
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);

-- +goose Down
DROP TABLE tenant_oauth_apps;
