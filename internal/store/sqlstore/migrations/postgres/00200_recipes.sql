-- +goose Up
-- Recipes (issue 4), per tenant and user. The full recipe is kept as JSON in
-- body; the columns are what queries filter, order and search on.
CREATE TABLE recipes (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id),
    user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    meal_timing       TEXT NOT NULL,
    -- tags normalised to [a-z0-9-], space separated with a leading and a
    -- trailing space, so one tag is matched with LIKE '% tag %'.
    tags_text         TEXT NOT NULL DEFAULT '',
    ingredients_text  TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    -- Full-text vector: name weighs most, then ingredients, then tags.
    search            tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A') ||
        setweight(to_tsvector('english', ingredients_text), 'B') ||
        setweight(to_tsvector('english', replace(tags_text, '-', ' ')), 'C')
    ) STORED
);
-- Keyset pagination, newest first, within one user.
CREATE INDEX recipes_owner_created ON recipes (tenant_id, user_id, created_at DESC, id DESC);
CREATE INDEX recipes_search ON recipes USING GIN (search);

-- +goose Down
DROP TABLE recipes;
