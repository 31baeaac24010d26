package toon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// assertSameJSON fails t unless decoded (a value returned by Unmarshal)
// equals the JSON document want as encoding/json decodes it, numbers
// compared by value.
func assertSameJSON(t testing.TB, want []byte, decoded any) {
	t.Helper()
	ref, err := decodeJSON(want)
	if err != nil {
		t.Fatalf("reference JSON %s: %v", want, err)
	}
	if path, ok := equalJSON(ref, decoded, "$"); !ok {
		t.Fatalf("value differs at %s\n want: %s\n  got: %#v", path, want, decoded)
	}
}

// decodeJSON decodes data keeping numbers as json.Number, so that the
// comparison can check the digits TOON carries rather than a float64
// rounding of them.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func equalJSON(a, b any, path string) (string, bool) {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return path, false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok {
				return path + "." + k, false
			}
			if p, ok := equalJSON(av, bv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return path, false
		}
		for i := range a {
			if p, ok := equalJSON(a[i], bs[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	case json.Number:
		bn, ok := b.(json.Number)
		return path, ok && numbersEqual(string(a), string(bn))
	default:
		return path, a == b
	}
}

// numbersEqual compares two JSON numbers exactly. The only inexact case the
// encoder allows is a magnitude below 1e-400, which it writes as 0.
func numbersEqual(x, y string) bool {
	fx, errx := strconv.ParseFloat(x, 64)
	fy, erry := strconv.ParseFloat(y, 64)
	if errx == nil && erry == nil && fx == 0 && fy == 0 {
		return true
	}
	if hugeExponent(x) || hugeExponent(y) {
		return errx == nil && erry == nil && fx == fy
	}
	rx, ok1 := new(big.Rat).SetString(x)
	ry, ok2 := new(big.Rat).SetString(y)
	return ok1 && ok2 && rx.Cmp(ry) == 0
}

// hugeExponent reports an exponent too large for big.Rat to expand cheaply.
func hugeExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err != nil || e > 1000 || e < -1000
}

// gen produces random JSON-model values biased towards the shapes and
// strings where TOON's rules bite: uniform object arrays, nested arrays,
// empty containers, and strings that look like numbers, literals, headers,
// list items or contain delimiters, quotes and control characters.
type gen struct {
	r     *rand.Rand
	depth int
}

var trickyStrings = []string{
	"", " ", "  ", " a", "a ", "-", "-x", "- item", "#", "#x", "+1", "1", "-1", "05", "1.5", "1e5", "1E-5",
	"0.5", ".5", "5.", "1.2.3", "true", "false", "null", "True", "NaN", "Infinity", "a,b", "a|b", "a\tb",
	"a:b", "a: b", ":", `"`, `a"b`, `\`, `a\nb`, "a\nb", "a\rb", "[1]", "[0]:", "{x}", "k[2]: a,b",
	"x[2]{a,b}:", "é", "日本", "🎉", "a\u00a0", "\u00a0a", "\ufeff1", "\u2028", "a\x00b", "\x1f", "\x7f",
	"a b", "hello world", "[]", "- [1]: x", "a\\\"", `""`, "1_000", "0x10",
}

var keyPool = []string{
	"id", "name", "a", "b", "c", "sport_type", "x.y", "_k", "", "1", "a b", "a:b", "-k", "#k", "é",
	"[0]", "{k}", `q"`, "a,b", "a|b", "a\tb", "a\nb", "true", "null", "K9",
}

func (g *gen) str() string {
	if g.r.IntN(3) > 0 {
		return trickyStrings[g.r.IntN(len(trickyStrings))]
	}
	var b strings.Builder
	for n := g.r.IntN(8); n > 0; n-- {
		switch g.r.IntN(6) {
		case 0:
			b.WriteRune(rune(g.r.IntN(0x80)))
		case 1:
			b.WriteRune(rune(0x80 + g.r.IntN(0x800)))
		case 2:
			b.WriteRune(rune(0x1F300 + g.r.IntN(0x100)))
		default:
			const alphabet = "abcXYZ019 ,:|\t-\"\\[]{}#."
			b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
		}
	}
	return b.String()
}

func (g *gen) key() string {
	if g.r.IntN(2) == 0 {
		return keyPool[g.r.IntN(len(keyPool))]
	}
	return g.str()
}

func (g *gen) number() any {
	switch g.r.IntN(8) {
	case 0:
		return g.r.IntN(1000) - 500
	case 1:
		return g.r.Int64()
	case 2:
		return math.Float64frombits(g.r.Uint64()) // NaN/Inf are replaced below
	case 3:
		return g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(40)-20))
	case 4:
		return math.Copysign(0, -1)
	case 5:
		return []float64{1e-7, 1e21, 123456789012345680000, 5e-324, math.MaxFloat64, 0.1, 1.5}[g.r.IntN(7)]
	case 6:
		return json.Number([]string{"1.50", "1E+2", "-0.0", "0e5", "12345678901234567890123", "1e-500", "-1.25e-3", "100e-2"}[g.r.IntN(8)])
	default:
		return g.r.Float64() * 1000
	}
}

func (g *gen) primitive() any {
	switch g.r.IntN(6) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2, 3:
		n := g.number()
		if f, ok := n.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			return 0.25
		}
		return n
	default:
		return g.str()
	}
}

func (g *gen) value() any {
	if g.depth > 5 {
		return g.primitive()
	}
	g.depth++
	defer func() { g.depth-- }()
	switch g.r.IntN(10) {
	case 0, 1:
		return g.object(g.r.IntN(5))
	case 2:
		return g.array()
	case 3:
		return g.uniformArray()
	default:
		return g.primitive()
	}
}

func (g *gen) object(n int) map[string]any {
	m := make(map[string]any, n)
	for range n {
		m[g.key()] = g.value()
	}
	return m
}

func (g *gen) array() []any {
	n := g.r.IntN(5)
	a := make([]any, n)
	allPrim := g.r.IntN(2) == 0
	for i := range a {
		if allPrim {
			a[i] = g.primitive()
		} else {
			a[i] = g.value()
		}
	}
	return a
}

// uniformArray builds an array of objects sharing one key set, with a
// chance of breaking uniformity in one element or with one nested value.
func (g *gen) uniformArray() []any {
	keys := make([]string, 1+g.r.IntN(4))
	for i := range keys {
		keys[i] = g.key()
	}
	a := make([]any, 1+g.r.IntN(4))
	for i := range a {
		m := make(map[string]any, len(keys))
		for _, k := range keys {
			m[k] = g.primitive()
		}
		switch g.r.IntN(8) {
		case 0:
			m[g.key()] = g.primitive()
		case 1:
			m[keys[0]] = g.value()
		case 2:
			delete(m, keys[0])
		}
		a[i] = m
	}
	return a
}

func TestRoundTripGenerated(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	g := &gen{r: rand.New(rand.NewPCG(1, 2))}
	for i := range n {
		v := g.value()
		if i%3 == 0 {
			v = g.object(1 + g.r.IntN(6))
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("case %d: json.Marshal: %v", i, err)
		}
		out, err := Marshal(v)
		if err != nil {
			t.Fatalf("case %d: Marshal(%s): %v", i, js, err)
		}
		viaJSON, err := FromJSON(js)
		if err != nil {
			t.Fatalf("case %d: FromJSON(%s): %v", i, js, err)
		}
		if !bytes.Equal(out, viaJSON) {
			t.Fatalf("case %d: Marshal and FromJSON differ for %s:\n%s\n---\n%s", i, js, out, viaJSON)
		}
		back, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("case %d: Unmarshal failed for %s:\n%s\nerror: %v", i, js, out, err)
		}
		ref, err := decodeJSON(js)
		if err != nil {
			t.Fatal(err)
		}
		if path, ok := equalJSON(ref, back, "$"); !ok {
			t.Fatalf("case %d: round trip differs at %s\njson: %s\ntoon:\n%s\ngot: %#v", i, path, js, out, back)
		}
		// The encoder's output is canonical: re-encoding what was decoded
		// reproduces it byte for byte.
		again, err := Marshal(back)
		if err != nil {
			t.Fatalf("case %d: re-Marshal: %v", i, err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("case %d: not canonical for %s:\n%s\n---\n%s", i, js, out, again)
		}
	}
}
