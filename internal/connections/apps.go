package connections

import (
	"fmt"
	"strings"

	"github.com/pierre-fitness/pierre/internal/provider"
)

// App is this server's application at one vendor: the OAuth client
// credentials (for Terra: the developer id and API key) and the endpoints,
// each overridable so that tests and proxies can point elsewhere.
type App struct {
	Provider     string
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scopes       []string
	AuthURL      string
	TokenURL     string
	RevokeURL    string
	APIBaseURL   string
}

// Configured reports whether the server can connect users to this vendor.
func (a App) Configured() bool { return a.ClientID != "" && a.ClientSecret != "" }

// WithCredentials is a with the credentials of t, a tenant's own
// application at the same vendor: client id and secret always, redirect
// URI and scopes where t sets them. The endpoints stay a's.
func (a App) WithCredentials(t App) App {
	a.ClientID, a.ClientSecret = t.ClientID, t.ClientSecret
	if t.RedirectURI != "" {
		a.RedirectURI = t.RedirectURI
	}
	if len(t.Scopes) > 0 {
		a.Scopes = t.Scopes
	}
	return a
}

// Apps holds the vendor applications by provider name.
type Apps map[string]App

// envNames lists the variables read for setting suffix (e.g. "CLIENT_ID"),
// PIERRE_ names first, then the legacy ones (spec ch15-17 §2.10).
func envNames(p, suffix string) []string {
	up := strings.ToUpper(p)
	return []string{"PIERRE_" + up + "_" + suffix, up + "_" + suffix}
}

// LoadApp reads one vendor's application from the environment. d supplies
// the defaults (endpoints, scopes); baseURL the default redirect URI
// <base>/api/oauth/callback/<provider>.
func LoadApp(lookup func(string) (string, bool), baseURL string, d provider.Descriptor) App {
	get := func(suffixes ...string) string {
		for _, s := range suffixes {
			for _, k := range envNames(d.Name, s) {
				if v, ok := lookup(k); ok && strings.TrimSpace(v) != "" {
					return strings.TrimSpace(v)
				}
			}
		}
		return ""
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	a := App{Provider: d.Name, APIBaseURL: or(get("API_BASE_URL"), d.APIBaseURL)}
	a.RedirectURI = or(get("REDIRECT_URI"), strings.TrimRight(baseURL, "/")+"/api/oauth/callback/"+d.Name)
	if d.Name == provider.Terra {
		// Terra authenticates the developer with dev-id and x-api-key.
		a.ClientID = get("DEV_ID", "CLIENT_ID")
		a.ClientSecret = get("API_KEY", "CLIENT_SECRET")
		return a
	}
	if d.OAuth == nil {
		return a
	}
	a.ClientID, a.ClientSecret = get("CLIENT_ID"), get("CLIENT_SECRET")
	a.AuthURL = or(get("AUTH_URL"), d.OAuth.AuthURL)
	a.TokenURL = or(get("TOKEN_URL"), d.OAuth.TokenURL)
	a.RevokeURL = or(get("REVOKE_URL"), d.OAuth.RevokeURL)
	a.Scopes = d.OAuth.Scopes
	if s := get("SCOPES"); s != "" {
		// Either separator is accepted: the spec's example is
		// comma-joined even for vendors that want spaces.
		a.Scopes = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
	}
	return a
}

// notConfiguredMessage tells an administrator which variables to set.
func notConfiguredMessage(d provider.Descriptor) string {
	up := strings.ToUpper(d.Name)
	if d.Name == provider.Terra {
		return fmt.Sprintf("this server has no %s application; the administrator sets PIERRE_TERRA_DEV_ID and PIERRE_TERRA_API_KEY, "+
			"or a tenant administrator stores the tenant's own with PUT /api/tenants/{tenant_id}/oauth-apps/terra", d.DisplayName)
	}
	return fmt.Sprintf("this server has no %s application; the administrator sets PIERRE_%s_CLIENT_ID and PIERRE_%s_CLIENT_SECRET, "+
		"or a tenant administrator stores the tenant's own with PUT /api/tenants/{tenant_id}/oauth-apps/%s",
		d.DisplayName, up, up, d.Name)
}
