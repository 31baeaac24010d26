package toon

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// SyntaxError describes malformed TOON. Line is 1-based.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("toon: line %d: %s", e.Line, e.Msg)
}

// indentSize is the number of spaces per depth level; this package neither
// writes nor reads any other.
const indentSize = 2

// Unmarshal parses a TOON document in strict mode (§14) into the JSON data
// model: map[string]any, []any, string, json.Number, bool or nil. An empty
// document is an empty object (§5). Errors are *SyntaxError.
func Unmarshal(data []byte) (any, error) {
	d := decoder{floor: math.MaxInt}
	if err := d.split(data); err != nil {
		return nil, err
	}
	return d.document()
}

// srcLine is one line of the document with its indentation measured.
type srcLine struct {
	text  string // after the indentation
	depth int
	num   int // 1-based line number
	blank bool
}

type decoder struct {
	lines []srcLine
	pos   int
	// floor is the smallest item depth of the arrays being read that have
	// already produced an item; a blank line followed by a line at or
	// below it sits inside an array, which strict mode forbids (§12).
	floor int
	nest  int
}

func (d *decoder) errorf(line int, format string, args ...any) error {
	return &SyntaxError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// split cuts data into lines and checks indentation (§12): spaces only, in
// exact multiples of indentSize.
func (d *decoder) split(data []byte) error {
	s := string(data)
	s = strings.TrimSuffix(s, "\n") // a trailing newline is tolerated
	num := 0
	for {
		num++
		raw, rest, more := strings.Cut(s, "\n")
		if !utf8.ValidString(raw) {
			return d.errorf(num, "invalid UTF-8")
		}
		n := 0
		for n < len(raw) && raw[n] == ' ' {
			n++
		}
		text := raw[n:]
		switch {
		case strings.TrimLeft(text, " \t") == "":
			d.lines = append(d.lines, srcLine{num: num, blank: true})
		case text[0] == '\t':
			return d.errorf(num, "tabs are not allowed in indentation")
		case n%indentSize != 0:
			return d.errorf(num, "indentation must be an exact multiple of %d spaces", indentSize)
		default:
			d.lines = append(d.lines, srcLine{text: text, depth: n / indentSize, num: num})
		}
		if !more {
			return nil
		}
		s = rest
	}
}

// peek returns the next non-blank line, or nil at the end of input.
func (d *decoder) peek() (*srcLine, error) {
	blank := 0
	for d.pos < len(d.lines) && d.lines[d.pos].blank {
		if blank == 0 {
			blank = d.lines[d.pos].num
		}
		d.pos++
	}
	if d.pos == len(d.lines) {
		return nil, nil
	}
	ln := &d.lines[d.pos]
	if blank != 0 && ln.depth >= d.floor {
		return nil, d.errorf(blank, "blank line inside array")
	}
	return ln, nil
}

func (d *decoder) enter(line int) error {
	d.nest++
	if d.nest > maxDepth {
		return d.errorf(line, "exceeded max nesting depth")
	}
	return nil
}

// document decides the root form (§5) and parses it.
func (d *decoder) document() (any, error) {
	first, err := d.peek()
	if err != nil || first == nil {
		return map[string]any{}, err
	}
	if first.depth != 0 {
		return nil, d.errorf(first.num, "unexpected indentation")
	}
	var root any
	switch {
	case strings.TrimRight(first.text, " ") == "[]":
		// The 4.x empty-array form; unquoted "[]" is never a string.
		d.pos++
		root = []any{}
	case first.text[0] == '[':
		h, inline, ok, err := parseHeader(first.text, first.num)
		if err != nil {
			return nil, err
		}
		if !ok {
			root, err = d.rootPrimitiveOrObject()
			if err != nil {
				return nil, err
			}
			break
		}
		d.pos++
		if root, err = d.arrayBody(h, inline, 1, first.num); err != nil {
			return nil, err
		}
	default:
		if root, err = d.rootPrimitiveOrObject(); err != nil {
			return nil, err
		}
	}
	ln, err := d.peek()
	if err != nil {
		return nil, err
	}
	if ln != nil {
		if ln.depth > 0 {
			return nil, d.errorf(ln.num, "unexpected indentation")
		}
		return nil, d.errorf(ln.num, "unexpected content after the root value")
	}
	return root, nil
}

func (d *decoder) rootPrimitiveOrObject() (any, error) {
	first := &d.lines[d.pos]
	nonBlank := 0
	for _, ln := range d.lines[d.pos:] {
		if !ln.blank {
			nonBlank++
		}
	}
	if nonBlank == 1 && !isFieldLine(first.text) {
		d.pos++
		return parsePrimitive(strings.TrimRight(first.text, " \t"), first.num)
	}
	m := map[string]any{}
	return m, d.objectInto(m, 0)
}

// objectInto reads the field lines at depth into m until the depth drops.
func (d *decoder) objectInto(m map[string]any, depth int) error {
	for {
		ln, err := d.peek()
		if err != nil || ln == nil || ln.depth < depth {
			return err
		}
		if ln.depth > depth {
			return d.errorf(ln.num, "unexpected indentation")
		}
		d.pos++
		if err := d.fieldInto(m, ln.text, depth, ln.num); err != nil {
			return err
		}
	}
}

// fieldInto parses one field line of an object at depth: "key: value",
// "key:" opening a nested object, or an array header.
func (d *decoder) fieldInto(m map[string]any, text string, depth, num int) error {
	key, val, err := d.field(text, depth, num)
	if err != nil {
		return err
	}
	if _, dup := m[key]; dup {
		return d.errorf(num, "duplicate key %q", key)
	}
	m[key] = val
	return nil
}

func (d *decoder) field(text string, depth, num int) (string, any, error) {
	h, inline, ok, err := parseHeader(text, num)
	if err != nil {
		return "", nil, err
	}
	if ok {
		if !h.hasKey {
			return "", nil, d.errorf(num, "array header without a key inside an object")
		}
		v, err := d.arrayBody(h, inline, depth+1, num)
		return h.key, v, err
	}
	key, rest, err := parseKey(text, num)
	if err != nil {
		return "", nil, err
	}
	switch rest {
	case "":
		if err := d.enter(num); err != nil {
			return "", nil, err
		}
		m := map[string]any{}
		err := d.objectInto(m, depth+1)
		d.nest--
		return key, m, err
	case "[]":
		return key, []any{}, nil
	}
	v, err := parsePrimitive(rest, num)
	return key, v, err
}

// arrayBody reads the content of an array whose header (at line num) has
// been parsed: inline values, tabular rows or list items at depth.
func (d *decoder) arrayBody(h header, inline string, depth, num int) (any, error) {
	if err := d.enter(num); err != nil {
		return nil, err
	}
	defer func() { d.nest-- }()
	floor := d.floor
	defer func() { d.floor = floor }()

	switch {
	case h.fields != nil:
		if inline != "" {
			return nil, d.errorf(num, "unexpected content after tabular header")
		}
		return d.rows(h, depth, num)
	case inline != "":
		cells, err := splitCells(inline, h.delim, num)
		if err != nil {
			return nil, err
		}
		if len(cells) != h.n {
			return nil, d.errorf(num, "expected %d inline array values, but got %d", h.n, len(cells))
		}
		out := make([]any, len(cells))
		for i, c := range cells {
			if out[i], err = parsePrimitive(c, num); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	out := []any{}
	for {
		ln, err := d.peek()
		if err != nil {
			return nil, err
		}
		if ln == nil || ln.depth < depth {
			break
		}
		if ln.depth > depth {
			return nil, d.errorf(ln.num, "unexpected indentation")
		}
		if ln.text != "-" && !strings.HasPrefix(ln.text, "- ") {
			return nil, d.errorf(ln.num, "expected list item")
		}
		if len(out) == h.n {
			return nil, d.errorf(ln.num, "expected %d list array items, but got more", h.n)
		}
		d.pos++
		d.floor = min(d.floor, depth)
		v, err := d.listItem(ln, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if len(out) != h.n {
		return nil, d.errorf(num, "expected %d list array items, but got %d", h.n, len(out))
	}
	return out, nil
}

// rows reads the rows of a tabular array at depth (§9.3).
func (d *decoder) rows(h header, depth, num int) (any, error) {
	out := []any{}
	for {
		ln, err := d.peek()
		if err != nil {
			return nil, err
		}
		if ln == nil || ln.depth < depth {
			break
		}
		if ln.depth > depth {
			return nil, d.errorf(ln.num, "unexpected indentation")
		}
		if !isRow(ln.text, h.delim) {
			break
		}
		if len(out) == h.n {
			return nil, d.errorf(ln.num, "expected %d tabular rows, but got more", h.n)
		}
		d.pos++
		cells, err := splitCells(ln.text, h.delim, ln.num)
		if err != nil {
			return nil, err
		}
		if len(cells) != len(h.fields) {
			return nil, d.errorf(ln.num, "expected %d values in row, but got %d", len(h.fields), len(cells))
		}
		row := make(map[string]any, len(cells))
		for i, c := range cells {
			if row[h.fields[i]], err = parsePrimitive(c, ln.num); err != nil {
				return nil, err
			}
		}
		out = append(out, row)
		d.floor = min(d.floor, depth)
	}
	if len(out) != h.n {
		return nil, d.errorf(num, "expected %d tabular rows, but got %d", h.n, len(out))
	}
	return out, nil
}

// listItem parses the list item on line ln at depth (§9.4, §10).
func (d *decoder) listItem(ln *srcLine, depth int) (any, error) {
	rest := strings.TrimLeft(strings.TrimPrefix(ln.text, "-"), " ")
	if rest == "" {
		// A bare hyphen: an object whose fields, if any, follow at depth+1.
		if err := d.enter(ln.num); err != nil {
			return nil, err
		}
		m := map[string]any{}
		err := d.objectInto(m, depth+1)
		d.nest--
		return m, err
	}
	if rest[0] == '[' {
		if strings.TrimRight(rest, " ") == "[]" {
			return []any{}, nil
		}
		h, inline, ok, err := parseHeader(rest, ln.num)
		if err != nil {
			return nil, err
		}
		if ok {
			return d.arrayBody(h, inline, depth+1, ln.num)
		}
	}
	if !isFieldLine(rest) {
		return parsePrimitive(strings.TrimRight(rest, " \t"), ln.num)
	}
	// An object whose first field shares the hyphen line; the field belongs
	// to depth+1, so its own content sits at depth+2.
	if err := d.enter(ln.num); err != nil {
		return nil, err
	}
	defer func() { d.nest-- }()
	m := map[string]any{}
	if err := d.fieldInto(m, rest, depth+1, ln.num); err != nil {
		return nil, err
	}
	return m, d.objectInto(m, depth+1)
}

// header is a parsed array header (§6).
type header struct {
	key    string
	hasKey bool
	n      int
	delim  byte
	fields []string // nil unless tabular
}

// maxLen bounds declared array lengths so that they fit an int everywhere.
const maxLen = 1 << 31

// parseHeader parses text as an array header: [key] "[" N [delim] "]"
// [fields] ":" [inline values]. ok is false, with a nil error, when text is
// not a header (it is then a key-value line or a primitive); malformed
// quoting and field lists are errors.
func parseHeader(text string, num int) (h header, inline string, ok bool, err error) {
	i := 0
	switch {
	case text[0] == '"':
		h.key, i, err = parseQuoted(text, num)
		if err != nil {
			return h, "", false, err
		}
		h.hasKey = true
		if i >= len(text) || text[i] != '[' {
			return h, "", false, nil
		}
	default:
		i = strings.IndexByte(text, '[')
		if i < 0 {
			return h, "", false, nil
		}
		if c := strings.IndexAny(text[:i], ":\""); c >= 0 {
			return h, "", false, nil // a key-value line whose value holds '['
		}
		h.key = text[:i]
		h.hasKey = i > 0
		if h.hasKey && (h.key[len(h.key)-1] == ' ' || h.key[len(h.key)-1] == '\t') {
			return h, "", false, nil
		}
	}
	i++ // '['
	start := i
	for i < len(text) && isDigit(text[i]) {
		if i-start >= 10 {
			return h, "", false, &SyntaxError{Line: num, Msg: "array length too large"}
		}
		h.n = h.n*10 + int(text[i]-'0')
		i++
	}
	if i == start {
		return h, "", false, nil
	}
	if h.n >= maxLen {
		return h, "", false, &SyntaxError{Line: num, Msg: "array length too large"}
	}
	h.delim = ','
	if i < len(text) && (text[i] == '\t' || text[i] == '|') {
		h.delim = text[i]
		i++
	}
	if i >= len(text) || text[i] != ']' {
		return h, "", false, nil
	}
	i++
	for i < len(text) && text[i] == ' ' {
		i++
	}
	if i < len(text) && text[i] == '{' {
		var end int
		h.fields, end, err = parseFields(text, i+1, h.delim, num)
		if err != nil {
			return h, "", false, err
		}
		i = end
		for i < len(text) && text[i] == ' ' {
			i++
		}
	}
	if i >= len(text) || text[i] != ':' {
		if h.fields != nil {
			return h, "", false, &SyntaxError{Line: num, Msg: "missing colon after array header"}
		}
		return h, "", false, nil
	}
	return h, strings.Trim(text[i+1:], " \t"), true, nil
}

// parseFields parses the field names of a tabular header, starting after
// "{"; it returns the index after the closing "}".
func parseFields(text string, i int, delim byte, num int) ([]string, int, error) {
	var fields []string
	for {
		for i < len(text) && text[i] == ' ' {
			i++
		}
		var name string
		if i < len(text) && text[i] == '"' {
			s, end, err := parseQuoted(text[i:], num)
			if err != nil {
				return nil, 0, err
			}
			name = s
			i += end
			for i < len(text) && text[i] == ' ' {
				i++
			}
		} else {
			j := i
			for j < len(text) && text[j] != delim && text[j] != '}' {
				if c := text[j]; c == ',' || c == '|' || c == '\t' {
					return nil, 0, &SyntaxError{Line: num, Msg: "field list delimiter does not match the header's delimiter"}
				}
				if c := text[j]; c == ':' || c == '"' || c == '{' || c == '[' || c == ']' {
					return nil, 0, &SyntaxError{Line: num, Msg: fmt.Sprintf("invalid character %q in field name", c)}
				}
				j++
			}
			name = strings.TrimRight(text[i:j], " ")
			if name == "" {
				return nil, 0, &SyntaxError{Line: num, Msg: "empty field name"}
			}
			i = j
		}
		for _, f := range fields {
			if f == name {
				return nil, 0, &SyntaxError{Line: num, Msg: fmt.Sprintf("duplicate field %q", name)}
			}
		}
		fields = append(fields, name)
		if i >= len(text) {
			return nil, 0, &SyntaxError{Line: num, Msg: "unterminated field list"}
		}
		switch text[i] {
		case '}':
			return fields, i + 1, nil
		case delim:
			i++
		default:
			return nil, 0, &SyntaxError{Line: num, Msg: "field list delimiter does not match the header's delimiter"}
		}
	}
}

// parseKey splits a key-value line into its key and the trimmed value text.
func parseKey(text string, num int) (key, rest string, err error) {
	if text[0] == '"' {
		key, i, err := parseQuoted(text, num)
		if err != nil {
			return "", "", err
		}
		for i < len(text) && text[i] == ' ' {
			i++
		}
		if i >= len(text) || text[i] != ':' {
			return "", "", &SyntaxError{Line: num, Msg: "missing colon after key"}
		}
		return key, strings.Trim(text[i+1:], " \t"), nil
	}
	c := strings.IndexByte(text, ':')
	if c < 0 {
		return "", "", &SyntaxError{Line: num, Msg: "missing colon after key"}
	}
	key = strings.TrimRight(text[:c], " \t")
	if key == "" {
		return "", "", &SyntaxError{Line: num, Msg: "missing key before colon"}
	}
	return key, strings.Trim(text[c+1:], " \t"), nil
}

// isFieldLine reports whether text starts with a key followed by a colon
// (or a header), as opposed to being a lone primitive.
func isFieldLine(text string) bool {
	if text[0] == '"' {
		_, i, err := parseQuoted(text, 0)
		if err != nil {
			return true // let the field parser report the bad quoting
		}
		for i < len(text) && text[i] == ' ' {
			i++
		}
		return i < len(text) && (text[i] == ':' || text[i] == '[')
	}
	return strings.IndexByte(text, ':') >= 0
}

// isRow tells a tabular row from a key-value line at row depth (§9.3): a row
// has no unquoted colon, or an unquoted delimiter before it.
func isRow(text string, delim byte) bool {
	inQuotes := false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case inQuotes && c == '\\':
			i++
		case c == '"':
			inQuotes = !inQuotes
		case inQuotes:
		case c == delim:
			return true
		case c == ':':
			return false
		}
	}
	return true
}

// splitCells splits inline array values or a tabular row on the active
// delimiter, outside quotes, trimming the spaces around each cell.
func splitCells(text string, delim byte, num int) ([]string, error) {
	var cells []string
	inQuotes := false
	start := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case inQuotes && c == '\\':
			i++
		case c == '"':
			inQuotes = !inQuotes
		case !inQuotes && c == delim:
			cells = append(cells, strings.Trim(text[start:i], " \t"))
			start = i + 1
		}
	}
	if inQuotes {
		return nil, &SyntaxError{Line: num, Msg: "unterminated string: missing closing quote"}
	}
	return append(cells, strings.Trim(text[start:], " \t")), nil
}

// parsePrimitive decodes a trimmed value token (§4).
func parsePrimitive(tok string, num int) (any, error) {
	if tok == "" {
		return "", nil
	}
	if tok[0] == '"' {
		s, end, err := parseQuoted(tok, num)
		if err != nil {
			return nil, err
		}
		if end != len(tok) {
			return nil, &SyntaxError{Line: num, Msg: "unexpected characters after closing quote"}
		}
		return s, nil
	}
	switch tok {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if isNumber(tok) {
		if negativeZero(tok) {
			return json.Number("0"), nil
		}
		return json.Number(tok), nil
	}
	return tok, nil
}

// negativeZero reports whether number token tok is -0 in any spelling.
func negativeZero(tok string) bool {
	if tok[0] != '-' {
		return false
	}
	for _, c := range tok[1:] {
		if c == 'e' || c == 'E' {
			return true
		}
		if c >= '1' && c <= '9' {
			return false
		}
	}
	return true
}

// parseQuoted decodes the quoted string at the start of s and returns it
// with the index just past the closing quote. Only the five escapes of §7.1
// are valid.
func parseQuoted(s string, num int) (string, int, error) {
	i := 1
	for i < len(s) && s[i] != '"' && s[i] != '\\' {
		i++
	}
	if i < len(s) && s[i] == '"' {
		return s[1:i], i + 1, nil
	}
	var b strings.Builder
	b.WriteString(s[1:i])
	for i < len(s) {
		c := s[i]
		switch c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return "", 0, &SyntaxError{Line: num, Msg: "unterminated string: missing closing quote"}
			}
			switch e := s[i+1]; e {
			case '\\', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				r, _ := utf8.DecodeRuneInString(s[i+1:])
				return "", 0, &SyntaxError{Line: num, Msg: fmt.Sprintf("invalid escape sequence: \\%c", r)}
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, &SyntaxError{Line: num, Msg: "unterminated string: missing closing quote"}
}
