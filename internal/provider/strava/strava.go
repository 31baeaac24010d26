// Package strava reads a user's Strava data through the Strava API v3
// (https://developers.strava.com/docs/reference/) into Pierre's common model.
//
// Endpoints: GET /athlete, /athlete/activities (before/page/per_page ≤ 200),
// /activities/{id}, /activities/{id}/streams (key_by_type=true),
// /athletes/{id}/stats, /athlete/zones and /activities/{id}/laps.
//
// The *http.Client in provider.Connection must add the user's OAuth bearer
// token (and refresh it); this package never sees tokens.
package strava

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Public endpoints.
const (
	AuthURL    = "https://www.strava.com/oauth/authorize"
	TokenURL   = "https://www.strava.com/oauth/token"
	RevokeURL  = "https://www.strava.com/oauth/deauthorize"
	APIBaseURL = "https://www.strava.com/api/v3"

	// MaxPerPage is Strava's per_page ceiling.
	MaxPerPage = 200
	// DefaultPerPage is used when ActivityQuery.Limit is 0.
	DefaultPerPage = 30
)

// StreamKeys are the stream types requested for an activity.
const StreamKeys = "time,heartrate,watts,cadence,velocity_smooth,altitude,distance,latlng,temp"

// Provider is the Strava provider. The zero value is not usable; call New.
type Provider struct {
	opts []vendorhttp.Option
}

// New returns the Strava provider. opts (base URL, retry bounds, clock,
// sleeper, observer) apply to every client it creates.
func New(opts ...vendorhttp.Option) *Provider { return &Provider{opts: opts} }

// Descriptor describes Strava.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name:         provider.Strava,
		DisplayName:  "Strava",
		Capabilities: provider.CapActivities | provider.CapAthlete | provider.CapStats | provider.CapStreams,
		OAuth: &provider.OAuthSpec{
			AuthURL:   AuthURL,
			TokenURL:  TokenURL,
			RevokeURL: RevokeURL,
			// read: public profile; activity:read_all: every activity
			// including "Only Me" ones; profile:read_all: weight, FTP, zones.
			Scopes:         []string{"read", "activity:read_all", "profile:read_all"},
			ScopeSeparator: ",",
			// Strava documents no PKCE support (it ignores code_challenge);
			// the client secret protects the code exchange.
			PKCE:       false,
			AuthParams: map[string]string{"approval_prompt": "auto"},
		},
		APIBaseURL: APIBaseURL,
		Limitations: []string{
			"Strava does not provide sleep, recovery (HRV, resting heart rate) or body measurements.",
			"Strava's own totals (stats) cover only rides, runs and swims: recent 4 weeks, year to date and all time.",
			"Manually entered activities have no second-by-second streams.",
			"Calories and device details are only in the full activity, not in the activity list.",
			"Strava limits each app to a shared budget (by default 100 requests per 15 minutes and 1,000 per day for reads); a full history sync of a large account can take several windows.",
		},
	}
}

// NewClient returns a client for one user.
func (p *Provider) NewClient(conn provider.Connection) provider.Client { return p.Client(conn) }

// Client returns the concrete client (with Laps and Zones).
func (p *Provider) Client(conn provider.Connection) *Client {
	cfg := vendorhttp.Config{Provider: provider.Strava, DisplayName: "Strava", BaseURL: APIBaseURL, HTTP: conn.HTTP, Hint: retryHint}
	return &Client{http: vendorhttp.New(cfg, p.opts...), athleteID: conn.VendorUserID}
}

// Client reads one user's Strava data.
type Client struct {
	http      *vendorhttp.Client
	athleteID string
}

var _ provider.Client = (*Client)(nil)

// Athlete returns the authenticated athlete's profile.
func (c *Client) Athlete(ctx context.Context) (fitness.Athlete, error) {
	a, err := vendorhttp.Get[athlete](ctx, c.http, "/athlete", nil)
	if err != nil {
		return fitness.Athlete{}, err
	}
	return mapAthlete(a)
}

// Activities returns one page of activities, newest first.
//
// Strava sorts ascending when "after" is sent, so the query always uses
// "before" (pinned for the whole walk) with page numbers, and After is
// applied here: the walk stops at the first activity not after it. The
// cursor is "<before-epoch>.<page>".
func (c *Client) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	per := q.Limit
	if per <= 0 {
		per = DefaultPerPage
	}
	if per > MaxPerPage {
		per = MaxPerPage
	}
	before, page := q.Before, 1
	if before.IsZero() {
		before = c.http.Now().Add(time.Second)
	}
	if q.Cursor != "" {
		b, p, err := parseCursor(q.Cursor)
		if err != nil {
			return provider.ActivityPage{}, err
		}
		before, page = b, p
	}
	v := url.Values{}
	v.Set("before", strconv.FormatInt(before.Unix(), 10))
	v.Set("page", strconv.Itoa(page))
	v.Set("per_page", strconv.Itoa(per))
	list, err := vendorhttp.Get[[]activity](ctx, c.http, "/athlete/activities", v)
	if err != nil {
		return provider.ActivityPage{}, err
	}
	out := provider.ActivityPage{Activities: make([]fitness.Activity, 0, len(list))}
	reachedAfter := false
	for i := range list {
		a, err := mapActivity(&list[i])
		if err != nil {
			return provider.ActivityPage{}, err
		}
		if !q.After.IsZero() && !a.StartTime.After(q.After) {
			reachedAfter = true
			continue
		}
		if !a.StartTime.Before(before) {
			continue
		}
		out.Activities = append(out.Activities, a)
	}
	if !reachedAfter && len(list) == per {
		out.Next = fmt.Sprintf("%d.%d", before.Unix(), page+1)
	}
	return out, nil
}

func parseCursor(s string) (time.Time, int, error) {
	bad := &provider.Error{Provider: provider.Strava, Kind: provider.KindInvalidData,
		Message: "the activity cursor is not one Pierre issued for strava; start again without a cursor"}
	b, p, ok := strings.Cut(s, ".")
	if !ok {
		return time.Time{}, 0, bad
	}
	sec, err1 := strconv.ParseInt(b, 10, 64)
	page, err2 := strconv.Atoi(p)
	if err1 != nil || err2 != nil || sec <= 0 || page < 1 || page > 100000 {
		return time.Time{}, 0, bad
	}
	return time.Unix(sec, 0).UTC(), page, nil
}

// Activity returns one activity in full.
func (c *Client) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	if !validID(id) {
		return fitness.Activity{}, provider.NotFound(provider.Strava, "activity", id)
	}
	a, err := vendorhttp.Get[activity](ctx, c.http, "/activities/"+id, url.Values{"include_all_efforts": {"false"}})
	if err != nil {
		return fitness.Activity{}, vendorhttp.NotFound(err, provider.Strava, "activity", id)
	}
	return mapActivity(&a)
}

// Streams returns the activity's samples.
func (c *Client) Streams(ctx context.Context, activityID string) (fitness.Streams, error) {
	if !validID(activityID) {
		return fitness.Streams{}, provider.NotFound(provider.Strava, "activity", activityID)
	}
	v := url.Values{"keys": {StreamKeys}, "key_by_type": {"true"}}
	resp, err := c.http.Do(ctx, vendorhttp.Request{Path: "/activities/" + activityID + "/streams", Query: v})
	if err != nil {
		return fitness.Streams{}, vendorhttp.NotFound(err, provider.Strava, "activity", activityID)
	}
	return MapStreamsJSON(activityID, resp.Body)
}

// Stats returns Strava's own totals for rides, runs and swims.
func (c *Client) Stats(ctx context.Context) (fitness.Stats, error) {
	id := c.athleteID
	if id == "" {
		a, err := c.Athlete(ctx)
		if err != nil {
			return fitness.Stats{}, err
		}
		id = a.ID
	}
	if !validID(id) {
		return fitness.Stats{}, provider.NotFound(provider.Strava, "athlete", id)
	}
	s, err := vendorhttp.Get[stats](ctx, c.http, "/athletes/"+id+"/stats", nil)
	if err != nil {
		return fitness.Stats{}, vendorhttp.NotFound(err, provider.Strava, "athlete", id)
	}
	return mapStats(&s, c.http.Now()), nil
}

// Sleep is not offered by Strava.
func (c *Client) Sleep(context.Context, time.Time, time.Time) ([]fitness.SleepSession, error) {
	return nil, provider.Unsupported(provider.Strava, "sleep data")
}

// Recovery is not offered by Strava.
func (c *Client) Recovery(context.Context, time.Time, time.Time) ([]fitness.DailyRecovery, error) {
	return nil, provider.Unsupported(provider.Strava, "recovery data (HRV, resting heart rate)")
}

// Health is not offered by Strava.
func (c *Client) Health(context.Context, time.Time, time.Time) ([]fitness.HealthMetrics, error) {
	return nil, provider.Unsupported(provider.Strava, "body measurements or daily health metrics")
}

// Laps returns the activity's laps.
func (c *Client) Laps(ctx context.Context, activityID string) ([]Lap, error) {
	if !validID(activityID) {
		return nil, provider.NotFound(provider.Strava, "activity", activityID)
	}
	raw, err := vendorhttp.Get[[]lap](ctx, c.http, "/activities/"+activityID+"/laps", nil)
	if err != nil {
		return nil, vendorhttp.NotFound(err, provider.Strava, "activity", activityID)
	}
	return mapLaps(raw)
}

// Zones returns the athlete's heart-rate and power zones.
func (c *Client) Zones(ctx context.Context) (Zones, error) {
	z, err := vendorhttp.Get[zones](ctx, c.http, "/athlete/zones", nil)
	if err != nil {
		return Zones{}, err
	}
	return mapZones(&z), nil
}

func validID(id string) bool {
	if id == "" || len(id) > 20 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// retryHint estimates the wait after a 429 without Retry-After from Strava's
// usage headers: its 15-minute windows reset at :00, :15, :30 and :45, and
// the daily window at midnight UTC.
func retryHint(h http.Header, now time.Time) time.Duration {
	rl, ok := vendorhttp.ParseRateLimitHeaders(h)
	if !ok {
		return 0
	}
	now = now.UTC()
	daily := (rl.LimitDaily > 0 && rl.UsageDaily >= rl.LimitDaily) ||
		(rl.ReadLimitDaily > 0 && rl.ReadUsageDaily >= rl.ReadLimitDaily)
	if daily {
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		return midnight.Sub(now)
	}
	next := now.Truncate(15 * time.Minute).Add(15 * time.Minute)
	return next.Sub(now)
}
