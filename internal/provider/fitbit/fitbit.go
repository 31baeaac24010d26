// Package fitbit reads a user's Fitbit data through the Fitbit Web API
// (https://dev.fitbit.com/build/reference/web-api/) into Pierre's common
// model.
//
// Endpoints: GET /1/user/-/profile.json, /1/user/-/activities/list.json
// (beforeDate, sort=desc, limit ≤ 100, offset=0, then pagination.next),
// /1/user/-/activities/{logId}.tcx (samples and single-activity summary),
// /1.2/user/-/sleep/date/{start}/{end}.json (stages),
// /1/user/-/hrv/date/{start}/{end}.json, /1/user/-/activities/heart/date/…,
// /1/user/-/spo2/date/…, /1/user/-/temp/skin/date/…,
// /1/user/-/body/log/weight/date/… and /1/user/-/activities/steps/date/….
//
// Units: Fitbit answers in the unit system named by the Accept-Language
// request header and uses metric when it is absent. This client never sends
// it, so values are metric (km, kg, cm, m); an activity's own distanceUnit is
// still honoured ("Mile" → ×1609.344, with elevation then in feet).
package fitbit

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Public endpoints.
const (
	AuthURL    = "https://www.fitbit.com/oauth2/authorize"
	TokenURL   = "https://api.fitbit.com/oauth2/token"
	RevokeURL  = "https://api.fitbit.com/oauth2/revoke"
	APIBaseURL = "https://api.fitbit.com"

	// MaxPerPage is the activity list limit ceiling.
	MaxPerPage = 100
	// DefaultPerPage is used when ActivityQuery.Limit is 0.
	DefaultPerPage = 20
)

// Provider is the Fitbit provider.
type Provider struct{ opts []vendorhttp.Option }

// New returns the Fitbit provider; opts apply to every client.
func New(opts ...vendorhttp.Option) *Provider { return &Provider{opts: opts} }

// Descriptor describes Fitbit.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name:        provider.Fitbit,
		DisplayName: "Fitbit",
		Capabilities: provider.CapActivities | provider.CapAthlete | provider.CapStreams |
			provider.CapSleep | provider.CapRecovery | provider.CapHealth,
		OAuth: &provider.OAuthSpec{
			AuthURL:   AuthURL,
			TokenURL:  TokenURL,
			RevokeURL: RevokeURL,
			Scopes: []string{"activity", "heartrate", "location", "profile", "sleep", "weight",
				"oxygen_saturation", "temperature"},
			ScopeSeparator: " ",
			PKCE:           true,
		},
		APIBaseURL: APIBaseURL,
		Limitations: []string{
			"Fitbit samples come from the activity's TCX export: heart rate, GPS position, altitude and distance only; no power, cadence or temperature.",
			"A single activity fetched by id is rebuilt from its TCX export, so it has no title and no step count.",
			"Fitbit does not compute per-sport totals (stats); Pierre can total the activity list itself.",
			"Heart-rate variability and skin temperature need a device that records them; SpO2 and HRV are nightly values.",
			"Fitbit has no recovery or readiness score in its public Web API.",
			"Fitbit allows 150 requests per hour per user; a long history needs several hours.",
		},
	}
}

// NewClient returns a client for one user.
func (p *Provider) NewClient(conn provider.Connection) provider.Client { return p.Client(conn) }

// Client returns the concrete client.
func (p *Provider) Client(conn provider.Connection) *Client {
	cfg := vendorhttp.Config{Provider: provider.Fitbit, DisplayName: "Fitbit", BaseURL: APIBaseURL, HTTP: conn.HTTP, Hint: retryHint}
	return &Client{http: vendorhttp.New(cfg, p.opts...)}
}

// Client reads one user's Fitbit data.
type Client struct {
	http *vendorhttp.Client

	mu  sync.Mutex
	loc *time.Location
}

var _ provider.Client = (*Client)(nil)

func (c *Client) profile(ctx context.Context) (user, error) {
	p, err := vendorhttp.Get[profileResp](ctx, c.http, "/1/user/-/profile.json", nil)
	return p.User, err
}

// location returns the user's time zone (for sleep times, which Fitbit
// gives in local time without an offset). It is fetched once per client;
// failures are not cached.
func (c *Client) location(ctx context.Context) (*time.Location, error) {
	c.mu.Lock()
	loc := c.loc
	c.mu.Unlock()
	if loc != nil {
		return loc, nil
	}
	u, err := c.profile(ctx)
	if err != nil {
		return nil, err
	}
	loc = u.location()
	c.mu.Lock()
	c.loc = loc
	c.mu.Unlock()
	return loc, nil
}

// Athlete returns the user's profile.
func (c *Client) Athlete(ctx context.Context) (fitness.Athlete, error) {
	u, err := c.profile(ctx)
	if err != nil {
		return fitness.Athlete{}, err
	}
	return mapAthlete(u)
}

var cursorKeys = map[string]bool{"beforeDate": true, "sort": true, "limit": true, "offset": true}

// Activities returns one page of activity logs, newest first. The first
// page asks for beforeDate = the day after Before (UTC) and filters the exact
// instant here, so no time-zone lookup is needed; later pages follow
// Fitbit's pagination.next, whose query string is the cursor.
func (c *Client) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	var v url.Values
	if q.Cursor != "" {
		var err error
		v, err = url.ParseQuery(q.Cursor)
		if err != nil || len(q.Cursor) > 512 {
			return provider.ActivityPage{}, vendorhttp.InvalidData(provider.Fitbit, "cursor not issued by Pierre", nil)
		}
		for k := range v {
			if !cursorKeys[k] {
				return provider.ActivityPage{}, vendorhttp.InvalidData(provider.Fitbit, "cursor not issued by Pierre", nil)
			}
		}
	} else {
		limit := q.Limit
		if limit <= 0 {
			limit = DefaultPerPage
		}
		if limit > MaxPerPage {
			limit = MaxPerPage
		}
		before := q.Before
		if before.IsZero() {
			before = c.http.Now()
		}
		v = url.Values{}
		v.Set("beforeDate", before.UTC().AddDate(0, 0, 1).Format(time.DateOnly))
		v.Set("sort", "desc")
		v.Set("limit", strconv.Itoa(limit))
		v.Set("offset", "0")
	}
	list, err := vendorhttp.Get[activityList](ctx, c.http, "/1/user/-/activities/list.json", v)
	if err != nil {
		return provider.ActivityPage{}, err
	}
	out := provider.ActivityPage{Activities: make([]fitness.Activity, 0, len(list.Activities))}
	reachedAfter := false
	for i := range list.Activities {
		a, err := mapActivity(&list.Activities[i])
		if err != nil {
			return provider.ActivityPage{}, err
		}
		if !q.After.IsZero() && !a.StartTime.After(q.After) {
			reachedAfter = true
			continue
		}
		if !q.Before.IsZero() && !a.StartTime.Before(q.Before) {
			continue
		}
		out.Activities = append(out.Activities, a)
	}
	if !reachedAfter && list.Pagination.Next != "" && len(list.Activities) > 0 {
		if nu, err := url.Parse(list.Pagination.Next); err == nil {
			nq := nu.Query()
			for k := range nq {
				if !cursorKeys[k] {
					nq.Del(k)
				}
			}
			out.Next = nq.Encode()
		}
	}
	return out, nil
}

func (c *Client) tcx(ctx context.Context, id string) (*tcxDB, error) {
	if !validID(id) {
		return nil, provider.NotFound(provider.Fitbit, "activity", id)
	}
	resp, err := c.http.Do(ctx, vendorhttp.Request{Path: "/1/user/-/activities/" + id + ".tcx",
		Header: http.Header{"Accept": {"application/vnd.garmin.tcx+xml, application/xml;q=0.9, */*;q=0.1"}}})
	if err != nil {
		return nil, vendorhttp.NotFound(err, provider.Fitbit, "activity", id)
	}
	return decodeTCX(resp.Body)
}

// Activity rebuilds one activity from its TCX export (Fitbit has no
// documented single-log summary endpoint).
func (c *Client) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	db, err := c.tcx(ctx, id)
	if err != nil {
		return fitness.Activity{}, err
	}
	return activityFromTCX(id, db)
}

// Streams returns the TCX samples.
func (c *Client) Streams(ctx context.Context, activityID string) (fitness.Streams, error) {
	db, err := c.tcx(ctx, activityID)
	if err != nil {
		return fitness.Streams{}, err
	}
	return streamsFromTCX(activityID, db)
}

// Stats are not offered by Fitbit.
func (c *Client) Stats(context.Context) (fitness.Stats, error) {
	return fitness.Stats{}, provider.Unsupported(provider.Fitbit, "per-sport activity totals (stats)")
}

// dateChunks splits [from, to] into inclusive calendar-date ranges of at
// most maxDays days, newest first.
func dateChunks(from, to time.Time, maxDays int) [][2]string {
	f := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	var out [][2]string
	for end := t; !end.Before(f) && len(out) < 400; {
		start := end.AddDate(0, 0, -(maxDays - 1))
		if start.Before(f) {
			start = f
		}
		out = append(out, [2]string{start.Format(time.DateOnly), end.Format(time.DateOnly)})
		end = start.AddDate(0, 0, -1)
	}
	return out
}

func (c *Client) checkRange(from, to time.Time, what string) error {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return &provider.Error{Provider: provider.Fitbit, Kind: provider.KindInvalidData,
			Message: "fitbit " + what + " needs a time range with from before to"}
	}
	if to.Sub(from) > 3*366*24*time.Hour {
		return &provider.Error{Provider: provider.Fitbit, Kind: provider.KindInvalidData,
			Message: "fitbit " + what + " range is limited to 3 years per request"}
	}
	return nil
}

// Sleep returns sleep logs whose date of sleep falls in [from, to] (in the
// user's time zone).
func (c *Client) Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	if err := c.checkRange(from, to, "sleep"); err != nil {
		return nil, err
	}
	loc, err := c.location(ctx)
	if err != nil {
		return nil, err
	}
	var out []fitness.SleepSession
	for _, ch := range dateChunks(from.In(loc), to.In(loc), 100) {
		resp, err := vendorhttp.Get[sleepResp](ctx, c.http, "/1.2/user/-/sleep/date/"+ch[0]+"/"+ch[1]+".json", nil)
		if err != nil {
			return nil, err
		}
		ss, err := mapSleeps(resp.Sleep, loc)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	if out == nil {
		out = []fitness.SleepSession{}
	}
	return out, nil
}

// Recovery merges nightly HRV, daily resting heart rate, SpO2 and skin
// temperature by date.
func (c *Client) Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	if err := c.checkRange(from, to, "recovery"); err != nil {
		return nil, err
	}
	var hrv hrvResp
	var hr heartResp
	var spo2 []spo2Day
	var temp tempResp
	for _, ch := range dateChunks(from, to, 30) {
		r := ch[0] + "/" + ch[1] + ".json"
		h, err := vendorhttp.Get[hrvResp](ctx, c.http, "/1/user/-/hrv/date/"+r, nil)
		if err != nil {
			return nil, err
		}
		hrv.HRV = append(hrv.HRV, h.HRV...)
		b, err := vendorhttp.Get[heartResp](ctx, c.http, "/1/user/-/activities/heart/date/"+r, nil)
		if err != nil {
			return nil, err
		}
		hr.Days = append(hr.Days, b.Days...)
		s, err := vendorhttp.Get[[]spo2Day](ctx, c.http, "/1/user/-/spo2/date/"+r, nil)
		if err != nil && provider.KindOf(err) != provider.KindReauthRequired {
			return nil, err
		}
		spo2 = append(spo2, s...)
		t, err := vendorhttp.Get[tempResp](ctx, c.http, "/1/user/-/temp/skin/date/"+r, nil)
		if err != nil && provider.KindOf(err) != provider.KindReauthRequired {
			return nil, err
		}
		temp.TempSkin = append(temp.TempSkin, t.TempSkin...)
	}
	return mapRecovery(&hrv, &hr, spo2, &temp), nil
}

// Health merges weight logs and daily steps by date.
func (c *Client) Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	if err := c.checkRange(from, to, "health metrics"); err != nil {
		return nil, err
	}
	var w weightResp
	var st stepsResp
	for _, ch := range dateChunks(from, to, 31) {
		r := ch[0] + "/" + ch[1] + ".json"
		wr, err := vendorhttp.Get[weightResp](ctx, c.http, "/1/user/-/body/log/weight/date/"+r, nil)
		if err != nil {
			return nil, err
		}
		w.Weight = append(w.Weight, wr.Weight...)
		sr, err := vendorhttp.Get[stepsResp](ctx, c.http, "/1/user/-/activities/steps/date/"+r, nil)
		if err != nil {
			return nil, err
		}
		st.Steps = append(st.Steps, sr.Steps...)
	}
	return mapHealth(&w, &st)
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

// retryHint reads Fitbit-Rate-Limit-Reset (seconds to the top of the hour).
func retryHint(h http.Header, _ time.Time) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get("Fitbit-Rate-Limit-Reset"))); err == nil && n > 0 && n <= 3600 {
		return time.Duration(n) * time.Second
	}
	return 0
}
