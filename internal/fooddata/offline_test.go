package fooddata

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

func TestOfflineTable(t *testing.T) {
	o := NewOffline()
	foods, err := o.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(foods) < 400 {
		t.Fatalf("offline table has %d foods, want at least 400", len(foods))
	}
	cats := map[string]int{}
	for _, f := range foods {
		cats[f.Category]++
		if f.Description == "" || f.NDBNumber <= 0 || f.Source != SourceOffline || f.DataType != "SR Legacy" ||
			(f.IDStatus == IDOfflineOnly) != (f.FDCID == OfflineIDBase+f.NDBNumber) {
			t.Errorf("bad row %+v", f)
		}
		n := f.Nutrients
		// Data-integrity check: energy is near 4P + 4(C − fibre) + 2 fibre
		// + 9F (SR uses food-specific Atwater factors; alcohol adds 7 kcal/g).
		if est := 4*n.ProteinG + 4*(n.CarbohydrateG-n.FiberG) + 2*n.FiberG + 9*n.FatG; n.EnergyKcal > 0 && (est > 1.6*n.EnergyKcal+12 || est < 0.6*n.EnergyKcal-12) && !strings.Contains(f.Description, "lcohol") {
			t.Errorf("%s: %v kcal but macros give %.0f", f.Description, n.EnergyKcal, est)
		}
	}
	for _, c := range []string{"Fruits and Fruit Juices", "Vegetables and Vegetable Products", "Cereal Grains and Pasta", "Baked Products",
		"Legumes and Legume Products", "Nut and Seed Products", "Dairy and Egg Products", "Poultry Products", "Beef Products",
		"Finfish and Shellfish Products", "Fats and Oils", "Sweets", "Beverages"} {
		if cats[c] < 5 {
			t.Errorf("category %q has only %d foods", c, cats[c])
		}
	}
}

// FDC 173944 "Bananas, raw" (SR Legacy NDB 09040): per-100 g values as
// USDA publishes them.
func TestOfflineBananaPinned(t *testing.T) {
	f, err := NewOffline().Food(context.Background(), 173944)
	if err != nil {
		t.Fatal(err)
	}
	want := nutrition.Nutrients{EnergyKcal: 89, ProteinG: 1.09, CarbohydrateG: 22.84, FatG: 0.33, FiberG: 2.6, SugarsG: 12.23,
		SodiumMg: 1, SaturatedFatG: 0.112, PotassiumMg: 358, CalciumMg: 5, IronMg: 0.26}
	if f.Description != "Bananas, raw" || f.NDBNumber != 9040 || f.Nutrients != want || f.IDStatus != IDVerified {
		t.Fatalf("banana = %+v", f)
	}
	nf := f.ForNutrition()
	if nf.Portions.GramsPerPiece != 118 || nf.Portions.GramsPerCup != 225 {
		t.Errorf("portions %+v", nf.Portions)
	}
	// Grams to macros through the nutrition engine: one medium banana.
	m, err := nutrition.AnalyzeMeal([]nutrition.MealItem{{FDCID: 173944, Servings: 1}}, map[int]nutrition.Food{173944: nf})
	if err != nil {
		t.Fatal(err)
	}
	if m.TotalGrams != 118 || m.Totals.EnergyKcal != 105 || m.Totals.CarbohydrateG != 27 || m.Totals.ProteinG != 1.3 || m.Totals.FatG != 0.4 {
		t.Errorf("one banana = %+v", m.Totals)
	}
	c, err := nutrition.AmountToGrams(1, "piece", nf.Portions)
	if err != nil || c.Grams != 118 {
		t.Errorf("1 banana = %v, %v", c, err)
	}
}

func TestOfflineUnknownAndBadInput(t *testing.T) {
	o := NewOffline()
	ctx := context.Background()
	_, err := o.Food(ctx, 1)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := o.Food(ctx, -3); nutrition.FieldOf(err) != "fdc_id" {
		t.Errorf("negative id: %v", err)
	}
	if _, err := o.Search(ctx, "", 1, 10); nutrition.FieldOf(err) != "query" {
		t.Errorf("empty query: %v", err)
	}
	if _, err := o.Search(ctx, "banana", 1, 0); nutrition.FieldOf(err) != "page_size" {
		t.Errorf("page size 0: %v", err)
	}
	r, err := o.Search(ctx, "xqzvw", 1, 10)
	if err != nil || r.TotalHits != 0 || len(r.Foods) != 0 {
		t.Errorf("nonsense query: %+v %v", r, err)
	}
}

func top(t *testing.T, q string, n int) []string {
	t.Helper()
	r, err := NewOffline().Search(context.Background(), q, 1, n)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(r.Foods))
	for i, f := range r.Foods {
		out[i] = f.Description
	}
	return out
}

func TestSearchRelevance(t *testing.T) {
	firsts := map[string]string{
		"banana":         "Bananas, raw",
		"apple":          "Apples, raw, with skin",
		"egg":            "Egg, whole, raw, fresh",
		"broccoli":       "Broccoli, raw",
		"olive oil":      "Oil, olive, salad or cooking",
		"sweet potato":   "Sweet potato, raw, unprepared",
		"greek yogurt":   "Yogurt, Greek, plain, nonfat",
		"strawberries":   "Strawberries, raw",
		"avocado":        "Avocados, raw, all commercial varieties",
		"milk":           "Milk, whole, 3.25% milkfat, with added vitamin D",
		"almonds":        "Nuts, almonds",
		"peanut butter":  "Peanut butter, smooth style, with salt (Includes foods for USDA's Food Distribution Program)",
		"ground beef 90": "Beef, ground, 90% lean meat / 10% fat, raw",
		"quinoa cooked":  "Quinoa, cooked",
	}
	for q, want := range firsts {
		if got := top(t, q, 3); len(got) == 0 || got[0] != want {
			t.Errorf("search %q: top = %q, want %q", q, got, want)
		}
	}
	// Generic "banana": the fruit before banana chips.
	got := top(t, "banana", 10)
	if idx(got, "Banana chips") < 0 || idx(got, "Banana chips") < idx(got, "Bananas, raw") {
		t.Errorf("banana order %q", got)
	}
	// "chicken breast" returns only chicken breasts, raw/plain first.
	for _, d := range top(t, "chicken breast", 5) {
		if !strings.HasPrefix(d, "Chicken") || !strings.Contains(d, "breast") {
			t.Errorf("chicken breast hit %q", d)
		}
	}
}

func idx(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

func TestSearchTypoAndPluralTolerance(t *testing.T) {
	same := [][2]string{
		{"bananna", "banana"},
		{"bananas", "banana"},
		{"chiken breast", "chicken breast"},
		{"eggs", "egg"},
		{"brocoli", "broccoli"},
		{"strawbery", "strawberry"},
		{"tomatoe", "tomato"},
		{"tomatoes", "tomato"},
		{"yoghurt", "yogurt"},
		{"peanutt butter", "peanut butter"},
		{"almond", "almonds"},
		{"potatos", "potatoes"},
		{"salmom", "salmon"},
	}
	for _, c := range same {
		a, b := top(t, c[0], 1), top(t, c[1], 1)
		if len(a) == 0 || len(b) == 0 || a[0] != b[0] {
			t.Errorf("%q → %q, %q → %q: want the same top hit", c[0], a, c[1], b)
		}
	}
	// "berries"/"berry" find the berries (compound words).
	for _, q := range []string{"berries", "berry"} {
		got := strings.Join(top(t, q, 10), " | ")
		for _, want := range []string{"Blueberries, raw", "Strawberries, raw", "Raspberries, raw", "Blackberries, raw"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q: %q missing from %s", q, want, got)
			}
		}
	}
	// Prefix: "chick" finds chicken.
	if got := top(t, "chick", 1); len(got) == 0 || !strings.HasPrefix(got[0], "Chicken") {
		t.Errorf("prefix chick → %q", got)
	}
	// Short tokens are not fuzzed: "pea" must not match "tea".
	for _, d := range top(t, "pea", 20) {
		if strings.Contains(strings.ToLower(d), "tea,") {
			t.Errorf("pea matched %q", d)
		}
	}
}

func TestOfflinePaging(t *testing.T) {
	o := NewOffline()
	ctx := context.Background()
	all, _ := o.Search(ctx, "cheese", 1, 200)
	p1, _ := o.Search(ctx, "cheese", 1, 5)
	p2, _ := o.Search(ctx, "cheese", 2, 5)
	if p1.TotalHits != all.TotalHits || p1.TotalPages != (all.TotalHits+4)/5 || len(p1.Foods) != 5 {
		t.Fatalf("page 1 %+v", p1)
	}
	for i := 0; i < 5; i++ {
		if p1.Foods[i].FDCID != all.Foods[i].FDCID || p2.Foods[i].FDCID != all.Foods[5+i].FDCID {
			t.Fatalf("pages do not tile the full result")
		}
	}
	last, _ := o.Search(ctx, "cheese", 1000, 5)
	if len(last.Foods) != 0 || last.Foods == nil {
		t.Errorf("past the end: %+v", last)
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"banana", "banana", 1, 0}, {"bananna", "banana", 1, 1}, {"chiken", "chicken", 1, 1},
		{"ab", "ba", 1, 1}, {"kitten", "sitting", 3, 3}, {"kitten", "sitting", 1, 2}, {"abc", "xyz", 2, 3},
	} {
		if got := editDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

// benchQueries are realistic search_food queries, typos included.
var benchQueries = []string{
	"banana", "chicken breast", "brown rice", "greek yogurt", "oats", "eggs", "salmon", "sweet potato", "broccoli",
	"peanut butter", "almonds", "whole wheat bread", "pasta cooked", "olive oil", "avocado", "blueberries", "spinach",
	"milk", "cheddar cheese", "ground beef", "tuna canned", "lentils", "black beans", "quinoa", "apple", "orange juice",
	"whey protein", "gatorade", "bagel", "honey", "chiken", "bananna", "brocoli", "yoghurt", "strawbery", "potatos",
	"white rice cooked", "turkey breast roasted", "cottage cheese", "protein bar",
}

func BenchmarkOfflineSearch(b *testing.B) {
	o := NewOffline()
	ctx := context.Background()
	if _, err := o.Search(ctx, "warm up", 1, 10); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := o.Search(ctx, benchQueries[i%len(benchQueries)], 1, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSearchLatency measures each query of benchQueries many times and
// checks the p95 budget of 1 ms (skipped under the race detector, which
// slows everything ~10×). Run with -v to see p50/p95.
func TestSearchLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("latency measurement skipped in -short mode")
	}
	o := NewOffline()
	ctx := context.Background()
	o.Search(ctx, "warm up", 1, 10)
	var d []time.Duration
	for round := 0; round < 25; round++ {
		for _, q := range benchQueries {
			start := time.Now()
			if _, err := o.Search(ctx, q, 1, 10); err != nil {
				t.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	p50, p95, p99 := d[len(d)/2], d[len(d)*95/100], d[len(d)*99/100]
	t.Logf("offline search over %d foods, %d calls: p50 %v, p95 %v, p99 %v, max %v", NewOffline().Len(), len(d), p50, p95, p99, d[len(d)-1])
	if !raceEnabled && p95 > time.Millisecond {
		t.Errorf("p95 %v over the 1 ms budget", p95)
	}
}
