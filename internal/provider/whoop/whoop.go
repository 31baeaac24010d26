// Package whoop reads a user's WHOOP data through the WHOOP Developer API v2
// (https://developer.whoop.com/api) into Pierre's common model.
//
// Endpoints: GET /v2/user/profile/basic, /v2/user/measurement/body,
// /v2/activity/workout (nextToken paging), /v2/activity/workout/{id},
// /v2/activity/sleep, /v2/recovery and /v2/cycle. Collections are sorted by
// start time, newest first, with at most 25 records per page.
//
// The *http.Client in provider.Connection must add the user's OAuth bearer
// token (and refresh it; the "offline" scope yields a refresh token).
package whoop

import (
	"context"
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
	AuthURL    = "https://api.prod.whoop.com/oauth/oauth2/auth"
	TokenURL   = "https://api.prod.whoop.com/oauth/oauth2/token"
	RevokeURL  = "https://api.prod.whoop.com/oauth/oauth2/revoke"
	APIBaseURL = "https://api.prod.whoop.com/developer"

	// MaxPerPage is WHOOP's collection limit ceiling.
	MaxPerPage = 25
	// maxPages bounds how many pages one Sleep/Recovery call walks.
	maxPages = 40
)

// Provider is the WHOOP provider.
type Provider struct{ opts []vendorhttp.Option }

// New returns the WHOOP provider; opts apply to every client.
func New(opts ...vendorhttp.Option) *Provider { return &Provider{opts: opts} }

// Descriptor describes WHOOP.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name:        provider.Whoop,
		DisplayName: "WHOOP",
		Capabilities: provider.CapActivities | provider.CapAthlete | provider.CapSleep |
			provider.CapRecovery | provider.CapHealth,
		OAuth: &provider.OAuthSpec{
			AuthURL:   AuthURL,
			TokenURL:  TokenURL,
			RevokeURL: RevokeURL,
			Scopes: []string{"offline", "read:profile", "read:body_measurement", "read:workout",
				"read:sleep", "read:recovery", "read:cycles"},
			ScopeSeparator: " ",
			PKCE:           true,
		},
		APIBaseURL: APIBaseURL,
		Limitations: []string{
			"WHOOP does not provide GPS tracks or second-by-second samples (no streams), power or cadence.",
			"WHOOP workouts carry strain, heart rate, energy and (when recorded) distance and altitude gain; they have no title, so the sport name is used.",
			"WHOOP does not compute activity totals (stats); Pierre can total the activity list itself.",
			"WHOOP reports only the current body measurement (weight, height, max heart rate), not a weight history, and no steps.",
			"Workouts, sleeps and recoveries are only scored once WHOOP has processed them; unscored records have no measurements.",
			"WHOOP allows 100 requests per minute and 10,000 per day per app.",
		},
	}
}

// NewClient returns a client for one user.
func (p *Provider) NewClient(conn provider.Connection) provider.Client { return p.Client(conn) }

// Client returns the concrete client.
func (p *Provider) Client(conn provider.Connection) *Client {
	cfg := vendorhttp.Config{Provider: provider.Whoop, DisplayName: "WHOOP", BaseURL: APIBaseURL, HTTP: conn.HTTP, Hint: retryHint}
	return &Client{http: vendorhttp.New(cfg, p.opts...)}
}

// Client reads one user's WHOOP data.
type Client struct{ http *vendorhttp.Client }

var _ provider.Client = (*Client)(nil)

// Athlete merges the basic profile and the body measurement.
func (c *Client) Athlete(ctx context.Context) (fitness.Athlete, error) {
	p, err := vendorhttp.Get[profile](ctx, c.http, "/v2/user/profile/basic", nil)
	if err != nil {
		return fitness.Athlete{}, err
	}
	b, err := vendorhttp.Get[body](ctx, c.http, "/v2/user/measurement/body", nil)
	if err != nil && provider.KindOf(err) != provider.KindNotFound {
		return fitness.Athlete{}, err
	}
	return mapAthlete(p, b)
}

func rangeQuery(from, to time.Time, limit int, token string) url.Values {
	v := url.Values{}
	if !from.IsZero() {
		v.Set("start", from.UTC().Format(time.RFC3339Nano))
	}
	if !to.IsZero() {
		v.Set("end", to.UTC().Format(time.RFC3339Nano))
	}
	v.Set("limit", strconv.Itoa(limit))
	if token != "" {
		v.Set("nextToken", token)
	}
	return v
}

// Activities returns one page of workouts, newest first. The cursor is
// WHOOP's next_token.
func (c *Client) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	limit := q.Limit
	if limit <= 0 || limit > MaxPerPage {
		limit = MaxPerPage
	}
	if len(q.Cursor) > 4096 {
		return provider.ActivityPage{}, vendorhttp.InvalidData(provider.Whoop, "cursor too long", nil)
	}
	pg, err := vendorhttp.Get[page[workout]](ctx, c.http, "/v2/activity/workout",
		rangeQuery(q.After, q.Before, limit, q.Cursor))
	if err != nil {
		return provider.ActivityPage{}, err
	}
	out := provider.ActivityPage{Activities: make([]fitness.Activity, 0, len(pg.Records)), Next: pg.NextToken}
	for i := range pg.Records {
		a, err := mapWorkout(&pg.Records[i])
		if err != nil {
			return provider.ActivityPage{}, err
		}
		// WHOOP's start is inclusive; ActivityQuery.After is exclusive.
		if !q.After.IsZero() && !a.StartTime.After(q.After) {
			continue
		}
		if !q.Before.IsZero() && !a.StartTime.Before(q.Before) {
			continue
		}
		out.Activities = append(out.Activities, a)
	}
	return out, nil
}

// Activity returns one workout by its WHOOP id (a UUID).
func (c *Client) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	if !validUUID(id) {
		return fitness.Activity{}, provider.NotFound(provider.Whoop, "workout", id)
	}
	w, err := vendorhttp.Get[workout](ctx, c.http, "/v2/activity/workout/"+id, nil)
	if err != nil {
		return fitness.Activity{}, vendorhttp.NotFound(err, provider.Whoop, "workout", id)
	}
	return mapWorkout(&w)
}

// Streams are not offered by WHOOP.
func (c *Client) Streams(context.Context, string) (fitness.Streams, error) {
	return fitness.Streams{}, provider.Unsupported(provider.Whoop, "second-by-second activity streams")
}

// Stats are not offered by WHOOP.
func (c *Client) Stats(context.Context) (fitness.Stats, error) {
	return fitness.Stats{}, provider.Unsupported(provider.Whoop, "activity totals (stats)")
}

// collect walks a collection from newest to oldest within [from, to).
func collect[T any](ctx context.Context, c *Client, path string, from, to time.Time) ([]T, error) {
	var out []T
	token := ""
	for i := 0; i < maxPages; i++ {
		pg, err := vendorhttp.Get[page[T]](ctx, c.http, path, rangeQuery(from, to, MaxPerPage, token))
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Records...)
		if pg.NextToken == "" || len(pg.Records) == 0 {
			break
		}
		token = pg.NextToken
	}
	return out, nil
}

// Sleep returns sleeps (including naps) that started in [from, to), with
// the overnight HRV and resting heart rate of the recovery scored from them.
func (c *Client) Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	sleeps, err := collect[sleep](ctx, c, "/v2/activity/sleep", from, to)
	if err != nil {
		return nil, err
	}
	recs, err := collect[recovery](ctx, c, "/v2/recovery", from, to)
	if err != nil {
		return nil, err
	}
	return mapSleeps(sleeps, recs)
}

// Recovery returns WHOOP recoveries with the day strain of their cycle.
func (c *Client) Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	recs, err := collect[recovery](ctx, c, "/v2/recovery", from, to)
	if err != nil {
		return nil, err
	}
	cycles, err := collect[cycle](ctx, c, "/v2/cycle", from, to)
	if err != nil {
		return nil, err
	}
	return mapRecoveries(recs, cycles)
}

// Health returns the current body measurement, dated today, when today
// falls in [from, to]; WHOOP keeps no history of it.
func (c *Client) Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	now := c.http.Now().UTC()
	if (!from.IsZero() && now.Before(from)) || (!to.IsZero() && now.After(to)) {
		return []fitness.HealthMetrics{}, nil
	}
	b, err := vendorhttp.Get[body](ctx, c.http, "/v2/user/measurement/body", nil)
	if err != nil {
		return nil, err
	}
	return mapBody(b, now), nil
}

func validUUID(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == '-') {
			return false
		}
	}
	return true
}

// retryHint reads X-RateLimit-Reset (seconds until the window resets).
func retryHint(h http.Header, _ time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("X-RateLimit-Reset"))
	if n, err := strconv.Atoi(v); err == nil && n > 0 && n <= 86400 {
		return time.Duration(n) * time.Second
	}
	return 0
}
