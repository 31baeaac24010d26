package connections

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/coros"
	"github.com/pierre-fitness/pierre/internal/provider/fitbit"
	"github.com/pierre-fitness/pierre/internal/provider/garmin"
	"github.com/pierre-fitness/pierre/internal/provider/strava"
	"github.com/pierre-fitness/pierre/internal/provider/terra"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
	"github.com/pierre-fitness/pierre/internal/provider/whoop"
)

// Vendor is a real provider and what connecting it takes beyond the
// generic OAuth 2.0 flow. Adding a vendor is one entry in Vendors.
type Vendor struct {
	New func(opts ...vendorhttp.Option) provider.Provider
	// AuthStyle is how the token endpoint wants the client credentials.
	AuthStyle oauth2.AuthStyle
	// UserID extracts the vendor's user id from a token response.
	UserID func(tok *oauth2.Token) string
	// Transport wraps the bearer-token transport (COROS wants the token in
	// the query string).
	Transport func(base http.RoundTripper) http.RoundTripper
	// Revoke withdraws the user's authorisation at the vendor; nil when the
	// vendor documents no way to.
	Revoke func(ctx context.Context, hc *http.Client, app App, access, vendorUserID string) error
}

// Vendors are the real providers Pierre connects to.
var Vendors = map[string]Vendor{
	provider.Strava: {
		New:       func(o ...vendorhttp.Option) provider.Provider { return strava.New(o...) },
		AuthStyle: oauth2.AuthStyleInParams,
		// The token response carries the athlete profile; its id is a number.
		UserID: func(tok *oauth2.Token) string { return idString(nested(tok.Extra("athlete"), "id")) },
		// POST /oauth/deauthorize with the access token.
		Revoke: func(ctx context.Context, hc *http.Client, app App, access, _ string) error {
			return send(ctx, hc, http.MethodPost, app.RevokeURL, url.Values{"access_token": {access}}, nil)
		},
	},
	provider.Garmin: {
		New:       func(o ...vendorhttp.Option) provider.Provider { return garmin.New(o...) },
		AuthStyle: oauth2.AuthStyleInParams,
		// Garmin has no revocation endpoint; deleting the user registration
		// ends Pierre's access.
		Revoke: func(ctx context.Context, hc *http.Client, app App, access, _ string) error {
			return send(ctx, hc, http.MethodDelete, app.APIBaseURL+"/user/registration", nil,
				http.Header{"Authorization": {"Bearer " + access}})
		},
	},
	provider.Fitbit: {
		New: func(o ...vendorhttp.Option) provider.Provider { return fitbit.New(o...) },
		// Fitbit requires HTTP Basic client authentication.
		AuthStyle: oauth2.AuthStyleInHeader,
		UserID:    func(tok *oauth2.Token) string { return idString(tok.Extra("user_id")) },
		Revoke: func(ctx context.Context, hc *http.Client, app App, access, _ string) error {
			h := http.Header{}
			r := &http.Request{Header: h}
			r.SetBasicAuth(url.QueryEscape(app.ClientID), url.QueryEscape(app.ClientSecret))
			return send(ctx, hc, http.MethodPost, app.RevokeURL, url.Values{"token": {access}}, h)
		},
	},
	provider.Whoop: {
		New:       func(o ...vendorhttp.Option) provider.Provider { return whoop.New(o...) },
		AuthStyle: oauth2.AuthStyleInParams,
		// WHOOP API v2 "Revoke User Access": DELETE /v2/user/access.
		Revoke: func(ctx context.Context, hc *http.Client, app App, access, _ string) error {
			return send(ctx, hc, http.MethodDelete, app.APIBaseURL+"/v2/user/access", nil,
				http.Header{"Authorization": {"Bearer " + access}})
		},
	},
	provider.Coros: {
		New:       func(o ...vendorhttp.Option) provider.Provider { return coros.New(o...) },
		AuthStyle: oauth2.AuthStyleInParams,
		UserID:    func(tok *oauth2.Token) string { return idString(tok.Extra("openId")) },
		Transport: func(base http.RoundTripper) http.RoundTripper { return coros.TokenQueryTransport{Base: base} },
	},
	provider.Terra: {
		New: func(o ...vendorhttp.Option) provider.Provider { return terra.New(o...) },
		Revoke: func(ctx context.Context, hc *http.Client, app App, _, vendorUserID string) error {
			u := app.APIBaseURL + "/auth/deauthenticateUser?user_id=" + url.QueryEscape(vendorUserID)
			return send(ctx, terraHTTP(hc, app), http.MethodDelete, u, nil, nil)
		},
	},
}

// terraHTTP is hc with Terra's developer credentials added.
func terraHTTP(hc *http.Client, app App) *http.Client {
	c := *hc
	c.Transport = terra.APIKeyTransport{DevID: app.ClientID, APIKey: app.ClientSecret, Base: hc.Transport}
	return &c
}

func nested(v any, key string) any {
	m, _ := v.(map[string]any)
	return m[key]
}

// idString renders a JSON id (string or number) without exponent.
func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// send makes one request and checks for a 2xx answer. The error names the
// status only: vendor bodies may echo tokens.
func send(ctx context.Context, hc *http.Client, method, u string, form url.Values, h http.Header) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("build %s request: %w", method, err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, req.URL.Host+req.URL.Path, unwrapURL(err))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s answered HTTP %d", method, req.URL.Host+req.URL.Path, resp.StatusCode)
	}
	return nil
}

// unwrapURL drops the URL (which may carry a token in its query) from a
// transport error.
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// Registry builds the provider registry: every vendor with the API base
// URL of its App (overridable by PIERRE_<P>_API_BASE_URL), then extra
// providers such as synthetic. opts apply to every vendor client (tests
// shorten retry waits with them).
func Registry(lookup func(string) (string, bool), baseURL string, opts []vendorhttp.Option, extra ...provider.Provider) (*provider.Registry, Apps) {
	apps := Apps{}
	var ps []provider.Provider
	for name, v := range Vendors {
		d := v.New().Descriptor()
		app := LoadApp(lookup, baseURL, d)
		apps[name] = app
		o := append([]vendorhttp.Option{}, opts...)
		if app.APIBaseURL != d.APIBaseURL {
			o = append(o, vendorhttp.WithBaseURL(app.APIBaseURL))
		}
		ps = append(ps, v.New(o...))
	}
	return provider.NewRegistry(append(ps, extra...)...), apps
}
