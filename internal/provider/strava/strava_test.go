package strava

import (
	"context"
	"errors"
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

var now = time.Date(2018, 5, 3, 10, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type env struct {
	c   *Client
	rec *vendorhttp.Recorder
}

func setup(t *testing.T, h http.HandlerFunc, opts ...vendorhttp.Option) env {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &vendorhttp.Recorder{}
	all := append([]vendorhttp.Option{vendorhttp.WithBaseURL(srv.URL), vendorhttp.WithSleeper(rec.Sleep),
		vendorhttp.WithClock(func() time.Time { return now }), vendorhttp.WithRand(func() float64 { return 0.5 })}, opts...)
	p := New(all...)
	return env{c: p.Client(provider.Connection{UserKey: "u1", VendorUserID: "134815", HTTP: srv.Client()}), rec: rec}
}

func serve(t *testing.T, name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write(fixture(t, name)) }
}

func TestDescriptor(t *testing.T) {
	d := New().Descriptor()
	if d.Name != "strava" || d.OAuth == nil || d.OAuth.ScopeSeparator != "," || d.OAuth.AuthURL != AuthURL ||
		d.OAuth.TokenURL != TokenURL || d.APIBaseURL != APIBaseURL || len(d.Limitations) == 0 {
		t.Fatalf("%+v", d)
	}
	if d.Capabilities.Has(provider.CapSleep) || !d.Capabilities.Has(provider.CapStreams|provider.CapStats) {
		t.Fatalf("caps %v", d.Capabilities)
	}
	var _ provider.Provider = New()
}

func TestAthlete(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/athlete" {
			t.Errorf("path %s", r.URL.Path)
		}
		w.Write(fixture(t, "athlete.json"))
	})
	a, err := e.c.Athlete(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "1234567890987654321" || a.Provider != "strava" || a.FirstName != "Marianne" || a.Sex != fitness.SexFemale ||
		*a.WeightKg != 61.2 || *a.FTPWatts != 250 || a.City != "San Francisco" || a.CreatedAt.Year() != 2017 {
		t.Fatalf("%+v", a)
	}
}

func TestActivitiesPagingAndMapping(t *testing.T) {
	after := time.Date(2018, 4, 25, 0, 0, 0, 0, time.UTC)
	before := time.Date(2018, 5, 3, 0, 0, 0, 0, time.UTC)
	var calls []string
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		calls = append(calls, q.Encode())
		if r.URL.Path != "/athlete/activities" || q.Get("after") != "" || q.Get("before") != "1525305600" || q.Get("per_page") != "2" {
			t.Errorf("query %s", r.URL)
		}
		switch q.Get("page") {
		case "1":
			w.Write(fixture(t, "activities_page1.json"))
		case "2":
			w.Write(fixture(t, "activities_page2.json"))
		default:
			t.Errorf("unexpected page %s", q.Get("page"))
			w.Write([]byte(`[]`))
		}
	})
	q := provider.ActivityQuery{After: after, Before: before, Limit: 2}
	var all []fitness.Activity
	for i := 0; i < 5; i++ {
		p, err := e.c.Activities(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Activities...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if len(calls) != 2 {
		t.Fatalf("calls %v", calls)
	}
	// The fourth activity (2018-04-20) is before After and ends the walk.
	if len(all) != 3 {
		t.Fatalf("got %d activities", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !all[i].StartTime.Before(all[i-1].StartTime) {
			t.Fatalf("not newest first")
		}
	}
	r := all[0]
	if r.ID != "154504250376823" || r.Sport != fitness.SportMountainBike || r.SportDetail != "MountainBikeRide" ||
		r.DistanceMeters != 24931.4 || r.ElapsedSeconds != 4810 || r.MovingSeconds != 4500 || r.ElevationGainMeters != 312.5 ||
		*r.AverageSpeed != 5.54 || *r.MaxSpeed != 11 || *r.AveragePower != 175.3 || *r.MaxPower != 743 ||
		*r.NormalizedPower != 210 || *r.EnergyKilojoule != 788.7 || *r.AverageHeartRate != 140.3 || *r.MaxHeartRate != 178 ||
		*r.AverageCadence != 67.1 || *r.TrainingLoad != 82 || r.Timezone != "America/Los_Angeles" ||
		*r.StartLatitude != 37.83 || *r.StartLongitude != -122.26 || !r.HasStreams || r.Race ||
		!r.StartTime.Equal(time.Date(2018, 5, 2, 12, 15, 9, 0, time.UTC)) || r.StartTime.Location() != time.UTC {
		t.Fatalf("ride %+v", r)
	}
	run := all[1]
	if run.Sport != fitness.SportRun || run.DistanceMeters != 10000 || *run.AverageSpeed != 3.7037 || !run.Race ||
		run.AverageHeartRate != nil || run.StartLatitude != nil || run.Calories != nil {
		t.Fatalf("run %+v", run)
	}
	if all[2].Sport != fitness.SportVirtualRun || !all[2].Trainer {
		t.Fatalf("treadmill %+v", all[2])
	}
}

func TestActivitiesStopsOnShortPage(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("before") != "1525341601" || r.URL.Query().Get("per_page") != "30" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		w.Write(fixture(t, "activities_page1.json"))
	})
	p, err := e.c.Activities(context.Background(), provider.ActivityQuery{})
	if err != nil || len(p.Activities) != 2 || p.Next != "" {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestActivitiesLimitClamped(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("per_page") != "200" {
			t.Errorf("per_page %s", r.URL.Query().Get("per_page"))
		}
		w.Write([]byte(`[]`))
	})
	p, err := e.c.Activities(context.Background(), provider.ActivityQuery{Limit: 5000})
	if err != nil || len(p.Activities) != 0 || p.Next != "" {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestBadCursor(t *testing.T) {
	e := setup(t, serve(t, "activities_page1.json"))
	for _, c := range []string{"x", "1.0", "abc.2", "-5.2"} {
		_, err := e.c.Activities(context.Background(), provider.ActivityQuery{Cursor: c})
		if provider.KindOf(err) != provider.KindInvalidData {
			t.Errorf("%q: %v", c, err)
		}
	}
}

func TestActivityDetail(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/activities/12345678987654321" {
			t.Errorf("path %s", r.URL.Path)
		}
		w.Write(fixture(t, "activity.json"))
	})
	a, err := e.c.Activity(context.Background(), "12345678987654321")
	if err != nil {
		t.Fatal(err)
	}
	if *a.Calories != 870.2 || !a.Race || a.DistanceMeters != 28099 || *a.NormalizedPower != 230 {
		t.Fatalf("%+v", a)
	}
}

func TestActivityNotFound(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		w.Write([]byte(`{"message":"Record Not Found","errors":[{"resource":"Activity","field":"id","code":"invalid"}]}`))
	})
	_, err := e.c.Activity(context.Background(), "999")
	if provider.KindOf(err) != provider.KindNotFound || !strings.Contains(err.Error(), `"999"`) {
		t.Fatalf("%v", err)
	}
	if _, err := e.c.Activity(context.Background(), "../athlete"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatalf("bad id: %v", err)
	}
}

func TestStreams(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/activities/42/streams" || q.Get("keys") != StreamKeys || q.Get("key_by_type") != "true" {
			t.Errorf("url %s", r.URL)
		}
		w.Write(fixture(t, "streams.json"))
	})
	s, err := e.c.Streams(context.Background(), "42")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 4 || s.TimeSeconds[3] != 4 || s.HeartRate[2] != 101 || s.HeartRate[3] != 0 || s.PowerWatts[3] != 300 ||
		s.Cadence[1] != 80 || s.SpeedMPS[2] != 6.25 || s.AltitudeMeters[0] != 17.2 || s.DistanceMeters[3] != 25 ||
		s.LatLng[1] != [2]float64{37.833121, -122.483498} || s.TemperatureCelsius[2] != 5 || s.ActivityID != "42" {
		t.Fatalf("%+v", s)
	}
	for _, n := range []int{len(s.HeartRate), len(s.PowerWatts), len(s.Cadence), len(s.SpeedMPS), len(s.AltitudeMeters), len(s.DistanceMeters), len(s.LatLng), len(s.TemperatureCelsius)} {
		if n != s.Len() {
			t.Fatalf("channel length %d", n)
		}
	}
}

func TestStreamsMismatchedLengthIsInvalid(t *testing.T) {
	_, err := MapStreamsJSON("1", []byte(`{"time":{"data":[0,1,2]},"heartrate":{"data":[90,91]}}`))
	if provider.KindOf(err) != provider.KindInvalidData {
		t.Fatal(err)
	}
	s, err := MapStreamsJSON("1", []byte(`{}`))
	if err != nil || s.Len() != 0 || s.HeartRate != nil {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestStats(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/athletes/134815/stats" {
			t.Errorf("path %s", r.URL.Path)
		}
		w.Write(fixture(t, "stats.json"))
	})
	s, err := e.c.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Recent[fitness.SportRun].DistanceMeters != 42195 || s.Recent[fitness.SportRide].Count != 3 ||
		s.Recent["all"].Count != 8 || s.AllTime[fitness.SportSwim].MovingSeconds != 36000 ||
		s.YearToDate[fitness.SportRide].ElevationGainMeters != 9000 || !s.AsOf.Equal(now) {
		t.Fatalf("%+v", s)
	}
}

func TestLapsAndZones(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/activities/7/laps":
			w.Write(fixture(t, "laps.json"))
		case "/athlete/zones":
			w.Write(fixture(t, "zones.json"))
		default:
			w.WriteHeader(404)
		}
	})
	laps, err := e.c.Laps(context.Background(), "7")
	if err != nil || len(laps) != 1 || laps[0].DistanceMeters != 8046.72 || laps[0].ElapsedSeconds != 1691 ||
		*laps[0].AveragePower != 228.2 || laps[0].Index != 1 {
		t.Fatalf("%+v %v", laps, err)
	}
	z, err := e.c.Zones(context.Background())
	if err != nil || len(z.HeartRate) != 5 || z.HeartRate[4].Max != -1 || len(z.Power) != 7 || z.Power[1].Min != 181 {
		t.Fatalf("%+v %v", z, err)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	var n atomic.Int32
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "17")
			w.Header().Set("X-RateLimit-Limit", "100,1000")
			w.Header().Set("X-RateLimit-Usage", "101,500")
			w.WriteHeader(429)
			w.Write([]byte(`{"message":"Rate Limit Exceeded"}`))
			return
		}
		w.Write(fixture(t, "athlete.json"))
	})
	if _, err := e.c.Athlete(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := e.rec.Waits(); len(w) != 1 || w[0] != 17*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestRateLimitHintFromUsageHeaders(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "100,1000")
		w.Header().Set("X-RateLimit-Usage", "101,500")
		w.WriteHeader(429)
	}, vendorhttp.WithRetry(3, time.Minute))
	_, err := e.c.Athlete(context.Background())
	var pe *provider.Error
	// now is 10:00:00, the 15-minute window resets at 10:15:00: longer than
	// the 1-minute cap, so the error comes back at once with the wait.
	if !errors.As(err, &pe) || pe.Kind != provider.KindRateLimited || pe.RetryAfter != 15*time.Minute || len(e.rec.Waits()) != 0 {
		t.Fatalf("%v waits %v", err, e.rec.Waits())
	}
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "100,1000")
	h.Set("X-RateLimit-Usage", "20,1000")
	if d := retryHint(h, now); d != 14*time.Hour {
		t.Fatalf("daily hint %v", d)
	}
}

func TestServerErrorsBounded(t *testing.T) {
	var n atomic.Int32
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(503)
	})
	_, err := e.c.Activity(context.Background(), "1")
	if provider.KindOf(err) != provider.KindUnavailable || n.Load() != int32(vendorhttp.DefaultMaxAttempts) ||
		len(e.rec.Waits()) != vendorhttp.DefaultMaxAttempts-1 {
		t.Fatalf("%v requests %d waits %v", err, n.Load(), e.rec.Waits())
	}
}

func TestUnauthorized(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"message":"Authorization Error","errors":[{"resource":"Athlete","field":"access_token","code":"invalid"}]}`))
	})
	_, err := e.c.Athlete(context.Background())
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") {
		t.Fatalf("%v", err)
	}
}

func TestMalformed(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"id": 1, "start_date": "2018-05-02T12:15:09Z"}, {"id": "oops"`))
	})
	p, err := e.c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil || p.Next != "" {
		t.Fatalf("%+v %v", p, err)
	}
	e2 := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"id": 1, "name": "no start"}]`))
	})
	p, err = e2.c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestUnsupported(t *testing.T) {
	e := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request expected") })
	ctx := context.Background()
	if _, err := e.c.Sleep(ctx, now, now); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	if _, err := e.c.Recovery(ctx, now, now); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	if _, err := e.c.Health(ctx, now, now); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
}

func TestObserverGetsRateLimitUsage(t *testing.T) {
	var seen atomic.Int32
	e := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "100,1000")
		w.Header().Set("X-RateLimit-Usage", "3,40")
		w.Write(fixture(t, "athlete.json"))
	}, vendorhttp.WithObserver(func(i vendorhttp.ResponseInfo) {
		if i.Provider == "strava" && i.RateLimit != nil && i.RateLimit.Usage15Min == 3 && i.RateLimit.LimitDaily == 1000 {
			seen.Add(1)
		}
	}))
	if _, err := e.c.Athlete(context.Background()); err != nil || seen.Load() != 1 {
		t.Fatalf("%v seen %d", err, seen.Load())
	}
}
