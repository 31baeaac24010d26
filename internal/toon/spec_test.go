package toon

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// The expected outputs below are the examples of the TOON specification
// (SPEC.md v3.0 §5–§12 and Appendix A) and of its conformance fixtures
// (tests/fixtures/encode), restricted to behaviour v3.0 defines.

type encodeCase struct {
	name string
	json string
	want string
}

var specEncodeCases = []encodeCase{
	// Objects (§8, Appendix A).
	{"object", `{"id":123,"name":"Ada","active":true}`, "id: 123\nname: Ada\nactive: true"},
	{"null field", `{"id":123,"value":null}`, "id: 123\nvalue: null"},
	{"empty root object", `{}`, ""},
	{"nested object", `{"user":{"id":123,"name":"Ada"}}`, "user:\n  id: 123\n  name: Ada"},
	{"deep nesting", `{"a":{"b":{"c":"deep"}}}`, "a:\n  b:\n    c: deep"},
	{"empty nested object", `{"user":{}}`, "user:"},
	{"dotted key stays literal", `{"user.name":"Ada"}`, "user.name: Ada"},
	{"key order preserved", `{"z":1,"a":2}`, "z: 1\na: 2"},

	// Primitive arrays (§9.1).
	{"primitive array", `{"tags":["admin","ops","dev"]}`, "tags[3]: admin,ops,dev"},
	{"number array", `{"nums":[1,2,3]}`, "nums[3]: 1,2,3"},
	{"mixed primitives", `{"data":["x","y",true,10]}`, "data[4]: x,y,true,10"},
	{"empty array", `{"items":[]}`, "items[0]:"},
	{"empty string element", `{"items":[""]}`, `items[1]: ""`},
	{"empty string among elements", `{"items":["a","","b"]}`, `items[3]: a,"",b`},
	{"whitespace-only elements", `{"items":[" ","  "]}`, `items[2]: " ","  "`},
	{"delimiter and colon in elements", `{"items":["a","b,c","d:e"]}`, `items[3]: a,"b,c","d:e"`},
	{"literal-like elements", `{"items":["x","true","42","-3.14"]}`, `items[4]: x,"true","42","-3.14"`},
	{"structural elements", `{"items":["[5]","- item","{key}"]}`, `items[3]: "[5]","- item","{key}"`},
	{"empty key with array", `{"":[1,2,3]}`, `""[3]: 1,2,3`},
	{"quoted key with array", `{"my-key":[1,2,3]}`, `"my-key"[3]: 1,2,3`},
	{"root primitive array", `["x","y","true",true,10]`, `[5]: x,y,"true",true,10`},
	{"unicode elements", `{"tags":["🎉","🎊","🎈"]}`, "tags[3]: 🎉,🎊,🎈"},

	// Arrays of arrays (§9.2).
	{"pairs", `{"pairs":[[1,2],[3,4]]}`, "pairs[2]:\n  - [2]: 1,2\n  - [2]: 3,4"},
	{"pairs with quoting", `{"pairs":[["a","b"],["c,d","e:f","true"]]}`, "pairs[2]:\n  - [2]: a,b\n  - [3]: \"c,d\",\"e:f\",\"true\""},
	{"empty inner arrays", `{"pairs":[[],[]]}`, "pairs[2]:\n  - [0]:\n  - [0]:"},
	{"mixed-length inner arrays", `{"pairs":[[1],[2,3]]}`, "pairs[2]:\n  - [1]: 1\n  - [2]: 2,3"},
	{"root arrays of arrays", `[[1,2],[]]`, "[2]:\n  - [2]: 1,2\n  - [0]:"},

	// Tabular arrays (§9.3).
	{"tabular", `{"items":[{"sku":"A1","qty":2,"price":9.99},{"sku":"B2","qty":1,"price":14.5}]}`, "items[2]{sku,qty,price}:\n  A1,2,9.99\n  B2,1,14.5"},
	{"tabular with null", `{"items":[{"id":1,"value":null},{"id":2,"value":"test"}]}`, "items[2]{id,value}:\n  1,null\n  2,test"},
	{"tabular quoting", `{"items":[{"sku":"A,1","desc":"cool","qty":2},{"sku":"B2","desc":"wip: test","qty":1}]}`, "items[2]{sku,desc,qty}:\n  \"A,1\",cool,2\n  B2,\"wip: test\",1"},
	{"tabular literal-like", `{"items":[{"id":1,"status":"true"},{"id":2,"status":"false"}]}`, "items[2]{id,status}:\n  1,\"true\"\n  2,\"false\""},
	{"tabular quoted fields", `{"items":[{"order:id":1,"full name":"Ada"},{"order:id":2,"full name":"Bob"}]}`, "items[2]{\"order:id\",\"full name\"}:\n  1,Ada\n  2,Bob"},
	{"tabular field order from first object", `{"items":[{"a":1,"b":2,"c":3},{"c":30,"b":20,"a":10}]}`, "items[2]{a,b,c}:\n  1,2,3\n  10,20,30"},
	{"quoted colons in rows", `{"links":[{"id":1,"url":"http://a:b"},{"id":2,"url":"https://example.com?q=a:b"}]}`, "links[2]{id,url}:\n  1,\"http://a:b\"\n  2,\"https://example.com?q=a:b\""},
	{"root tabular", `[{"id":1},{"id":2}]`, "[2]{id}:\n  1\n  2"},
	{"quoted key tabular", `{"x-items":[{"id":1,"name":"Ada"},{"id":2,"name":"Bob"}]}`, "\"x-items\"[2]{id,name}:\n  1,Ada\n  2,Bob"},
	{"nested tabular", `{"root":{"level1":{"level2":{"level3":{"items":[{"id":1,"val":"a"},{"id":2,"val":"b"}]}}}}}`, "root:\n  level1:\n    level2:\n      level3:\n        items[2]{id,val}:\n          1,a\n          2,b"},

	// Mixed and non-uniform arrays (§9.4) and objects as list items (§10).
	{"mixed array", `{"items":[1,{"a":1},"text"]}`, "items[3]:\n  - 1\n  - a: 1\n  - text"},
	{"objects as list items", `{"items":[{"id":1,"name":"First"},{"id":2,"name":"Second","extra":true}]}`, "items[2]:\n  - id: 1\n    name: First\n  - id: 2\n    name: Second\n    extra: true"},
	{"nested values force list", `{"items":[{"id":1,"nested":{"x":1}}]}`, "items[1]:\n  - id: 1\n    nested:\n      x: 1"},
	{"array first in list item", `{"items":[{"nums":[1,2,3],"name":"Ada"}]}`, "items[1]:\n  - nums[3]: 1,2,3\n    name: Ada"},
	{"primitive first in list item", `{"items":[{"name":"Ada","nums":[1,2,3]}]}`, "items[1]:\n  - name: Ada\n    nums[3]: 1,2,3"},
	{"arrays of arrays in list item", `{"items":[{"matrix":[[1,2],[3,4]],"name":"grid"}]}`, "items[1]:\n  - matrix[2]:\n      - [2]: 1,2\n      - [2]: 3,4\n    name: grid"},
	{"tabular first field of list item", `{"items":[{"users":[{"id":1,"name":"Ada"},{"id":2,"name":"Bob"}],"status":"active"}]}`, "items[1]:\n  - users[2]{id,name}:\n      1,Ada\n      2,Bob\n    status: active"},
	{"single-field tabular list item", `{"items":[{"users":[{"id":1},{"id":2}],"note":"x"}]}`, "items[1]:\n  - users[2]{id}:\n      1\n      2\n    note: x"},
	{"non-uniform nested array in list item", `{"items":[{"users":[{"id":1,"name":"Ada"},{"id":2}],"status":"active"}]}`, "items[1]:\n  - users[2]:\n      - id: 1\n        name: Ada\n      - id: 2\n    status: active"},
	{"empty object list items", `{"items":["first","second",{}]}`, "items[3]:\n  - first\n  - second\n  -"},
	{"only empty objects", `{"items":[{},{}]}`, "items[2]:\n  -\n  -"},
	{"empty object first field", `{"items":[{"a":{},"b":1}]}`, "items[1]:\n  - a:\n    b: 1"},
	{"root mixed list", `["summary",{"id":1,"name":"Ada"},[{"id":2},{"status":"draft"}]]`, "[3]:\n  - summary\n  - id: 1\n    name: Ada\n  - [2]:\n    - id: 2\n    - status: draft"},
	{"uniform objects as list item use list form", `{"a":[[{"x":1},{"x":2}]]}`, "a[1]:\n  - [2]:\n    - x: 1\n    - x: 2"},
	{"arrays of arrays as list item", `[[[1]]]`, "[1]:\n  - [1]:\n    - [1]: 1"},
	{"non-uniform array as list item", `{"a":[[1,{"x":1}],2]}`, "a[2]:\n  - [2]:\n    - 1\n    - x: 1\n  - 2"},
	{"quoted keys in list", `{"x-items":[{"id":1},{"id":2,"k":1}]}`, "\"x-items\"[2]:\n  - id: 1\n  - id: 2\n    k: 1"},

	// String quoting (§7.2) and escaping (§7.1).
	{"safe string", `"hello"`, "hello"},
	{"safe string with digits", `"Ada_99"`, "Ada_99"},
	{"empty string", `""`, `""`},
	{"true-like", `"true"`, `"true"`},
	{"false-like", `"false"`, `"false"`},
	{"null-like", `"null"`, `"null"`},
	{"integer-like", `"42"`, `"42"`},
	{"decimal-like", `"3.14"`, `"3.14"`},
	{"exponent-like", `"1e-6"`, `"1e-6"`},
	{"leading zero", `"05"`, `"05"`},
	{"escapes", `["line1\nline2","tab\there","return\rcarriage"]`, `[3]: "line1\nline2","tab\there","return\rcarriage"`},
	{"backslash", `"Users\\path"`, `"Users\\path"`},
	{"leading hyphen-space", `"- item"`, `"- item"`},
	{"hyphen values", `{"marker":"-","note":"- item"}`, "marker: \"-\"\nnote: \"- item\""},
	{"hyphen elements", `{"items":["-","-x"]}`, `items[2]: "-","-x"`},
	{"brackets", `"a[test]"`, `"a[test]"`},
	{"braces", `"{key}"`, `"{key}"`},
	{"unicode", `"café"`, "café"},
	{"emoji and spaces", `"hello 👋 world"`, "hello 👋 world"},
	{"interior hyphen", `"a-b c"`, "a-b c"},
	{"colon value", `{"note":"a:b"}`, `note: "a:b"`},
	{"comma value", `{"note":"a,b"}`, `note: "a,b"`},
	{"newline value", `{"text":"line1\nline2"}`, `text: "line1\nline2"`},
	{"embedded quotes", `{"text":"say \"hello\""}`, `text: "say \"hello\""`},
	{"padded", `{"text":" padded "}`, `text: " padded "`},
	{"only spaces", `{"text":"  "}`, `text: "  "`},
	{"negative decimal-like", `{"v":"-7.5"}`, `v: "-7.5"`},
	{"string resembling only", `{"a":".5","b":"NaN","c":"True"}`, "a: .5\nb: NaN\nc: True"},
	{"non-breaking space edge", "\"\u00a0x\"", "\"\u00a0x\""},
	{"unicode message", `{"message":"Hello 世界 👋"}`, "message: Hello 世界 👋"},
	{"version strings", `{"version":"123","enabled":"true"}`, "version: \"123\"\nenabled: \"true\""},
	// 4.x compatibility choices (see package doc).
	{"hash-leading value", `{"note":"#x"}`, `note: "#x"`},
	{"plus-numeric value", `"+1"`, `"+1"`},
	{"hash-leading cell", `{"items":[{"tag":"#a"},{"tag":"b"}]}`, "items[2]{tag}:\n  \"#a\"\n  b"},

	// Keys (§7.3).
	{"colon key", `{"order:id":7}`, `"order:id": 7`},
	{"bracket key", `{"[index]":5}`, `"[index]": 5`},
	{"brace key", `{"{key}":5}`, `"{key}": 5`},
	{"comma key", `{"a,b":1}`, `"a,b": 1`},
	{"space key", `{"full name":"Ada"}`, `"full name": Ada`},
	{"hyphen key", `{"-lead":1}`, `"-lead": 1`},
	{"padded key", `{" a ":1}`, `" a ": 1`},
	{"numeric key", `{"123":"x"}`, `"123": x`},
	{"empty key", `{"":1}`, `"": 1`},
	{"non-ASCII key", `{"café":1}`, `"café": 1`},
	{"newline key", `{"line\nbreak":1}`, `"line\nbreak": 1`},
	{"tab key", `{"tab\there":2}`, `"tab\there": 2`},
	{"quote key", `{"he said \"hi\"":1}`, `"he said \"hi\"": 1`},
	{"empty key object", `{"":{"a":1}}`, "\"\":\n  a: 1"},
	{"underscore key", `{"__proto__":"polluted","safe":true}`, "__proto__: polluted\nsafe: true"},

	// Numbers (§2): canonical decimal form.
	{"integer", `42`, "42"},
	{"decimal", `3.14`, "3.14"},
	{"negative", `-7`, "-7"},
	{"zero", `0`, "0"},
	{"negative zero", `-0.0`, "0"},
	{"negative zero integer", `-0`, "0"},
	{"exponent large", `1e6`, "1000000"},
	{"exponent small", `1e-6`, "0.000001"},
	{"exponent small negative", `-1E-7`, "-0.0000001"},
	{"big integer", `100000000000000000000`, "100000000000000000000"},
	{"max safe integer", `9007199254740991`, "9007199254740991"},
	{"shortest digits", `[0.3333333333333333,0.30000000000000004,-0.000001]`, "[3]: 0.3333333333333333,0.30000000000000004,-0.000001"},
	{"trailing zeros", `1.5000`, "1.5"},
	{"integral fraction", `1.0`, "1"},
	{"exponent with fraction", `1.500e2`, "150"},
	{"exponent inside digits", `123.456e1`, "1234.56"},
	{"positive exponent sign", `-1E+3`, "-1000"},
	{"zero with exponent", `0e10`, "0"},
	{"float64 max", `1.7976931348623157e308`, "17976931348623157" + strings.Repeat("0", 292)},
	{"subnormal", `5e-324`, "0." + strings.Repeat("0", 323) + "5"},
	{"underflow beyond range", `1e-500`, "0"},
	{"exact digits kept", `0.1000000000000000055511151231257827`, "0.1000000000000000055511151231257827"},
	{"literals", `[true,false,null]`, "[3]: true,false,null"},

	// Duplicate keys: the last one wins, as in encoding/json.
	{"duplicate keys", `{"a":1,"b":2,"a":3}`, "b: 2\na: 3"},
}

func TestEncodeSpecExamples(t *testing.T) {
	for _, tc := range specEncodeCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromJSON([]byte(tc.json))
			if err != nil {
				t.Fatalf("FromJSON(%s): %v", tc.json, err)
			}
			if string(got) != tc.want {
				t.Fatalf("FromJSON(%s)\n got: %q\nwant: %q", tc.json, got, tc.want)
			}
			// Every example must also decode back to the same JSON value.
			back, err := Unmarshal(got)
			if err != nil {
				t.Fatalf("Unmarshal(%q): %v", got, err)
			}
			assertSameJSON(t, []byte(tc.json), back)
		})
	}
}

func TestFromJSONRejectsInvalid(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":}`, `[1,]`, `01`, `1.`, `"\x"`, "\"a\tb\"", `tru`, `{"a":1}x`, `1e500`, `{"a" 1}`, `[1 2]`, `"\u12"`} {
		if out, err := FromJSON([]byte(in)); err == nil {
			t.Errorf("FromJSON(%q) = %q, want error", in, out)
		}
	}
}

func TestMarshalGoValues(t *testing.T) {
	type lap struct {
		N     int     `json:"n"`
		Watts float64 `json:"watts"`
	}
	type activity struct {
		ID         string          `json:"id"`
		Start      time.Time       `json:"start_date"`
		HR         *float64        `json:"average_heart_rate"`
		Power      *float64        `json:"average_power_watts,omitempty"`
		Tags       []string        `json:"tags"`
		Laps       []lap           `json:"laps"`
		Raw        json.RawMessage `json:"raw"`
		Note       string          `json:"note,omitempty"`
		unexported int
	}
	hr := 151.5
	v := activity{
		ID:    "a1",
		Start: time.Date(2025, 3, 1, 7, 30, 0, 0, time.UTC),
		HR:    &hr,
		Tags:  []string{"race", "a<b&c"},
		Laps:  []lap{{1, 250}, {2, 262.5}},
		Raw:   json.RawMessage(`{"x":1e2}`),
		// Unexported fields are not part of the JSON value.
		unexported: 7,
	}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "id: a1\nstart_date: \"2025-03-01T07:30:00Z\"\naverage_heart_rate: 151.5\ntags[2]: race,a<b&c\nlaps[2]{n,watts}:\n  1,250\n  2,262.5\nraw:\n  x: 100"
	if string(got) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}

	var nilMap map[string]int
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{nilMap, "null"},
		{map[string]int{"b": 2, "a": 1}, "a: 1\nb: 2"},
		{[]byte("hi"), "aGk="},
		{3.0, "3"},
		{float32(0.1), "0.1"},
		{int64(-9007199254740993), "-9007199254740993"},
		{uint64(18446744073709551615), "18446744073709551615"},
	} {
		got, err := Marshal(tc.v)
		if err != nil {
			t.Fatalf("Marshal(%#v): %v", tc.v, err)
		}
		if string(got) != tc.want {
			t.Errorf("Marshal(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestMarshalErrors(t *testing.T) {
	var unsupported *json.UnsupportedValueError
	for _, v := range []any{
		map[string]float64{"x": math.NaN()},
		func() {},
	} {
		_, err := Marshal(v)
		if err == nil {
			t.Fatalf("Marshal(%T) succeeded, want error", v)
		}
		if _, isFunc := v.(func()); !isFunc && !errors.As(err, &unsupported) {
			t.Errorf("Marshal(NaN) error %v is not a *json.UnsupportedValueError", err)
		}
	}
}

type decodeCase struct {
	name string
	toon string
	json string
}

var specDecodeCases = []decodeCase{
	{"tab delimiter", "items[2\t]{sku\tname\tqty\tprice}:\n  A1\tWidget\t2\t9.99\n  B2\tGadget\t1\t14.5", `{"items":[{"sku":"A1","name":"Widget","qty":2,"price":9.99},{"sku":"B2","name":"Gadget","qty":1,"price":14.5}]}`},
	{"pipe delimiter", "tags[3|]: reading|gaming|coding", `{"tags":["reading","gaming","coding"]}`},
	{"pipe rows keep commas", "items[2|]{id|note}:\n  1|a,b\n  2|c", `{"items":[{"id":1,"note":"a,b"},{"id":2,"note":"c"}]}`},
	{"comma header inside pipe scope", "outer[1|]:\n  - inner[2]: a,b", `{"outer":[{"inner":["a","b"]}]}`},
	{"exponent input", "a: 1e-6\nb: -1E+9\nc: 1.5000\nd: -0", `{"a":0.000001,"b":-1000000000,"c":1.5,"d":0}`},
	{"leading zeros are strings", "a: 05\nb: -05\nc: 0001\nd: 0.5", `{"a":"05","b":"-05","c":"0001","d":0.5}`},
	{"quoted primitives stay strings", `a: "123"` + "\n" + `b: "true"` + "\n" + `c: "null"`, `{"a":"123","b":"true","c":"null"}`},
	{"blank lines outside arrays", "a: 1\n\nb:\n\n  c: 2\n", `{"a":1,"b":{"c":2}}`},
	{"trailing newline", "a: 1\n", `{"a":1}`},
	{"empty document", "", `{}`},
	{"root primitive", "hello world", `"hello world"`},
	{"root number", "42", `42`},
	{"root quoted", `"a:b"`, `"a:b"`},
	{"empty tokens", "items[3]: a,,b", `{"items":["a","","b"]}`},
	{"spaces around cells", "items[1]{a,b}:\n  1 , x y ", `{"items":[{"a":1,"b":"x y"}]}`},
	{"quoted key with array", `"my-key"[3]: 1,2,3`, `{"my-key":[1,2,3]}`},
	{"bare hyphen object", "items[1]:\n  -\n    a: 1", `{"items":[{"a":1}]}`},
	{"empty array value form", "a: []\nb[1]:\n  - []", `{"a":[],"b":[[]]}`},
	{"extra brackets fall through to a key", "foo[1][bar]: 10", `{"foo[1][bar]":10}`},
	{"non-numeric bracket falls through", "foo[bar]: 10", `{"foo[bar]":10}`},
	{"tab-delimited inline", "a[2\t]: x y\tz", `{"a":["x y","z"]}`},
}

func TestDecodeSpecExamples(t *testing.T) {
	for _, tc := range specDecodeCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unmarshal([]byte(tc.toon))
			if err != nil {
				t.Fatalf("Unmarshal(%q): %v", tc.toon, err)
			}
			assertSameJSON(t, []byte(tc.json), got)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		toon string
		line int
		msg  string
	}{
		{"missing colon", "a: 1\nkey value", 2, "missing colon"},
		{"invalid escape", `name: "bad\xescape"`, 1, `invalid escape sequence: \x`},
		{"odd indentation", "items[1]:\n   - value", 2, "exact multiple of 2"},
		{"tab indentation", "a:\n\tb: 1", 2, "tabs are not allowed"},
		{"too few rows", "items[3]{id,name}:\n  1,Alice\n  2,Bob", 1, "expected 3 tabular rows, but got 2"},
		{"too many rows", "[1]{id}:\n  1\n  2", 3, "expected 1 tabular rows"},
		{"too few inline values", "tags[5]: a,b,c", 1, "expected 5 inline array values, but got 3"},
		{"too many inline values", "tags[2]: a,b,c", 1, "expected 2 inline array values, but got 3"},
		{"too many list items", "items[1]:\n  - 1\n  - 2", 3, "list array items"},
		{"too few list items", "items[2]:\n  - a", 1, "expected 2 list array items, but got 1"},
		{"row width", "items[2]{id,name}:\n  1,Ada\n  2", 3, "expected 2 values in row, but got 1"},
		{"root invalid escape", `"a\x"`, 1, "invalid escape"},
		{"unterminated", `"unterminated`, 1, "unterminated string"},
		{"missing colon in nested object", "a:\n  user", 2, "missing colon"},
		{"two root primitives", "hello\nworld", 1, "missing colon"},
		{"rows use another delimiter", "items[2\t]{a\tb}:\n  1,2\n  3,4", 2, "expected 2 values in row, but got 1"},
		{"field list delimiter mismatch", "items[2\t]{a,b}:\n  1\t2\n  3\t4", 1, "delimiter does not match"},
		{"duplicate key", "name: Ada\nname: Bob", 2, "duplicate key"},
		{"duplicate nested key", "outer:\n  name: Ada\n  name: Bob", 3, "duplicate key"},
		{"duplicate list-item key", "items[1]:\n  - id: 1\n    id: 2", 3, "duplicate key"},
		{"duplicate field", "items[0]{a,a}:", 1, "duplicate field"},
		{"header without colon", "items[2]{id,name}\n  1,Ada\n  2,Bob", 1, "missing colon"},
		{"inner count", "pairs[2]:\n  - [3]: 1,2\n  - [2]: 3,4", 2, "expected 3 inline array values"},
		{"keyless header in object", "a:\n  [2]: 1,2", 2, "without a key"},
		{"keyless header after field", "a: 1\n[2]: x,y", 2, "without a key"},
		{"inline after tabular header", "items[2]{a,b}: 1,2", 1, "unexpected content after tabular header"},
		{"characters after quote", `k: "abc" def`, 1, "after closing quote"},
		{"bare token in array scope", "k[1]:\n  - x: 1\n  bare", 3, "expected list item"},
		{"blank line in list", "items[2]:\n  - a\n\n  - b", 3, "blank line inside array"},
		{"blank line in rows", "items[2]{a}:\n  1\n\n  2", 3, "blank line inside array"},
		{"unexpected indentation", "a: 1\n  b: 2", 2, "unexpected indentation"},
		{"indented first line", "  a: 1", 1, "unexpected indentation"},
		{"content after root array", "[1]: a\nb: 1", 2, "unexpected content"},
		{"unterminated cell", "a[2]: \"x,y", 1, "unterminated"},
		{"invalid UTF-8", "a: 1\nb: \xff", 2, "invalid UTF-8"},
		{"length too large", "a[99999999999]: 1", 1, "too large"},
		{"empty field name", "a[1]{x,}:\n  1,2", 1, "empty field name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Unmarshal([]byte(tc.toon))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Unmarshal(%q) = %v, %v; want *SyntaxError", tc.toon, v, err)
			}
			if se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("Unmarshal(%q) error %q (line %d), want line %d containing %q", tc.toon, se.Msg, se.Line, tc.line, tc.msg)
			}
		})
	}
}
