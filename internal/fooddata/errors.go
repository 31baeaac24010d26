package fooddata

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is matched (errors.Is) by every unknown-food error.
var ErrNotFound = errors.New("food not found")

// NotFoundError is an unknown FDC ID.
type NotFoundError struct {
	FDCID int
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("unknown FDC ID %d: no such food in FoodData Central; find foods with search_food", e.FDCID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ErrorKind classifies API failures by what the caller should do next.
type ErrorKind string

// Kinds of API errors.
const (
	// KindRateLimited: FoodData Central refused because of its rate limit
	// (1,000 requests/hour per key); retry after RetryAfter.
	KindRateLimited ErrorKind = "rate_limited"
	// KindUnauthorized: the API key was rejected (401/403).
	KindUnauthorized ErrorKind = "unauthorized"
	// KindBadRequest: FoodData Central rejected the request (400).
	KindBadRequest ErrorKind = "bad_request"
	// KindUnavailable: 5xx, timeout or network failure; retry later.
	KindUnavailable ErrorKind = "unavailable"
	// KindInvalidData: the answer could not be read (malformed JSON).
	KindInvalidData ErrorKind = "invalid_data"
)

// APIError is a FoodData Central failure. Its message never contains the
// API key or the raw response body.
type APIError struct {
	Kind       ErrorKind
	Status     int           // HTTP status, 0 when none
	RetryAfter time.Duration // for KindRateLimited/KindUnavailable when known
	Message    string
	Err        error // underlying cause, for logs
}

func (e *APIError) Error() string {
	s := "fooddata central: " + e.Message
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether the same request may succeed later.
func (e *APIError) Retryable() bool {
	return e.Kind == KindRateLimited || e.Kind == KindUnavailable
}
