// Package datasync copies each user's data from their providers into
// Pierre's store, so analysis reads local data and never waits on a vendor.
//
// A sync starts with a backfill (newest first, down to a configurable
// depth), then keeps up with incremental syncs. Progress is saved after
// every page, so a sync interrupted by a crash or a restart resumes where it
// stopped; upserts by the vendor's id make a repeated page harmless. A lease
// in the store keeps one sync per user and provider running across all
// replicas.
package datasync

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vendorbudget"
)

// Phases and statuses of a sync (store.SyncState).
const (
	PhaseBackfill    = "backfill"
	PhaseIncremental = "incremental"
	StatusIdle       = "idle"
	StatusRunning    = "running"
	StatusFailed     = "failed"
)

// Clients gives a provider client acting for a user (the connections
// layer, or the built-in synthetic provider).
type Clients interface {
	Client(ctx context.Context, p auth.Principal, name string) (provider.Client, error)
}

// Progress is told about every saved step of a sync.
type Progress func(o store.Owner, st store.SyncState)

// Syncer runs syncs.
type Syncer struct {
	Records store.Records
	Clients Clients
	// Holder names this replica in sync leases.
	Holder string
	// Depth is how far back a backfill goes (default one year).
	Depth time.Duration
	// PageSize is the activities asked for per vendor request (default 100).
	PageSize int
	// HealthDays is how many days of sleep, recovery and health data an
	// incremental sync refreshes (default 14).
	HealthDays int
	// SkipStreams names providers whose streams are not copied: the
	// synthetic provider generates them on demand at no cost.
	SkipStreams func(provider string) bool
	// Prepare, when set, adjusts the context of every vendor read of a
	// sync (the app turns the response cache off: a sync wants the vendor's
	// current answer).
	Prepare func(context.Context) context.Context
	Now     func() time.Time
	Log     *slog.Logger

	background sync.WaitGroup // syncs started by Start
	mu         sync.Mutex
	running    map[jobKey]*job
	listeners  map[int]Progress
	nextID     int
}

type jobKey struct {
	owner    store.Owner
	provider string
}

type job struct {
	done  chan struct{}
	state store.SyncState
	err   error
}

// OnProgress adds a listener for progress (SSE, MCP progress, logs) and
// returns the function that removes it.
func (s *Syncer) OnProgress(f Progress) (remove func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listeners == nil {
		s.listeners = map[int]Progress{}
	}
	s.nextID++
	id := s.nextID
	s.listeners[id] = f
	return func() {
		s.mu.Lock()
		delete(s.listeners, id)
		s.mu.Unlock()
	}
}

func (s *Syncer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Syncer) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Percent is how much of a sync is done, 0 to 100.
func Percent(st store.SyncState) float64 {
	if st.Phase != PhaseBackfill {
		return 100
	}
	if st.Total > 0 {
		return min(100, 100*float64(st.Done)/float64(st.Total))
	}
	return 0
}

// Start runs a sync in the background, at background priority, until ctx
// ends, unless one is already running for the same user and provider; it
// returns at once.
func (s *Syncer) Start(ctx context.Context, o store.Owner, providerName string) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		ctx := vendorbudget.WithPriority(ctx, vendorbudget.Background)
		_, err := s.Sync(ctx, o, providerName)
		if errors.Is(err, ErrBusy) {
			// Another replica holds the lease, or a crashed one did: it
			// expires within leaseFor.
			select {
			case <-ctx.Done():
				return
			case <-time.After(leaseFor):
			}
			_, err = s.Sync(ctx, o, providerName)
		}
		if err != nil && !errors.Is(err, ErrBusy) {
			s.log().Warn("sync failed", "provider", providerName, "user", o.UserID, "err", err)
		}
	}()
}

// Sync runs one sync for (o, provider) and returns its final state. A
// sync already running in this process is joined rather than repeated;
// one running on another replica makes this call return ErrBusy.
func (s *Syncer) Sync(ctx context.Context, o store.Owner, providerName string) (store.SyncState, error) {
	key := jobKey{o, providerName}
	s.mu.Lock()
	if s.running == nil {
		s.running = map[jobKey]*job{}
	}
	if j, ok := s.running[key]; ok {
		s.mu.Unlock()
		select {
		case <-j.done:
			return j.state, j.err
		case <-ctx.Done():
			return store.SyncState{}, ctx.Err()
		}
	}
	j := &job{done: make(chan struct{})}
	s.running[key] = j
	s.mu.Unlock()

	j.state, j.err = s.run(ctx, o, providerName)
	s.mu.Lock()
	delete(s.running, key)
	s.mu.Unlock()
	close(j.done)
	return j.state, j.err
}

// SyncNow runs a sync for the user's provider now (or joins the one
// running), telling progress about each saved step, and returns the final
// state. It is what a tool that waits on a sync calls.
func (s *Syncer) SyncNow(ctx context.Context, p auth.Principal, providerName string, progress func(st store.SyncState)) (store.SyncState, error) {
	o := store.Owner{TenantID: p.TenantID, UserID: p.UserID}
	remove := s.OnProgress(func(po store.Owner, st store.SyncState) {
		if po == o && st.Provider == providerName {
			progress(st)
		}
	})
	defer remove()
	return s.Sync(ctx, o, providerName)
}

// Wait waits for the syncs started by Start to return (cancel their
// context first).
func (s *Syncer) Wait() { s.background.Wait() }

// Running reports whether a sync for (o, provider) runs in this process.
func (s *Syncer) Running(o store.Owner, providerName string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.running[jobKey{o, providerName}]
	return ok
}

// ErrBusy means another replica holds the sync lease.
var ErrBusy = errors.New("a sync for this provider is already running on another server")

const leaseFor = 2 * time.Minute

func (s *Syncer) run(ctx context.Context, o store.Owner, providerName string) (store.SyncState, error) {
	if s.Prepare != nil {
		ctx = s.Prepare(ctx)
	}
	now := s.now()
	ok, err := s.Records.ClaimSync(ctx, o, providerName, s.Holder, now, now.Add(leaseFor))
	if err != nil {
		return store.SyncState{}, err
	}
	if !ok {
		return store.SyncState{}, ErrBusy
	}
	defer s.Records.ReleaseSync(context.WithoutCancel(ctx), o, providerName, s.Holder)

	st, err := s.Records.SyncState(ctx, o, providerName)
	if errors.Is(err, store.ErrNotFound) || (err == nil && st.Phase == "") {
		depth := s.Depth
		if depth == 0 {
			depth = 365 * 24 * time.Hour
		}
		st, err = store.SyncState{Provider: providerName, Phase: PhaseBackfill, BackfillFrom: now.Add(-depth)}, nil
	}
	if err != nil {
		return st, err
	}
	st.Provider = providerName
	client, err := s.Clients.Client(ctx, auth.Principal{TenantID: o.TenantID, UserID: o.UserID}, providerName)
	if err != nil {
		return st, s.fail(ctx, o, st, err)
	}
	st.Status, st.Error = StatusRunning, ""
	if err := s.save(ctx, o, &st); err != nil {
		return st, err
	}
	if st.Phase == PhaseBackfill {
		err = s.backfill(ctx, o, client, &st)
	} else {
		err = s.incremental(ctx, o, client, &st)
	}
	if err != nil {
		return st, s.fail(ctx, o, st, err)
	}
	st.Status, st.LastSuccessAt = StatusIdle, s.now()
	return st, s.save(ctx, o, &st)
}

func (s *Syncer) fail(ctx context.Context, o store.Owner, st store.SyncState, err error) error {
	st.Status, st.Error = StatusFailed, err.Error()
	if ctx.Err() != nil {
		// Stopped (shutdown), not failed: stays "running" so Resume picks
		// it up from the saved cursor.
		st.Status, st.Error = StatusRunning, ""
	}
	if serr := s.save(context.WithoutCancel(ctx), o, &st); serr != nil {
		s.log().Warn("save failed sync state", "err", serr)
	}
	return err
}

// save stores progress, renews the lease, and tells the listeners.
func (s *Syncer) save(ctx context.Context, o store.Owner, st *store.SyncState) error {
	now := s.now()
	st.UpdatedAt = now
	if err := s.Records.SaveSyncState(ctx, o, *st); err != nil {
		return err
	}
	if ok, err := s.Records.ClaimSync(ctx, o, st.Provider, s.Holder, now, now.Add(leaseFor)); err != nil || !ok {
		return fmt.Errorf("renew sync lease: %v", orBusy(err))
	}
	s.mu.Lock()
	ls := make([]Progress, 0, len(s.listeners))
	for _, f := range s.listeners {
		ls = append(ls, f)
	}
	s.mu.Unlock()
	for _, f := range ls {
		f(o, *st)
	}
	return nil
}

func orBusy(err error) error {
	if err == nil {
		return ErrBusy
	}
	return err
}

func (s *Syncer) pageSize() int {
	if s.PageSize > 0 {
		return s.PageSize
	}
	return 100
}

// backfill copies history newest first. Done counts activities copied;
// Total is an estimate until the last page, when it becomes exact.
func (s *Syncer) backfill(ctx context.Context, o store.Owner, c provider.Client, st *store.SyncState) error {
	if st.Cursor == "" && st.Done == 0 {
		if err := s.profile(ctx, o, c, st.Provider); err != nil {
			return err
		}
	}
	for {
		page, err := c.Activities(ctx, provider.ActivityQuery{After: st.BackfillFrom, Cursor: st.Cursor, Limit: s.pageSize()})
		if err != nil {
			return fmt.Errorf("list activities: %w", err)
		}
		if err := s.storeActivities(ctx, o, c, st, page.Activities); err != nil {
			return err
		}
		st.Cursor = page.Next
		if page.Next == "" {
			st.Phase, st.Cursor = PhaseIncremental, ""
			st.Total = st.Done
		} else {
			st.Total = s.estimateTotal(st, page.Activities)
		}
		if err := s.save(ctx, o, st); err != nil {
			return err
		}
		if page.Next == "" {
			break
		}
	}
	return s.health(ctx, o, c, st.Provider, st.BackfillFrom)
}

// estimateTotal extrapolates the number of activities in the backfill
// range from the share of it already covered (vendors do not say how many
// there are). Pages come newest first, so coverage only grows.
func (s *Syncer) estimateTotal(st *store.SyncState, page []fitness.Activity) int {
	if len(page) == 0 {
		return st.Done + 1
	}
	oldest := page[0].StartTime
	for _, a := range page {
		if a.StartTime.Before(oldest) {
			oldest = a.StartTime
		}
	}
	now := s.now()
	span, covered := now.Sub(st.BackfillFrom), now.Sub(oldest)
	if covered <= 0 {
		return st.Done + 1
	}
	est := int(float64(st.Done) * float64(span) / float64(covered))
	return max(est, st.Done+1) // never claim 100 % before the last page
}

// incremental copies what started after the newest activity copied, and
// refreshes recent sleep, recovery and health data.
func (s *Syncer) incremental(ctx context.Context, o store.Owner, c provider.Client, st *store.SyncState) error {
	after := st.Newest.Add(-time.Second)
	if st.Newest.IsZero() {
		after = st.BackfillFrom
	}
	cursor := ""
	for {
		page, err := c.Activities(ctx, provider.ActivityQuery{After: after, Cursor: cursor, Limit: s.pageSize()})
		if err != nil {
			return fmt.Errorf("list new activities: %w", err)
		}
		if err := s.storeActivities(ctx, o, c, st, page.Activities); err != nil {
			return err
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if err := s.profile(ctx, o, c, st.Provider); err != nil {
		return err
	}
	days := s.HealthDays
	if days == 0 {
		days = 14
	}
	return s.health(ctx, o, c, st.Provider, s.now().AddDate(0, 0, -days))
}

// SyncActivity copies one activity (a webhook's create or update event).
func (s *Syncer) SyncActivity(ctx context.Context, o store.Owner, providerName, id string) error {
	if s.Prepare != nil {
		ctx = s.Prepare(ctx)
	}
	c, err := s.Clients.Client(ctx, auth.Principal{TenantID: o.TenantID, UserID: o.UserID}, providerName)
	if err != nil {
		return err
	}
	a, err := c.Activity(ctx, id)
	if err != nil {
		return fmt.Errorf("fetch %s activity %s: %w", providerName, id, err)
	}
	st, err := s.Records.SyncState(ctx, o, providerName)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	st.Provider = providerName
	newest := st.Newest
	if err := s.storeActivities(ctx, o, c, &st, []fitness.Activity{a}); err != nil {
		return err
	}
	if st.Phase != "" && st.Newest.After(newest) {
		return s.Records.SaveSyncState(ctx, o, st)
	}
	return nil
}

// storeActivities fetches the streams of a page of activities and stores
// the page in one transaction.
func (s *Syncer) storeActivities(ctx context.Context, o store.Owner, c provider.Client, st *store.SyncState, acts []fitness.Activity) error {
	if len(acts) == 0 {
		return nil
	}
	now := s.now()
	recs := make([]store.Record, 0, 2*len(acts))
	for _, a := range acts {
		a.Provider = st.Provider
		var streams []byte
		if a.HasStreams && (s.SkipStreams == nil || !s.SkipStreams(st.Provider)) {
			sm, err := c.Streams(ctx, a.ID)
			var pe *provider.Error
			switch {
			case errors.As(err, &pe) && (pe.Kind == provider.KindNotFound || pe.Kind == provider.KindUnsupported):
				a.HasStreams = false // deleted meanwhile, or a manual entry
			case err != nil:
				return fmt.Errorf("streams of activity %s: %w", a.ID, err)
			default:
				sm.Provider = st.Provider
				if streams, err = EncodeStreams(sm); err != nil {
					return err
				}
			}
		}
		payload, err := json.Marshal(a)
		if err != nil {
			return err
		}
		recs = append(recs, store.Record{Provider: st.Provider, Kind: store.KindActivity, ID: a.ID, At: a.StartTime,
			Sport: string(a.Sport), Payload: payload, SyncedAt: now})
		if streams != nil {
			recs = append(recs, store.Record{Provider: st.Provider, Kind: store.KindStreams, ID: a.ID, At: a.StartTime,
				Payload: streams, SyncedAt: now})
		}
		if a.StartTime.After(st.Newest) {
			st.Newest = a.StartTime
		}
		if st.Phase == PhaseBackfill && (st.Oldest.IsZero() || a.StartTime.Before(st.Oldest)) {
			st.Oldest = a.StartTime
		}
	}
	if _, err := s.Records.UpsertRecords(ctx, o, recs); err != nil {
		return err
	}
	st.Done += len(acts)
	return nil
}

// profile copies the athlete and the vendor's totals, where offered.
func (s *Syncer) profile(ctx context.Context, o store.Owner, c provider.Client, name string) error {
	now := s.now()
	var recs []store.Record
	if a, err := c.Athlete(ctx); err == nil {
		a.Provider = name
		b, _ := json.Marshal(a)
		recs = append(recs, store.Record{Provider: name, Kind: store.KindAthlete, ID: "profile", At: now, Payload: b, SyncedAt: now})
	} else if !unsupported(err) {
		return fmt.Errorf("athlete: %w", err)
	}
	if st, err := c.Stats(ctx); err == nil {
		b, _ := json.Marshal(st)
		recs = append(recs, store.Record{Provider: name, Kind: store.KindStats, ID: "totals", At: now, Payload: b, SyncedAt: now})
	} else if !unsupported(err) {
		return fmt.Errorf("stats: %w", err)
	}
	_, err := s.Records.UpsertRecords(ctx, o, recs)
	return err
}

// health copies sleep, recovery and daily health records since from, one
// month per request; a kind the vendor does not offer is asked for once.
func (s *Syncer) health(ctx context.Context, o store.Owner, c provider.Client, name string, from time.Time) error {
	now := s.now()
	noSleep, noRecovery, noHealth := false, false, false
	for start := from; start.Before(now) && !(noSleep && noRecovery && noHealth); start = start.AddDate(0, 1, 0) {
		end := start.AddDate(0, 1, 0)
		if end.After(now) {
			end = now
		}
		var recs []store.Record
		add := func(kind store.RecordKind, id string, at time.Time, v any) {
			b, _ := json.Marshal(v)
			recs = append(recs, store.Record{Provider: name, Kind: kind, ID: id, At: at, Payload: b, SyncedAt: now})
		}
		if !noSleep {
			xs, err := c.Sleep(ctx, start, end)
			if noSleep = unsupported(err); err != nil && !noSleep {
				return fmt.Errorf("sleep: %w", err)
			}
			for _, x := range xs {
				add(store.KindSleep, x.Date, x.StartTime, x)
			}
		}
		if !noRecovery {
			xs, err := c.Recovery(ctx, start, end)
			if noRecovery = unsupported(err); err != nil && !noRecovery {
				return fmt.Errorf("recovery: %w", err)
			}
			for _, x := range xs {
				add(store.KindRecovery, x.Date, dayTime(x.Date), x)
			}
		}
		if !noHealth {
			xs, err := c.Health(ctx, start, end)
			if noHealth = unsupported(err); err != nil && !noHealth {
				return fmt.Errorf("health metrics: %w", err)
			}
			for _, x := range xs {
				add(store.KindHealth, x.Date, dayTime(x.Date), x)
			}
		}
		if _, err := s.Records.UpsertRecords(ctx, o, recs); err != nil {
			return err
		}
	}
	return nil
}

func dayTime(day string) time.Time {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return time.Time{}
	}
	return t
}

func unsupported(err error) bool {
	var pe *provider.Error
	return errors.As(err, &pe) && pe.Kind == provider.KindUnsupported
}

// EncodeStreams stores streams as gzip-compressed JSON: a 4-hour ride's
// streams shrink from ~1 MB to ~150 kB.
func EncodeStreams(sm fitness.Streams) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(sm); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeStreams reverses EncodeStreams.
func DecodeStreams(b []byte) (fitness.Streams, error) {
	var sm fitness.Streams
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return sm, fmt.Errorf("stored streams: %w", err)
	}
	err = json.NewDecoder(io.LimitReader(zr, 64<<20)).Decode(&sm)
	return sm, err
}

// RunSchedule starts an incremental sync, every `every`, for each copy
// whose last success is older than that, until ctx ends. The budget keeps
// the whole round within vendors' limits; reads never wait for it.
func (s *Syncer) RunSchedule(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.ScheduleRound(ctx, every)
		}
	}
}

// ScheduleRound starts the syncs one tick of RunSchedule starts, and
// returns how many.
func (s *Syncer) ScheduleRound(ctx context.Context, every time.Duration) int {
	stale, err := s.Records.StaleSyncs(ctx, s.now().Add(-every), 1000)
	if err != nil {
		s.log().Warn("list syncs due", "err", err)
		return 0
	}
	n := 0
	for _, st := range stale {
		if !s.Running(st.Owner, st.Provider) {
			s.Start(ctx, st.Owner, st.Provider)
			n++
		}
	}
	return n
}

// Resume restarts syncs a crash or restart left unfinished.
func (s *Syncer) Resume(ctx context.Context) error {
	un, err := s.Records.UnfinishedSyncs(ctx)
	if err != nil {
		return err
	}
	for _, u := range un {
		s.log().Info("resuming an interrupted sync", "provider", u.Provider, "done", u.Done)
		s.Start(ctx, u.Owner, u.Provider)
	}
	return nil
}
