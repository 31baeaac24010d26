-- +goose Up
-- Pierre's own copy of each user's data, so analysis never waits on a
-- vendor. (provider, kind, record_id) is the vendor's natural key: re-syncs
-- replace, never duplicate.
CREATE TABLE athlete_records (
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    provider   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    at         BIGINT NOT NULL,
    sport      TEXT NOT NULL DEFAULT '',
    payload    BYTEA NOT NULL,
    synced_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, provider, kind, record_id)
);
CREATE INDEX athlete_records_at ON athlete_records (tenant_id, user_id, provider, kind, at);

CREATE TABLE sync_states (
    tenant_id       TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    provider        TEXT NOT NULL,
    phase           TEXT NOT NULL DEFAULT 'backfill',
    status          TEXT NOT NULL DEFAULT 'idle',
    cursor          TEXT NOT NULL DEFAULT '',
    backfill_from   BIGINT NOT NULL DEFAULT 0,
    newest          BIGINT NOT NULL DEFAULT 0,
    done            INTEGER NOT NULL DEFAULT 0,
    total           INTEGER NOT NULL DEFAULT 0,
    error           TEXT NOT NULL DEFAULT '',
    last_success_at BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL DEFAULT 0,
    lease_holder    TEXT NOT NULL DEFAULT '',
    lease_until     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, user_id, provider)
);

-- +goose Down
DROP TABLE sync_states;
DROP TABLE athlete_records;
