// Package garmin reads a user's Garmin Connect data through the Garmin
// Connect Developer Program Health and Activity APIs (pull,
// https://apis.garmin.com/wellness-api/rest) into Pierre's common model.
//
// Endpoints: GET /user/id, /activities, /activityDetails (summary plus
// samples), /sleeps, /dailies, /hrv, /bodyComps and /userMetrics, each
// queried by upload time window (uploadStartTimeInSeconds /
// uploadEndTimeInSeconds, at most 86,400 s apart), and DELETE
// /user/registration to deregister.
//
// Garmin lists data by when it was uploaded, not when it happened, and has
// no fetch-by-id. Pierre therefore walks 24 h upload windows from newest to
// oldest, and gives each activity the id "<summaryId>@<startTimeInSeconds>"
// so that Activity and Streams can find it again by scanning the few upload
// windows after its start.
//
// Garmin's push (webhook) notifications carry the same summary objects
// under keys such as "activities" and "activityDetails"; ParsePush maps them
// with the same functions.
//
// The *http.Client in provider.Connection must add the user's OAuth 2.0
// bearer token (Garmin's OAuth 2.0 PKCE flow).
package garmin

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
	AuthURL    = "https://connect.garmin.com/oauth2Confirm"
	TokenURL   = "https://diauth.garmin.com/di-oauth2-service/oauth/token"
	APIBaseURL = "https://apis.garmin.com/wellness-api/rest"

	// Window is Garmin's maximum upload-time window per request.
	Window = 86400 * time.Second
	// DefaultPerPage is used when ActivityQuery.Limit is 0.
	DefaultPerPage = 30
	// MaxPerPage bounds a page.
	MaxPerPage = 200
	// DefaultLookback is how far back an activity walk without After goes.
	DefaultLookback = 90 * 24 * time.Hour
	// windowsPerCall bounds the upload windows one Activities call scans.
	windowsPerCall = 14
	// findWindows is how many windows after an activity's start are
	// scanned to find it by id (uploads can lag the activity by days).
	findWindows = 7
	// MaxRangeDays bounds Sleep/Recovery/Health ranges (one request per
	// day and data type).
	MaxRangeDays = 92
)

// Provider is the Garmin provider.
type Provider struct {
	opts     []vendorhttp.Option
	lookback time.Duration
}

// New returns the Garmin provider; opts apply to every client.
func New(opts ...vendorhttp.Option) *Provider {
	return &Provider{opts: opts, lookback: DefaultLookback}
}

// WithLookback sets how far back an activity walk without After goes.
func (p *Provider) WithLookback(d time.Duration) *Provider {
	if d > 0 {
		p.lookback = d
	}
	return p
}

// Descriptor describes Garmin.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name:        provider.Garmin,
		DisplayName: "Garmin Connect",
		Capabilities: provider.CapActivities | provider.CapAthlete | provider.CapStreams |
			provider.CapSleep | provider.CapRecovery | provider.CapHealth,
		OAuth: &provider.OAuthSpec{
			AuthURL:  AuthURL,
			TokenURL: TokenURL,
			// Garmin has no RFC 7009 revocation endpoint; Client.Deregister
			// removes the user's registration instead.
			RevokeURL: "",
			// Garmin's OAuth 2.0 flow takes no scope parameter: the user
			// chooses the shared data (activities, health) on Garmin's
			// consent page.
			Scopes:         nil,
			ScopeSeparator: " ",
			PKCE:           true,
		},
		APIBaseURL: APIBaseURL,
		Limitations: []string{
			"Garmin lists data by upload time in windows of at most 24 hours; without a start date Pierre looks back 90 days, and activities appear ordered by upload day.",
			"Garmin's API has no athlete profile (name, weight, FTP): only the user id.",
			"Garmin does not provide activity totals (stats); Pierre can total the activity list itself.",
			"Garmin activity summaries carry no power averages; power is only in the samples (streams).",
			"Garmin shares only data uploaded after the user connected, plus what a backfill request asks for.",
			"Garmin's readiness, body battery level and training load are not in the Health API summaries Pierre reads.",
		},
	}
}

// NewClient returns a client for one user.
func (p *Provider) NewClient(conn provider.Connection) provider.Client { return p.Client(conn) }

// Client returns the concrete client.
func (p *Provider) Client(conn provider.Connection) *Client {
	cfg := vendorhttp.Config{Provider: provider.Garmin, DisplayName: "Garmin", BaseURL: APIBaseURL, HTTP: conn.HTTP}
	return &Client{http: vendorhttp.New(cfg, p.opts...), lookback: p.lookback}
}

// Client reads one user's Garmin data.
type Client struct {
	http     *vendorhttp.Client
	lookback time.Duration
}

var _ provider.Client = (*Client)(nil)

func windowQuery(end time.Time) url.Values {
	return url.Values{
		"uploadStartTimeInSeconds": {strconv.FormatInt(end.Add(-Window).Unix(), 10)},
		"uploadEndTimeInSeconds":   {strconv.FormatInt(end.Unix(), 10)},
	}
}

// Athlete returns the Garmin user id (Garmin shares no profile).
func (c *Client) Athlete(ctx context.Context) (fitness.Athlete, error) {
	u, err := vendorhttp.Get[userID](ctx, c.http, "/user/id", nil)
	if err != nil {
		return fitness.Athlete{}, err
	}
	if u.UserID == "" {
		return fitness.Athlete{}, invalid("user id missing")
	}
	return fitness.Athlete{ID: u.UserID, Provider: provider.Garmin}, nil
}

// Deregister removes the user's registration at Garmin (Garmin's way of
// revoking Pierre's access).
func (c *Client) Deregister(ctx context.Context) error {
	_, err := c.http.Do(ctx, vendorhttp.Request{Method: http.MethodDelete, Path: "/user/registration"})
	return err
}

// cursor is "<windowEndEpoch>:<skip>".
func parseCursor(s string) (time.Time, int, error) {
	a, b, ok := strings.Cut(s, ":")
	end, err1 := strconv.ParseInt(a, 10, 64)
	skip, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || end <= 0 || skip < 0 || skip > 100000 {
		return time.Time{}, 0, &provider.Error{Provider: provider.Garmin, Kind: provider.KindInvalidData,
			Message: "the activity cursor is not one Pierre issued for garmin; start again without a cursor"}
	}
	return time.Unix(end, 0).UTC(), skip, nil
}

// Activities walks 24 h upload windows newest first. Within a window,
// activities are sorted by start time, newest first; the cursor remembers the
// window and how many of its activities were already returned.
func (c *Client) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultPerPage
	}
	if limit > MaxPerPage {
		limit = MaxPerPage
	}
	now := c.http.Now().UTC()
	// Activities finish uploading after they start, so the walk starts one
	// window past Before (filtered by start time below).
	end, skip := q.Before, 0
	if !end.IsZero() {
		end = end.Add(Window)
	}
	if end.IsZero() || end.After(now) {
		end = now
	}
	if q.Cursor != "" {
		var err error
		if end, skip, err = parseCursor(q.Cursor); err != nil {
			return provider.ActivityPage{}, err
		}
	}
	floor := q.After
	if floor.IsZero() {
		floor = now.Add(-c.lookback)
	}
	out := provider.ActivityPage{Activities: []fitness.Activity{}}
	for w := 0; w < windowsPerCall && end.After(floor); w++ {
		raw, err := vendorhttp.Get[[]activitySummary](ctx, c.http, "/activities", windowQuery(end))
		if err != nil {
			return provider.ActivityPage{}, err
		}
		acts := make([]fitness.Activity, 0, len(raw))
		for i := range raw {
			a, err := mapActivity(&raw[i])
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
			out.Next = fmt.Sprintf("%d:%d", end.Unix(), skip+room)
			return out, nil
		}
		out.Activities = append(out.Activities, acts...)
		end, skip = end.Add(-Window), 0
		if len(out.Activities) == limit {
			break
		}
	}
	if end.After(floor) {
		out.Next = fmt.Sprintf("%d:0", end.Unix())
	}
	return out, nil
}

// splitID parses "<summaryId>@<startTimeInSeconds>".
func splitID(id string) (string, time.Time, bool) {
	sid, st, ok := strings.Cut(id, "@")
	sec, err := strconv.ParseInt(st, 10, 64)
	if !ok || sid == "" || len(sid) > 128 || err != nil || sec <= 0 {
		return "", time.Time{}, false
	}
	return sid, time.Unix(sec, 0).UTC(), true
}

// find scans the upload windows after start for the summary with id sid.
func find[T any](ctx context.Context, c *Client, path, id string, match func(*T) bool) (*T, error) {
	_, start, ok := splitID(id)
	if !ok {
		return nil, provider.NotFound(provider.Garmin, "activity", id)
	}
	now := c.http.Now()
	for w := 1; w <= findWindows; w++ {
		end, last := start.Add(time.Duration(w)*Window), false
		if !end.Before(now) {
			end, last = now, true
		}
		raw, err := vendorhttp.Get[[]T](ctx, c.http, path, windowQuery(end))
		if err != nil {
			return nil, err
		}
		for i := range raw {
			if match(&raw[i]) {
				return &raw[i], nil
			}
		}
		if last {
			break
		}
	}
	return nil, provider.NotFound(provider.Garmin, "activity", id)
}

// Activity finds one activity by its Pierre id.
func (c *Client) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	sid, _, _ := splitID(id)
	a, err := find(ctx, c, "/activities", id, func(a *activitySummary) bool { return a.SummaryID == sid })
	if err != nil {
		return fitness.Activity{}, err
	}
	return mapActivity(a)
}

// Streams returns the activity's samples from /activityDetails.
func (c *Client) Streams(ctx context.Context, activityID string) (fitness.Streams, error) {
	sid, _, _ := splitID(activityID)
	d, err := find(ctx, c, "/activityDetails", activityID, func(d *activityDetail) bool {
		d.normalize()
		return d.Summary.SummaryID == sid
	})
	if err != nil {
		return fitness.Streams{}, err
	}
	return mapSamples(activityID, d)
}

// Stats are not offered by Garmin.
func (c *Client) Stats(context.Context) (fitness.Stats, error) {
	return fitness.Stats{}, provider.Unsupported(provider.Garmin, "activity totals (stats)")
}

func (c *Client) checkRange(from, to time.Time, what string) error {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return &provider.Error{Provider: provider.Garmin, Kind: provider.KindInvalidData,
			Message: "garmin " + what + " needs a time range with from before to"}
	}
	if to.Sub(from) > MaxRangeDays*24*time.Hour {
		return &provider.Error{Provider: provider.Garmin, Kind: provider.KindInvalidData,
			Message: fmt.Sprintf("garmin %s ranges are limited to %d days per request", what, MaxRangeDays)}
	}
	return nil
}

// pull collects a summary type over the upload windows covering [from, to]
// plus one day, since summaries are uploaded after the period they describe.
func pull[T any](ctx context.Context, c *Client, path string, from, to time.Time) ([]T, error) {
	end := to.Add(Window)
	if now := c.http.Now(); end.After(now) {
		end = now
	}
	var out []T
	for ; end.After(from); end = end.Add(-Window) {
		raw, err := vendorhttp.Get[[]T](ctx, c.http, path, windowQuery(end))
		if err != nil {
			return nil, err
		}
		out = append(out, raw...)
	}
	return out, nil
}

func inDates(date string, from, to time.Time) bool {
	return date >= from.Format(time.DateOnly) && date <= to.Format(time.DateOnly)
}

// Sleep returns the sleeps whose calendar date is in [from, to].
func (c *Client) Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	if err := c.checkRange(from, to, "sleep"); err != nil {
		return nil, err
	}
	raw, err := pull[sleepSummary](ctx, c, "/sleeps", from, to)
	if err != nil {
		return nil, err
	}
	all, err := mapSleeps(raw)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		if inDates(s.Date, from, to) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Recovery merges overnight HRV and the dailies' resting heart rate and
// stress by calendar date.
func (c *Client) Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	if err := c.checkRange(from, to, "recovery"); err != nil {
		return nil, err
	}
	dailies, err := pull[daily](ctx, c, "/dailies", from, to)
	if err != nil {
		return nil, err
	}
	hrv, err := pull[hrvSummary](ctx, c, "/hrv", from, to)
	if err != nil && provider.KindOf(err) != provider.KindReauthRequired {
		return nil, err
	}
	all := mapRecovery(dailies, hrv)
	out := all[:0]
	for _, r := range all {
		if inDates(r.Date, from, to) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Health merges dailies (steps, energy), body compositions and user
// metrics (VO2 max) by calendar date.
func (c *Client) Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	if err := c.checkRange(from, to, "health metrics"); err != nil {
		return nil, err
	}
	dailies, err := pull[daily](ctx, c, "/dailies", from, to)
	if err != nil {
		return nil, err
	}
	bodies, err := pull[bodyComp](ctx, c, "/bodyComps", from, to)
	if err != nil {
		return nil, err
	}
	metrics, err := pull[userMetrics](ctx, c, "/userMetrics", from, to)
	if err != nil && provider.KindOf(err) != provider.KindReauthRequired {
		return nil, err
	}
	all := mapHealth(dailies, bodies, metrics)
	out := all[:0]
	for _, h := range all {
		if inDates(h.Date, from, to) {
			out = append(out, h)
		}
	}
	return out, nil
}
