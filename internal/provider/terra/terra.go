// Package terra reads a user's wearable data through Terra
// (https://docs.tryterra.co), one API in front of many wearables, into
// Pierre's common model.
//
// Authentication is not classic OAuth: every request carries the developer's
// "dev-id" and "x-api-key" headers (APIKeyTransport adds them) and names the
// Terra user with user_id (Connection.VendorUserID). A user is connected
// through Terra's widget session flow: the server POSTs
// /auth/generateWidgetSession (with a reference_id such as the Pierre user
// key and success/failure redirect URLs), sends the user to the returned
// widget URL, where they pick and authorise their wearable; Terra then calls
// the webhook with an "auth" event carrying the new user_id. That flow
// belongs to the connection layer; Descriptor.OAuth is nil.
//
// Data comes two ways with the same JSON shape, {"type", "user", "data"}:
// pulled with GET /activity, /sleep, /daily, /body and /athlete
// (user_id, start_date, end_date, to_webhook=false), or pushed by Terra to
// the webhook. ParseWebhook maps pushes with the pull mapping functions.
package terra

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
	APIBaseURL = "https://api.tryterra.co/v2"
	// WidgetSessionURL starts the connection flow (POST).
	WidgetSessionURL = "https://api.tryterra.co/v2/auth/generateWidgetSession"
	// DeauthURL disconnects a user (DELETE ?user_id=).
	DeauthURL = "https://api.tryterra.co/v2/auth/deauthenticateUser"

	// Window is the date range of one activity request.
	Window = 7 * 24 * time.Hour
	// DefaultLookback is how far back a walk without After goes.
	DefaultLookback = 365 * 24 * time.Hour
	// DefaultPerPage is used when ActivityQuery.Limit is 0.
	DefaultPerPage = 30
	// MaxPerPage bounds a page.
	MaxPerPage = 200
	// MaxRangeDays bounds Sleep/Recovery/Health requests.
	MaxRangeDays = 28
	// windowsPerCall bounds the windows one Activities call scans.
	windowsPerCall = 8
)

// APIKeyTransport adds Terra's developer credentials to every request.
type APIKeyTransport struct {
	DevID  string
	APIKey string
	Base   http.RoundTripper // http.DefaultTransport when nil
}

// RoundTrip implements http.RoundTripper.
func (t APIKeyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	r := req.Clone(req.Context())
	r.Header.Set("dev-id", t.DevID)
	r.Header.Set("x-api-key", t.APIKey)
	return base.RoundTrip(r)
}

// Provider is the Terra provider.
type Provider struct{ opts []vendorhttp.Option }

// New returns the Terra provider; opts apply to every client.
func New(opts ...vendorhttp.Option) *Provider { return &Provider{opts: opts} }

// Descriptor describes Terra.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name:        provider.Terra,
		DisplayName: "Terra (150+ Wearables)",
		Capabilities: provider.CapActivities | provider.CapAthlete | provider.CapStreams |
			provider.CapSleep | provider.CapRecovery | provider.CapHealth,
		OAuth:      nil,
		APIBaseURL: APIBaseURL,
		Limitations: []string{
			"Terra connects through its own widget (API key plus a per-user Terra user id), not a classic OAuth flow.",
			"What Terra returns depends on the wearable behind it: fields the device or its vendor does not share are simply absent.",
			"Terra does not compute activity totals (stats); Pierre can total the activity list itself.",
			"Terra has no fetch-by-id: Pierre's Terra activity id carries the start time so the activity can be found again.",
			"Samples (streams) arrive per channel with their own timestamps; Pierre aligns them on one time axis.",
			"Sleep, recovery and health requests are limited to 28 days at a time.",
		},
	}
}

// NewClient returns a client for one user.
func (p *Provider) NewClient(conn provider.Connection) provider.Client { return p.Client(conn) }

// Client returns the concrete client.
func (p *Provider) Client(conn provider.Connection) *Client {
	cfg := vendorhttp.Config{Provider: provider.Terra, DisplayName: "Terra", BaseURL: APIBaseURL, HTTP: conn.HTTP}
	return &Client{http: vendorhttp.New(cfg, p.opts...), userID: conn.VendorUserID}
}

// Client reads one Terra user's data.
type Client struct {
	http   *vendorhttp.Client
	userID string
}

var _ provider.Client = (*Client)(nil)

func (c *Client) query(from, to time.Time, samples bool) (url.Values, error) {
	if c.userID == "" {
		return nil, &provider.Error{Provider: provider.Terra, Kind: provider.KindNotConnected,
			Message: "terra connection has no Terra user id; connect a wearable through Terra first"}
	}
	v := url.Values{"user_id": {c.userID}, "to_webhook": {"false"}}
	if !from.IsZero() {
		v.Set("start_date", from.UTC().Format(time.DateOnly))
	}
	if !to.IsZero() {
		v.Set("end_date", to.UTC().Format(time.DateOnly))
	}
	v.Set("with_samples", strconv.FormatBool(samples))
	return v, nil
}

// fetch pulls one data type and checks Terra's status envelope.
func fetch[T any](ctx context.Context, c *Client, path string, from, to time.Time, samples bool) ([]T, error) {
	v, err := c.query(from, to, samples)
	if err != nil {
		return nil, err
	}
	env, err := vendorhttp.Get[envelope[T]](ctx, c.http, path, v)
	if err != nil {
		return nil, err
	}
	if err := env.check(); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// Athlete returns the profile Terra relays from the wearable's vendor.
func (c *Client) Athlete(ctx context.Context) (fitness.Athlete, error) {
	v, err := c.query(time.Time{}, time.Time{}, false)
	if err != nil {
		return fitness.Athlete{}, err
	}
	v.Del("with_samples")
	env, err := vendorhttp.Get[athleteEnvelope](ctx, c.http, "/athlete", v)
	if err != nil {
		return fitness.Athlete{}, err
	}
	if env.Status == "error" {
		return fitness.Athlete{}, statusErr(env.Message)
	}
	return mapAthlete(&env, c.userID), nil
}

// cursor is "<windowEnd yyyy-mm-dd>:<skip>".
func parseCursor(s string) (time.Time, int, error) {
	a, b, ok := strings.Cut(s, ":")
	end, err1 := time.Parse(time.DateOnly, a)
	skip, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || skip < 0 || skip > 100000 {
		return time.Time{}, 0, &provider.Error{Provider: provider.Terra, Kind: provider.KindInvalidData,
			Message: "the activity cursor is not one Pierre issued for terra; start again without a cursor"}
	}
	return end, skip, nil
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Activities walks 7-day windows newest first (without samples); within a
// window activities are sorted newest first and the cursor remembers how
// many were returned.
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
		// Terra's dates may be read in the wearer's time zone: ask one day
		// more on each side and keep the activities whose UTC start day is
		// in this window, so each lands in exactly one window.
		raw, err := fetch[activity](ctx, c, "/activity", start.Add(-24*time.Hour), end.Add(24*time.Hour), false)
		if err != nil {
			return provider.ActivityPage{}, err
		}
		acts := make([]fitness.Activity, 0, len(raw))
		for i := range raw {
			a, err := mapActivity(&raw[i])
			if err != nil {
				return provider.ActivityPage{}, err
			}
			if day(a.StartTime).Before(start) || day(a.StartTime).After(end) {
				continue // belongs to another window
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
			out.Next = fmt.Sprintf("%s:%d", end.Format(time.DateOnly), skip+room)
			return out, nil
		}
		out.Activities = append(out.Activities, acts...)
		end, skip = start.Add(-24*time.Hour), 0
		if len(out.Activities) == limit {
			break
		}
	}
	if !end.Before(floor) {
		out.Next = end.Format(time.DateOnly) + ":0"
	}
	return out, nil
}

// find fetches the activity with its samples by Pierre id
// "<summary_id>@<start epoch>".
func (c *Client) find(ctx context.Context, id string) (*activity, error) {
	sid, st, ok := strings.Cut(id, "@")
	sec, err := strconv.ParseInt(st, 10, 64)
	if !ok || sid == "" || err != nil || sec <= 0 {
		return nil, provider.NotFound(provider.Terra, "activity", id)
	}
	start := time.Unix(sec, 0).UTC()
	raw, err := fetch[activity](ctx, c, "/activity", start.Add(-24*time.Hour), start.Add(48*time.Hour), true)
	if err != nil {
		return nil, err
	}
	for i := range raw {
		if raw[i].Metadata.SummaryID == sid {
			return &raw[i], nil
		}
	}
	return nil, provider.NotFound(provider.Terra, "activity", id)
}

// Activity returns one activity by its Pierre id.
func (c *Client) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	a, err := c.find(ctx, id)
	if err != nil {
		return fitness.Activity{}, err
	}
	return mapActivity(a)
}

// Streams returns the activity's samples aligned on one time axis.
func (c *Client) Streams(ctx context.Context, activityID string) (fitness.Streams, error) {
	a, err := c.find(ctx, activityID)
	if err != nil {
		return fitness.Streams{}, err
	}
	return mapSamples(activityID, a)
}

// Stats are not offered by Terra.
func (c *Client) Stats(context.Context) (fitness.Stats, error) {
	return fitness.Stats{}, provider.Unsupported(provider.Terra, "activity totals (stats)")
}

func checkRange(from, to time.Time, what string) error {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindInvalidData,
			Message: "terra " + what + " needs a time range with from before to"}
	}
	if to.Sub(from) > MaxRangeDays*24*time.Hour {
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindInvalidData,
			Message: fmt.Sprintf("terra %s ranges are limited to %d days per request", what, MaxRangeDays)}
	}
	return nil
}

// Sleep returns sleep sessions in [from, to].
func (c *Client) Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	if err := checkRange(from, to, "sleep"); err != nil {
		return nil, err
	}
	raw, err := fetch[sleep](ctx, c, "/sleep", from, to, false)
	if err != nil {
		return nil, err
	}
	return mapSleeps(raw)
}

// Recovery returns daily recovery records in [from, to].
func (c *Client) Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	if err := checkRange(from, to, "recovery"); err != nil {
		return nil, err
	}
	raw, err := fetch[daily](ctx, c, "/daily", from, to, false)
	if err != nil {
		return nil, err
	}
	return mapRecovery(raw)
}

// Health merges daily summaries and body measurements by date.
func (c *Client) Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	if err := checkRange(from, to, "health metrics"); err != nil {
		return nil, err
	}
	dailies, err := fetch[daily](ctx, c, "/daily", from, to, false)
	if err != nil {
		return nil, err
	}
	bodies, err := fetch[body](ctx, c, "/body", from, to, false)
	if err != nil {
		return nil, err
	}
	return mapHealth(dailies, bodies)
}
