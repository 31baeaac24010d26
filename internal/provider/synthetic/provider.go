package synthetic

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// Options configure the provider.
type Options struct {
	// ScenarioFor picks the scenario of a user; nil means Triathlete for all.
	ScenarioFor func(userKey string) Scenario
	// Now is the clock; nil means time.Now. Data is generated up to Now.
	Now func() time.Time
}

// Provider generates data for any user with no account or network.
type Provider struct {
	opts     Options
	datasets *expirable.LRU[string, *Dataset]
	streams  *expirable.LRU[string, fitness.Streams]
}

// New returns the synthetic provider.
func New(opts Options) *Provider {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ScenarioFor == nil {
		opts.ScenarioFor = func(string) Scenario { return Triathlete }
	}
	return &Provider{opts: opts,
		// A dataset is ~150 KB and deterministic, so caching is safe and
		// turns each request into a lookup.
		datasets: expirable.NewLRU[string, *Dataset](2048, nil, 6*time.Hour),
		// A 4 h ride's streams are ~600 KB; keep the few being analysed.
		streams: expirable.NewLRU[string, fitness.Streams](32, nil, 30*time.Minute)}
}

// Descriptor implements provider.Provider.
func (p *Provider) Descriptor() provider.Descriptor {
	return provider.Descriptor{
		Name: provider.Synthetic, DisplayName: "Synthetic demo data",
		Capabilities: provider.CapActivities | provider.CapAthlete | provider.CapStats | provider.CapStreams |
			provider.CapSleep | provider.CapRecovery | provider.CapHealth,
		Limitations: []string{"Generated data of a fictional athlete, for trying Pierre; connect a real provider for your own training."},
	}
}

// NewClient implements provider.Provider.
func (p *Provider) NewClient(conn provider.Connection) provider.Client {
	return &client{p: p, userKey: conn.UserKey}
}

// Dataset returns the user's generated data as of now (cached per day).
func (p *Provider) Dataset(userKey string) *Dataset {
	now := p.opts.Now().UTC()
	sc := p.opts.ScenarioFor(userKey)
	// Cache per hour: data up to "now" grows during the day.
	key := userKey + "|" + string(sc) + "|" + now.Truncate(time.Hour).Format(time.RFC3339)
	if ds, ok := p.datasets.Get(key); ok {
		return ds
	}
	ds := Generate(SeedFor(userKey), sc, now.Truncate(time.Hour))
	p.datasets.Add(key, ds)
	return ds
}

type client struct {
	p       *Provider
	userKey string
}

func (c *client) Athlete(context.Context) (fitness.Athlete, error) {
	return c.p.Dataset(c.userKey).Athlete, nil
}

func (c *client) Activities(_ context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	ds := c.p.Dataset(c.userKey)
	start := 0
	if q.Cursor != "" {
		n, err := strconv.Atoi(q.Cursor)
		if err != nil || n < 0 {
			return provider.ActivityPage{}, &provider.Error{Provider: provider.Synthetic, Kind: provider.KindInvalidData, Message: "invalid page cursor"}
		}
		start = n
	}
	limit := q.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	var page provider.ActivityPage
	i := start
	for ; i < len(ds.Activities) && len(page.Activities) < limit; i++ {
		a := ds.Activities[i]
		if !q.Before.IsZero() && !a.StartTime.Before(q.Before) {
			continue
		}
		if !q.After.IsZero() && !a.StartTime.After(q.After) {
			break // newest first: everything further is older still
		}
		page.Activities = append(page.Activities, a)
	}
	if i < len(ds.Activities) && len(page.Activities) == limit {
		page.Next = strconv.Itoa(i)
	}
	return page, nil
}

func (c *client) Activity(_ context.Context, id string) (fitness.Activity, error) {
	ds := c.p.Dataset(c.userKey)
	if i, ok := ds.byID[id]; ok {
		return ds.Activities[i], nil
	}
	return fitness.Activity{}, provider.NotFound(provider.Synthetic, "activity", id)
}

func (c *client) Streams(_ context.Context, id string) (fitness.Streams, error) {
	key := c.userKey + "|" + id
	if s, ok := c.p.streams.Get(key); ok {
		return s, nil
	}
	s, err := c.p.Dataset(c.userKey).Streams(id)
	if err != nil {
		return s, err
	}
	c.p.streams.Add(key, s)
	return s, nil
}

func (c *client) Stats(context.Context) (fitness.Stats, error) {
	ds := c.p.Dataset(c.userKey)
	return fitness.StatsFromActivities(provider.Synthetic, ds.End, ds.Activities), nil
}

// inRange reports whether a record whose instant is t falls in [from, to].
func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
}

func (c *client) Sleep(_ context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	var out []fitness.SleepSession
	for _, s := range c.p.Dataset(c.userKey).Sleep {
		if inRange(s.EndTime, from, to) {
			out = append(out, s)
		}
	}
	return out, nil
}

func (c *client) Recovery(_ context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	ds := c.p.Dataset(c.userKey)
	var out []fitness.DailyRecovery
	for i, r := range ds.Recovery {
		if inRange(ds.Sleep[i].EndTime, from, to) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (c *client) Health(_ context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	if err := checkRange(from, to); err != nil {
		return nil, err
	}
	ds := c.p.Dataset(c.userKey)
	var out []fitness.HealthMetrics
	for i, h := range ds.Health {
		if inRange(ds.Sleep[i].EndTime, from, to) {
			out = append(out, h)
		}
	}
	return out, nil
}

func checkRange(from, to time.Time) error {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return fmt.Errorf("range end %s is before its start %s", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	return nil
}
