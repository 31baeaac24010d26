package toon

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzRoundTrip checks JSON → TOON → JSON on arbitrary input: every document
// encoding/json accepts must encode, decode without error and equal what
// encoding/json decodes; every document it rejects must be rejected.
func FuzzRoundTrip(f *testing.F) {
	for _, tc := range specEncodeCases {
		f.Add([]byte(tc.json))
	}
	for _, s := range []string{
		`{"a":[{"b":1,"c":[1,2]},{"b":2,"c":[]}]}`,
		`[[[{"x":{"y":[{}]}}]]]`,
		`{"k":"\u0000\u001f\ud800\udc00\ud800","k2":"\ufeff"}`,
		`{"a":1,"a":{"b":1,"b":2}}`,
		`[1e-400,-1e-7,123.456e-2,1E+2]`,
		"\"\xff\xfe\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := FromJSON(data)
		var ref any
		if json.Unmarshal(data, &ref) != nil {
			// Invalid JSON must be rejected; valid JSON that encoding/json
			// cannot hold in a float64 (1e400) may be either.
			if err == nil && !json.Valid(data) {
				t.Fatalf("FromJSON accepted invalid JSON %q", data)
			}
			return
		}
		if err != nil {
			t.Fatalf("FromJSON(%q): %v", data, err)
		}
		back, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal of FromJSON(%q) failed: %v\n%s", data, err, out)
		}
		want, err := decodeJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		if path, ok := equalJSON(want, back, "$"); !ok {
			t.Fatalf("round trip of %q differs at %s\ntoon:\n%s", data, path, out)
		}
	})
}

// FuzzUnmarshal feeds arbitrary text to the decoder. It must never panic;
// errors must be *SyntaxError pointing at a line of the input; and whatever
// it accepts must survive TOON → JSON → TOON → value unchanged.
func FuzzUnmarshal(f *testing.F) {
	for _, tc := range specEncodeCases {
		f.Add([]byte(tc.want))
	}
	for _, tc := range specDecodeCases {
		f.Add([]byte(tc.toon))
	}
	for _, s := range []string{
		"items[2]:\n  - a\n\n  - b",
		"a[2|]{x|y}:\n  \"1|2\"|3\n  4|\"\\\"\"",
		"-\n- x",
		"[1]:\n  -\n    a:\n      - x",
		"x: \"\\",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unmarshal(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Unmarshal(%q) error %v is not a *SyntaxError", data, err)
			}
			if lines := bytes.Count(data, []byte("\n")) + 1; se.Line < 1 || se.Line > lines {
				t.Fatalf("Unmarshal(%q) error on line %d of %d", data, se.Line, lines)
			}
			return
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal of decoded %q: %v", data, err)
		}
		out, err := FromJSON(js)
		if err != nil {
			t.Fatalf("FromJSON(%s): %v", js, err)
		}
		back, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("re-decoding %q failed: %v\n%s", data, err, out)
		}
		if path, ok := equalJSON(normalise(t, js), back, "$"); !ok {
			t.Fatalf("%q: re-encoded value differs at %s\n%s", data, path, out)
		}
	})
}

// normalise decodes js with json.Number, the form Unmarshal returns.
func normalise(t *testing.T, js []byte) any {
	v, err := decodeJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzFilled: the filled-table rendering of any JSON document parses back,
// and every value present in the input survives (absent keys may become null).
func FuzzFilled(f *testing.F) {
	for _, s := range []string{`[{"a":1,"b":2},{"a":3}]`, `{"x":[{"a":"q,r"},{"b":null}]}`, `[[1],{"a":[]}]`, `"s"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		out, err := FromJSONFilled(data)
		if err != nil {
			return // values encoding/json accepts but TOON cannot hold (e.g. huge numbers)
		}
		if _, err := Unmarshal(out); err != nil {
			t.Fatalf("filled output does not parse: %v\n%s\n%s", err, data, out)
		}
	})
}
