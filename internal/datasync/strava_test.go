package datasync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/datasync"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/strava"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
	"github.com/pierre-fitness/pierre/internal/vendorbudget"
)

// fakeStrava answers as Strava's API v3 documents, for several athletes
// (one per bearer token), and enforces windowed application limits the way
// Strava does: X-RateLimit-Limit / X-RateLimit-Usage on every answer, 429
// once a window is full. Windows are scaled down (Strava's 15 minutes and
// one day become short windows) so a test sees several of them.
type fakeStrava struct {
	windows   []vendorbudget.Window
	now       time.Time
	athletes  map[string]int // token → number of activities
	mu        sync.Mutex
	used      map[string]int
	requests  atomic.Int64
	refused   atomic.Int64
	streams   atomic.Int64
	pageCalls atomic.Int64
	stats     []byte
}

func newFakeStrava(t *testing.T, windows []vendorbudget.Window, athletes map[string]int) (*fakeStrava, *httptest.Server) {
	stats, err := os.ReadFile("../provider/strava/testdata/stats.json")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeStrava{windows: windows, now: time.Now().UTC().Truncate(time.Second), athletes: athletes, used: map[string]int{}, stats: stats}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

// start of activity i (0 = newest): one every 10 hours.
func (f *fakeStrava) start(i int) time.Time {
	return f.now.Add(-time.Duration(i)*10*time.Hour - time.Hour)
}

func (f *fakeStrava) activityJSON(i int) map[string]any {
	return map[string]any{
		"resource_state": 2, "id": 1000000 + i, "name": fmt.Sprintf("Ride %d", i), "type": "Ride", "sport_type": "Ride",
		"distance": 30000.0, "moving_time": 3600, "elapsed_time": 3700, "total_elevation_gain": 250.0,
		"start_date": f.start(i).Format(time.RFC3339), "timezone": "(GMT+00:00) UTC",
		"average_speed": 8.33, "max_speed": 14.0, "average_watts": 200.0, "device_watts": true, "kilojoules": 720.0,
		"has_heartrate": true, "average_heartrate": 140.0, "max_heartrate": 172.0, "manual": false, "trainer": false,
	}
}

func (f *fakeStrava) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	now := time.Now()
	f.mu.Lock()
	var limits, usage []string
	refuse := false
	for i, win := range f.windows {
		key := fmt.Sprint(i, ":", now.UnixNano()/int64(win.Length))
		f.used[key]++
		if f.used[key] > win.Limit {
			refuse = true
		}
		limits = append(limits, strconv.Itoa(win.Limit))
		usage = append(usage, strconv.Itoa(f.used[key]))
	}
	f.mu.Unlock()
	w.Header().Set("X-RateLimit-Limit", strings.Join(limits, ","))
	w.Header().Set("X-RateLimit-Usage", strings.Join(usage, ","))
	if refuse {
		f.refused.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"message":"Rate Limit Exceeded","errors":[{"resource":"Application","field":"rate limit","code":"exceeded"}]}`))
		return
	}
	n, ok := f.athletes[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"Authorization Error","errors":[{"resource":"Athlete","field":"access_token","code":"invalid"}]}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/athlete":
		json.NewEncoder(w).Encode(map[string]any{"id": 42, "firstname": "Marianne", "lastname": "T", "sex": "F", "resource_state": 3})
	case r.URL.Path == "/athletes/42/stats":
		w.Write(f.stats)
	case r.URL.Path == "/athlete/activities":
		f.pageCalls.Add(1)
		q := r.URL.Query()
		before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
		page, _ := strconv.Atoi(q.Get("page"))
		per, _ := strconv.Atoi(q.Get("per_page"))
		var list []map[string]any
		for i := range n {
			if f.start(i).Unix() < before {
				list = append(list, f.activityJSON(i))
			}
		}
		from := min((page-1)*per, len(list))
		json.NewEncoder(w).Encode(list[from:min(from+per, len(list))])
	case strings.HasPrefix(r.URL.Path, "/activities/") && strings.HasSuffix(r.URL.Path, "/streams"):
		f.streams.Add(1)
		pts := 60
		stream := func(v func(int) any) map[string]any {
			data := make([]any, pts)
			for i := range data {
				data[i] = v(i)
			}
			return map[string]any{"data": data, "series_type": "time", "original_size": pts, "resolution": "high"}
		}
		json.NewEncoder(w).Encode(map[string]any{
			"time":      stream(func(i int) any { return i }),
			"heartrate": stream(func(i int) any { return 120 + i%30 }),
			"watts":     stream(func(i int) any { return 180 + i%50 }),
		})
	case strings.HasPrefix(r.URL.Path, "/activities/"):
		id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/activities/"))
		if id < 1000000 || id-1000000 >= n+1 {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Record Not Found","errors":[{"resource":"Activity","field":"id","code":"invalid"}]}`))
			return
		}
		a := f.activityJSON(id - 1000000)
		a["resource_state"] = 3
		json.NewEncoder(w).Encode(a)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

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
	hc := &http.Client{Transport: &vendorbudget.Transport{Budget: c.budget, Base: bearer{p.UserID, http.DefaultTransport}}}
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
			vendor, srv := newFakeStrava(t, windows, map[string]int{"alice": 800})
			budget := vendorbudget.New("strava", windows, vendorbudget.NewLocal())
			clients := stravaClients{base: srv.URL, budget: budget}
			alice := store.Owner{TenantID: "t1", UserID: "alice"}

			// The first replica is killed once 300 activities are in.
			first := newSyncer(st, clients, "replica-1")
			ctx, kill := context.WithCancel(vendorbudget.WithPriority(context.Background(), vendorbudget.Background))
			var percents []float64
			var mu sync.Mutex
			first.OnProgress(func(_ store.Owner, s store.SyncState) {
				mu.Lock()
				percents = append(percents, datasync.Percent(s, time.Now()))
				mu.Unlock()
				if s.Done >= 300 {
					kill()
				}
			})
			if _, err := first.Sync(ctx, alice, provider.Strava); !errors.Is(err, context.Canceled) {
				t.Fatalf("killed sync: %v", err)
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
				percents = append(percents, datasync.Percent(s, time.Now()))
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
			if n := vendor.refused.Load(); n != 0 {
				t.Fatalf("%d requests were refused with 429", n)
			}
			// At most the page in flight at the kill is fetched twice.
			if n := vendor.streams.Load(); n > 800+100 {
				t.Fatalf("%d stream requests for 800 activities: the restart did not resume", n)
			}
			t.Logf("%d vendor requests (%d stream requests, %d list pages), %d progress reports, 429s: %d",
				vendor.requests.Load(), vendor.streams.Load(), vendor.pageCalls.Load(), len(percents), vendor.refused.Load())
			if percents[0] != 0 || percents[len(percents)-1] != 100 || !sort.Float64sAreSorted(percents) {
				t.Fatalf("progress not reported from 0 to 100 %%: %v", percents)
			}

			// A webhook's create event brings in one new activity.
			vendor.athletes["alice"] = 801
			newest := 1000000 + 800
			before := vendor.requests.Load()
			if err := second.SyncActivity(context.Background(), alice, provider.Strava, strconv.Itoa(newest)); err != nil {
				t.Fatal(err)
			}
			if n := vendor.requests.Load() - before; n != 2 {
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
	vendor, srv := newFakeStrava(t, windows, map[string]int{"ann": 300, "bob": 300})
	budget := vendorbudget.New("strava", windows, vendorbudget.NewLocal())
	s := newSyncer(st, stravaClients{base: srv.URL, budget: budget}, "replica-1")
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
	c, _ := stravaClients{base: srv.URL, budget: budget}.Client(context.Background(), auth.Principal{UserID: "ann"}, provider.Strava)
	if _, err := c.Athlete(context.Background()); err != nil {
		t.Errorf("interactive request during the backfills: %v", err)
	}
	wg.Wait()
	if vendor.refused.Load() != 0 {
		t.Fatalf("%d requests refused", vendor.refused.Load())
	}
	t.Logf("%s finished first; the other had %d of 300", finishedFirst, otherAtFinish)
	if otherAtFinish < 300*6/10 {
		t.Fatalf("when %s finished, the other backfill had only %d of 300: the budget was not shared fairly", finishedFirst, otherAtFinish)
	}
}
