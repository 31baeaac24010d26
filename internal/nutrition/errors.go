package nutrition

import (
	"errors"
	"fmt"
)

// InputError is bad input to a nutrition function. Field is the argument's
// wire name (e.g. "age", "foods[1].grams"); Reason says what is wrong in
// words an assistant can act on.
type InputError struct {
	Field  string
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

func inputErr(field, format string, args ...any) *InputError {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// FieldOf returns the field named by err when err is (or wraps) an
// *InputError, and "" otherwise.
func FieldOf(err error) string {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Field
	}
	return ""
}

// prefixField re-labels an *InputError under a parent field, e.g. "grams"
// becomes "foods[2].grams". Other errors pass through unchanged.
func prefixField(err error, parent string) error {
	var ie *InputError
	if errors.As(err, &ie) {
		f := parent
		if ie.Field != "" {
			f = parent + "." + ie.Field
		}
		return &InputError{Field: f, Reason: ie.Reason}
	}
	return err
}

// finite reports whether v is a usable number (not NaN or ±Inf).
func finite(v float64) bool {
	return v == v && v-v == 0
}
