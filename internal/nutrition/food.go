package nutrition

// Nutrients is an amount of each tracked nutrient: per 100 g on a [Food],
// totals elsewhere. Values missing from the source are zero.
type Nutrients struct {
	EnergyKcal    float64 `json:"energy_kcal"`
	ProteinG      float64 `json:"protein_g"`
	CarbohydrateG float64 `json:"carbohydrate_g"`
	FatG          float64 `json:"fat_g"`
	FiberG        float64 `json:"fiber_g"`
	SugarsG       float64 `json:"sugars_g"`
	SodiumMg      float64 `json:"sodium_mg"`
	SaturatedFatG float64 `json:"saturated_fat_g"`
	PotassiumMg   float64 `json:"potassium_mg"`
	CalciumMg     float64 `json:"calcium_mg"`
	IronMg        float64 `json:"iron_mg"`
}

// Scale multiplies every nutrient by k.
func (n Nutrients) Scale(k float64) Nutrients {
	return Nutrients{
		EnergyKcal: n.EnergyKcal * k, ProteinG: n.ProteinG * k, CarbohydrateG: n.CarbohydrateG * k,
		FatG: n.FatG * k, FiberG: n.FiberG * k, SugarsG: n.SugarsG * k, SodiumMg: n.SodiumMg * k,
		SaturatedFatG: n.SaturatedFatG * k, PotassiumMg: n.PotassiumMg * k, CalciumMg: n.CalciumMg * k,
		IronMg: n.IronMg * k,
	}
}

// Add sums two nutrient amounts.
func (n Nutrients) Add(o Nutrients) Nutrients {
	return Nutrients{
		EnergyKcal: n.EnergyKcal + o.EnergyKcal, ProteinG: n.ProteinG + o.ProteinG,
		CarbohydrateG: n.CarbohydrateG + o.CarbohydrateG, FatG: n.FatG + o.FatG, FiberG: n.FiberG + o.FiberG,
		SugarsG: n.SugarsG + o.SugarsG, SodiumMg: n.SodiumMg + o.SodiumMg, SaturatedFatG: n.SaturatedFatG + o.SaturatedFatG,
		PotassiumMg: n.PotassiumMg + o.PotassiumMg, CalciumMg: n.CalciumMg + o.CalciumMg, IronMg: n.IronMg + o.IronMg,
	}
}

// Rounded rounds energy and grams to 0.1 and milligrams to 0.1.
func (n Nutrients) Rounded() Nutrients {
	return Nutrients{
		EnergyKcal: round1(n.EnergyKcal), ProteinG: round1(n.ProteinG), CarbohydrateG: round1(n.CarbohydrateG),
		FatG: round1(n.FatG), FiberG: round1(n.FiberG), SugarsG: round1(n.SugarsG), SodiumMg: round1(n.SodiumMg),
		SaturatedFatG: round1(n.SaturatedFatG), PotassiumMg: round1(n.PotassiumMg), CalciumMg: round1(n.CalciumMg),
		IronMg: round1(n.IronMg),
	}
}

// Portions are household-measure weights of a food, used to turn volumes
// and counts into grams. Zero means unknown.
type Portions struct {
	GramsPerCup  float64 `json:"grams_per_cup,omitempty"` // US customary cup, 236.6 ml
	GramsPerTbsp float64 `json:"grams_per_tbsp,omitempty"`
	GramsPerTsp  float64 `json:"grams_per_tsp,omitempty"`
	// GramsPerPiece is a typical single item (one medium banana, one large
	// egg, one slice of bread); PieceName describes it.
	GramsPerPiece float64 `json:"grams_per_piece,omitempty"`
	PieceName     string  `json:"piece_name,omitempty"`
	// DensityGPerML, when known directly; otherwise derived from the cup,
	// tablespoon or teaspoon weight.
	DensityGPerML float64 `json:"density_g_per_ml,omitempty"`
	// ServingGrams is one serving for meal analysis by servings; 0 means
	// the 100 g reference amount.
	ServingGrams float64 `json:"serving_grams,omitempty"`
}

// Food is a food's composition as the engine needs it. The caller builds
// it from its food-data source (fooddata.Food.ForNutrition does).
type Food struct {
	FDCID       int       `json:"fdc_id"`
	Description string    `json:"description"`
	Per100g     Nutrients `json:"nutrients_per_100g"`
	Portions    Portions  `json:"portions"`
}

// Density returns the food's density in g/ml and whether it is known
// (directly, or from its cup/tbsp/tsp weight).
func (p Portions) Density() (float64, bool) {
	switch {
	case p.DensityGPerML > 0:
		return p.DensityGPerML, true
	case p.GramsPerCup > 0:
		return p.GramsPerCup / MlPerCup, true
	case p.GramsPerTbsp > 0:
		return p.GramsPerTbsp / MlPerTbsp, true
	case p.GramsPerTsp > 0:
		return p.GramsPerTsp / MlPerTsp, true
	}
	return 0, false
}
