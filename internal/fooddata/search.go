package fooddata

import (
	"sort"
	"strings"
	"unicode"
)

// The offline search index. Descriptions are split into comma-separated
// segments and lower-cased tokens, each reduced by a light plural stemmer
// ("berries" → "berry", "tomatoes" → "tomato", "eggs" → "egg"). A query
// token matches a description token exactly, as a prefix (≥ 3 letters:
// "chick" → "chicken"), as the tail of a compound ("berry" →
// "strawberry"), or within a small edit distance (Damerau-Levenshtein 1 for
// 4–7 letters, 2 for 8+: "bananna" → "banana", "chiken" → "chicken").
//
// Score of a food = Σ over query tokens of the best match weight, where a
// match in the first segment ("Bananas" in "Bananas, raw") counts 1.5×,
// plus bonuses for the first token, adjacent query tokens in order, plain
// forms ("raw", "whole") when the query names no preparation, whole-food
// categories and the table's staple foods,
// minus a little per extra token so that plainer descriptions come first.
// Foods matching every query token rank above foods matching only some.

const (
	wExact     = 1.0
	wPrefix    = 0.75
	wCompound  = 0.6
	wFuzzy1    = 0.8
	wFuzzy2    = 0.65
	firstSeg   = 1.5
	bonusFirst = 0.3
	bonusAdj   = 0.2
	perExtra   = 0.03
)

type posting struct {
	doc   int32
	pos   uint16 // token position in the description
	first bool   // token is in the first comma segment
}

type searchIndex struct {
	postings map[string][]posting
	vocab    []string // sorted
	docLen   []int    // tokens per description
	boost    []float64
	plain    []float64 // bonus for plain-food words ("raw", "whole", …)
}

// categoryBoost favours whole foods over prepared and niche ones.
var categoryBoost = map[string]float64{
	"Fruits and Fruit Juices": 0.1, "Vegetables and Vegetable Products": 0.1, "Poultry Products": 0.1,
	"Finfish and Shellfish Products": 0.1, "Dairy and Egg Products": 0.1, "Legumes and Legume Products": 0.1,
	"Nut and Seed Products": 0.1, "Cereal Grains and Pasta": 0.1, "Beef Products": 0.05, "Pork Products": 0.05,
	"Baby Foods": -0.2, "Fast Foods": -0.1, "Restaurant Foods": -0.1, "American Indian/Alaska Native Foods": -0.2,
	"Meals, Entrees, and Side Dishes": -0.05,
}

// plainWords mark the generic form of a food: "Eggs" should find the
// whole egg before the yolk, "milk" whole milk first.
var plainWords = map[string]float64{"raw": 0.15, "whole": 0.08, "plain": 0.05, "fresh": 0.03}

// preparation words: a query naming one is not asking for "raw".
var preparationWords = map[string]bool{
	"cooked": true, "boiled": true, "baked": true, "roasted": true, "fried": true, "grilled": true,
	"steamed": true, "canned": true, "dried": true, "dry": true, "frozen": true, "braised": true,
	"broiled": true, "stewed": true, "microwaved": true, "toasted": true, "smoked": true, "juice": true,
	"roast": true, "raw": true, "poached": true, "scrambled": true, "mashed": true,
}

// buildIndex indexes the foods; prior[i] (may be nil) is an extra score
// for food i, used for the table's staple foods.
func buildIndex(foods []Food, prior []float64) *searchIndex {
	ix := &searchIndex{
		postings: make(map[string][]posting, 2048),
		docLen:   make([]int, len(foods)),
		boost:    make([]float64, len(foods)),
		plain:    make([]float64, len(foods)),
	}
	for i, f := range foods {
		pos := 0
		for s, seg := range strings.Split(f.Description, ",") {
			for _, t := range tokenize(seg) {
				ix.postings[t] = append(ix.postings[t], posting{doc: int32(i), pos: uint16(pos), first: s == 0})
				ix.plain[i] += plainWords[t]
				pos++
			}
		}
		ix.docLen[i] = pos
		ix.boost[i] = categoryBoost[f.Category]
		if prior != nil {
			ix.boost[i] += prior[i]
		}
	}
	ix.vocab = make([]string, 0, len(ix.postings))
	for t := range ix.postings {
		ix.vocab = append(ix.vocab, t)
	}
	sort.Strings(ix.vocab)
	return ix
}

// tokenize lower-cases, splits on anything but letters and digits, and
// stems each token.
func tokenize(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, t := range f {
		if t = stem(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// stem is a light English plural stemmer, applied alike to descriptions
// and queries so that only consistency matters.
func stem(t string) string {
	n := len(t)
	switch {
	case n > 4 && strings.HasSuffix(t, "ies"):
		return t[:n-3] + "y"
	case n > 4 && strings.HasSuffix(t, "ie"):
		return t[:n-2] + "y"
	case n > 4 && strings.HasSuffix(t, "oes"):
		return t[:n-2]
	case n > 4 && (strings.HasSuffix(t, "ches") || strings.HasSuffix(t, "shes") || strings.HasSuffix(t, "sses") || strings.HasSuffix(t, "xes")):
		return t[:n-2]
	case n > 3 && strings.HasSuffix(t, "s") && !strings.HasSuffix(t, "ss") && !strings.HasSuffix(t, "us") && !strings.HasSuffix(t, "is"):
		return t[:n-1]
	}
	return t
}

type termMatch struct {
	term   string
	weight float64
}

// expand finds the vocabulary terms a query token matches, with weights.
func (ix *searchIndex) expand(q string) []termMatch {
	var out []termMatch
	if _, ok := ix.postings[q]; ok {
		out = append(out, termMatch{q, wExact})
	}
	if len(q) >= 3 {
		i := sort.SearchStrings(ix.vocab, q)
		for ; i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], q); i++ {
			if ix.vocab[i] != q {
				out = append(out, termMatch{ix.vocab[i], wPrefix})
			}
		}
	}
	maxEd := 0
	switch {
	case len(q) >= 8:
		maxEd = 2
	case len(q) >= 4:
		maxEd = 1
	}
	for _, t := range ix.vocab {
		if t == q || (len(q) >= 3 && strings.HasPrefix(t, q)) {
			continue
		}
		if len(q) >= 4 && len(t) > len(q)+2 && strings.HasSuffix(t, q) {
			out = append(out, termMatch{t, wCompound})
			continue
		}
		if maxEd == 0 || abs(len(t)-len(q)) > maxEd || len(t) < 3 {
			continue
		}
		if d := editDistance(q, t, maxEd); d <= maxEd {
			w := wFuzzy1
			if d == 2 {
				w = wFuzzy2
			}
			out = append(out, termMatch{t, w})
		}
	}
	return out
}

type hit struct {
	doc     int
	matched int
	score   float64
}

// search ranks documents for a query and returns all hits in order.
func (ix *searchIndex) search(query string, descLen func(int) int) []hit {
	qs := tokenize(query)
	if len(qs) == 0 {
		return nil
	}
	if len(qs) > 12 {
		qs = qs[:12]
	}
	n := len(ix.docLen)
	best := make([][]float64, len(qs))  // per query token, per doc
	bestPos := make([][]int32, len(qs)) // position of the best match
	for qi, q := range qs {
		best[qi] = make([]float64, n)
		bestPos[qi] = make([]int32, n)
		for _, m := range ix.expand(q) {
			for _, p := range ix.postings[m.term] {
				w := m.weight
				if p.first {
					w *= firstSeg
				}
				if p.pos == 0 {
					w += bonusFirst
				}
				if w > best[qi][p.doc] {
					best[qi][p.doc] = w
					bestPos[qi][p.doc] = int32(p.pos)
				}
			}
		}
	}
	wantsPrep := false
	for _, q := range qs {
		if preparationWords[q] {
			wantsPrep = true
		}
	}
	var hits []hit
	for d := 0; d < n; d++ {
		h := hit{doc: d}
		for qi := range qs {
			if s := best[qi][d]; s > 0 {
				h.matched++
				h.score += s
				if qi > 0 && best[qi-1][d] > 0 && bestPos[qi][d] == bestPos[qi-1][d]+1 {
					h.score += bonusAdj
				}
			}
		}
		if h.matched == 0 {
			continue
		}
		extra := ix.docLen[d] - h.matched
		if extra > 0 {
			h.score -= perExtra * float64(min(extra, 15))
		}
		if !wantsPrep {
			h.score += ix.plain[d]
		}
		h.score += ix.boost[d]
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.matched != b.matched {
			return a.matched > b.matched
		}
		if a.score != b.score {
			return a.score > b.score
		}
		if la, lb := descLen(a.doc), descLen(b.doc); la != lb {
			return la < lb
		}
		return a.doc < b.doc
	})
	return hits
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the optimal-string-alignment Damerau-Levenshtein
// distance, returning max+1 as soon as it must exceed max.
func editDistance(a, b string, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	la, lb := len(a), len(b)
	var buf [3][32]int
	if lb+1 > len(buf[0]) {
		return max + 1
	}
	prev2, prev, cur := buf[0][:lb+1], buf[1][:lb+1], buf[2][:lb+1]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}
