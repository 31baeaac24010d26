package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	for in, want := range map[string]string{
		"CHICKEN, BROILERS OR FRYERS, BREAST, MEAT ONLY, CKD, RSTD": "Chicken, broilers or fryers, breast, meat only, cooked, roasted",
		"MILK, WHL, 3.25% MILKFAT, WITH ADDED VITAMIN D":            "Milk, whole, 3.25% milkfat, with added vitamin d",
	} {
		if got := Expand(in); got != want {
			t.Errorf("Expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatPortion(t *testing.T) {
	for _, c := range []struct {
		g    float64
		d    string
		want string
		ok   bool
	}{
		{225, "1 cup, mashed", "1|225|1 cup, mashed", true},
		{27, ".333 cup", "0.333|27|.333 cup", true},
		{5, `1 pat,  (1" sq; 1/3" high)`, `1|5|1 pat, (1" sq, 1/3" high)`, true},
		{10, "cup", "", false},
	} {
		got, ok := formatPortion(c.g, c.d)
		if got != c.want || ok != c.ok {
			t.Errorf("formatPortion(%v, %q) = %q, %v", c.g, c.d, got, ok)
		}
	}
}

// The committed selection is valid, and a table generated from a two-food
// SR28 extract has the expected rows.
func TestGenerateFromExtract(t *testing.T) {
	rows, err := readSelection("selection.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 400 {
		t.Fatalf("selection has %d foods", len(rows))
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "full.json")
	row := func(ndb, desc string, kcal float64, gm1 any, d1 string) string {
		vals := make([]string, 53)
		for i := range vals {
			vals[i] = "1.5"
		}
		vals[0], vals[1], vals[3] = `"`+ndb+`"`, `"`+desc+`"`, ftoa(kcal)
		vals[8] = `""`
		vals[48], vals[49], vals[50], vals[51] = toJSON(gm1), `"`+d1+`"`, `""`, `""`
		return "[" + strings.Join(vals, ",") + "]"
	}
	data := "[" + row("09040", "BANANAS, RAW", 89, 225.0, "1 cup, mashed") + "," + row("20045", "RICE, WHITE, LONG-GRAIN, REG, ENR, CKD", 130, 158.0, "1 cup") + "]"
	if err := os.WriteFile(src, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sr, err := readSR28(src)
	if err != nil {
		t.Fatal(err)
	}
	sel := []selRow{
		{ndb: "09040", fdcID: 173944, idSource: "x", description: "Bananas, raw", pieceDesc: "1 medium", pieceGrams: 118},
		{ndb: "20045"},
	}
	out := filepath.Join(dir, "foods.csv")
	n, err := writeTable(out, sel, sr)
	if err != nil || n != 2 {
		t.Fatalf("writeTable = %d, %v", n, err)
	}
	f, _ := os.Open(out)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[1], ","); got != "173944,9040,Bananas, raw,Fruits and Fruit Juices,89,1.5,1.5,1.5,,1.5,1.5,1.5,1.5,1.5,1.5,1|225|1 cup, mashed;1|118|1 medium,x" {
		t.Errorf("banana row %s", got)
	}
	if recs[2][0] != "90020045" || recs[2][2] != "Rice, white, long-grain, regular, enriched, cooked" || recs[2][16] != "o" {
		t.Errorf("rice row %v", recs[2])
	}
	if _, err := writeTable(out, []selRow{{ndb: "11111"}}, sr); err == nil {
		t.Error("unknown NDB accepted")
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func toJSON(v any) string {
	if f, ok := v.(float64); ok {
		return ftoa(f)
	}
	return `""`
}
