package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Recipes stores recipes (store.Recipes). Full-text search is
// FTS5 on SQLite and a tsvector with a GIN index on PostgreSQL.
var _ store.Recipes = (*Store)(nil)

// ownerToken is the single FTS5 token naming a recipe's tenant and user.
// Hex keeps it one token through the unicode61 tokenizer.
func ownerToken(tenantID, userID string) string {
	h := sha256.Sum256([]byte(tenantID + "\x00" + userID))
	return "o" + hex.EncodeToString(h[:12])
}

func recipeTagsText(tags []string) string {
	var b strings.Builder
	for _, t := range tags {
		if t = store.NormalizeTag(t); t != "" {
			b.WriteByte(' ')
			b.WriteString(t)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	b.WriteByte(' ')
	return b.String()
}

func recipeIngredientsText(r store.Recipe) string {
	parts := make([]string, 0, 2*len(r.Ingredients))
	for _, in := range r.Ingredients {
		parts = append(parts, in.Name)
		if in.FoodDescription != "" && !strings.EqualFold(in.FoodDescription, in.Name) {
			parts = append(parts, in.FoodDescription)
		}
	}
	return strings.Join(parts, "; ")
}

// SaveRecipe implements store.Recipes.
func (s *Store) SaveRecipe(ctx context.Context, r store.Recipe) error {
	if r.ID == "" || r.TenantID == "" || r.UserID == "" {
		return errors.New("save recipe: id, tenant and user are required")
	}
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("save recipe: encode: %w", err)
	}
	tags, ingredients := recipeTagsText(r.Tags), recipeIngredientsText(r)
	now := ms(r.CreatedAt)
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `INSERT INTO recipes (id, tenant_id, user_id, name, meal_timing, tags_text, ingredients_text, body, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.TenantID, r.UserID, r.Name, r.MealTiming, tags, ingredients, string(body), now, now)
		if IsUniqueViolation(err) {
			return fmt.Errorf("recipe %s: %w", r.ID, store.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("save recipe: %w", err)
		}
		if s.driver != config.SQLite {
			return nil // the tsvector is a generated column
		}
		rowid, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("save recipe: rowid: %w", err)
		}
		_, err = s.exec(ctx, tx, `INSERT INTO recipes_fts (rowid, owner, name, ingredients, tags) VALUES (?, ?, ?, ?, ?)`,
			rowid, ownerToken(r.TenantID, r.UserID), r.Name, ingredients, strings.ReplaceAll(tags, "-", " "))
		if err != nil {
			return fmt.Errorf("save recipe: index: %w", err)
		}
		return nil
	})
}

func scanRecipe(sc interface{ Scan(...any) error }) (store.Recipe, error) {
	var r store.Recipe
	var id, tenant, user, body string
	var created int64
	if err := sc.Scan(&id, &tenant, &user, &body, &created); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return r, fmt.Errorf("decode recipe %s: %w", id, err)
	}
	r.ID, r.TenantID, r.UserID, r.CreatedAt = id, tenant, user, fromMS(created)
	return r, nil
}

const recipeCols = `r.id, r.tenant_id, r.user_id, r.body, r.created_at`

// Recipe implements store.Recipes.
func (s *Store) Recipe(ctx context.Context, tenantID, userID, id string) (store.Recipe, error) {
	r, err := scanRecipe(s.queryRow(ctx, s.db, `SELECT `+recipeCols+` FROM recipes r
		WHERE r.tenant_id = ? AND r.user_id = ? AND r.id = ?`, tenantID, userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("load recipe: %w", err)
	}
	return r, nil
}

// recipeFilterSQL appends the filter's conditions on alias r.
func recipeFilterSQL(f store.RecipeFilter, q string, args []any) (string, []any) {
	if f.MealTiming != "" {
		q += ` AND r.meal_timing = ?`
		args = append(args, f.MealTiming)
	}
	for _, t := range f.Tags {
		if t = store.NormalizeTag(t); t != "" {
			q += ` AND r.tags_text LIKE ?`
			args = append(args, "% "+t+" %")
		}
	}
	return q, args
}

// ListRecipes implements store.Recipes.
func (s *Store) ListRecipes(ctx context.Context, tenantID, userID string, f store.RecipeFilter, p store.Page) ([]store.Recipe, string, error) {
	limit := pageLimit(p.Limit)
	q := `SELECT ` + recipeCols + ` FROM recipes r WHERE r.tenant_id = ? AND r.user_id = ?`
	args := []any{tenantID, userID}
	q, args = recipeFilterSQL(f, q, args)
	if p.Cursor != "" {
		at, id, err := parseCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		q += ` AND (r.created_at < ? OR (r.created_at = ? AND r.id < ?))`
		args = append(args, at, at, id)
	}
	q += ` ORDER BY r.created_at DESC, r.id DESC LIMIT ?`
	args = append(args, limit+1)
	out, err := s.queryRecipes(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list recipes: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = cursor(last.CreatedAt, last.ID)
	}
	return out, next, nil
}

func (s *Store) queryRecipes(ctx context.Context, q string, args ...any) ([]store.Recipe, error) {
	rows, err := s.query(ctx, s.db, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Recipe{}
	for rows.Next() {
		r, err := scanRecipe(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ftsMatch builds an FTS5 query from sanitised words: the owner token AND
// every word as a prefix within cols, minus the rows matching notCols.
// Words hold only letters and digits (store.SearchTerms), so
// quoting them is enough to keep FTS5 syntax out.
func ftsMatch(owner string, words []string, cols, notCols string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"*`
	}
	terms := "(" + strings.Join(quoted, " AND ") + ")"
	m := `owner : "` + owner + `" AND ` + cols + ` : ` + terms
	if notCols != "" {
		m += ` NOT ` + notCols + ` : ` + terms
	}
	return m
}

// tsQuery builds a PostgreSQL tsquery: every word as a prefix.
func tsQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w + ":*"
	}
	return strings.Join(parts, " & ")
}

// SearchRecipes implements store.Recipes.
func (s *Store) SearchRecipes(ctx context.Context, tenantID, userID, query string, f store.RecipeFilter, limit int) ([]store.Recipe, error) {
	words := store.SearchTerms(query)
	if len(words) == 0 {
		return []store.Recipe{}, nil
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if s.driver == config.SQLite {
		return s.searchRecipesFTS5(ctx, tenantID, userID, words, f, limit)
	}
	// Rank in a subquery that carries only the key and the score, so the
	// sort over every match never holds the recipes' JSON bodies.
	inner := `SELECT r.id AS k, ts_rank(r.search, query) AS score, r.created_at AS at
		FROM recipes r, to_tsquery('english', ?) query
		WHERE r.tenant_id = ? AND r.user_id = ? AND r.search @@ query`
	args := []any{tsQuery(words), tenantID, userID}
	inner, args = recipeFilterSQL(f, inner, args)
	inner += ` ORDER BY score DESC, at DESC LIMIT ?`
	q := `SELECT ` + recipeCols + ` FROM (` + inner + `) top JOIN recipes r ON r.id = top.k ORDER BY top.score DESC, top.at DESC`
	args = append(args, limit)
	out, err := s.queryRecipes(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search recipes: %w", err)
	}
	return out, nil
}

// searchRecipesFTS5 ranks in two tiers: recipes whose name holds every
// word, then the others matching anywhere, newest first within a tier.
// (bm25 costs ~1.5 µs per match in the pure-Go SQLite, too slow for common
// words over thousands of recipes; walking the index in rowid order stops
// at the page size.)
func (s *Store) searchRecipesFTS5(ctx context.Context, tenantID, userID string, words []string, f store.RecipeFilter, limit int) ([]store.Recipe, error) {
	owner := ownerToken(tenantID, userID)
	out := []store.Recipe{}
	for _, tier := range [][2]string{{"{name}", ""}, {"{name ingredients tags}", "{name}"}} {
		q := `SELECT ` + recipeCols + ` FROM recipes_fts f JOIN recipes r ON r.rowid = f.rowid
			WHERE recipes_fts MATCH ? AND r.tenant_id = ? AND r.user_id = ?`
		args := []any{ftsMatch(owner, words, tier[0], tier[1]), tenantID, userID}
		q, args = recipeFilterSQL(f, q, args)
		q += ` ORDER BY f.rowid DESC LIMIT ?`
		args = append(args, limit-len(out))
		rs, err := s.queryRecipes(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("search recipes: %w", err)
		}
		if out = append(out, rs...); len(out) >= limit {
			break
		}
	}
	return out, nil
}

// DeleteRecipe implements store.Recipes.
func (s *Store) DeleteRecipe(ctx context.Context, tenantID, userID, id string) error {
	// On SQLite a trigger removes the full-text row with the recipe.
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `DELETE FROM recipes WHERE tenant_id = ? AND user_id = ? AND id = ?`, tenantID, userID, id)
		if err != nil {
			return fmt.Errorf("delete recipe: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}
