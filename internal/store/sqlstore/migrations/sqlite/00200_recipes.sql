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
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
-- Keyset pagination, newest first, within one user.
CREATE INDEX recipes_owner_created ON recipes (tenant_id, user_id, created_at DESC, id DESC);

-- Full-text index, one row per recipe with the recipe's rowid. owner is a
-- single token derived from tenant and user, so the MATCH itself confines a
-- search to one user's recipes. Porter stemming: "eggs" finds "egg".
CREATE VIRTUAL TABLE recipes_fts USING fts5(
    owner, name, ingredients, tags,
    tokenize = 'porter unicode61'
);

-- Deleting a recipe (also by cascade from its user) drops its index row.
-- +goose StatementBegin
CREATE TRIGGER recipes_fts_delete AFTER DELETE ON recipes BEGIN
    DELETE FROM recipes_fts WHERE rowid = old.rowid;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER recipes_fts_delete;
DROP TABLE recipes_fts;
DROP TABLE recipes;
