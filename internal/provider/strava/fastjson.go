package strava

import (
	"errors"
	"strconv"
	"strings"
	"unsafe"
)

// decodeStreamSet is a fast, allocation-light decoder for the
// key_by_type=true streams answer: {"<type>": {"data": [...], ...}, ...}.
// It accepts only strict JSON and returns an error for anything it does not
// handle (escaped keys, unexpected shapes); MapStreamsJSON then falls back
// to encoding/json, so the result never depends on which decoder ran. A
// differential fuzz target checks the two agree.
func decodeStreamSet(data []byte) (streamSet, error) {
	p := parser{b: data}
	var s streamSet
	p.ws()
	if !p.eat('{') {
		return s, errFast
	}
	p.ws()
	if p.eat('}') {
		return s, p.end()
	}
	for {
		p.ws()
		key, ok := p.key()
		if !ok {
			return s, errFast
		}
		p.ws()
		if !p.eat(':') {
			return s, errFast
		}
		p.ws()
		if !exactKey(key) {
			return s, errFast
		}
		var err error
		switch key {
		case "time":
			s.Time, err = p.floatStream(s.Time)
		case "heartrate":
			s.Heartrate, err = p.floatStream(s.Heartrate)
		case "watts":
			s.Watts, err = p.floatStream(s.Watts)
		case "cadence":
			s.Cadence, err = p.floatStream(s.Cadence)
		case "velocity_smooth":
			s.VelocitySmooth, err = p.floatStream(s.VelocitySmooth)
		case "altitude":
			s.Altitude, err = p.floatStream(s.Altitude)
		case "distance":
			s.Distance, err = p.floatStream(s.Distance)
		case "temp":
			s.Temp, err = p.floatStream(s.Temp)
		case "latlng":
			s.LatLng, err = p.latlngStream(s.LatLng)
		default:
			err = p.skip(0)
		}
		if err != nil {
			return s, err
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return s, p.end()
		}
		return s, errFast
	}
}

var errFast = errors.New("fast stream decoder: unsupported input")

type parser struct {
	b []byte
	i int
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) end() error {
	p.ws()
	if p.i != len(p.b) {
		return errFast
	}
	return nil
}

// key reads a string without escapes (all Strava keys); escapes, control
// characters and non-ASCII bytes make it give up.
func (p *parser) key() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			k := p.b[start:p.i]
			p.i++
			return string(k), true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
		p.i++
	}
	return "", false
}

// number scans one JSON number and parses it.
func (p *parser) number() (float64, bool) {
	start := p.i
	p.eat('-')
	if p.i >= len(p.b) {
		return 0, false
	}
	if p.b[p.i] == '0' {
		p.i++
	} else if d := p.digits(); d == 0 {
		return 0, false
	}
	isInt := true
	if p.eat('.') {
		isInt = false
		if p.digits() == 0 {
			return 0, false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		isInt = false
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if p.digits() == 0 {
			return 0, false
		}
	}
	num := p.b[start:p.i]
	if isInt && len(num) <= 15 {
		neg := num[0] == '-'
		if neg {
			num = num[1:]
		}
		var v int64
		for _, c := range num {
			v = v*10 + int64(c-'0')
		}
		if neg {
			return -float64(v), true
		}
		return float64(v), true
	}
	// The bytes are a valid JSON number and are not retained.
	v, err := strconv.ParseFloat(unsafe.String(&num[0], len(num)), 64)
	if err != nil {
		return 0, false // out of range: let encoding/json report it
	}
	return v, true
}

func (p *parser) digits() int {
	n := 0
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
		n++
	}
	return n
}

// object walks {"k": v, ...}, calling field for each key positioned at its
// value.
func (p *parser) object(field func(key string) error) error {
	if !p.eat('{') {
		return errFast
	}
	p.ws()
	if p.eat('}') {
		return nil
	}
	for {
		p.ws()
		k, ok := p.key()
		if !ok {
			return errFast
		}
		p.ws()
		if !p.eat(':') {
			return errFast
		}
		p.ws()
		if err := field(k); err != nil {
			return err
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return nil
		}
		return errFast
	}
}

func (p *parser) floatStream(prev *floatStream) (*floatStream, error) {
	if p.literal("null") {
		return nil, nil // encoding/json sets a pointer to nil on null
	}
	s := prev
	if s == nil {
		s = &floatStream{}
	}
	err := p.object(func(k string) error {
		if k != "data" {
			if strings.EqualFold(k, "data") {
				return errFast // encoding/json matches keys case-insensitively
			}
			return p.skip(0)
		}
		if p.literal("null") {
			s.Data = nil
			return nil
		}
		if !p.eat('[') {
			return errFast
		}
		out := make([]float64, 0, p.estimate())
		p.ws()
		if p.eat(']') {
			s.Data = out
			return nil
		}
		for {
			p.ws()
			var v float64
			if !p.literal("null") { // null keeps 0, as encoding/json does
				n, ok := p.number()
				if !ok {
					return errFast
				}
				v = n
			}
			out = append(out, v)
			p.ws()
			if p.eat(',') {
				continue
			}
			if p.eat(']') {
				s.Data = out
				return nil
			}
			return errFast
		}
	})
	return s, err
}

func (p *parser) latlngStream(prev *latlngStream) (*latlngStream, error) {
	if p.literal("null") {
		return nil, nil
	}
	s := prev
	if s == nil {
		s = &latlngStream{}
	}
	err := p.object(func(k string) error {
		if k != "data" {
			if strings.EqualFold(k, "data") {
				return errFast // encoding/json matches keys case-insensitively
			}
			return p.skip(0)
		}
		if p.literal("null") {
			s.Data = nil
			return nil
		}
		if !p.eat('[') {
			return errFast
		}
		out := make([][2]float64, 0, p.estimatePairs())
		p.ws()
		if p.eat(']') {
			s.Data = out
			return nil
		}
		for {
			p.ws()
			var pair [2]float64
			if !p.eat('[') {
				return errFast
			}
			for j := 0; j < 2; j++ {
				p.ws()
				v, ok := p.number()
				if !ok {
					return errFast
				}
				pair[j] = v
				p.ws()
				if j == 0 && !p.eat(',') {
					return errFast
				}
			}
			if !p.eat(']') {
				return errFast // other arities: leave them to encoding/json
			}
			out = append(out, pair)
			p.ws()
			if p.eat(',') {
				continue
			}
			if p.eat(']') {
				s.Data = out
				return nil
			}
			return errFast
		}
	})
	return s, err
}

// estimate sizes a flat number array starting at p.i ('[' consumed) by
// counting commas up to its ']' (bounded), so the slice is allocated once.
func (p *parser) estimate() int {
	n := 1
	for j, lim := p.i, min(len(p.b), p.i+8<<20); j < lim; j++ {
		switch p.b[j] {
		case ',':
			n++
		case ']':
			return n
		}
	}
	return n
}

// estimatePairs counts the '[' of an array of pairs up to its closing "]]".
func (p *parser) estimatePairs() int {
	n := 0
	for j, lim := p.i, min(len(p.b), p.i+8<<20); j < lim; j++ {
		switch p.b[j] {
		case '[':
			n++
		case ']':
			k := j + 1
			for k < lim && (p.b[k] == ' ' || p.b[k] == '\n' || p.b[k] == '\t' || p.b[k] == '\r') {
				k++
			}
			if k < lim && p.b[k] == ']' {
				return n
			}
		}
	}
	return n
}

// exactKey rejects keys that encoding/json would match case-insensitively
// to a stream field without being spelled exactly like it.
func exactKey(k string) bool {
	for _, f := range streamKeys {
		if k != f && strings.EqualFold(k, f) {
			return false
		}
	}
	return true
}

var streamKeys = [...]string{"time", "heartrate", "watts", "cadence", "velocity_smooth", "altitude", "distance", "latlng", "temp"}

func (p *parser) literal(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// skip passes over any JSON value (strictly), bounded in depth.
func (p *parser) skip(depth int) error {
	if depth > 64 || p.i >= len(p.b) {
		return errFast
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(func(string) error { return p.skip(depth + 1) })
	case c == '[':
		p.i++
		p.ws()
		if p.eat(']') {
			return nil
		}
		for {
			p.ws()
			if err := p.skip(depth + 1); err != nil {
				return err
			}
			p.ws()
			if p.eat(',') {
				continue
			}
			if p.eat(']') {
				return nil
			}
			return errFast
		}
	case c == '"':
		_, ok := p.key()
		if !ok {
			return errFast
		}
		return nil
	case c == 't':
		if p.literal("true") {
			return nil
		}
	case c == 'f':
		if p.literal("false") {
			return nil
		}
	case c == 'n':
		if p.literal("null") {
			return nil
		}
	case c == '-' || c >= '0' && c <= '9':
		if _, ok := p.number(); ok {
			return nil
		}
	}
	return errFast
}
