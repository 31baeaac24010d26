package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Failure codes: what went wrong, in a form the assistant can branch on.
const (
	CodeNotFound              = "not_found"
	CodeInvalidInput          = "invalid_input"
	CodeNotEnoughData         = "not_enough_data"
	CodeProviderNotConnected  = "provider_not_connected"
	CodeProviderNotConfigured = "provider_not_configured"
	CodeProviderReauth        = "provider_reauth_required"
	CodeProviderRateLimited   = "provider_rate_limited"
	CodeProviderUnavailable   = "provider_unavailable"
	CodeProviderUnsupported   = "provider_unsupported"
	CodePermissionDenied      = "permission_denied"
	CodeCancelled             = "cancelled"
	CodeInternal              = "internal_error"
)

// Failure is a tool error shown to the assistant (MCP isError result). The
// message says what happened and the hint what to do next.
type Failure struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Hint       string `json:"hint,omitempty"`
	Provider   string `json:"provider,omitempty"`
	RetryAfter int    `json:"retry_after_seconds,omitempty"`
}

func (f *Failure) Error() string { return f.Code + ": " + f.Message }

// Fail returns a Failure.
func Fail(code, message, hint string) *Failure {
	return &Failure{Code: code, Message: message, Hint: hint}
}

// NotEnoughData says an analysis lacks data, and what would fix it.
func NotEnoughData(message, hint string) *Failure { return Fail(CodeNotEnoughData, message, hint) }

// Invalid reports input the schema cannot express (e.g. reversed dates)
// as an argument error naming the field.
func Invalid(field, reason string) error { return &ArgumentError{Field: field, Reason: reason} }

// AsFailure classifies any error from a handler.
func AsFailure(err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	var pe *provider.Error
	if errors.As(err, &pe) {
		return providerFailure(pe)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Fail(CodeNotFound, "the requested item does not exist", "check the id; list items first to find valid ids")
	case errors.Is(err, context.Canceled):
		return Fail(CodeCancelled, "the request was cancelled", "")
	case errors.Is(err, context.DeadlineExceeded):
		return Fail(CodeProviderUnavailable, "the request took too long and was stopped", "try again with a smaller range")
	}
	return Fail(CodeInternal, "an internal error occurred; it has been logged", "try again; if it persists, contact the server administrator")
}

func providerFailure(pe *provider.Error) *Failure {
	name := displayName(pe.Provider)
	f := &Failure{Provider: pe.Provider, Message: pe.Message}
	switch pe.Kind {
	case provider.KindNotConnected:
		f.Code = CodeProviderNotConnected
		if pe.Provider == "any" {
			f.Provider = ""
			f.Message = "no connected provider offers this data (" + pe.Message + ")"
			f.Hint = "call get_connection_status to see providers, then connect_provider to connect one"
		} else {
			f.Message = name + " is not connected for this account"
			f.Hint = fmt.Sprintf("call connect_provider with provider=%q, or omit provider to use a connected one", pe.Provider)
		}
	case provider.KindNotConfigured:
		f.Code = CodeProviderNotConfigured
		f.Hint = "call get_connection_status to see which providers this server offers"
	case provider.KindReauthRequired:
		f.Code = CodeProviderReauth
		f.Message = name + " no longer accepts this account's authorisation: " + pe.Message
		f.Hint = fmt.Sprintf("ask the user to reconnect: call connect_provider with provider=%q", pe.Provider)
	case provider.KindRateLimited:
		f.Code = CodeProviderRateLimited
		f.RetryAfter = int(pe.RetryAfter / time.Second)
		f.Message = name + " is rate limiting requests"
		f.Hint = "retry later"
		if pe.RetryAfter > 0 {
			f.Hint = "retry in " + pe.RetryAfter.Round(time.Second).String()
		}
	case provider.KindUnavailable:
		f.Code = CodeProviderUnavailable
		f.Hint = "the vendor's service failed; retry in a few minutes"
	case provider.KindUnsupported:
		f.Code = CodeProviderUnsupported
		f.Message = name + " " + pe.Message
		f.Hint = "use another connected provider for this data"
	case provider.KindNotFound:
		f.Code = CodeNotFound
		f.Hint = "check the id; call get_activities to list valid activity ids"
	default:
		f.Code = CodeProviderUnavailable
		f.Hint = "retry later"
	}
	if f.Message == "" {
		f.Message = pe.Error()
	}
	return f
}

func displayName(p string) string {
	switch p {
	case "whoop":
		return "WHOOP"
	case "coros":
		return "COROS"
	case "", "any":
		return "The provider"
	}
	return strings.ToUpper(p[:1]) + p[1:]
}
