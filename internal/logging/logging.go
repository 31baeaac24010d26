// Package logging builds Pierre's slog logger. Its handler redacts secrets
// before anything is written: attributes named like credentials are replaced,
// and tokens, API keys and e-mail addresses are masked inside any string, in
// messages and attribute values alike.
package logging

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces secret values.
const Redacted = "[REDACTED]"

// New returns a logger writing format ("json" or "text") at level
// ("debug", "info", "warn", "error") to w, with redaction.
func New(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	switch level {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(NewRedactingHandler(h))
}

// Discard is a logger that writes nothing, for tests and quiet tools.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// RedactingHandler wraps another handler and scrubs secrets from records.
type RedactingHandler struct{ next slog.Handler }

// NewRedactingHandler wraps next.
func NewRedactingHandler(next slog.Handler) *RedactingHandler { return &RedactingHandler{next: next} }

// Enabled implements slog.Handler.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *RedactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redactAttr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(red)}
}

// WithGroup implements slog.Handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name)}
}

// sensitiveKey reports whether an attribute name denotes a credential.
func sensitiveKey(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "authorization", "cookie", "set-cookie", "password", "passwd", "secret", "token",
		"jwt", "jwt_token", "api_key", "apikey", "x-api-key", "x-pierre-api-key",
		"client_secret", "access_token", "refresh_token", "id_token", "code", "code_verifier",
		"master_key", "private_key", "csrf_token", "x-csrf-token":
		return true
	}
	return strings.HasSuffix(k, "_secret") || strings.HasSuffix(k, "_token") ||
		strings.HasSuffix(k, "_password") || strings.HasSuffix(k, "-secret")
}

func redactAttr(a slog.Attr) slog.Attr {
	if sensitiveKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactString(v.String()))
	case slog.KindGroup:
		g := v.Group()
		red := make([]any, len(g))
		for i, ga := range g {
			red[i] = redactAttr(ga)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, RedactString(err.Error()))
		}
		if s, ok := v.Any().(interface{ String() string }); ok {
			return slog.String(a.Key, RedactString(s.String()))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

var (
	emailRE  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	jwtRE    = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*`)
	apiKeyRE = regexp.MustCompile(`pk_(live|test)_[A-Za-z0-9_\-]+`)
	bearerRE = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/\-]+=*`)
)

// RedactString masks tokens, API keys and e-mail addresses inside s. The
// cheap Contains checks keep the common case (nothing to redact) fast.
func RedactString(s string) string {
	if strings.Contains(s, "eyJ") {
		s = jwtRE.ReplaceAllString(s, Redacted)
	}
	if strings.Contains(s, "pk_") {
		s = apiKeyRE.ReplaceAllString(s, "pk_"+Redacted)
	}
	if strings.Contains(s, "earer") || strings.Contains(s, "EARER") {
		s = bearerRE.ReplaceAllString(s, "${1}"+Redacted)
	}
	if strings.Contains(s, "@") {
		s = emailRE.ReplaceAllStringFunc(s, MaskEmail)
	}
	return s
}

// MaskEmail keeps the first character of the local part and of the domain
// and the top-level domain: "john.doe@example.com" → "j***@e***.com".
func MaskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return "***"
	}
	local, domain := email[:at], email[at+1:]
	tld := ""
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 {
		tld = domain[dot:]
	}
	return local[:1] + "***@" + domain[:1] + "***" + tld
}
