// Package coros reads a user's COROS workouts through the COROS open API
// (partner program; documentation is shared privately with approved
// partners, see https://support.coros.com/hc/en-us/articles/17085887816340).
//
// Endpoint: GET /v2/coros/sport/list?token&openId&startDate&endDate
// (yyyyMMdd dates, at most 30 days apart), answering
// {"result":"0000","message":"OK","data":[workout…]}.
//
// What it cannot do: COROS's open API shares workout summaries and a FIT
// file link per workout. It offers Pierre no athlete profile, no totals, no
// sleep, recovery or daily health data, and no sample streams other than the
// FIT file (which Pierre does not parse). Those methods return
// KindUnsupported.
//
// Authentication: COROS expects the OAuth access token as the "token" query
// parameter and the user's openId as "openId". Connection.HTTP should be the
// usual bearer-token client built over TokenQueryTransport, which moves the
// bearer token from the Authorization header into the query string;
// Connection.VendorUserID is the openId returned with the token.
package coros

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Public endpoints.
const (
	AuthURL    = "https://open.coros.com/oauth2/authorize"
	TokenURL   = "https://open.coros.com/oauth2/accesstoken"
	APIBaseURL = "https://open.coros.com"

	// Window is the longest date range per request.
	Window = 30 * 24 * time.Hour
	// DefaultLookback is how far back a walk without After goes.
	DefaultLookback = 365 * 24 * time.Hour
	// DefaultPerPage is used when ActivityQuery.Limit is 0.
	DefaultPerPage = 30
	// MaxPerPage bounds a page.
	MaxPerPage = 200
	// windowsPerCall bounds the windows one Activities call scans.
	windowsPerCall = 6
)

// Provider is the COROS provider.
type Provider struct{ opts []vendorhttp.Option }

// New returns the COROS provider; opts apply to every client.
func New(opts ...vendorhttp.Option) *Provider { return &Provider{opts: opts} }

// Descriptor describes COROS.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name:         provider.Coros,
		DisplayName:  "COROS",
		Capabilities: provider.CapActivities,
		OAuth: &provider.OAuthSpec{
			AuthURL:  AuthURL,
			TokenURL: TokenURL,
			// COROS documents neither scopes, PKCE nor a revocation
			// endpoint for its partner OAuth flow.
			ScopeSeparator: " ",
			PKCE:           false,
		},
		APIBaseURL: APIBaseURL,
		Limitations: []string{
			"COROS shares workout summaries only: no athlete profile, no totals, no sleep, recovery, HRV or body measurements.",
			"COROS gives second-by-second data only as a FIT file download, which Pierre does not read, so there are no streams.",
			"COROS workouts carry no title, power or elevation in the summary; the sport name is used as the title.",
			"COROS answers at most 30 days per request; without a start date Pierre looks back one year.",
			"COROS API access requires an approved partner application.",
		},
	}
}

// NewClient returns a client for one user.
func (p *Provider) NewClient(conn provider.Connection) provider.Client { return p.Client(conn) }

// Client returns the concrete client.
func (p *Provider) Client(conn provider.Connection) *Client {
	cfg := vendorhttp.Config{Provider: provider.Coros, DisplayName: "COROS", BaseURL: APIBaseURL, HTTP: conn.HTTP}
	return &Client{http: vendorhttp.New(cfg, p.opts...), openID: conn.VendorUserID}
}

// Client reads one user's COROS workouts.
type Client struct {
	http   *vendorhttp.Client
	openID string
}

var _ provider.Client = (*Client)(nil)

// TokenQueryTransport moves an "Authorization: Bearer <token>" header set by
// an outer OAuth transport into COROS's "token" query parameter. Use it as
// the Base of the OAuth transport.
type TokenQueryTransport struct {
	Base http.RoundTripper // http.DefaultTransport when nil
}

// RoundTrip implements http.RoundTripper.
func (t TokenQueryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	q := r.URL.Query()
	q.Set("token", tok)
	r.URL.RawQuery = q.Encode()
	return base.RoundTrip(r)
}

func (c *Client) needOpenID() error {
	if c.openID == "" {
		return &provider.Error{Provider: provider.Coros, Kind: provider.KindReauthRequired,
			Message: "coros connection has no openId; reconnect COROS to continue"}
	}
	return nil
}

// list fetches workouts whose start date is in [from, to] (calendar dates
// in UTC).
func (c *Client) list(ctx context.Context, from, to time.Time) ([]workout, error) {
	if err := c.needOpenID(); err != nil {
		return nil, err
	}
	v := url.Values{
		"openId":    {c.openID},
		"startDate": {from.UTC().Format("20060102")},
		"endDate":   {to.UTC().Format("20060102")},
	}
	env, err := vendorhttp.Get[envelope](ctx, c.http, "/v2/coros/sport/list", v)
	if err != nil {
		return nil, err
	}
	if err := env.err(); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// Athlete returns only the openId: COROS shares no profile.
func (c *Client) Athlete(context.Context) (fitness.Athlete, error) {
	if c.openID == "" {
		return fitness.Athlete{}, provider.Unsupported(provider.Coros, "an athlete profile")
	}
	return fitness.Athlete{ID: c.openID, Provider: provider.Coros}, nil
}

// cursor is "<windowEnd yyyyMMdd>:<skip>".
func parseCursor(s string) (time.Time, int, error) {
	a, b, ok := strings.Cut(s, ":")
	end, err1 := time.Parse("20060102", a)
	skip, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || skip < 0 || skip > 100000 {
		return time.Time{}, 0, &provider.Error{Provider: provider.Coros, Kind: provider.KindInvalidData,
			Message: "the activity cursor is not one Pierre issued for coros; start again without a cursor"}
	}
	return end, skip, nil
}

// Activities walks 30-day windows newest first; within a window workouts
// are sorted newest first and the cursor remembers how many were returned.
func (c *Client) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultPerPage
	}
	if limit > MaxPerPage {
		limit = MaxPerPage
	}
	now := c.http.Now().UTC()
	end, skip := q.Before, 0
	if end.IsZero() || end.After(now) {
		end = now
	}
	end = day(end)
	if q.Cursor != "" {
		var err error
		if end, skip, err = parseCursor(q.Cursor); err != nil {
			return provider.ActivityPage{}, err
		}
	}
	floor := q.After
	if floor.IsZero() {
		floor = now.Add(-DefaultLookback)
	}
	floor = day(floor)
	out := provider.ActivityPage{Activities: []fitness.Activity{}}
	for w := 0; w < windowsPerCall && !end.Before(floor); w++ {
		start := end.Add(-Window + 24*time.Hour)
		if start.Before(floor) {
			start = floor
		}
		raw, err := c.list(ctx, start, end)
		if err != nil {
			return provider.ActivityPage{}, err
		}
		acts := make([]fitness.Activity, 0, len(raw))
		for i := range raw {
			a, err := mapWorkout(&raw[i])
			if err != nil {
				return provider.ActivityPage{}, err
			}
			if (!q.After.IsZero() && !a.StartTime.After(q.After)) || (!q.Before.IsZero() && !a.StartTime.Before(q.Before)) {
				continue
			}
			acts = append(acts, a)
		}
		sort.SliceStable(acts, func(i, j int) bool { return acts[i].StartTime.After(acts[j].StartTime) })
		if skip > len(acts) {
			skip = len(acts)
		}
		acts = acts[skip:]
		room := limit - len(out.Activities)
		if len(acts) > room {
			out.Activities = append(out.Activities, acts[:room]...)
			out.Next = fmt.Sprintf("%s:%d", end.Format("20060102"), skip+room)
			return out, nil
		}
		out.Activities = append(out.Activities, acts...)
		end, skip = start.Add(-24*time.Hour), 0
		if len(out.Activities) == limit {
			break
		}
	}
	if !end.Before(floor) {
		out.Next = end.Format("20060102") + ":0"
	}
	return out, nil
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Activity finds one workout by its Pierre id "<labelId>@<startTime>".
func (c *Client) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	label, st, ok := strings.Cut(id, "@")
	sec, err := strconv.ParseInt(st, 10, 64)
	if !ok || label == "" || err != nil || sec <= 0 {
		return fitness.Activity{}, provider.NotFound(provider.Coros, "workout", id)
	}
	start := time.Unix(sec, 0).UTC()
	// The list filters by calendar date; allow for the user's time zone.
	raw, err := c.list(ctx, start.Add(-24*time.Hour), start.Add(24*time.Hour))
	if err != nil {
		return fitness.Activity{}, err
	}
	for i := range raw {
		if raw[i].LabelID == label {
			return mapWorkout(&raw[i])
		}
	}
	return fitness.Activity{}, provider.NotFound(provider.Coros, "workout", id)
}

// Streams are not offered (COROS shares samples only as a FIT file).
func (c *Client) Streams(context.Context, string) (fitness.Streams, error) {
	return fitness.Streams{}, provider.Unsupported(provider.Coros,
		"second-by-second streams (only a FIT file download, which Pierre does not read)")
}

// Stats are not offered by COROS.
func (c *Client) Stats(context.Context) (fitness.Stats, error) {
	return fitness.Stats{}, provider.Unsupported(provider.Coros, "activity totals (stats)")
}

// Sleep is not offered by COROS's open API.
func (c *Client) Sleep(context.Context, time.Time, time.Time) ([]fitness.SleepSession, error) {
	return nil, provider.Unsupported(provider.Coros, "sleep data through its open API")
}

// Recovery is not offered by COROS's open API.
func (c *Client) Recovery(context.Context, time.Time, time.Time) ([]fitness.DailyRecovery, error) {
	return nil, provider.Unsupported(provider.Coros, "recovery data (HRV, resting heart rate) through its open API")
}

// Health is not offered by COROS's open API.
func (c *Client) Health(context.Context, time.Time, time.Time) ([]fitness.HealthMetrics, error) {
	return nil, provider.Unsupported(provider.Coros, "body measurements or daily health metrics through its open API")
}
