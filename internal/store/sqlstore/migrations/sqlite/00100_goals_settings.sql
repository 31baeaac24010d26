-- +goose Up
-- Goals, user configuration and named fitness configurations, per tenant
-- and user. Dates are YYYY-MM-DD text; times are Unix milliseconds.
CREATE TABLE goals (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    user_id          TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    goal_type        TEXT NOT NULL CHECK (goal_type IN ('distance','time','frequency','performance','custom')),
    target_value     REAL NOT NULL,
    unit             TEXT NOT NULL,
    sport_type       TEXT NOT NULL DEFAULT '',
    distance_meters  REAL NOT NULL DEFAULT 0,
    start_date       TEXT NOT NULL,
    target_date      TEXT NOT NULL,
    start_value      REAL NOT NULL DEFAULT 0,
    status           TEXT NOT NULL CHECK (status IN ('active','achieved')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX goals_user ON goals (tenant_id, user_id, created_at);

CREATE TABLE user_configurations (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    profile     TEXT NOT NULL DEFAULT '',
    algorithms  TEXT NOT NULL DEFAULT '{}',
    parameters  TEXT NOT NULL DEFAULT '{}',
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE fitness_configurations (
    tenant_id      TEXT NOT NULL REFERENCES tenants(id),
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    configuration  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, name)
);

-- +goose Down
DROP TABLE fitness_configurations;
DROP TABLE user_configurations;
DROP TABLE goals;
