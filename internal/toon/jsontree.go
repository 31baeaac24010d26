package toon

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting on both the JSON and the TOON side; it matches
// encoding/json so that every document encoding/json accepts is accepted here.
const maxDepth = 10000

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota
	kindFalse
	kindTrue
	kindNumber
	kindString
	kindObject
	kindArray
)

// node is one value of a parsed JSON document. It is kept to 12 bytes because
// a year of activities is tens of thousands of nodes.
//
// Numbers and strings without escapes point into the source document;
// strings that needed unescaping point into tree.str (esc set). Containers
// point into tree.kids: an array's n element indices, or an object's n
// key/value index pairs.
type node struct {
	kind kind
	esc  bool
	off  uint32
	n    uint32
}

// tree is a parsed JSON document. Its slices are reused across documents
// through treePool, which is what keeps encoding nearly allocation-free.
type tree struct {
	src   []byte
	pos   int
	depth int
	str   []byte
	nodes []node
	kids  []uint32
	stack []uint32 // children of the containers currently open
	hash  []uint64 // scratch for duplicate-key detection
}

// jsonError reports malformed JSON handed to FromJSON.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.off, e.msg)
}

// errNumberRange is returned for numbers too large to be a float64, which
// cannot be written without an exponent in bounded space.
var errNumberRange = errors.New("number out of float64 range")

func (t *tree) reset(src []byte) {
	t.src = src
	t.pos = 0
	t.depth = 0
	t.str = t.str[:0]
	t.nodes = t.nodes[:0]
	t.kids = t.kids[:0]
	t.stack = t.stack[:0]
}

// bytes returns the text of a string or number node.
func (t *tree) bytes(n node) []byte {
	if n.esc {
		return t.str[n.off : n.off+n.n]
	}
	return t.src[n.off : n.off+n.n]
}

func (t *tree) fail(msg string) error {
	return &jsonError{off: t.pos, msg: msg}
}

// parse parses the whole of src as one JSON value and returns its node index.
func (t *tree) parse(src []byte) (uint32, error) {
	if len(src) >= math.MaxUint32 {
		return 0, errors.New("document too large")
	}
	t.reset(src)
	root, err := t.value()
	if err != nil {
		return 0, err
	}
	t.skipSpace()
	if t.pos != len(t.src) {
		return 0, t.fail("unexpected data after top-level value")
	}
	return root, nil
}

func (t *tree) skipSpace() {
	for t.pos < len(t.src) {
		switch t.src[t.pos] {
		case ' ', '\t', '\n', '\r':
			t.pos++
		default:
			return
		}
	}
}

func (t *tree) add(n node) uint32 {
	t.nodes = append(t.nodes, n)
	return uint32(len(t.nodes) - 1)
}

func (t *tree) value() (uint32, error) {
	t.skipSpace()
	if t.pos >= len(t.src) {
		return 0, t.fail("unexpected end of input")
	}
	switch c := t.src[t.pos]; {
	case c == '{':
		return t.object()
	case c == '[':
		return t.array()
	case c == '"':
		return t.string()
	case c == '-' || (c >= '0' && c <= '9'):
		return t.number()
	case c == 't':
		return t.literal("true", kindTrue)
	case c == 'f':
		return t.literal("false", kindFalse)
	case c == 'n':
		return t.literal("null", kindNull)
	default:
		return 0, t.fail(fmt.Sprintf("invalid character %q looking for a value", c))
	}
}

func (t *tree) literal(word string, k kind) (uint32, error) {
	if len(t.src)-t.pos < len(word) || string(t.src[t.pos:t.pos+len(word)]) != word {
		return 0, t.fail("invalid literal")
	}
	t.pos += len(word)
	return t.add(node{kind: k}), nil
}

// number validates an RFC 8259 number and records its text.
func (t *tree) number() (uint32, error) {
	start := t.pos
	s := t.src
	i := t.pos
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		t.pos = i
		return 0, t.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			t.pos = i
			return 0, t.fail("invalid number: no digits after decimal point")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			t.pos = i
			return 0, t.fail("invalid number: no digits in exponent")
		}
	}
	t.pos = i
	return t.add(node{kind: kindNumber, off: uint32(start), n: uint32(i - start)}), nil
}

// plainASCII marks the bytes a JSON string may hold literally without
// further checks: printable ASCII other than the quote and the backslash.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// string parses a JSON string. The common case (no escapes, valid UTF-8)
// refers to the source bytes; anything else is decoded into t.str with
// encoding/json's semantics (invalid UTF-8 and lone surrogates become U+FFFD)
// so that the TOON text describes the same string encoding/json would decode.
func (t *tree) string() (uint32, error) {
	s := t.src
	start := t.pos + 1
	i := start
	for i < len(s) {
		for i < len(s) && plainASCII[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		switch {
		case c == '"':
			t.pos = i + 1
			return t.add(node{kind: kindString, off: uint32(start), n: uint32(i - start)}), nil
		case c == '\\':
			return t.stringSlow(start, i)
		case c < 0x20:
			t.pos = i
			return 0, t.fail("control character in string")
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				return t.stringSlow(start, i)
			}
			i += size
		}
	}
	t.pos = i
	return 0, t.fail("unterminated string")
}

func (t *tree) stringSlow(start, i int) (uint32, error) {
	s := t.src
	off := len(t.str)
	t.str = append(t.str, s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			t.pos = i + 1
			return t.add(node{kind: kindString, esc: true, off: uint32(off), n: uint32(len(t.str) - off)}), nil
		case c == '\\':
			if i+1 >= len(s) {
				t.pos = i
				return 0, t.fail("unterminated string")
			}
			switch e := s[i+1]; e {
			case '"', '\\', '/':
				t.str = append(t.str, e)
				i += 2
			case 'b':
				t.str = append(t.str, '\b')
				i += 2
			case 'f':
				t.str = append(t.str, '\f')
				i += 2
			case 'n':
				t.str = append(t.str, '\n')
				i += 2
			case 'r':
				t.str = append(t.str, '\r')
				i += 2
			case 't':
				t.str = append(t.str, '\t')
				i += 2
			case 'u':
				r := hex4(s[i+2:])
				if r < 0 {
					t.pos = i
					return 0, t.fail("invalid \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
						r2 = hex4(s[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				t.str = utf8.AppendRune(t.str, r)
			default:
				t.pos = i
				return 0, t.fail("invalid escape character")
			}
		case c < 0x20:
			t.pos = i
			return 0, t.fail("control character in string")
		case c < utf8.RuneSelf:
			t.str = append(t.str, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				t.str = utf8.AppendRune(t.str, utf8.RuneError)
			} else {
				t.str = append(t.str, s[i:i+size]...)
			}
			i += size
		}
	}
	t.pos = i
	return 0, t.fail("unterminated string")
}

// hex4 decodes the four hex digits at the start of b, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

func (t *tree) enter() error {
	t.depth++
	if t.depth > maxDepth {
		return t.fail("exceeded max nesting depth")
	}
	return nil
}

func (t *tree) array() (uint32, error) {
	if err := t.enter(); err != nil {
		return 0, err
	}
	t.pos++ // '['
	base := len(t.stack)
	t.skipSpace()
	if t.pos < len(t.src) && t.src[t.pos] == ']' {
		t.pos++
	} else {
		for {
			v, err := t.value()
			if err != nil {
				return 0, err
			}
			t.stack = append(t.stack, v)
			t.skipSpace()
			if t.pos >= len(t.src) {
				return 0, t.fail("unexpected end of input in array")
			}
			if c := t.src[t.pos]; c == ',' {
				t.pos++
				continue
			} else if c == ']' {
				t.pos++
				break
			}
			return 0, t.fail("expected ',' or ']' after array element")
		}
	}
	t.depth--
	off := len(t.kids)
	t.kids = append(t.kids, t.stack[base:]...)
	n := len(t.stack) - base
	t.stack = t.stack[:base]
	return t.add(node{kind: kindArray, off: uint32(off), n: uint32(n)}), nil
}

func (t *tree) object() (uint32, error) {
	if err := t.enter(); err != nil {
		return 0, err
	}
	t.pos++ // '{'
	base := len(t.stack)
	t.skipSpace()
	if t.pos < len(t.src) && t.src[t.pos] == '}' {
		t.pos++
	} else {
		for {
			t.skipSpace()
			if t.pos >= len(t.src) || t.src[t.pos] != '"' {
				return 0, t.fail("expected string for object key")
			}
			k, err := t.string()
			if err != nil {
				return 0, err
			}
			t.skipSpace()
			if t.pos >= len(t.src) || t.src[t.pos] != ':' {
				return 0, t.fail("expected ':' after object key")
			}
			t.pos++
			v, err := t.value()
			if err != nil {
				return 0, err
			}
			t.stack = append(t.stack, k, v)
			t.skipSpace()
			if t.pos >= len(t.src) {
				return 0, t.fail("unexpected end of input in object")
			}
			if c := t.src[t.pos]; c == ',' {
				t.pos++
				continue
			} else if c == '}' {
				t.pos++
				break
			}
			return 0, t.fail("expected ',' or '}' after object value")
		}
	}
	t.depth--
	t.dedupe(base)
	off := len(t.kids)
	t.kids = append(t.kids, t.stack[base:]...)
	n := (len(t.stack) - base) / 2
	t.stack = t.stack[:base]
	return t.add(node{kind: kindObject, off: uint32(off), n: uint32(n)}), nil
}

// dedupe drops earlier occurrences of repeated keys among the members on the
// stack from base on, so that the last one wins as in encoding/json and the
// TOON output never repeats a key (strict decoders reject that).
func (t *tree) dedupe(base int) {
	members := t.stack[base:]
	m := len(members) / 2
	if m < 2 {
		return
	}
	t.hash = t.hash[:0]
	for i := 0; i < m; i++ {
		t.hash = append(t.hash, keySig(t.key(members, i)))
	}
	if !t.hasDuplicateKey(members) {
		return
	}
	// Rare path: compact in place, keeping a member only if no later member
	// has the same key.
	w := 0
	for i := 0; i < m; i++ {
		keep := true
		for j := i + 1; j < m; j++ {
			if t.sameKey(members, i, j) {
				keep = false
				break
			}
		}
		if keep {
			members[2*w], members[2*w+1] = members[2*i], members[2*i+1]
			w++
		}
	}
	t.stack = t.stack[:base+2*w]
}

// key returns the text of the key of member i.
func (t *tree) key(members []uint32, i int) []byte {
	return t.bytes(t.nodes[members[2*i]])
}

func (t *tree) sameKey(members []uint32, i, j int) bool {
	return t.hash[i] == t.hash[j] && bytes.Equal(t.key(members, i), t.key(members, j))
}

// hasDuplicateKey reports whether two members share a key. Objects of up
// to 64 members use a small open-addressing table of signatures on the
// stack, so the common case costs one probe per key and no allocation.
func (t *tree) hasDuplicateKey(members []uint32) bool {
	hs := t.hash
	if len(hs) > 64 {
		seen := make(map[string]struct{}, len(hs))
		for i := range hs {
			k := string(t.key(members, i))
			if _, ok := seen[k]; ok {
				return true
			}
			seen[k] = struct{}{}
		}
		return false
	}
	var slots [128]uint8 // member index+1; 0 is empty
	for i, h := range hs {
		p := (h * 0x9E3779B97F4A7C15) >> 57
		for slots[p] != 0 {
			if j := int(slots[p] - 1); hs[j] == h && bytes.Equal(t.key(members, i), t.key(members, j)) {
				return true
			}
			p = (p + 1) & 127
		}
		slots[p] = uint8(i + 1)
	}
	return false
}

// keySig summarises a key by its length and three of its bytes: equal keys
// have equal signatures, and distinct keys of one object rarely do.
func keySig(k []byte) uint64 {
	if len(k) == 0 {
		return 0
	}
	return uint64(len(k))<<24 | uint64(k[0])<<16 | uint64(k[len(k)/2])<<8 | uint64(k[len(k)-1])
}
