package datasync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

// Connector puts Pierre's copy in front of another connector: clients it
// returns read the synced store, start the first backfill on first use,
// and start an incremental sync when the copy is older than Stale. Until a
// user's backfill has finished, and for ranges older than it covers, they
// read the provider directly.
type Connector struct {
	Inner   athletedata.Connector
	Records store.Records
	Syncer  *Syncer
	// Stale is how old a copy may be before a read starts an incremental
	// sync in the background (default 15 minutes).
	Stale time.Duration
	// Background bounds the syncs reads start (the server's lifetime).
	Background context.Context
	Log        *slog.Logger

	decodedOnce sync.Once
	decoded     *lru.Cache[decodedKey, fitness.Activity]
}

// decodedKey names one stored version of an activity: a re-sync changes
// SyncedAt, so a cached decoding can never be stale.
type decodedKey struct {
	owner         store.Owner
	provider, id  string
	syncedAtMilli int64
}

// activityCache holds decoded activities: decoding the stored JSON is the
// largest cost of answering from the copy, and the same activities are read
// again and again.
func (c *Connector) activityCache() *lru.Cache[decodedKey, fitness.Activity] {
	c.decodedOnce.Do(func() { c.decoded, _ = lru.New[decodedKey, fitness.Activity](50_000) })
	return c.decoded
}

// Connections implements athletedata.Connector (on the hot path of every
// tool call: no sync status here).
func (c *Connector) Connections(ctx context.Context, p auth.Principal) (map[string]athletedata.Connection, error) {
	return c.Inner.Connections(ctx, p)
}

// ConnectionsWithSync implements athletedata.SyncReporter: Connections
// plus each connected provider's sync status.
func (c *Connector) ConnectionsWithSync(ctx context.Context, p auth.Principal) (map[string]athletedata.Connection, error) {
	conns, err := c.Inner.Connections(ctx, p)
	if err != nil {
		return nil, err
	}
	o := store.Owner{TenantID: p.TenantID, UserID: p.UserID}
	for name, conn := range conns {
		if conn.State != athletedata.StateConnected {
			continue
		}
		st, err := c.Records.SyncState(ctx, o, name)
		if err != nil {
			continue // never synced yet: no status to show
		}
		n, _ := c.Records.CountRecords(ctx, o, name, store.KindActivity)
		ss := &athletedata.SyncStatus{Phase: st.Phase, Status: st.Status, Percent: Percent(st),
			Activities: n, Error: st.Error}
		if c.Syncer.Running(o, name) {
			ss.Status = StatusRunning
		}
		if !st.LastSuccessAt.IsZero() {
			t := st.LastSuccessAt
			ss.SyncedAt = &t
		}
		conn.Sync = ss
		conns[name] = conn
	}
	return conns, nil
}

// Client implements athletedata.Connector.
func (c *Connector) Client(ctx context.Context, p auth.Principal, name string) (provider.Client, error) {
	live, err := c.Inner.Client(ctx, p, name)
	if err != nil {
		return nil, err
	}
	o := store.Owner{TenantID: p.TenantID, UserID: p.UserID}
	st, err := c.Records.SyncState(ctx, o, name)
	bg := c.Background
	if bg == nil {
		bg = context.Background()
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		c.Syncer.Start(bg, o, name)
		noteFreshness(ctx, Freshness{Provider: name, Source: "provider", SyncRunning: true})
		return live, nil
	case err != nil:
		if c.Log != nil {
			c.Log.Warn("read sync state; answering from the provider", "provider", name, "err", err)
		}
		return live, nil
	}
	running := c.Syncer.Running(o, name) || (st.Status == StatusRunning && c.Syncer.now().Sub(st.UpdatedAt) < leaseFor)
	stale := c.Stale
	if stale == 0 {
		stale = 15 * time.Minute
	}
	if !running && c.Syncer.now().Sub(st.LastSuccessAt) > stale {
		c.Syncer.Start(bg, o, name)
		running = true
	}
	sc := &storedClient{live: live, records: c.Records, owner: o, name: name, state: st, running: running,
		from: st.BackfillFrom, decoded: c.activityCache()}
	if st.Phase == PhaseBackfill {
		if st.Oldest.IsZero() {
			noteFreshness(ctx, Freshness{Provider: name, Source: "provider", SyncRunning: running, SyncPercent: Percent(st)})
			return live, nil
		}
		// Newest first: activities from the oldest copied one to now are
		// all here already; the rest, and sleep and health (copied last),
		// come from the provider until the backfill ends.
		sc.from, sc.partial = st.Oldest, true
	}
	return sc, nil
}

// storedClient reads the synced copy and, for what the copy does not
// hold, the provider.
type storedClient struct {
	live    provider.Client
	records store.Records
	owner   store.Owner
	name    string
	state   store.SyncState
	running bool
	// from is where the copy's activities start; partial means a backfill
	// is still running (only activities since from are copied).
	from    time.Time
	partial bool
	decoded *lru.Cache[decodedKey, fitness.Activity]
}

// fill puts the activities named by keys into out, from the cache or, for
// the ones not cached, from one query for their stored JSON.
func (c *storedClient) fill(ctx context.Context, keys []store.Record, out []fitness.Activity) error {
	var missing []string
	at := map[string]int{}
	for i, k := range keys {
		if a, ok := c.decoded.Get(decodedKey{c.owner, c.name, k.ID, k.SyncedAt.UnixMilli()}); ok {
			out[i] = a
			continue
		}
		missing = append(missing, k.ID)
		at[k.ID] = i
	}
	if len(missing) == 0 {
		return nil
	}
	recs, err := c.records.RecordsByID(ctx, c.owner, c.name, store.KindActivity, missing)
	if err != nil {
		return err
	}
	for _, r := range recs {
		a, err := c.activity(r)
		if err != nil {
			return err
		}
		out[at[r.ID]] = a
		delete(at, r.ID)
	}
	if len(at) > 0 {
		// Deleted between the two queries (a webhook): ask the provider.
		for id, i := range at {
			a, err := c.live.Activity(ctx, id)
			if err != nil {
				return err
			}
			out[i] = a
		}
	}
	return nil
}

// activity decodes a stored activity, or takes it from the cache.
func (c *storedClient) activity(r store.Record) (fitness.Activity, error) {
	k := decodedKey{c.owner, c.name, r.ID, r.SyncedAt.UnixMilli()}
	if a, ok := c.decoded.Get(k); ok {
		return a, nil
	}
	var a fitness.Activity
	if err := json.Unmarshal(r.Payload, &a); err != nil {
		return a, fmt.Errorf("stored %s activity %s: %w", c.name, r.ID, err)
	}
	c.decoded.Add(k, a)
	return a, nil
}

func (c *storedClient) note(ctx context.Context, source string) {
	f := Freshness{Provider: c.name, Source: source, SyncRunning: c.running}
	if c.partial {
		f.SyncPercent = Percent(c.state)
	}
	if !c.state.LastSuccessAt.IsZero() {
		t := c.state.LastSuccessAt
		f.SyncedAt = &t
	}
	noteFreshness(ctx, f)
}

// Activities serves the copy down to the backfill depth, then the provider
// for anything older. Cursors say which: "s<offset>" or "l<provider cursor>".
func (c *storedClient) Activities(ctx context.Context, q provider.ActivityQuery) (provider.ActivityPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 30
	}
	from := c.from
	if strings.HasPrefix(q.Cursor, "l") || (!q.Before.IsZero() && !q.Before.After(from)) {
		return c.liveActivities(ctx, q, strings.TrimPrefix(q.Cursor, "l"))
	}
	offset := 0
	if q.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(q.Cursor, "s"))
		if err != nil || n < 0 || !strings.HasPrefix(q.Cursor, "s") {
			return provider.ActivityPage{}, &provider.Error{Provider: c.name, Kind: provider.KindInvalidData,
				Message: "the activity cursor is not one Pierre issued; start again without a cursor"}
		}
		offset = n
	}
	after := q.After
	if after.Before(from) {
		after = from
	}
	recs, err := c.records.RecordKeys(ctx, c.owner, c.name, store.KindActivity, store.RecordQuery{After: after, Before: q.Before, Limit: limit, Offset: offset})
	if err != nil {
		return provider.ActivityPage{}, err
	}
	c.note(ctx, "store")
	page := provider.ActivityPage{Activities: make([]fitness.Activity, len(recs))}
	if err := c.fill(ctx, recs, page.Activities); err != nil {
		return provider.ActivityPage{}, err
	}
	switch {
	case len(recs) == limit:
		page.Next = "s" + strconv.Itoa(offset+limit)
	case q.After.Before(from):
		// The copy ends at the backfill depth; older ones come live.
		page.Next = "l"
	}
	return page, nil
}

func (c *storedClient) liveActivities(ctx context.Context, q provider.ActivityQuery, cursor string) (provider.ActivityPage, error) {
	lq := q
	lq.Cursor = cursor
	// The backfill copied what started after BackfillFrom; the provider
	// gives the rest (to the millisecond the store keeps).
	if lq.Before.IsZero() || lq.Before.After(c.from) {
		lq.Before = c.from.Add(time.Millisecond)
	}
	c.note(ctx, "provider")
	page, err := c.live.Activities(ctx, lq)
	if page.Next != "" {
		page.Next = "l" + page.Next
	}
	return page, err
}

func (c *storedClient) Activity(ctx context.Context, id string) (fitness.Activity, error) {
	r, err := c.records.Record(ctx, c.owner, c.name, store.KindActivity, id)
	if errors.Is(err, store.ErrNotFound) {
		c.note(ctx, "provider")
		return c.live.Activity(ctx, id)
	}
	if err != nil {
		return fitness.Activity{}, err
	}
	c.note(ctx, "store")
	return c.activity(r)
}

func (c *storedClient) Streams(ctx context.Context, id string) (fitness.Streams, error) {
	r, err := c.records.Record(ctx, c.owner, c.name, store.KindStreams, id)
	if errors.Is(err, store.ErrNotFound) {
		c.note(ctx, "provider")
		return c.live.Streams(ctx, id)
	}
	if err != nil {
		return fitness.Streams{}, err
	}
	c.note(ctx, "store")
	return DecodeStreams(r.Payload)
}

func (c *storedClient) Athlete(ctx context.Context) (fitness.Athlete, error) {
	var a fitness.Athlete
	if c.stored(ctx, store.KindAthlete, "profile", &a) {
		return a, nil
	}
	return c.live.Athlete(ctx)
}

func (c *storedClient) Stats(ctx context.Context) (fitness.Stats, error) {
	var s fitness.Stats
	if c.stored(ctx, store.KindStats, "totals", &s) {
		return s, nil
	}
	return c.live.Stats(ctx)
}

// stored decodes one stored record into v, reporting whether it could.
func (c *storedClient) stored(ctx context.Context, kind store.RecordKind, id string, v any) bool {
	r, err := c.records.Record(ctx, c.owner, c.name, kind, id)
	if err != nil || json.Unmarshal(r.Payload, v) != nil {
		c.note(ctx, "provider")
		return false
	}
	c.note(ctx, "store")
	return true
}

func (c *storedClient) Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error) {
	if c.partial || from.Before(c.from) {
		c.note(ctx, "provider")
		return c.live.Sleep(ctx, from, to)
	}
	return daily[fitness.SleepSession](ctx, c, store.KindSleep, from, to)
}

func (c *storedClient) Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error) {
	if c.partial || from.Before(c.from) {
		c.note(ctx, "provider")
		return c.live.Recovery(ctx, from, to)
	}
	return daily[fitness.DailyRecovery](ctx, c, store.KindRecovery, from, to)
}

func (c *storedClient) Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error) {
	if c.partial || from.Before(c.from) {
		c.note(ctx, "provider")
		return c.live.Health(ctx, from, to)
	}
	return daily[fitness.HealthMetrics](ctx, c, store.KindHealth, from, to)
}

// daily reads day records in [from, to], oldest first as providers answer.
// A provider that offers none of this kind says so again.
func daily[T any](ctx context.Context, c *storedClient, kind store.RecordKind, from, to time.Time) ([]T, error) {
	recs, err := c.records.Records(ctx, c.owner, c.name, kind, store.RecordQuery{After: from.Add(-time.Millisecond), Before: to.Add(time.Millisecond)})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		c.note(ctx, "provider")
		switch kind {
		case store.KindSleep:
			v, err := c.live.Sleep(ctx, from, to)
			return any(v).([]T), err
		case store.KindRecovery:
			v, err := c.live.Recovery(ctx, from, to)
			return any(v).([]T), err
		default:
			v, err := c.live.Health(ctx, from, to)
			return any(v).([]T), err
		}
	}
	c.note(ctx, "store")
	sort.Slice(recs, func(i, j int) bool { return recs[i].At.Before(recs[j].At) })
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		var v T
		if err := json.Unmarshal(r.Payload, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Freshness says where a tool's data came from and how fresh it is.
type Freshness struct {
	Provider string `json:"provider"`
	// Source is "store" (Pierre's copy) or "provider" (read live).
	Source      string     `json:"source"`
	SyncedAt    *time.Time `json:"synced_at,omitempty"`
	SyncRunning bool       `json:"sync_running"`
	SyncPercent float64    `json:"sync_percent,omitempty"`
}

type freshnessKey struct{}

type freshnessLog struct {
	mu    sync.Mutex
	byKey map[string]Freshness
}

// WithFreshness returns a context whose reads record their freshness, and
// a function that returns what was recorded (nil when nothing was read).
func WithFreshness(ctx context.Context) (context.Context, func() any) {
	l := &freshnessLog{byKey: map[string]Freshness{}}
	return context.WithValue(ctx, freshnessKey{}, l), func() any {
		l.mu.Lock()
		defer l.mu.Unlock()
		if len(l.byKey) == 0 {
			return nil
		}
		out := make([]Freshness, 0, len(l.byKey))
		for _, f := range l.byKey {
			out = append(out, f)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Provider+out[i].Source < out[j].Provider+out[j].Source })
		return out
	}
}

func noteFreshness(ctx context.Context, f Freshness) {
	l, _ := ctx.Value(freshnessKey{}).(*freshnessLog)
	if l == nil {
		return
	}
	l.mu.Lock()
	l.byKey[f.Provider+"/"+f.Source] = f
	l.mu.Unlock()
}
