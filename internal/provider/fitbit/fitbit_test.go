package fitbit

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

var now = time.Date(2019, 1, 4, 15, 0, 0, 0, time.UTC)

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
		if r.Header.Get("Accept-Language") != "" {
			t.Errorf("Accept-Language must not be sent (metric answers)")
		}
		name, ok := m[r.URL.Path]
		if !ok {
			t.Errorf("unexpected %s", r.URL.Path)
			w.WriteHeader(404)
			return
		}
		w.Write(fixture(t, name))
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestDescriptor(t *testing.T) {
	d := New().Descriptor()
	if d.Name != "fitbit" || d.OAuth.ScopeSeparator != " " || !d.OAuth.PKCE || d.OAuth.AuthURL != AuthURL ||
		!d.Capabilities.Has(provider.CapSleep|provider.CapStreams) || d.Capabilities.Has(provider.CapStats) {
		t.Fatalf("%+v", d)
	}
	var _ provider.Provider = New()
}

func TestAthlete(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{"/1/user/-/profile.json": "profile.json"}))
	a, err := c.Athlete(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "GGNJL9" || a.Sex != fitness.SexFemale || *a.WeightKg != 59.9 || *a.HeightCm != 167.6 ||
		a.BirthDate != "1990-06-15" || a.FirstName != "Jane" || a.CreatedAt.Year() != 2016 {
		t.Fatalf("%+v", a)
	}
}

func TestActivitiesPagingAndUnits(t *testing.T) {
	var calls []string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		calls = append(calls, r.URL.RawQuery)
		if r.URL.Path != "/1/user/-/activities/list.json" || q.Get("sort") != "desc" || q.Get("beforeDate") != "2019-01-05" ||
			q.Get("limit") != "2" || q.Get("afterDate") != "" {
			t.Errorf("url %s", r.URL)
		}
		switch q.Get("offset") {
		case "0":
			w.Write(fixture(t, "activities_page1.json"))
		case "2":
			w.Write(fixture(t, "activities_page2.json"))
		default:
			t.Errorf("offset %s", q.Get("offset"))
		}
	})
	q := provider.ActivityQuery{After: time.Date(2018, 12, 25, 0, 0, 0, 0, time.UTC),
		Before: time.Date(2019, 1, 4, 0, 0, 0, 0, time.UTC), Limit: 2}
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
	if len(calls) != 2 || len(all) != 3 {
		t.Fatalf("calls %v activities %d", calls, len(all))
	}
	run := all[0]
	// 5.12 km → 5120 m; durations ms → s; startTime offset → UTC.
	if run.ID != "19018673358" || run.Sport != fitness.SportRun || run.DistanceMeters != 5120 ||
		run.ElapsedSeconds != 1843 || run.MovingSeconds != 1812 || run.ElevationGainMeters != 21.3 ||
		*run.AverageHeartRate != 152 || *run.Calories != 402 || !near(*run.AverageSpeed, 5120.0/1812) ||
		!run.StartTime.Equal(time.Date(2019, 1, 3, 17, 8, 23, 0, time.UTC)) || run.StartTime.Location() != time.UTC || !run.HasStreams {
		t.Fatalf("run %+v", run)
	}
	bike := all[1]
	// 12.4 mi → 19955.87 m; 300 ft → 91.44 m.
	if bike.Sport != fitness.SportRide || !near(bike.DistanceMeters, 12.4*1609.344) || !near(bike.ElevationGainMeters, 91.44) {
		t.Fatalf("bike %+v", bike)
	}
	if all[2].Sport != fitness.SportWalk || all[2].DistanceMeters != 2500 || all[2].HasStreams {
		t.Fatalf("walk %+v", all[2])
	}
}

func TestForeignCursorRejected(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request expected") })
	for _, cur := range []string{"token=abc", "%zz"} {
		if _, err := c.Activities(context.Background(), provider.ActivityQuery{Cursor: cur}); provider.KindOf(err) != provider.KindInvalidData {
			t.Errorf("%q: %v", cur, err)
		}
	}
}

func TestActivityAndStreamsFromTCX(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/1/user/-/activities/19018673358.tcx" || !strings.Contains(r.Header.Get("Accept"), "tcx") {
			t.Errorf("url %s accept %s", r.URL, r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/vnd.garmin.tcx+xml")
		w.Write(fixture(t, "activity.tcx"))
	})
	a, err := c.Activity(context.Background(), "19018673358")
	if err != nil {
		t.Fatal(err)
	}
	if a.Sport != fitness.SportRun || a.ElapsedSeconds != 1843 || a.DistanceMeters != 5120 || *a.Calories != 402 ||
		*a.MaxHeartRate != 178 || !near(*a.AverageHeartRate, (150*1000+160*843)/1843.0) || !a.HasStreams ||
		!a.StartTime.Equal(time.Date(2019, 1, 3, 17, 8, 23, 0, time.UTC)) {
		t.Fatalf("%+v", a)
	}
	s, err := c.Streams(context.Background(), "19018673358")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.TimeSeconds[1] != 1 || s.TimeSeconds[2] != 4 || s.HeartRate[0] != 120 || s.HeartRate[1] != 0 ||
		s.HeartRate[2] != 131 || s.AltitudeMeters[1] != 10.7 || s.DistanceMeters[2] != 11.4 ||
		s.LatLng[1] != [2]float64{42.3601, -71.0589} || s.LatLng[2] != [2]float64{42.3602, -71.0590} ||
		s.PowerWatts != nil || s.SpeedMPS != nil || s.Cadence != nil {
		t.Fatalf("%+v", s)
	}
}

func TestSleepStagesMinutesToSeconds(t *testing.T) {
	c, _ := setup(t, routes(t, map[string]string{
		"/1/user/-/profile.json":                            "profile.json",
		"/1.2/user/-/sleep/date/2020-02-20/2020-02-22.json": "sleep.json",
	}))
	from := time.Date(2020, 2, 20, 12, 0, 0, 0, time.UTC)
	ss, err := c.Sleep(context.Background(), from, from.AddDate(0, 0, 2))
	if err != nil || len(ss) != 2 {
		t.Fatalf("%+v %v", ss, err)
	}
	nap, main := ss[0], ss[1]
	if main.ID != "26013218219" || main.Date != "2020-02-21" || main.InBedSeconds != 462*60 || main.AsleepSeconds != 384*60 ||
		*main.DeepSeconds != 104*60 || *main.LightSeconds != 205*60 || *main.REMSeconds != 75*60 || *main.AwakeSeconds != 78*60 ||
		*main.Awakenings != 30 || *main.EfficiencyPercent != 97 || *main.OnsetLatencySeconds != 0 || main.Nap ||
		!main.StartTime.Equal(time.Date(2020, 2, 21, 4, 21, 30, 0, time.UTC)) {
		t.Fatalf("main %+v", main)
	}
	if !nap.Nap || nap.DeepSeconds != nil || *nap.AwakeSeconds != 8*60 || *nap.Awakenings != 2 || nap.AsleepSeconds != 52*60 {
		t.Fatalf("nap %+v", nap)
	}
}

func TestRecoveryMerge(t *testing.T) {
	r := "2021-10-25/2021-10-26.json"
	c, _ := setup(t, routes(t, map[string]string{
		"/1/user/-/hrv/date/" + r:              "hrv.json",
		"/1/user/-/activities/heart/date/" + r: "heart.json",
		"/1/user/-/spo2/date/" + r:             "spo2.json",
		"/1/user/-/temp/skin/date/" + r:        "temp.json",
	}))
	rs, err := c.Recovery(context.Background(), time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2021, 10, 26, 0, 0, 0, 0, time.UTC))
	if err != nil || len(rs) != 2 {
		t.Fatalf("%+v %v", rs, err)
	}
	d26, d25 := rs[0], rs[1]
	if d25.Date != "2021-10-25" || *d25.HRVRMSSDMs != 62.887 || *d25.RestingHeartRate != 58 || *d25.SpO2Percent != 97.5 ||
		*d25.SkinTempDeviationC != -0.31 || d25.VendorRecoveryScore != nil {
		t.Fatalf("%+v", d25)
	}
	if d26.RestingHeartRate != nil || *d26.HRVRMSSDMs != 61.887 || *d26.SkinTempDeviationC != 0 {
		t.Fatalf("%+v", d26)
	}
}

func TestHealthMerge(t *testing.T) {
	r := "2021-10-25/2021-10-26.json"
	c, _ := setup(t, routes(t, map[string]string{
		"/1/user/-/body/log/weight/date/" + r:  "weight.json",
		"/1/user/-/activities/steps/date/" + r: "steps.json",
	}))
	hs, err := c.Health(context.Background(), time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC), time.Date(2021, 10, 26, 0, 0, 0, 0, time.UTC))
	// 2021-10-26 has zero steps and no weigh-in: no record for it.
	if err != nil || len(hs) != 1 {
		t.Fatalf("%+v %v", hs, err)
	}
	h := hs[0]
	if h.Date != "2021-10-25" || *h.WeightKg != 60.1 || *h.BodyFatPercent != 22.1 || *h.BMIKgM2 != 21.40 || *h.Steps != 10245 {
		t.Fatalf("%+v", h)
	}
}

func TestDateChunks(t *testing.T) {
	ch := dateChunks(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), 30)
	want := [][2]string{{"2021-01-31", "2021-03-01"}, {"2021-01-01", "2021-01-30"}}
	if len(ch) != 2 || ch[0] != want[0] || ch[1] != want[1] {
		t.Fatalf("%v", ch)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "5")
			w.Header().Set("Fitbit-Rate-Limit-Limit", "150")
			w.Header().Set("Fitbit-Rate-Limit-Remaining", "0")
			w.Header().Set("Fitbit-Rate-Limit-Reset", "5")
			w.WriteHeader(429)
			w.Write([]byte(`{"errors":[{"errorType":"request","message":"Too Many Requests"}],"success":false}`))
			return
		}
		w.Write(fixture(t, "profile.json"))
	})
	if _, err := c.Athlete(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 5*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestServerErrorBounded(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(502)
	})
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindUnavailable || n.Load() != 3 || len(rec.Waits()) != 2 {
		t.Fatalf("%v %d %v", err, n.Load(), rec.Waits())
	}
}

func TestUnauthorized(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"errors":[{"errorType":"expired_token","message":"Access token expired: eyJhbGciOi"}],"success":false}`))
	})
	_, err := c.Athlete(context.Background())
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") || strings.Contains(err.Error(), "eyJ") {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".tcx") {
			w.Write([]byte(`<TrainingCenterDatabase><Activities><Activity>`))
			return
		}
		w.Write([]byte(`{"activities":[{"logId":1,"startTime":"yesterday"}]}`))
	})
	p, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil {
		t.Fatalf("%+v %v", p, err)
	}
	s, err := c.Streams(context.Background(), "1")
	if provider.KindOf(err) != provider.KindInvalidData || s.TimeSeconds != nil {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestUnsupportedAndNotFound(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	if _, err := c.Stats(context.Background()); provider.KindOf(err) != provider.KindUnsupported {
		t.Fatal(err)
	}
	if _, err := c.Activity(context.Background(), "123"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
	if _, err := c.Streams(context.Background(), "1/../../x"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
}

func FuzzMapFitbit(f *testing.F) {
	for i, n := range []string{"activities_page1.json", "sleep.json", "weight.json", "steps.json", "hrv.json", "heart.json", "temp.json"} {
		f.Add(uint8(i), fixture(f, n))
	}
	f.Add(uint8(0), []byte(`{"activities":[{"logId":1,"startTime":"2019-01-03T12:08:23","distance":1e308,"distanceUnit":"Mile"}]}`))
	f.Add(uint8(1), []byte(`{"sleep":[{"logId":1,"startTime":"2020-02-20T23:21:30","endTime":"2020-02-20T23:21:29","type":"stages"}]}`))
	f.Add(uint8(3), []byte(`{"activities-steps":[{"dateTime":"2021-10-25","value":"NaN"}]}`))
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		switch kind % 5 {
		case 0:
			if l, err := vendorhttp.Decode[activityList]("fitbit", data); err == nil {
				for i := range l.Activities {
					if a, err := mapActivity(&l.Activities[i]); err == nil && (a.DistanceMeters < 0 || math.IsNaN(a.DistanceMeters)) {
						t.Fatalf("bad distance %v", a.DistanceMeters)
					}
				}
			}
		case 1:
			if s, err := vendorhttp.Decode[sleepResp]("fitbit", data); err == nil {
				_, _ = mapSleeps(s.Sleep, time.UTC)
			}
		case 2, 3:
			wr, err1 := vendorhttp.Decode[weightResp]("fitbit", data)
			sr, err2 := vendorhttp.Decode[stepsResp]("fitbit", data)
			if err1 == nil && err2 == nil {
				_, _ = mapHealth(&wr, &sr)
			}
		case 4:
			h, err1 := vendorhttp.Decode[hrvResp]("fitbit", data)
			hr, err2 := vendorhttp.Decode[heartResp]("fitbit", data)
			tp, err3 := vendorhttp.Decode[tempResp]("fitbit", data)
			if err1 == nil && err2 == nil && err3 == nil {
				_ = mapRecovery(&h, &hr, nil, &tp)
			}
		}
	})
}

func FuzzTCX(f *testing.F) {
	f.Add(fixture(f, "activity.tcx"))
	f.Add([]byte(`<TrainingCenterDatabase><Activities><Activity Sport="Biking"><Id>x</Id><Lap><Track><Trackpoint><Time>2019-01-03T12:08:23Z</Time></Trackpoint><Trackpoint><Time>2019-01-03T12:08:20Z</Time></Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := decodeTCX(data)
		if err != nil {
			return
		}
		_, _ = activityFromTCX("1", db)
		s, err := streamsFromTCX("1", db)
		if err == nil {
			n := s.Len()
			for _, l := range []int{len(s.HeartRate), len(s.AltitudeMeters), len(s.DistanceMeters), len(s.LatLng), len(s.Cadence)} {
				if l != 0 && l != n {
					t.Fatalf("channel %d != %d", l, n)
				}
			}
		}
	})
}
