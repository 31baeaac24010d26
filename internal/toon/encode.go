package toon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
)

// delim is the document and active delimiter of everything this package
// writes. Only the decoder understands tab and pipe.
const delim = ','

// Marshal renders v as TOON. v is anything encoding/json can marshal; the
// result describes exactly the JSON value json.Marshal(v) would produce.
func Marshal(v any) ([]byte, error) {
	st := statePool.Get().(*state)
	defer st.release()
	st.js.Reset()
	enc := json.NewEncoder(&st.js)
	// HTML escaping would only make strings take the slow unescaping path;
	// the JSON never leaves this function.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("toon: %w", err)
	}
	return st.render(st.js.Bytes(), false)
}

// FromJSON renders the JSON document data as TOON. It is the fast path for
// callers already holding JSON bytes; data must be a single valid JSON value.
func FromJSON(data []byte) ([]byte, error) {
	st := statePool.Get().(*state)
	defer st.release()
	return st.render(data, false)
}

// FromJSONFilled is FromJSON for answers in which an absent key and a null
// value mean the same thing (Pierre's optional measurements). An array of
// flat objects whose key sets differ is written as one table over the
// union of their keys, absent cells as null, instead of falling back to
// the much longer list form. Tables that would be mostly empty (under half
// the cells present) keep the list form.
func FromJSONFilled(data []byte) ([]byte, error) {
	st := statePool.Get().(*state)
	defer st.release()
	return st.render(data, true)
}

// state is the per-call scratch space, pooled so that steady-state encoding
// allocates little more than the returned slice.
type state struct {
	js  bytes.Buffer
	t   tree
	out []byte
}

var statePool = sync.Pool{New: func() any { return new(state) }}

// maxPooled is the scratch size beyond which a state is dropped rather
// than pooled, so that one huge answer does not pin its buffers for good.
const maxPooled = 4 << 20

func (st *state) release() {
	if st.js.Cap() > maxPooled || cap(st.out) > maxPooled || 12*cap(st.t.nodes) > maxPooled {
		return
	}
	statePool.Put(st)
}

func (st *state) render(data []byte, fill bool) ([]byte, error) {
	root, err := st.t.parse(data)
	if err != nil {
		return nil, fmt.Errorf("toon: %w", err)
	}
	e := encoder{t: &st.t, out: st.out[:0], fill: fill}
	err = e.root(root)
	st.out = e.out
	st.t.src = nil // do not pin the caller's document in the pool
	if err != nil {
		return nil, fmt.Errorf("toon: %w", err)
	}
	return bytes.Clone(e.out), nil
}

// encoder writes TOON for a parsed tree. Lines are separated, not
// terminated, by LF: the spec forbids a trailing newline.
type encoder struct {
	t       *tree
	out     []byte
	started bool
	fill    bool // tabulate flat objects with differing keys (FromJSONFilled)
}

const spaces = "                                                                " // 64

// line starts a new output line indented to depth.
func (e *encoder) line(depth int) {
	if e.started {
		e.out = append(e.out, '\n')
	}
	e.started = true
	for n := 2 * depth; n > 0; {
		k := min(n, len(spaces))
		e.out = append(e.out, spaces[:k]...)
		n -= k
	}
}

func (e *encoder) node(i uint32) node { return e.t.nodes[i] }

// member returns the key and value node indices of member j of object o.
func (e *encoder) member(o node, j uint32) (uint32, uint32) {
	k := e.t.kids[o.off+2*j : o.off+2*j+2]
	return k[0], k[1]
}

func (e *encoder) root(i uint32) error {
	n := e.node(i)
	switch n.kind {
	case kindObject:
		return e.fields(n, 0)
	case kindArray:
		e.line(0)
		return e.array(n, 0, true)
	default:
		e.line(0)
		return e.primitive(n)
	}
}

// fields writes each member of object o as a field line at depth.
func (e *encoder) fields(o node, depth int) error {
	for j := uint32(0); j < o.n; j++ {
		k, v := e.member(o, j)
		e.line(depth)
		if err := e.field(k, v, depth); err != nil {
			return err
		}
	}
	return nil
}

// field writes "key: value", "key:" plus a nested object, or an array
// header, on a line the caller has started. Nested content goes to depth+1.
func (e *encoder) field(k, v uint32, depth int) error {
	e.out = appendKey(e.out, e.t.bytes(e.node(k)))
	val := e.node(v)
	switch val.kind {
	case kindObject:
		e.out = append(e.out, ':')
		return e.fields(val, depth+1)
	case kindArray:
		return e.array(val, depth, true)
	default:
		e.out = append(e.out, ':', ' ')
		return e.primitive(val)
	}
}

func (e *encoder) primitive(n node) error {
	switch n.kind {
	case kindNull:
		e.out = append(e.out, "null"...)
	case kindTrue:
		e.out = append(e.out, "true"...)
	case kindFalse:
		e.out = append(e.out, "false"...)
	case kindNumber:
		var err error
		e.out, err = appendNumber(e.out, e.t.bytes(n))
		return err
	case kindString:
		e.out = appendString(e.out, e.t.bytes(n), delim)
	}
	return nil
}

func isPrimitive(k kind) bool { return k < kindObject }

// array writes an array header "[N]..." after whatever the current line
// already holds (a key, "- ", or nothing at the root) and the array's
// content at depth+1. tabular is false for arrays that are list items:
// 4.x drafts allow a keyless header with a field list only at the root.
func (e *encoder) array(a node, depth int, tabular bool) error {
	e.out = append(e.out, '[')
	e.out = appendUint(e.out, a.n)
	e.out = append(e.out, ']')
	if a.n == 0 {
		e.out = append(e.out, ':')
		return nil
	}
	elems := e.t.kids[a.off : a.off+a.n]
	allPrim := true
	for _, c := range elems {
		if !isPrimitive(e.node(c).kind) {
			allPrim = false
			break
		}
	}
	if allPrim {
		e.out = append(e.out, ':', ' ')
		for i, c := range elems {
			if i > 0 {
				e.out = append(e.out, delim)
			}
			if err := e.primitive(e.node(c)); err != nil {
				return err
			}
		}
		return nil
	}
	if tabular {
		if ok, sameOrder := e.uniform(elems); ok {
			return e.table(elems, depth+1, sameOrder)
		}
		if e.fill {
			if keys, ok := e.union(elems); ok {
				return e.filledTable(elems, keys, depth+1)
			}
		}
	}
	e.out = append(e.out, ':')
	for _, c := range elems {
		e.line(depth + 1)
		if err := e.item(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// uniform reports whether elems qualify for tabular form (§9.3): all
// non-empty objects with one key set and only primitive values. sameOrder
// says every object lists its keys in the first object's order, which lets
// rows skip key lookups.
func (e *encoder) uniform(elems []uint32) (ok, sameOrder bool) {
	first := e.node(elems[0])
	if first.kind != kindObject || first.n == 0 {
		return false, false
	}
	sameOrder = true
	for _, c := range elems {
		o := e.node(c)
		if o.kind != kindObject || o.n != first.n {
			return false, false
		}
		for j := uint32(0); j < o.n; j++ {
			k, v := e.member(o, j)
			if !isPrimitive(e.node(v).kind) {
				return false, false
			}
			fk, _ := e.member(first, j)
			if k == fk || bytes.Equal(e.t.bytes(e.node(k)), e.t.bytes(e.node(fk))) {
				continue
			}
			sameOrder = false
			// Keys are unique within an object (the parser dedupes), so
			// equal counts plus every key found means equal key sets.
			if _, found := e.lookup(first, e.t.bytes(e.node(k))); !found {
				return false, false
			}
		}
	}
	return true, sameOrder
}

// maxUnionKeys bounds the width of a filled table.
const maxUnionKeys = 64

// union returns the keys of elems in first-seen order when every element
// is a non-empty flat object and at least half the table's cells would be
// present.
func (e *encoder) union(elems []uint32) ([][]byte, bool) {
	var keys [][]byte
	present := 0
	for _, c := range elems {
		o := e.node(c)
		if o.kind != kindObject || o.n == 0 {
			return nil, false
		}
		present += int(o.n)
		for j := uint32(0); j < o.n; j++ {
			k, v := e.member(o, j)
			if !isPrimitive(e.node(v).kind) {
				return nil, false
			}
			kb := e.t.bytes(e.node(k))
			seen := false
			for _, have := range keys {
				if bytes.Equal(have, kb) {
					seen = true
					break
				}
			}
			if !seen {
				if len(keys) == maxUnionKeys {
					return nil, false
				}
				keys = append(keys, kb)
			}
		}
	}
	return keys, 2*present >= len(keys)*len(elems)
}

// filledTable writes a tabular array over keys, null where a row lacks one.
func (e *encoder) filledTable(elems []uint32, keys [][]byte, depth int) error {
	e.out = append(e.out, '{')
	for j, k := range keys {
		if j > 0 {
			e.out = append(e.out, delim)
		}
		e.out = appendKey(e.out, k)
	}
	e.out = append(e.out, '}', ':')
	for _, c := range elems {
		o := e.node(c)
		e.line(depth)
		for j, k := range keys {
			if j > 0 {
				e.out = append(e.out, delim)
			}
			// Rows usually list keys in the union's order: try the same
			// position before searching.
			if uint32(j) < o.n {
				if kk, v := e.member(o, uint32(j)); bytes.Equal(e.t.bytes(e.node(kk)), k) {
					if err := e.primitive(e.node(v)); err != nil {
						return err
					}
					continue
				}
			}
			if v, ok := e.lookup(o, k); ok {
				if err := e.primitive(e.node(v)); err != nil {
					return err
				}
				continue
			}
			e.out = append(e.out, "null"...)
		}
	}
	return nil
}

// lookup finds the value of key in object o.
func (e *encoder) lookup(o node, key []byte) (uint32, bool) {
	for j := uint32(0); j < o.n; j++ {
		k, v := e.member(o, j)
		if bytes.Equal(e.t.bytes(e.node(k)), key) {
			return v, true
		}
	}
	return 0, false
}

// table writes the field list and the rows of a tabular array.
func (e *encoder) table(elems []uint32, depth int, sameOrder bool) error {
	first := e.node(elems[0])
	e.out = append(e.out, '{')
	for j := uint32(0); j < first.n; j++ {
		if j > 0 {
			e.out = append(e.out, delim)
		}
		k, _ := e.member(first, j)
		e.out = appendKey(e.out, e.t.bytes(e.node(k)))
	}
	e.out = append(e.out, '}', ':')
	for _, c := range elems {
		o := e.node(c)
		e.line(depth)
		for j := uint32(0); j < first.n; j++ {
			if j > 0 {
				e.out = append(e.out, delim)
			}
			var v uint32
			if sameOrder {
				_, v = e.member(o, j)
			} else {
				fk, _ := e.member(first, j)
				v, _ = e.lookup(o, e.t.bytes(e.node(fk)))
			}
			if err := e.primitive(e.node(v)); err != nil {
				return err
			}
		}
	}
	return nil
}

// item writes one list item (§9.4, §10) on a line the caller has started at
// depth.
func (e *encoder) item(i uint32, depth int) error {
	n := e.node(i)
	switch n.kind {
	case kindArray:
		e.out = append(e.out, '-', ' ')
		return e.array(n, depth, false)
	case kindObject:
		if n.n == 0 {
			e.out = append(e.out, '-')
			return nil
		}
		// The first field shares the hyphen line but belongs to the
		// object's depth; so its own content goes one level deeper still,
		// which is what v3.0 §10 prescribes for a tabular first field too.
		e.out = append(e.out, '-', ' ')
		k, v := e.member(n, 0)
		if err := e.field(k, v, depth+1); err != nil {
			return err
		}
		for j := uint32(1); j < n.n; j++ {
			k, v := e.member(n, j)
			e.line(depth + 1)
			if err := e.field(k, v, depth+1); err != nil {
				return err
			}
		}
		return nil
	default:
		e.out = append(e.out, '-', ' ')
		return e.primitive(n)
	}
}

func appendUint(dst []byte, n uint32) []byte {
	var buf [10]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}
