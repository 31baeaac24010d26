package tools

import "github.com/google/jsonschema-go/jsonschema"

// Schema builders. Tool input schemas are written with these so they read
// like the argument list they describe; the result is a standard JSON
// Schema (2020-12) served to clients as is.

// Object describes an object with the given properties. Properties not
// listed are refused, so a misspelt argument gets a clear error.
func Object(props map[string]*jsonschema.Schema, required ...string) *jsonschema.Schema {
	if props == nil {
		props = map[string]*jsonschema.Schema{}
	}
	return &jsonschema.Schema{Type: "object", Properties: props, Required: required,
		AdditionalProperties: &jsonschema.Schema{Not: &jsonschema.Schema{}}}
}

// String describes a string.
func String(desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Description: desc}
}

// StringLen describes a string of bounded length.
func StringLen(desc string, minLen, maxLen int) *jsonschema.Schema {
	s := String(desc)
	s.MinLength, s.MaxLength = &minLen, &maxLen
	return s
}

// Enum describes a string taking one of values.
func Enum(desc string, values ...string) *jsonschema.Schema {
	s := String(desc)
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
}

// Integer describes an integer in [lo, hi].
func Integer(desc string, lo, hi float64) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "integer", Description: desc, Minimum: &lo, Maximum: &hi}
}

// Number describes a number in [lo, hi].
func Number(desc string, lo, hi float64) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "number", Description: desc, Minimum: &lo, Maximum: &hi}
}

// Boolean describes a boolean.
func Boolean(desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "boolean", Description: desc}
}

// Date describes a calendar date, YYYY-MM-DD.
func Date(desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Format: "date", Description: desc}
}

// DateOrTime describes a calendar date or an RFC 3339 date-time.
func DateOrTime(desc string) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Description: desc,
		Pattern: `^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$`}
}

// Array describes an array of items with at most maxItems elements.
func Array(desc string, items *jsonschema.Schema, minItems, maxItems int) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "array", Description: desc, Items: items, MinItems: &minItems, MaxItems: &maxItems}
}

// FreeObject describes an object whose keys are not fixed (configuration
// maps); values must match values.
func FreeObject(desc string, values *jsonschema.Schema) *jsonschema.Schema {
	return &jsonschema.Schema{Type: "object", Description: desc, AdditionalProperties: values}
}

// Schema is the JSON Schema type tools are declared with.
type Schema = jsonschema.Schema
