package store

import (
	"fmt"
	"testing"
	"unicode/utf8"
)

func TestSearchTermsAndTags(t *testing.T) {
	for in, want := range map[string]string{
		"Chicken & Rice!":           "[chicken rice]",
		`chicken" OR owner:* NEAR(`: "[chicken or owner near]",
		"crème brûlée":              "[crème brûlée]",
		"a b c d e f g h i j":       "[a b c d e f g h]",
		"!!!":                       "[]",
	} {
		if got := fmt.Sprint(SearchTerms(in)); got != want {
			t.Errorf("SearchTerms(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{"High Protein": "high-protein", "gluten_free": "gluten-free", " -quick- ": "quick", "100% vegan!": "100-vegan", "%_": ""} {
		if got := NormalizeTag(in); got != want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSearchTerms: whatever the user types, only letters and digits reach
// a full-text query, and tags hold only [a-z0-9-].
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"chicken rice", `"x" OR y*`, "NEAR(a b)", "{name}: x", "tag:*A & b", "é\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := SearchTerms(s)
		if len(words) > 8 {
			t.Fatalf("%d words", len(words))
		}
		for _, w := range words {
			if w == "" || utf8.RuneCountInString(w) > 40 {
				t.Fatalf("bad word %q", w)
			}
			for _, r := range w {
				if !isWordRune(r) {
					t.Fatalf("word %q holds %q", w, r)
				}
			}
		}
		for _, r := range NormalizeTag(s) {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("tag %q holds %q", NormalizeTag(s), r)
			}
		}
	})
}
