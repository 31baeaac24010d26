-- +goose Up
-- Reading a page of keys (id, time, sport, synced_at) without the JSON is
-- answered from this index alone; it replaces the narrower one.
CREATE INDEX athlete_records_keys ON athlete_records (tenant_id, user_id, provider, kind, at, record_id, synced_at, sport);
DROP INDEX athlete_records_at;

-- +goose Down
CREATE INDEX athlete_records_at ON athlete_records (tenant_id, user_id, provider, kind, at);
DROP INDEX athlete_records_keys;
