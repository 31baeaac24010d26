package httpapi

import "net/http"

// The API's response and request conventions, for packages that mount
// their own routes through Deps.Mount.

// WriteJSON writes v as the JSON answer, uncached.
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// WriteError writes {"error":{code,message,field,request_id}}; field may be empty.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, msg, field string) {
	writeErrorField(w, r, status, code, msg, field)
}

// DecodeJSON reads one JSON object into dst, refusing unknown fields,
// wrong types and oversized bodies with a 400 naming the field. It
// reports whether decoding succeeded; otherwise the answer is written.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) bool { return decodeJSON(w, r, dst) }
