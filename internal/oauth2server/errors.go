package oauth2server

import (
	"net/http"
	"strconv"
)

// oauthError is an RFC 6749 §5.2 error (also used for RFC 7591 and 7009).
// Description is safe to show: it never contains a secret.
type oauthError struct {
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	Status      int    `json:"-"`
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

func errInvalidRequest(d string) *oauthError {
	return &oauthError{Code: "invalid_request", Description: d, Status: http.StatusBadRequest}
}

func errInvalidGrant(d string) *oauthError {
	return &oauthError{Code: "invalid_grant", Description: d, Status: http.StatusBadRequest}
}

func errInvalidClient(d string) *oauthError {
	return &oauthError{Code: "invalid_client", Description: d, Status: http.StatusUnauthorized}
}

func errInvalidScope(d string) *oauthError {
	return &oauthError{Code: "invalid_scope", Description: d, Status: http.StatusBadRequest}
}

func errInvalidTarget(d string) *oauthError {
	return &oauthError{Code: "invalid_target", Description: d, Status: http.StatusBadRequest}
}

func errUnauthorizedClient(d string) *oauthError {
	return &oauthError{Code: "unauthorized_client", Description: d, Status: http.StatusBadRequest}
}

func errServer() *oauthError {
	return &oauthError{Code: "server_error", Description: "an internal error occurred; it has been logged", Status: http.StatusInternalServerError}
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, e.Status, e)
}

func itoa(n int) string { return strconv.Itoa(n) }
