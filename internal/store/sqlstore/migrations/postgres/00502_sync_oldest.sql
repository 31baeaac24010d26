-- +goose Up
-- The oldest activity a backfill has copied so far: newest first, so the
-- copy is complete from there to now and reads can use it before the
-- backfill ends.
ALTER TABLE sync_states ADD COLUMN oldest BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sync_states DROP COLUMN oldest;
