// Package fooddata provides food composition behind one interface, [Source],
// with two implementations:
//
//   - [USDAClient], a client of the USDA FoodData Central API
//     (https://api.nal.usda.gov/fdc/v1), used when USDA_API_KEY is set:
//     search and details, nutrient mapping by nutrient id/number (kcal, kJ
//     and the Atwater energy variants), paging, bounded retries on 429/503
//     honouring Retry-After, typed errors and a response cache;
//   - [Offline], an embedded table of several hundred common foods with
//     their FDC IDs and per-100 g values from USDA SR Legacy, searched with
//     a typo- and plural-tolerant ranked index, so food search and meal
//     analysis work with no key and no network.
//
// [FromEnv] picks one. Nutrient values are per 100 g and use the types of
// package nutrition, so a [Food] converts to what the nutrition engine needs
// with [Food.ForNutrition].
package fooddata

import (
	"context"
	"os"
	"strings"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

// Source is a food-composition database.
type Source interface {
	// Search finds foods matching a free-text query. page is 1-based;
	// pageSize is 1..200. Foods in the result carry per-100 g nutrients
	// (portions may be absent: call Food for them).
	Search(ctx context.Context, query string, page, pageSize int) (SearchResult, error)
	// Food returns one food by FDC ID with per-100 g nutrients and
	// portions. An unknown ID is a *NotFoundError (errors.Is ErrNotFound).
	Food(ctx context.Context, fdcID int) (Food, error)
	// Name identifies the source: "usda_api" or "offline".
	Name() string
}

// Names of the sources.
const (
	SourceUSDA    = "usda_api"
	SourceOffline = "offline"
)

// Limits on search paging (FoodData Central caps pageSize at 200).
const (
	DefaultPageSize = 10
	MaxPageSize     = 200
)

// Food is one food with per-100 g nutrients.
type Food struct {
	FDCID       int    `json:"fdc_id"`
	Description string `json:"description"`
	// DataType is FoodData Central's: "SR Legacy", "Foundation",
	// "Survey (FNDDS)", "Branded".
	DataType   string `json:"data_type"`
	Category   string `json:"category,omitempty"`
	BrandOwner string `json:"brand_owner,omitempty"`
	// NDBNumber is the SR Legacy / Foundation NDB number, when known.
	NDBNumber int                 `json:"ndb_number,omitempty"`
	Nutrients nutrition.Nutrients `json:"nutrients_per_100g"`
	Portions  []Portion           `json:"portions,omitempty"`
	// Source is where the data came from (SourceUSDA or SourceOffline).
	Source string `json:"source"`
	// IDStatus, for offline foods only, says how far FDCID can be trusted
	// (IDVerified, IDUnverified, IDOfflineOnly); empty for API foods.
	IDStatus string `json:"fdc_id_status,omitempty"`
}

// Offline ID statuses (see data/README.md).
const (
	// IDVerified: the FDC ID was cross-checked against a published
	// FDC-ID/NDB-number pair.
	IDVerified = "verified"
	// IDUnverified: the FDC ID was recalled by the table's compiler and has
	// not been checked against FoodData Central.
	IDUnverified = "unverified"
	// IDOfflineOnly: no FDC ID is known; FDCID is OfflineIDBase + the NDB
	// number, meaningful only to the offline table.
	IDOfflineOnly = "offline_only"
)

// OfflineIDBase + NDB number identifies offline foods without a known FDC
// ID. FoodData Central IDs are far below it.
const OfflineIDBase = 90000000

// Portion is a household measure of a food.
type Portion struct {
	// Description as published, e.g. "1 cup, sliced" or "1 medium (7\" to 7-7/8\" long)".
	Description string  `json:"description"`
	Amount      float64 `json:"amount"`
	// Unit is the normalised measure: "cup", "tbsp", "tsp", "piece",
	// "serving", "oz", or "" when it cannot be classified.
	Unit       string  `json:"unit,omitempty"`
	GramWeight float64 `json:"gram_weight"`
}

// SearchResult is one page of search results.
type SearchResult struct {
	Query      string `json:"query"`
	Page       int    `json:"page"`
	PageSize   int    `json:"page_size"`
	TotalHits  int    `json:"total_hits"`
	TotalPages int    `json:"total_pages"`
	Foods      []Food `json:"foods"`
	Source     string `json:"source"`
}

// ForNutrition converts the food to the nutrition engine's type: grams per
// cup/tbsp/tsp/piece from the first portion of each kind, and a serving of
// the "serving" portion, else one piece, else none (100 g).
func (f Food) ForNutrition() nutrition.Food {
	var p nutrition.Portions
	for _, pt := range f.Portions {
		if pt.Amount <= 0 || pt.GramWeight <= 0 {
			continue
		}
		per := pt.GramWeight / pt.Amount
		switch pt.Unit {
		case "cup":
			if p.GramsPerCup == 0 {
				p.GramsPerCup = per
			}
		case "tbsp":
			if p.GramsPerTbsp == 0 {
				p.GramsPerTbsp = per
			}
		case "tsp":
			if p.GramsPerTsp == 0 {
				p.GramsPerTsp = per
			}
		case "piece":
			if p.GramsPerPiece == 0 {
				p.GramsPerPiece = per
				p.PieceName = pieceName(pt.Description)
			}
		case "serving":
			if p.ServingGrams == 0 {
				p.ServingGrams = per
			}
		}
	}
	if p.ServingGrams == 0 && p.GramsPerPiece > 0 {
		p.ServingGrams = p.GramsPerPiece
	}
	return nutrition.Food{FDCID: f.FDCID, Description: f.Description, Per100g: f.Nutrients, Portions: p}
}

func pieceName(desc string) string {
	d := strings.TrimSpace(desc)
	d = strings.TrimLeft(d, "0123456789./ ")
	if i := strings.IndexAny(d, ",("); i > 0 {
		d = d[:i]
	}
	return strings.TrimSpace(d)
}

// FromEnv returns the USDA API client when USDA_API_KEY is set and the
// offline table otherwise. Options apply to the USDA client.
func FromEnv(opts ...Option) Source {
	if key := strings.TrimSpace(os.Getenv("USDA_API_KEY")); key != "" {
		c, err := NewUSDAClient(key, opts...)
		if err == nil {
			return c
		}
	}
	return NewOffline()
}
