package intelligence

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// ErrInvalidInput is matched by every *InputError (errors.Is).
var ErrInvalidInput = errors.New("invalid input")

// ErrInsufficientData is matched by every *InsufficientDataError (errors.Is).
var ErrInsufficientData = errors.New("insufficient data")

// InputError reports an argument that is out of range or inconsistent.
// Field is the argument's wire name (snake_case, with its unit suffix where
// it has one); Reason completes the sentence "<field> <reason>", e.g.
// Field "ftp_watts", Reason "must be positive, got -5".
type InputError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e *InputError) Error() string { return e.Field + " " + e.Reason }

// Unwrap makes errors.Is(err, ErrInvalidInput) true.
func (e *InputError) Unwrap() error { return ErrInvalidInput }

// InsufficientDataError reports that a calculation needs data the caller
// does not have (no power stream, too few days, no resting heart rate…).
// Need says what would make it work, so a tool can tell the assistant what
// to do next.
type InsufficientDataError struct {
	What string `json:"what"`
	Need string `json:"need"`
}

func (e *InsufficientDataError) Error() string {
	if e.Need == "" {
		return "not enough data for " + e.What
	}
	return "not enough data for " + e.What + ": " + e.Need
}

// Unwrap makes errors.Is(err, ErrInsufficientData) true.
func (e *InsufficientDataError) Unwrap() error { return ErrInsufficientData }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func insufficient(what, need string) error {
	return &InsufficientDataError{What: what, Need: need}
}

// num formats a number for an error message without trailing zeros.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkPositive requires a finite value > 0.
func checkPositive(field string, v float64) error {
	if !finite(v) {
		return inputErr(field, "must be a finite number, got %s", num(v))
	}
	if v <= 0 {
		return inputErr(field, "must be positive, got %s", num(v))
	}
	return nil
}

// checkNonNegative requires a finite value ≥ 0.
func checkNonNegative(field string, v float64) error {
	if !finite(v) {
		return inputErr(field, "must be a finite number, got %s", num(v))
	}
	if v < 0 {
		return inputErr(field, "must not be negative, got %s", num(v))
	}
	return nil
}

// checkRange requires lo ≤ v ≤ hi.
func checkRange(field string, v, lo, hi float64, unit string) error {
	if !finite(v) || v < lo || v > hi {
		if unit != "" {
			unit = " " + unit
		}
		return inputErr(field, "must be between %s and %s%s, got %s", num(lo), num(hi), unit, num(v))
	}
	return nil
}

// checkHeartRates validates a resting/max pair: both plausible and
// resting < max.
func checkHeartRates(maxField string, maxHR float64, restField string, restHR float64) error {
	if err := checkRange(maxField, maxHR, 60, 250, "bpm"); err != nil {
		return err
	}
	if err := checkRange(restField, restHR, 20, 150, "bpm"); err != nil {
		return err
	}
	if restHR >= maxHR {
		return inputErr(restField, "(%s) must be less than %s (%s)", num(restHR), maxField, num(maxHR))
	}
	return nil
}

func isInsufficient(err error) bool {
	var e *InsufficientDataError
	return errors.As(err, &e)
}
