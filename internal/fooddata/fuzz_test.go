package fooddata

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

func checkNutrients(t *testing.T, n nutrition.Nutrients) {
	for _, v := range []float64{n.EnergyKcal, n.ProteinG, n.CarbohydrateG, n.FatG, n.FiberG, n.SugarsG, n.SodiumMg, n.SaturatedFatG, n.PotassiumMg, n.CalciumMg, n.IronMg} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("bad nutrient value %v in %+v", v, n)
		}
	}
}

func addFixtureSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"fdcId":"12","foodNutrients":[{"number":208,"amount":-1},{"nutrientId":"1008","value":1e309}]}`))
}

func FuzzParseFood(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		food, err := parseFood(body)
		if err != nil {
			return
		}
		if food.FDCID <= 0 {
			t.Fatalf("accepted food without id: %+v", food)
		}
		checkNutrients(t, food.Nutrients)
		for _, p := range food.Portions {
			if !(p.GramWeight > 0) || !(p.Amount > 0) || math.IsInf(p.GramWeight, 0) {
				t.Fatalf("bad portion %+v", p)
			}
		}
		nf := food.ForNutrition()
		for _, v := range []float64{nf.Portions.GramsPerCup, nf.Portions.GramsPerPiece, nf.Portions.ServingGrams} {
			if v < 0 || math.IsNaN(v) {
				t.Fatalf("bad portion weight %+v", nf.Portions)
			}
		}
	})
}

func FuzzParseSearch(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		_, foods, err := parseSearch(body)
		if err != nil {
			return
		}
		for _, food := range foods {
			if food.FDCID <= 0 {
				t.Fatalf("accepted food without id")
			}
			checkNutrients(t, food.Nutrients)
		}
	})
}
