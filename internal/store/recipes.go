package store

import (
	"context"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

// RecipeIngredient is one ingredient of a stored recipe, as analysed when
// it was saved.
type RecipeIngredient struct {
	Name            string              `json:"name"`
	Quantity        float64             `json:"quantity"`
	Unit            string              `json:"unit"`
	FDCID           int                 `json:"fdc_id"`
	FoodDescription string              `json:"food_description"`
	Grams           float64             `json:"grams"`
	Nutrients       nutrition.Nutrients `json:"nutrients"`
}

// Recipe is a saved recipe with the nutrition computed when it was saved.
type Recipe struct {
	ID                  string                     `json:"recipe_id"`
	TenantID            string                     `json:"-"`
	UserID              string                     `json:"-"`
	Name                string                     `json:"name"`
	Description         string                     `json:"description,omitempty"`
	MealTiming          string                     `json:"meal_timing"`
	Servings            int                        `json:"servings"`
	PrepTimeMinutes     int                        `json:"prep_time_minutes,omitempty"`
	CookTimeMinutes     int                        `json:"cook_time_minutes,omitempty"`
	Instructions        []string                   `json:"instructions,omitempty"`
	Tags                []string                   `json:"tags"`
	DietaryRestrictions []string                   `json:"dietary_restrictions"`
	SkillLevel          string                     `json:"skill_level,omitempty"`
	Source              string                     `json:"source,omitempty"`
	Ingredients         []RecipeIngredient         `json:"ingredients"`
	Total               nutrition.Nutrients        `json:"total"`
	PerServing          nutrition.Nutrients        `json:"per_serving"`
	MacroPercentages    nutrition.MacroPercentages `json:"macro_percentages"`
	ComplianceScore     int                        `json:"compliance_score"`
	CreatedAt           time.Time                  `json:"created_at"`
}

// RecipeFilter narrows list and search. Zero fields do not filter; a
// recipe must carry every tag in Tags.
type RecipeFilter struct {
	MealTiming string
	Tags       []string
}

// Recipes keeps recipes per tenant and user. Every method is scoped by
// both: another user's recipe is ErrNotFound, never visible.
type Recipes interface {
	SaveRecipe(ctx context.Context, r Recipe) error
	// Recipe returns one recipe, or ErrNotFound.
	Recipe(ctx context.Context, tenantID, userID, id string) (Recipe, error)
	// ListRecipes pages through recipes newest first; cursor is the opaque
	// next of the previous page (ErrBadCursor when it is not one).
	ListRecipes(ctx context.Context, tenantID, userID string, f RecipeFilter, p Page) (items []Recipe, next string, err error)
	// SearchRecipes ranks recipes by full-text relevance over name,
	// ingredients and tags; every word of query must match (as a prefix).
	SearchRecipes(ctx context.Context, tenantID, userID, query string, f RecipeFilter, limit int) ([]Recipe, error)
	// DeleteRecipe removes a recipe for good, or returns ErrNotFound.
	DeleteRecipe(ctx context.Context, tenantID, userID, id string) error
}

// NormalizeTag lower-cases a tag and keeps letters, digits and single
// hyphens ("High Protein" and "high_protein" are both "high-protein"), so
// tags compare exactly and are safe inside LIKE patterns.
func NormalizeTag(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r == ' ' || r == '_' || r == '-':
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// SearchTerms splits a free-text search into lower-case words of letters
// and digits: the only characters that reach a full-text query, so no
// operator of FTS5 or tsquery can be injected. At most 8 words are kept.
func SearchTerms(q string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 && len(out) < 8 {
			out = append(out, string(cur))
		}
		cur = cur[:0]
	}
	for _, r := range strings.ToLower(q) {
		if isWordRune(r) {
			if len(cur) < 40 {
				cur = append(cur, r)
			}
			continue
		}
		flush()
	}
	flush()
	return out
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 0xC0 && r <= 0x24F && r != 0xD7 && r != 0xF7
}
