package datasync_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/datasync"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/strava"
	"github.com/pierre-fitness/pierre/internal/provider/strava/stravatest"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/testutil"
	"github.com/pierre-fitness/pierre/internal/vendorbudget"
)

// stravaClients gives each user a real Strava client whose requests take
// budget slots first; the user id doubles as the fake's token.
type stravaClients struct {
	base   string
	budget *vendorbudget.Budget
}

func (c stravaClients) Client(_ context.Context, p auth.Principal, name string) (provider.Client, error) {
	if name != provider.Strava {
		return nil, fmt.Errorf("no %s here", name)
	}
	hc := &http.Client{Transport: &vendorbudget.Transport{Budget: c.budget, Base: testutil.Bearer{Token: p.UserID, Base: http.DefaultTransport}}}
	return strava.New(vendorhttp.WithBaseURL(c.base), vendorhttp.WithRetry(4, time.Minute)).
		NewClient(provider.Connection{UserKey: p.TenantID + "/" + p.UserID, HTTP: hc}), nil
}

func newSyncer(st store.Records, clients datasync.Clients, holder string) *datasync.Syncer {
	return &datasync.Syncer{Records: st, Clients: clients, Holder: holder, PageSize: 100}
}

func TestBackfillStaysWithinStravaLimitsAndResumesWithoutDuplicates(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			st := storetest.Open(t, d)
			// Strava's 600 per 15 minutes and 30,000 per day, scaled down.
			windows := []vendorbudget.Window{{Length: 400 * time.Millisecond, Limit: 600}, {Length: 38400 * time.Millisecond, Limit: 30000}}
			vendor := stravatest.New(t, windows, map[string]*stravatest.Athlete{"alice": {ID: 42, Activities: 800}})
			budget := vendorbudget.New("strava", windows, vendorbudget.NewLocal())
			clients := stravaClients{base: vendor.URL, budget: budget}
			alice := store.Owner{TenantID: "t1", UserID: "alice"}

			// The first replica is killed once 300 activities are in.
			first := newSyncer(st, clients, "replica-1")
			ctx, kill := context.WithCancel(vendorbudget.WithPriority(context.Background(), vendorbudget.Background))
			var percents []float64
			var mu sync.Mutex
			// Midway, a person asks for their latest rides: the part of the
			// history already copied answers, without a request to Strava.
			reader := &datasync.Connector{Inner: connectedTo{clients}, Records: st, Syncer: first}
			var midway []string
			first.OnProgress(func(_ store.Owner, s store.SyncState) {
				mu.Lock()
				percents = append(percents, datasync.Percent(s))
				mu.Unlock()
				if s.Done >= 300 && midway == nil {
					before := vendor.Requests.Load()
					rctx, fresh := datasync.WithFreshness(context.Background())
					c, err := reader.Client(rctx, auth.Principal{TenantID: alice.TenantID, UserID: alice.UserID}, provider.Strava)
					if err != nil {
						t.Error(err)
						return
					}
					page, err := c.Activities(rctx, provider.ActivityQuery{Limit: 5})
					if err != nil || len(page.Activities) != 5 || page.Activities[0].ID != strconv.FormatInt(stravatest.ActivityID(0), 10) {
						t.Errorf("reading during the backfill: %v %+v", err, page.Activities)
					}
					for _, a := range page.Activities {
						midway = append(midway, a.ID)
					}
					f, _ := fresh().([]datasync.Freshness)
					if vendor.Requests.Load() != before || len(f) != 1 || f[0].Source != "store" || !f[0].SyncRunning {
						t.Errorf("read during the backfill went to Strava (%d requests) or misreported freshness: %+v", vendor.Requests.Load()-before, f)
					}
				}
				if s.Done >= 300 {
					kill()
				}
			})
			if _, err := first.Sync(ctx, alice, provider.Strava); !errors.Is(err, context.Canceled) {
				t.Fatalf("killed sync: %v", err)
			}
			if len(midway) != 5 {
				t.Fatal("no read was made during the backfill")
			}
			mid, _ := st.SyncState(context.Background(), alice, provider.Strava)
			if mid.Status != datasync.StatusRunning || mid.Cursor == "" || mid.Done < 300 {
				t.Fatalf("interrupted state not resumable: %+v", mid)
			}
			un, _ := st.UnfinishedSyncs(context.Background())
			if len(un) != 1 {
				t.Fatalf("the interrupted sync is not listed for resumption: %+v", un)
			}

			// A restarted replica resumes from the saved cursor.
			second := newSyncer(st, clients, "replica-2")
			second.OnProgress(func(_ store.Owner, s store.SyncState) {
				mu.Lock()
				percents = append(percents, datasync.Percent(s))
				mu.Unlock()
			})
			final, err := second.Sync(vendorbudget.WithPriority(context.Background(), vendorbudget.Background), alice, provider.Strava)
			if err != nil {
				t.Fatalf("resumed sync: %v", err)
			}
			if final.Phase != datasync.PhaseIncremental || final.Status != datasync.StatusIdle || final.Done != final.Total {
				t.Fatalf("final state: %+v", final)
			}
			acts, _ := st.CountRecords(context.Background(), alice, provider.Strava, store.KindActivity)
			streams, _ := st.CountRecords(context.Background(), alice, provider.Strava, store.KindStreams)
			if acts != 800 || streams != 800 {
				t.Fatalf("stored %d activities and %d streams, want 800 each", acts, streams)
			}
			if n := vendor.Refused.Load(); n != 0 {
				t.Fatalf("%d requests were refused with 429", n)
			}
			// At most the page in flight at the kill is fetched twice.
			if n := vendor.Streams.Load(); n > 800+100 {
				t.Fatalf("%d stream requests for 800 activities: the restart did not resume", n)
			}
			t.Logf("%d vendor requests (%d stream requests, %d list pages), %d progress reports, 429s: %d",
				vendor.Requests.Load(), vendor.Streams.Load(), vendor.Pages.Load(), len(percents), vendor.Refused.Load())
			if percents[0] != 0 || percents[len(percents)-1] != 100 || !sort.Float64sAreSorted(percents) {
				t.Fatalf("progress not reported from 0 to 100 %%: %v", percents)
			}

			// A webhook's create event brings in one new activity.
			vendor.Update("alice", func(a *stravatest.Athlete) { a.Activities = 801 })
			newest := stravatest.ActivityID(800)
			before := vendor.Requests.Load()
			if err := second.SyncActivity(context.Background(), alice, provider.Strava, strconv.FormatInt(newest, 10)); err != nil {
				t.Fatal(err)
			}
			if n := vendor.Requests.Load() - before; n != 2 {
				t.Fatalf("a webhook event took %d requests, want 2 (activity and its streams)", n)
			}
			if acts, _ := st.CountRecords(context.Background(), alice, provider.Strava, store.KindActivity); acts != 801 {
				t.Fatalf("%d activities after the webhook event", acts)
			}
		})
	}
}

func TestTwoBackfillsShareTheBudgetFairly(t *testing.T) {
	st := storetest.Open(t, config.SQLite)
	windows := []vendorbudget.Window{{Length: 300 * time.Millisecond, Limit: 100}}
	vendor := stravatest.New(t, windows, map[string]*stravatest.Athlete{"ann": {ID: 42, Activities: 300}, "bob": {ID: 43, Activities: 300}})
	budget := vendorbudget.New("strava", windows, vendorbudget.NewLocal())
	s := newSyncer(st, stravaClients{base: vendor.URL, budget: budget}, "replica-1")
	s.PageSize = 50
	var mu sync.Mutex
	done := map[string]int{}
	var finishedFirst string
	var otherAtFinish int
	s.OnProgress(func(o store.Owner, ss store.SyncState) {
		mu.Lock()
		defer mu.Unlock()
		done[o.UserID] = ss.Done
		if ss.Phase == datasync.PhaseIncremental && finishedFirst == "" {
			finishedFirst = o.UserID
			for u, n := range done {
				if u != o.UserID {
					otherAtFinish = n
				}
			}
		}
	})
	ctx := vendorbudget.WithPriority(context.Background(), vendorbudget.Background)
	var wg sync.WaitGroup
	for _, u := range []string{"ann", "bob"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Sync(ctx, store.Owner{TenantID: "t1", UserID: u}, provider.Strava); err != nil {
				t.Errorf("%s: %v", u, err)
			}
		}()
	}
	// A person asks for something while both backfills run: the share kept
	// for interactive requests answers at once rather than after the queue.
	time.Sleep(100 * time.Millisecond)
	c, _ := stravaClients{base: vendor.URL, budget: budget}.Client(context.Background(), auth.Principal{UserID: "ann"}, provider.Strava)
	if _, err := c.Athlete(context.Background()); err != nil {
		t.Errorf("interactive request during the backfills: %v", err)
	}
	wg.Wait()
	if vendor.Refused.Load() != 0 {
		t.Fatalf("%d requests refused", vendor.Refused.Load())
	}
	t.Logf("%s finished first; the other had %d of 300", finishedFirst, otherAtFinish)
	if otherAtFinish < 300/2 { // an unfair budget would leave it near 0
		t.Fatalf("when %s finished, the other backfill had only %d of 300: the budget was not shared fairly", finishedFirst, otherAtFinish)
	}
}

// TestScheduleSyncsStaleCopies: a copy older than the schedule's interval
// gets an incremental sync that brings in what is new at the vendor.
func TestScheduleSyncsStaleCopies(t *testing.T) {
	st := storetest.Open(t, config.SQLite)
	windows := []vendorbudget.Window{{Length: time.Second, Limit: 600}}
	vendor := stravatest.New(t, windows, map[string]*stravatest.Athlete{"carol": {ID: 44, Activities: 20}})
	vendor.Now = vendor.Now.Add(-3 * time.Hour) // the copy is made three hours ago
	clock := time.Now().Add(-3 * time.Hour)
	s := newSyncer(st, stravaClients{base: vendor.URL, budget: vendorbudget.New("strava", windows, vendorbudget.NewLocal())}, "replica-1")
	s.Now = func() time.Time { return clock }
	carol := store.Owner{TenantID: "t1", UserID: "carol"}
	if _, err := s.Sync(context.Background(), carol, provider.Strava); err != nil {
		t.Fatal(err)
	}
	if n := s.ScheduleRound(context.Background(), time.Hour); n != 0 {
		t.Fatalf("a fresh copy was scheduled (%d)", n)
	}
	// Now the newest activity at Strava is newer than the copy.
	vendor.Now = vendor.Now.Add(3 * time.Hour)
	clock = clock.Add(3 * time.Hour)
	if n := s.ScheduleRound(context.Background(), time.Hour); n != 1 {
		t.Fatalf("%d syncs scheduled for one stale copy", n)
	}
	s.Wait()
	r, err := st.Record(context.Background(), carol, provider.Strava, store.KindActivity, strconv.FormatInt(stravatest.ActivityID(0), 10))
	if err != nil || !r.At.Equal(vendor.Start(0)) {
		t.Fatalf("the scheduled sync did not bring the newest activity in: %v %v (want start %v)", r.At, err, vendor.Start(0))
	}
	if state, _ := st.SyncState(context.Background(), carol, provider.Strava); !state.LastSuccessAt.Equal(clock.Truncate(time.Millisecond)) {
		t.Fatalf("last success %v, want %v", state.LastSuccessAt, clock)
	}
}

// connectedTo is a connector that reports Strava connected and opens the
// test's Strava clients.
type connectedTo struct{ stravaClients }

func (connectedTo) Connections(context.Context, auth.Principal) (map[string]athletedata.Connection, error) {
	return map[string]athletedata.Connection{provider.Strava: {State: athletedata.StateConnected}}, nil
}
