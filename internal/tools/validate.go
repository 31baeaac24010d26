package tools

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"
)

// ArgumentError is a tool call whose arguments do not match the tool's
// input schema. MCP answers it with JSON-RPC error -32602.
type ArgumentError struct {
	Field  string // JSON path of the argument, e.g. "limit" or "foods[2].grams"
	Reason string
}

func (e *ArgumentError) Error() string {
	if e.Field == "" {
		return "invalid arguments: " + e.Reason
	}
	return fmt.Sprintf("invalid argument %q: %s", e.Field, e.Reason)
}

// checkSchemaSupported panics when a schema uses a keyword the validator
// does not enforce, so a schema can never promise a check that is not made.
func checkSchemaSupported(s *jsonschema.Schema, path string) {
	if s == nil {
		return
	}
	v := reflect.ValueOf(*s)
	t := v.Type()
	allowed := map[string]bool{"Type": true, "Description": true, "Title": true, "Properties": true, "Required": true,
		"AdditionalProperties": true, "Enum": true, "Minimum": true, "Maximum": true, "MinLength": true,
		"MaxLength": true, "Pattern": true, "Format": true, "Items": true, "MinItems": true, "MaxItems": true,
		"Default": true, "Examples": true, "Not": true}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || allowed[f.Name] || v.Field(i).IsZero() {
			continue
		}
		panic(fmt.Sprintf("tool schema at %q uses %s, which the validator does not enforce", path, f.Name))
	}
	if s.Not != nil && !reflect.ValueOf(*s.Not).IsZero() {
		panic(fmt.Sprintf("tool schema at %q: only the empty 'not' (deny all) is supported", path))
	}
	for name, p := range s.Properties {
		checkSchemaSupported(p, join(path, name))
	}
	checkSchemaSupported(s.Items, path+"[]")
	if s.AdditionalProperties != nil && s.AdditionalProperties.Not == nil {
		checkSchemaSupported(s.AdditionalProperties, path+".*")
	}
	if s.Format != "" && s.Format != "date" && s.Format != "date-time" {
		panic(fmt.Sprintf("tool schema at %q uses unsupported format %q", path, s.Format))
	}
}

var patterns sync.Map // pattern → *regexp.Regexp

func compiled(p string) *regexp.Regexp {
	if re, ok := patterns.Load(p); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(p)
	patterns.Store(p, re)
	return re
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case float64:
		return "a number"
	case string:
		_ = v
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// validate checks v (decoded with UseNumber) against s.
func validate(s *jsonschema.Schema, v any, path string) error {
	bad := func(format string, a ...any) error {
		return &ArgumentError{Field: path, Reason: fmt.Sprintf(format, a...)}
	}
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return bad("must be an object, got %s", typeName(v))
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				return &ArgumentError{Field: join(path, r), Reason: "is required"}
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := s.Properties[k]; ok {
				if err := validate(ps, m[k], join(path, k)); err != nil {
					return err
				}
				continue
			}
			if ap := s.AdditionalProperties; ap != nil {
				if ap.Not != nil {
					known := make([]string, 0, len(s.Properties))
					for n := range s.Properties {
						known = append(known, n)
					}
					sort.Strings(known)
					return &ArgumentError{Field: join(path, k), Reason: "is not a known argument; expected one of: " + strings.Join(known, ", ")}
				}
				if err := validate(ap, m[k], join(path, k)); err != nil {
					return err
				}
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return bad("must be an array, got %s", typeName(v))
		}
		if s.MinItems != nil && len(a) < *s.MinItems {
			if *s.MinItems == 1 {
				return bad("must not be empty")
			}
			return bad("must have at least %d items (got %d)", *s.MinItems, len(a))
		}
		if s.MaxItems != nil && len(a) > *s.MaxItems {
			return bad("must have at most %d items (got %d)", *s.MaxItems, len(a))
		}
		if s.Items != nil {
			for i, it := range a {
				if err := validate(s.Items, it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return bad("must be a string, got %s", typeName(v))
		}
		if len(s.Enum) > 0 {
			for _, e := range s.Enum {
				if e == str {
					return nil
				}
			}
			opts := make([]string, len(s.Enum))
			for i, e := range s.Enum {
				opts[i] = fmt.Sprint(e)
			}
			return bad("must be one of %s (got %q)", strings.Join(opts, ", "), str)
		}
		n := utf8.RuneCountInString(str)
		if s.MinLength != nil && n < *s.MinLength {
			if *s.MinLength == 1 {
				return bad("must not be empty")
			}
			return bad("must be at least %d characters", *s.MinLength)
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return bad("must be at most %d characters (got %d)", *s.MaxLength, n)
		}
		if s.Pattern != "" && !compiled(s.Pattern).MatchString(str) {
			if strings.Contains(s.Pattern, `\d{4}-\d{2}-\d{2}`) {
				return bad("must be a date like 2026-05-01 or a date-time like 2026-05-01T07:30:00Z (got %q)", str)
			}
			return bad("has an invalid format (got %q)", str)
		}
		switch s.Format {
		case "date":
			if _, err := time.Parse(time.DateOnly, str); err != nil {
				return bad("must be a date like 2026-05-01 (got %q)", str)
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				return bad("must be an RFC 3339 date-time like 2026-05-01T07:30:00Z (got %q)", str)
			}
		}
	case "integer", "number":
		num, ok := v.(json.Number)
		if !ok {
			return bad("must be %s, got %s", map[string]string{"integer": "an integer", "number": "a number"}[s.Type], typeName(v))
		}
		f, err := num.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return bad("must be a finite number (got %s)", num)
		}
		if s.Type == "integer" && f != math.Trunc(f) {
			return bad("must be a whole number (got %s)", num)
		}
		lo, hi := s.Minimum, s.Maximum
		switch {
		case lo != nil && hi != nil && (f < *lo || f > *hi):
			return bad("must be between %s and %s (got %s)", fmtNum(*lo), fmtNum(*hi), num)
		case lo != nil && f < *lo:
			return bad("must be at least %s (got %s)", fmtNum(*lo), num)
		case hi != nil && f > *hi:
			return bad("must be at most %s (got %s)", fmtNum(*hi), num)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad("must be true or false, got %s", typeName(v))
		}
	}
	return nil
}

func fmtNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}
