package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"john.doe@example.com":  "j***@e***.com",
		"a@b.co":                "a***@b***.co",
		"x@localhost":           "x***@l***",
		"@nope.com":             "***",
		"user@mail.example.org": "u***@m***.org",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLogsNeverContainSecrets(t *testing.T) {
	const (
		jwt    = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"
		apiKey = "pk_live_abcdefghijklmnop1234"
		pw     = "correct horse battery staple"
		email  = "jane.runner@example.com"
	)
	for _, format := range []string{"json", "text"} {
		var buf bytes.Buffer
		log := New(&buf, "debug", format)
		log.Info("login by "+email+" with Bearer "+jwt,
			"password", pw,
			"authorization", "Bearer "+jwt,
			"detail", "key="+apiKey,
			"err", errors.New("upstream said token "+jwt+" invalid for "+email),
			slog.Group("req", "client_secret", "s3cr3t-value", "path", "/mcp"),
		)
		log.With("refresh_token", "rt-secret-value").Warn("with attrs")
		out := buf.String()
		for _, secret := range []string{jwt, apiKey, pw, email, "s3cr3t-value", "rt-secret-value"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s log leaks %q:\n%s", format, secret, out)
			}
		}
		for _, kept := range []string{"j***@e***.com", "/mcp", Redacted} {
			if !strings.Contains(out, kept) {
				t.Errorf("%s log lost %q:\n%s", format, kept, out)
			}
		}
	}
}

func TestLevelFilters(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "warn", "text")
	log.Info("hidden")
	log.Warn("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Fatalf("level filter broken: %s", buf.String())
	}
}

func FuzzRedactString(f *testing.F) {
	f.Add("Bearer eyJa.eyJb.c and a@b.com pk_live_x")
	f.Fuzz(func(t *testing.T, s string) {
		out := RedactString(s)
		if jwtRE.MatchString(out) || apiKeyRE.MatchString(strings.ReplaceAll(out, "pk_"+Redacted, "")) {
			t.Fatalf("secret survived: %q -> %q", s, out)
		}
	})
}

func BenchmarkRedactPlainString(b *testing.B) {
	for b.Loop() {
		RedactString("GET /api/activities 200 1.2ms")
	}
}
