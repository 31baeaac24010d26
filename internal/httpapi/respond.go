// Package httpapi is Pierre's HTTP surface on one port: health, REST
// (setup, accounts, admin), well-known metadata, and the MCP transports.
// Every error is JSON: {"error":{"code","message","field","request_id"}}.
package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// apiError is the body of every error response.
type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	writeErrorField(w, r, status, code, msg, "")
}

func writeErrorField(w http.ResponseWriter, r *http.Request, status int, code, msg, field string) {
	writeJSON(w, status, map[string]apiError{"error": {Code: code, Message: msg, Field: field, RequestID: RequestID(r.Context())}})
}

func writeRateLimited(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	secs := int(retry.Seconds())
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, r, http.StatusTooManyRequests, "rate_limited", fmt.Sprintf("too many requests; retry in %d seconds", secs))
}

// maxBody bounds JSON request bodies of the REST API.
const maxBody = 1 << 20

// decodeJSON reads a JSON object into dst, refusing unknown fields,
// trailing data and oversized bodies with a 400 naming the problem. It
// reports whether decoding succeeded (the error response is written).
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		writeError(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type", "send the body as application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	if err == nil {
		return true
	}
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		writeError(w, r, http.StatusBadRequest, "invalid_json", "request body is empty; send a JSON object")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		writeError(w, r, http.StatusBadRequest, "invalid_json", "request body is not valid JSON")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		writeErrorField(w, r, http.StatusBadRequest, "invalid_input", fmt.Sprintf("%s must be %s", fieldOrBody(field), jsonKind(typeErr.Type.Kind().String())), field)
	case errors.As(err, &tooBig):
		writeError(w, r, http.StatusRequestEntityTooLarge, "body_too_large", "request body exceeds 1 MiB")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		writeErrorField(w, r, http.StatusBadRequest, "invalid_input", fmt.Sprintf("unknown field %q", field), field)
	default:
		writeError(w, r, http.StatusBadRequest, "invalid_json", "request body is not a valid JSON object")
	}
	return false
}

func fieldOrBody(f string) string {
	if f == "" {
		return "the body"
	}
	return f
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	}
	return "a number"
}
