// Package toon renders JSON-model values as TOON (Token-Oriented Object
// Notation) and parses TOON back into the JSON data model.
//
// Pierre tools answer in JSON by default; a call that passes
// "format": "toon" gets the same answer rendered by [Marshal], which costs an
// LLM markedly fewer tokens for arrays of uniform objects (a year of
// activities becomes one header line plus one comma-separated row per
// activity).
//
// # Specification
//
// The encoder and decoder follow the TOON specification v3.0
// (github.com/toon-format/spec, 2025-11-24): two-space indentation,
// "key: value" objects, inline primitive arrays "key[N]: a,b", tabular arrays
// "key[N]{f1,f2}:" for arrays of objects that share one key set and hold only
// primitives, list items ("- ") for everything else, the §7.2 quoting rules,
// the five §7.1 escapes, canonical decimal numbers (§2) and the strict-mode
// checks of §14. The default (comma) delimiter is always used for encoding;
// the decoder accepts comma, tab and pipe delimiters.
//
// Where the 4.x working drafts differ from v3.0, the encoder picks output that
// both read identically: strings beginning with "#" or "+<digit>" are quoted
// (4.x treats a leading "#" line as a comment), and an array of uniform
// objects that is itself a list item is written in list form rather than
// with a keyless "- [N]{...}:" header. The 4.x-only forms (keyed tabular
// objects, nested field groups, "\uXXXX" escapes, comments) are not emitted,
// and the decoder accepts only the 4.x empty-array form "key: []". Where v3.0
// says a decoder SHOULD fall through, it does: "a[1][b]: 1" is the literal
// key "a[1][b]", not an error as in 4.x strict mode.
//
// # Data model mapping
//
// [Marshal] uses encoding/json to normalise Go values (struct tags,
// omitempty, time.Time as RFC 3339, json.Marshaler, ...) and then renders the
// resulting JSON document, so a TOON answer always describes exactly the
// value the JSON answer would. Consequently NaN and ±Inf are rejected, as
// encoding/json rejects them, rather than written as null (spec §3): a tool
// call must not succeed or fail depending on the answer format.
//
// Object key order is the JSON encoding order (struct field order; sorted
// keys for maps). If a JSON object repeats a key, the last occurrence wins,
// as in encoding/json, and only that one is written.
//
// Numbers are rewritten in canonical decimal form without loss: the digits of
// the JSON number are kept exactly, only the exponent is expanded, trailing
// fractional zeros are dropped and -0 becomes 0. Numbers whose expansion
// would need more than 400 leading or trailing zeros (far outside the float64
// range) are written as the nearest float64 instead, or rejected when that is
// infinite.
//
// [Unmarshal] returns map[string]any, []any, string, json.Number, bool and
// nil. Numbers are returned as json.Number so that no precision is lost; the
// decoder runs in strict mode and reports the first error as a *SyntaxError
// carrying the 1-based line number. Duplicate sibling keys are an error.
package toon
