package whoop

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

var now = time.Date(2022, 4, 25, 12, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func setup(t *testing.T, h http.HandlerFunc, opts ...vendorhttp.Option) (*Client, *vendorhttp.Recorder) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &vendorhttp.Recorder{}
	all := append([]vendorhttp.Option{vendorhttp.WithBaseURL(srv.URL), vendorhttp.WithSleeper(rec.Sleep),
		vendorhttp.WithClock(func() time.Time { return now }), vendorhttp.WithRand(func() float64 { return 0.5 })}, opts...)
	return New(all...).Client(provider.Connection{UserKey: "u", HTTP: srv.Client()}), rec
}

func routes(t *testing.T, m map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, ok := m[r.URL.Path]
		if !ok {
			w.WriteHeader(404)
			return
		}
		w.Write(fixture(t, name))
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestDescriptor(t *testing.T) {
	d := New().Descriptor()
	if d.Name != "whoop" || d.OAuth.ScopeSeparator != " " || !d.OAuth.PKCE || d.Capabilities.Has(provider.CapStreams) ||
		!d.Capabilities.Has(provider.CapSleep|provider.CapRecovery) || len(d.Limitations) == 0 {
		t.Fatalf("%+v", d)
	}
	var _ provider.Provider = New()
}

func TestAthlete(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{"/v2/user/profile/basic": "profile.json", "/v2/user/measurement/body": "body.json"}))
	a, err := c.Athlete(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "10129" || a.FirstName != "John" || *a.WeightKg != 90.7185 || !near(*a.HeightCm, 182.88) || *a.MaxHeartRate != 200 {
		t.Fatalf("%+v", a)
	}
}

func TestActivitiesPaging(t *testing.T) {
	after := time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)
	before := time.Date(2022, 4, 25, 0, 0, 0, 0, time.UTC)
	var calls int
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		q := r.URL.Query()
		if r.URL.Path != "/v2/activity/workout" || q.Get("start") != "2022-04-01T00:00:00Z" || q.Get("end") != "2022-04-25T00:00:00Z" || q.Get("limit") != "2" {
			t.Errorf("url %s", r.URL)
		}
		switch q.Get("nextToken") {
		case "":
			w.Write(fixture(t, "workouts_page1.json"))
		case "MTIzOjEyMzEyMw":
			w.Write(fixture(t, "workouts_page2.json"))
		default:
			t.Errorf("token %q", q.Get("nextToken"))
		}
	})
	q := provider.ActivityQuery{After: after, Before: before, Limit: 2}
	var all []fitness.Activity
	for {
		p, err := c.Activities(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Activities...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if calls != 2 || len(all) != 3 {
		t.Fatalf("calls %d activities %d", calls, len(all))
	}
	r := all[0]
	// 1569.34 kJ expended = 375.08 kcal.
	if r.ID != "ecfc6a15-4661-442f-a9a4-f160dd7afae8" || r.Sport != fitness.SportRun || r.Name != "Running" ||
		r.ElapsedSeconds != 3600 || r.DistanceMeters != 1772.77035916 || r.ElevationGainMeters != 46.64384460449 ||
		*r.AverageHeartRate != 123 || *r.MaxHeartRate != 146 || !near(*r.Calories, 1569.34033203125/4.184) ||
		r.EnergyKilojoule != nil || *r.TrainingLoad != 8.2463 || !near(*r.AverageSpeed, 1772.77035916/3600) ||
		r.HasStreams || r.StartTime.Location() != time.UTC {
		t.Fatalf("%+v", r)
	}
	if all[1].Sport != fitness.SportStrength || all[1].DistanceMeters != 0 || all[1].ElapsedSeconds != 2700 {
		t.Fatalf("%+v", all[1])
	}
	if all[2].Sport != fitness.SportRide || all[2].Calories != nil || all[2].AverageHeartRate != nil {
		t.Fatalf("pending %+v", all[2])
	}
}

func TestActivitiesAfterExclusive(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{"/v2/activity/workout": "workouts_page2.json"}))
	p, err := c.Activities(context.Background(), provider.ActivityQuery{After: time.Date(2022, 4, 20, 6, 0, 0, 0, time.UTC)})
	if err != nil || len(p.Activities) != 0 || p.Next != "" {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestSleepStagesMillisToSeconds(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{"/v2/activity/sleep": "sleeps.json", "/v2/recovery": "recoveries.json"}))
	ss, err := c.Sleep(context.Background(), now.AddDate(0, 0, -7), now)
	if err != nil || len(ss) != 1 {
		t.Fatalf("%+v %v", ss, err)
	}
	s := ss[0]
	if s.InBedSeconds != 30273 || *s.AwakeSeconds != 1404 || *s.LightSeconds != 14906 || *s.DeepSeconds != 6630 ||
		*s.REMSeconds != 5880 || s.AsleepSeconds != 14906+6630+5880 || *s.Awakenings != 12 ||
		!near(*s.EfficiencyPercent, 91.69533848) || !near(*s.RespiratoryRate, 16.11328125) || *s.VendorScore != 98 ||
		!near(*s.HRVRMSSDMs, 31.813562) || *s.RestingHeartRate != 64 || s.Date != "2022-04-24" || s.Nap {
		t.Fatalf("%+v", s)
	}
}

func TestRecovery(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{"/v2/recovery": "recoveries.json", "/v2/cycle": "cycles.json"}))
	rs, err := c.Recovery(context.Background(), now.AddDate(0, 0, -7), now)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%+v %v", rs, err)
	}
	r := rs[0]
	if r.Date != "2022-04-24" || *r.VendorRecoveryScore != 44 || *r.RestingHeartRate != 64 || !near(*r.HRVRMSSDMs, 31.813562) ||
		!near(*r.SpO2Percent, 95.6875) || !near(*r.StrainScore, 5.2951527) || r.SkinTempDeviationC != nil {
		t.Fatalf("%+v", r)
	}
}

func TestHealthCurrentWeight(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{"/v2/user/measurement/body": "body.json"}))
	h, err := c.Health(context.Background(), now.AddDate(0, 0, -1), now.Add(time.Hour))
	if err != nil || len(h) != 1 || h[0].Date != "2022-04-25" || *h[0].WeightKg != 90.7185 {
		t.Fatalf("%+v %v", h, err)
	}
	h, err = c.Health(context.Background(), now.AddDate(0, 0, -10), now.AddDate(0, 0, -5))
	if err != nil || len(h) != 0 {
		t.Fatalf("past range %+v %v", h, err)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "9")
			w.WriteHeader(429)
			return
		}
		w.Write(fixture(t, "workouts_page2.json"))
	})
	if _, err := c.Activities(context.Background(), provider.ActivityQuery{}); err != nil {
		t.Fatal(err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 9*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestRateLimitResetHint(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Reset", "42")
		w.WriteHeader(429)
	}, vendorhttp.WithRetry(1, time.Minute))
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	var pe *provider.Error
	if !asErr(err, &pe) || pe.Kind != provider.KindRateLimited || pe.RetryAfter != 42*time.Second {
		t.Fatalf("%v", err)
	}
}

func asErr(err error, pe **provider.Error) bool {
	e, ok := err.(*provider.Error)
	*pe = e
	return ok
}

func TestServerErrorBounded(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(500)
	})
	_, err := c.Sleep(context.Background(), now.AddDate(0, 0, -1), now)
	if provider.KindOf(err) != provider.KindUnavailable || n.Load() != 3 || len(rec.Waits()) != 2 {
		t.Fatalf("%v %d %v", err, n.Load(), rec.Waits())
	}
}

func TestUnauthorized(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	_, err := c.Athlete(context.Background())
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"records":[{"id":"a","start":"not a time"}]}`))
	})
	p, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil {
		t.Fatalf("%+v %v", p, err)
	}
	ss, err := c.Sleep(context.Background(), now, now)
	if provider.KindOf(err) != provider.KindInvalidData || ss != nil {
		t.Fatalf("%+v %v", ss, err)
	}
}

func TestNotFoundAndUnsupported(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	ctx := context.Background()
	if _, err := c.Activity(ctx, "ecfc6a15-4661-442f-a9a4-f160dd7afae8"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
	if _, err := c.Activity(ctx, "../x"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
	if _, err := c.Streams(ctx, "x"); provider.KindOf(err) != provider.KindUnsupported {
		t.Fatal(err)
	}
	if _, err := c.Stats(ctx); provider.KindOf(err) != provider.KindUnsupported {
		t.Fatal(err)
	}
}

func FuzzMapWhoop(f *testing.F) {
	for i, n := range []string{"workouts_page1.json", "sleeps.json", "recoveries.json", "cycles.json"} {
		f.Add(uint8(i), fixture(f, n))
	}
	f.Add(uint8(0), []byte(`{"records":[{"id":"x","start":"2022-01-01T00:00:00Z","end":"2021-01-01T00:00:00Z","sport_name":"\u00fc x"}]}`))
	f.Add(uint8(1), []byte(`{"records":[{"id":"s","start":"2022-01-01T00:00:00Z","end":"2022-01-01T01:00:00Z","timezone_offset":"+99:99","sleep_id":"s","score_state":"SCORED","score":{}}]}`))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		switch kind % 3 {
		case 0:
			if pg, err := vendorhttp.Decode[page[workout]]("whoop", data); err == nil {
				for i := range pg.Records {
					_, _ = mapWorkout(&pg.Records[i])
				}
			}
		case 1:
			// The same records read as sleeps and as recoveries exercise the join.
			sp, err1 := vendorhttp.Decode[page[sleep]]("whoop", data)
			rp, err2 := vendorhttp.Decode[page[recovery]]("whoop", data)
			if err1 == nil && err2 == nil {
				_, _ = mapSleeps(sp.Records, rp.Records)
			}
		case 2:
			rp, err1 := vendorhttp.Decode[page[recovery]]("whoop", data)
			cp, err2 := vendorhttp.Decode[page[cycle]]("whoop", data)
			if err1 == nil && err2 == nil {
				_, _ = mapRecoveries(rp.Records, cp.Records)
			}
		}
	})
}
