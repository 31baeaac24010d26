package intelligence

import (
	"errors"
	"math"
	"testing"
)

func approx(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f ± %g", name, got, want, tol)
	}
}

// wantInputError asserts err is an *InputError for field.
func wantInputError(t *testing.T, err error, field string) *InputError {
	t.Helper()
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *InputError for %q", err, err, field)
	}
	if ie.Field != field {
		t.Fatalf("InputError.Field = %q, want %q (message %q)", ie.Field, field, ie.Error())
	}
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("errors.Is(err, ErrInvalidInput) = false")
	}
	return ie
}

func wantInsufficient(t *testing.T, err error) {
	t.Helper()
	var e *InsufficientDataError
	if !errors.As(err, &e) || !errors.Is(err, ErrInsufficientData) {
		t.Fatalf("error = %v (%T), want *InsufficientDataError", err, err)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func constant(v float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func fp(v float64) *float64 { return &v }

func logf(v float64) float64 { return math.Log(v) }

func pow(x, y float64) float64 { return math.Pow(x, y) }

func exp(x float64) float64 { return math.Exp(x) }
