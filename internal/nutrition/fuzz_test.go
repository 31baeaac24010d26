package nutrition

import (
	"errors"
	"testing"
)

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"200g", "1 1/2 cups", "½ cup", "2 tbsp. olive oil", "1,5 kg", "1,000 g", "12 fl oz", "3 large eggs", "", "1/0", "..", "9999999 kg", "1e308 g", "0x10 g", "⅞ tsp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, u, err := ParseAmount(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || (ie.Field != "quantity" && ie.Field != "unit") {
				t.Fatalf("ParseAmount(%q) error %v is not an InputError on quantity/unit", s, err)
			}
			return
		}
		if !finite(q) || q < 0 || q > MaxQuantity {
			t.Fatalf("ParseAmount(%q) quantity %v", s, q)
		}
		if _, err := ParseUnit(string(u)); err != nil {
			t.Fatalf("ParseAmount(%q) unit %q does not parse back", s, u)
		}
		if u != Piece {
			c, err := ToGrams(q, u, Portions{})
			if err != nil || !finite(c.Grams) || c.Grams < 0 {
				t.Fatalf("ToGrams(%v, %s) = %v, %v", q, u, c, err)
			}
		}
	})
}
