package toon

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// special marks the bytes that force a string value to be quoted wherever
// they appear (§7.2): structural characters, the quote and backslash, and the
// control characters that must be escaped. The delimiter is checked
// separately because it depends on scope.
var special = [256]bool{
	':': true, '"': true, '\\': true,
	'[': true, ']': true, '{': true, '}': true,
	'\n': true, '\r': true, '\t': true,
}

// needsQuotes reports whether string value s must be quoted when written in a
// scope whose delimiter is delim (spec §7.2).
func needsQuotes(s []byte, delim byte) bool {
	if len(s) == 0 {
		return true
	}
	switch s[0] {
	case '-', '#':
		// "-" would read as a list item; "#" starts a comment line in the
		// 4.x drafts, so quoting keeps the output valid for both.
		return true
	}
	for _, c := range s {
		if special[c] || c == delim {
			return true
		}
	}
	if edgeSpace(s) {
		return true
	}
	switch string(s) {
	case "true", "false", "null":
		return true
	}
	return numericLike(s)
}

// edgeSpace reports whether s begins or ends with white space, which
// decoders trim from unquoted tokens. Any Unicode space counts (and U+FEFF,
// which some decoders strip as a byte-order mark), not only ASCII.
func edgeSpace(s []byte) bool {
	first, last := s[0], s[len(s)-1]
	if first < utf8.RuneSelf && last < utf8.RuneSelf {
		return asciiSpace(first) || asciiSpace(last)
	}
	r, _ := utf8.DecodeRune(s)
	if unicode.IsSpace(r) || r == '\uFEFF' {
		return true
	}
	r, _ = utf8.DecodeLastRune(s)
	return unicode.IsSpace(r) || r == '\uFEFF'
}

func asciiSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// numericLike reports whether s matches /^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i,
// the spec's numeric-like pattern (which also covers leading-zero forms such
// as "05") widened by a leading "+", which 4.x quotes because host number
// parsers accept it.
func numericLike(s []byte) bool {
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	d := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == d {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isNumber reports whether an unquoted token decodes as a number (§4): the
// JSON number grammar, which forbids leading zeros such as "05".
func isNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(s)
}

// identKey reports whether key may be written unquoted (§7.3):
// ^[A-Za-z_][A-Za-z0-9_.]*$.
func identKey(key []byte) bool {
	if len(key) == 0 {
		return false
	}
	c := key[0]
	if !(c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
		return false
	}
	for _, c := range key[1:] {
		if !(c == '_' || c == '.' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return false
		}
	}
	return true
}

// appendQuoted appends s as a quoted TOON string using only the five escapes
// of §7.1; every other character, control characters included, is literal.
func appendQuoted(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i, c := range s {
		var esc byte
		switch c {
		case '\\':
			esc = '\\'
		case '"':
			esc = '"'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '\\', esc)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendString appends string value s, quoted only if §7.2 requires it.
func appendString(dst, s []byte, delim byte) []byte {
	if needsQuotes(s, delim) {
		return appendQuoted(dst, s)
	}
	return append(dst, s...)
}

// appendKey appends an object key or field name, quoted unless it is an
// identifier.
func appendKey(dst, key []byte) []byte {
	if identKey(key) {
		return append(dst, key...)
	}
	return appendQuoted(dst, key)
}

// maxZeros bounds the zeros an exponent may expand into. Every float64,
// subnormals included, needs fewer than 400, so real data is always rendered
// exactly; beyond that the number is far outside float64 range.
const maxZeros = 400

// appendNumber appends the canonical decimal form (§2) of num, a valid JSON
// number: no exponent, no leading zeros, no trailing fractional zeros, no
// fraction if it is zero, and 0 for -0. The digits are kept exactly.
func appendNumber(dst, num []byte) ([]byte, error) {
	plain := true
	for _, c := range num {
		if c == '.' || c == 'e' || c == 'E' {
			plain = false
			break
		}
	}
	if plain {
		// JSON integers are already canonical except for "-0".
		if len(num) == 2 && num[0] == '-' && num[1] == '0' {
			return append(dst, '0'), nil
		}
		return append(dst, num...), nil
	}

	neg := num[0] == '-'
	s := num
	if neg {
		s = s[1:]
	}
	// Split into integer digits, fraction digits and exponent.
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[:i]
	var frac []byte
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		frac = s[i+1 : j]
		i = j
	}
	exp := 0
	if i < len(s) {
		i++ // 'e' or 'E'
		eneg := false
		if s[i] == '+' || s[i] == '-' {
			eneg = s[i] == '-'
			i++
		}
		for ; i < len(s); i++ {
			if exp < 1<<30 {
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}

	// The value is 0.D × 10^point, where the significant digits D are the
	// concatenation a+b: a is the integer part without leading zeros and b
	// the fraction (or, for 0.xxx, the fraction without its leading zeros).
	lead := 0
	for lead < len(intPart) && intPart[lead] == '0' {
		lead++
	}
	a, b := intPart[lead:], frac
	point := len(a) + exp
	if len(a) == 0 {
		k := 0
		for k < len(b) && b[k] == '0' {
			k++
		}
		point -= k
		b = b[k:]
	}
	// Trailing zeros of D do not change the value.
	for len(b) > 0 && b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		for len(a) > 0 && a[len(a)-1] == '0' {
			a = a[:len(a)-1]
		}
	}
	n := len(a) + len(b)
	if n == 0 {
		return append(dst, '0'), nil
	}
	if point > n+maxZeros || point < -maxZeros {
		return appendFloat(dst, num)
	}
	if neg {
		dst = append(dst, '-')
	}
	switch {
	case point <= 0:
		dst = append(dst, '0', '.')
		dst = appendZeros(dst, -point)
		dst = appendDigits(dst, a, b, 0, n)
	case point >= n:
		dst = appendDigits(dst, a, b, 0, n)
		dst = appendZeros(dst, point-n)
	default:
		dst = appendDigits(dst, a, b, 0, point)
		dst = append(dst, '.')
		dst = appendDigits(dst, a, b, point, n)
	}
	return dst, nil
}

// appendDigits appends D[from:to] where D is the concatenation a+b.
func appendDigits(dst, a, b []byte, from, to int) []byte {
	if from < len(a) {
		dst = append(dst, a[from:min(to, len(a))]...)
	}
	if to > len(a) {
		dst = append(dst, b[max(from-len(a), 0):to-len(a)]...)
	}
	return dst
}

func appendZeros(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, '0')
	}
	return dst
}

// appendFloat renders num through float64, for exponents beyond maxZeros:
// tiny numbers become 0 and huge ones are rejected, as encoding/json rejects
// them when decoding into float64.
func appendFloat(dst, num []byte) ([]byte, error) {
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		return dst, errNumberRange
	}
	if f == 0 {
		return append(dst, '0'), nil
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64), nil
}
