package nutritiontools

import "github.com/pierre-fitness/pierre/internal/store"

// The recipe records live in package store, which the SQL implementation
// depends on; these names keep this package's code readable.
type (
	RecipeIngredient = store.RecipeIngredient
	Recipe           = store.Recipe
	RecipeFilter     = store.RecipeFilter
	RecipeStore      = store.Recipes
)
