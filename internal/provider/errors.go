package provider

import (
	"errors"
	"fmt"
	"time"
)

// ErrorKind classifies provider failures by what the caller should do next.
type ErrorKind string

// Kinds of provider errors.
const (
	// KindRateLimited: the vendor refused because of its rate limit; retry
	// after RetryAfter.
	KindRateLimited ErrorKind = "rate_limited"
	// KindReauthRequired: the user's authorisation is gone (revoked, refresh
	// failed); the user must reconnect the provider.
	KindReauthRequired ErrorKind = "reauth_required"
	// KindNotConnected: the user has not connected this provider.
	KindNotConnected ErrorKind = "not_connected"
	// KindNotConfigured: the server has no OAuth app for this provider.
	KindNotConfigured ErrorKind = "not_configured"
	// KindNotFound: the requested item does not exist at the vendor.
	KindNotFound ErrorKind = "not_found"
	// KindUnsupported: the vendor's API does not offer this data.
	KindUnsupported ErrorKind = "unsupported"
	// KindUnavailable: the vendor failed (5xx, timeout, network); retrying
	// later may work.
	KindUnavailable ErrorKind = "unavailable"
	// KindInvalidData: the vendor answered with something we cannot read.
	KindInvalidData ErrorKind = "invalid_data"
)

// Error is a provider failure. Its message is safe to show to the user and
// the assistant: it never contains tokens or raw response bodies.
type Error struct {
	Provider   string
	Kind       ErrorKind
	Status     int           // vendor HTTP status, 0 when none
	RetryAfter time.Duration // for KindRateLimited and KindUnavailable, when known
	Message    string
	Err        error // underlying cause, for logs
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = string(e.Kind)
	}
	s := fmt.Sprintf("%s: %s", e.Provider, msg)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the same request may succeed later.
func (e *Error) Retryable() bool {
	return e.Kind == KindRateLimited || e.Kind == KindUnavailable
}

// KindOf returns the kind of a provider error in err's chain, or "".
func KindOf(err error) ErrorKind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return ""
}

// Unsupported builds the error a client returns for data its vendor lacks.
func Unsupported(provider, what string) *Error {
	return &Error{Provider: provider, Kind: KindUnsupported,
		Message: "does not provide " + what}
}

// NotFound builds the error for a missing item.
func NotFound(provider, what, id string) *Error {
	return &Error{Provider: provider, Kind: KindNotFound,
		Message: fmt.Sprintf("%s %q not found", what, id)}
}
