package garmin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

var now = time.Unix(1710072000, 0).UTC() // 2024-03-10T12:00:00Z

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

// windowed answers path with fixture name for the window ending at end,
// and [] otherwise; it checks every window is at most 86400 s.
func windowed(t *testing.T, m map[string]map[int64]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		s, _ := strconv.ParseInt(q.Get("uploadStartTimeInSeconds"), 10, 64)
		e, _ := strconv.ParseInt(q.Get("uploadEndTimeInSeconds"), 10, 64)
		if e-s <= 0 || e-s > 86400 {
			t.Errorf("window %d..%d", s, e)
		}
		if name, ok := m[r.URL.Path][e]; ok {
			w.Write(fixture(t, name))
			return
		}
		w.Write([]byte(`[]`))
	}
}

const day = 86400

func TestDescriptor(t *testing.T) {
	d := New().Descriptor()
	if d.Name != "garmin" || d.OAuth.AuthURL != AuthURL || d.OAuth.TokenURL != TokenURL || !d.OAuth.PKCE ||
		!d.Capabilities.Has(provider.CapSleep|provider.CapStreams|provider.CapHealth) || d.Capabilities.Has(provider.CapStats) {
		t.Fatalf("%+v", d)
	}
	var _ provider.Provider = New()
}

func TestAthlete(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user/id" {
			t.Errorf("path %s", r.URL.Path)
		}
		w.Write(fixture(t, "user_id.json"))
	})
	a, err := c.Athlete(context.Background())
	if err != nil || a.ID != "d3315b1072421d0dd7c8f6b8e1de4df8" || a.Provider != "garmin" {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestActivitiesWindowPaging(t *testing.T) {
	n := now.Unix()
	var calls []int64
	h := windowed(t, map[string]map[int64]string{"/activities": {n: "activities_w1.json", n - day: "activities_w2.json"}})
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		e, _ := strconv.ParseInt(r.URL.Query().Get("uploadEndTimeInSeconds"), 10, 64)
		calls = append(calls, e)
		h(w, r)
	})
	q := provider.ActivityQuery{After: now.Add(-3 * 24 * time.Hour), Limit: 2}
	var all []fitness.Activity
	var pages int
	for pages = 1; pages < 10; pages++ {
		p, err := c.Activities(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Activities) > 2 {
			t.Fatalf("page over limit: %d", len(p.Activities))
		}
		all = append(all, p.Activities...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	// w1 (2 of 3), w1 again (1) + w2 (1; the old hike is before After), w3 (empty).
	want := []int64{n, n, n - day, n - 2*day}
	if len(calls) != len(want) || pages != 3 {
		t.Fatalf("calls %v pages %d", calls, pages)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Fatalf("calls %v want %v", calls, want)
		}
	}
	if len(all) != 4 || all[0].Name != "Morning Run" || all[1].Name != "Zwift" || all[2].Name != "Pool" || all[3].Name != "Evening Walk" {
		t.Fatalf("%+v", all)
	}
	r := all[0]
	if r.ID != "5001968355@1710052200" || r.Sport != fitness.SportRun || r.SportDetail != "RUNNING" || r.ElapsedSeconds != 3667 ||
		r.DistanceMeters != 10590.5 || r.ElevationGainMeters != 16 || *r.AverageSpeed != 2.888 || *r.MaxSpeed != 3.968 ||
		*r.AverageHeartRate != 150 || *r.MaxHeartRate != 173 || *r.AverageCadence != 171 || *r.Calories != 367 ||
		*r.StartLatitude != 51.053232522681355 || !r.StartTime.Equal(time.Unix(1710052200, 0)) || r.StartTime.Location() != time.UTC {
		t.Fatalf("run %+v", r)
	}
	if all[1].Sport != fitness.SportVirtualRide || !all[1].Trainer || *all[1].AverageCadence != 88 {
		t.Fatalf("ride %+v", all[1])
	}
	if all[2].Sport != fitness.SportSwim || *all[2].AverageCadence != 28 {
		t.Fatalf("swim %+v", all[2])
	}
}

func TestActivitiesBeforeHonoured(t *testing.T) {
	n := now.Unix()
	c, _ := setup(t, windowed(t, map[string]map[int64]string{"/activities": {n: "activities_w1.json"}}))
	// Before 02:00 keeps the swim (23:00) and the ride (01:00) but not the run (06:30).
	p, err := c.Activities(context.Background(), provider.ActivityQuery{
		Before: time.Date(2024, 3, 10, 2, 0, 0, 0, time.UTC), After: now.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// The walk starts one window past Before, so the ride uploaded after
	// Before is still found.
	if len(p.Activities) != 2 || p.Activities[0].Name != "Zwift" || p.Activities[1].Name != "Pool" || p.Next != "" {
		t.Fatalf("%+v", p)
	}
}

func TestActivityAndStreamsByID(t *testing.T) {
	old := int64(1709708400)
	var calls atomic.Int32
	h := windowed(t, map[string]map[int64]string{
		"/activities":      {now.Unix(): "activities_w1.json", old + 3*day: "activities_w2.json"},
		"/activityDetails": {now.Unix(): "activity_details.json"},
	})
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1); h(w, r) })
	a, err := c.Activity(context.Background(), "5001968355@1710052200")
	if err != nil || a.Name != "Morning Run" {
		t.Fatalf("%+v %v", a, err)
	}
	s, err := c.Streams(context.Background(), "5001968355@1710052200")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.TimeSeconds[2] != 3 || s.HeartRate[1] != 90 || s.PowerWatts[0] != 0 || s.PowerWatts[2] != 250 ||
		s.Cadence[0] != 57 || s.Cadence[1] != 0 || s.SpeedMPS[2] != 2.5 || s.AltitudeMeters[1] != 1049.4000244140625 ||
		s.DistanceMeters[2] != 6.5 || s.LatLng[1] != [2]float64{51.053232522681355, -114.06880217604339} ||
		s.TemperatureCelsius[2] != 27.5 || s.ActivityID != "5001968355@1710052200" {
		t.Fatalf("%+v", s)
	}
	// An old activity uploaded three days after it started.
	calls.Store(0)
	hike, err := c.Activity(context.Background(), "5001960000@1709708400")
	if err != nil || hike.Sport != fitness.SportHike || hike.HasStreams || calls.Load() != 3 {
		t.Fatalf("%+v %v calls %d", hike, err, calls.Load())
	}
	if _, err := c.Activity(context.Background(), "nope"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
	if _, err := c.Activity(context.Background(), "999@1710052200"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
}

func TestSleepRecoveryHealth(t *testing.T) {
	n := now.Unix()
	c, _ := setup(t, windowed(t, map[string]map[int64]string{
		"/sleeps":      {n: "sleeps.json"},
		"/dailies":     {n: "dailies.json"},
		"/hrv":         {n: "hrv.json"},
		"/bodyComps":   {n: "body_comps.json"},
		"/userMetrics": {n: "user_metrics.json"},
	}))
	from, to := time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	ss, err := c.Sleep(context.Background(), from, to)
	if err != nil || len(ss) != 1 {
		t.Fatalf("%+v %v", ss, err)
	}
	s := ss[0]
	if s.Date != "2024-03-10" || s.InBedSeconds != 27600 || *s.DeepSeconds != 6120 || *s.LightSeconds != 14040 ||
		*s.REMSeconds != 5460 || *s.AwakeSeconds != 1980 || s.AsleepSeconds != 25620 || *s.Awakenings != 2 || *s.VendorScore != 82 ||
		!s.EndTime.Equal(time.Unix(1710025200+27600, 0)) {
		t.Fatalf("%+v", s)
	}
	rs, err := c.Recovery(context.Background(), from, to)
	if err != nil || len(rs) != 1 || *rs[0].HRVRMSSDMs != 44 || *rs[0].RestingHeartRate != 52 || *rs[0].StrainScore != 34 {
		t.Fatalf("%+v %v", rs, err)
	}
	hs, err := c.Health(context.Background(), from, to)
	if err != nil || len(hs) != 1 {
		t.Fatalf("%+v %v", hs, err)
	}
	h := hs[0]
	// grams → kg.
	if *h.WeightKg != 75.45 || *h.MuscleMassKg != 25.478 || *h.BoneMassKg != 2.437 || *h.BodyFatPercent != 17.1 ||
		*h.BodyWaterPercent != 59.4 || *h.BMIKgM2 != 22.2 || *h.Steps != 4210 || *h.ActiveEnergyKcal != 321 ||
		*h.RestingEnergyKcal != 1731 || *h.VO2MaxMlKgMin != 48 {
		t.Fatalf("%+v", h)
	}
	if _, err := c.Sleep(context.Background(), to, from); provider.KindOf(err) != provider.KindInvalidData {
		t.Fatal(err)
	}
}

func TestParsePush(t *testing.T) {
	p, err := ParsePush(fixture(t, "push.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Activities) != 2 || len(p.ActivityStreams) != 1 || p.ActivityStreams[0].Len() != 3 || len(p.Sleeps) != 1 ||
		len(p.Health) != 1 || *p.Health[0].WeightKg != 75.45 || p.Activities[1].ID != "5001968355@1710052200" {
		t.Fatalf("%+v", p)
	}
	if _, err := ParsePush([]byte(`{"activities":[{"summaryId":""}]}`)); provider.KindOf(err) != provider.KindInvalidData {
		t.Fatal(err)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(429)
			return
		}
		w.Write(fixture(t, "user_id.json"))
	})
	if _, err := c.Athlete(context.Background()); err != nil {
		t.Fatal(err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 3*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestServerErrorBounded(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(500)
	})
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindUnavailable || n.Load() != 3 || len(rec.Waits()) != 2 {
		t.Fatalf("%v %d %v", err, n.Load(), rec.Waits())
	}
}

func TestUnauthorized(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"summaryId":"1","startTimeInSeconds":"soon"}]`))
	})
	p, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil {
		t.Fatalf("%+v %v", p, err)
	}
	_, err = c.Activities(context.Background(), provider.ActivityQuery{Cursor: "garbage"})
	if provider.KindOf(err) != provider.KindInvalidData {
		t.Fatal(err)
	}
}

func TestUnsupportedAndDeregister(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/user/registration" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		w.WriteHeader(204)
	})
	if _, err := c.Stats(context.Background()); provider.KindOf(err) != provider.KindUnsupported {
		t.Fatal(err)
	}
	if err := c.Deregister(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func FuzzParsePush(f *testing.F) {
	f.Add(fixture(f, "push.json"))
	f.Add([]byte(`{"activityDetails":[{"summaryId":"1-detail","summary":{"startTimeInSeconds":5},"samples":[{"startTimeInSeconds":9},{"startTimeInSeconds":4}]}]}`))
	f.Add([]byte(`{"sleeps":[{"summaryId":"s","startTimeInSeconds":1,"durationInSeconds":1e300}],"bodyComps":[{"measurementTimeInSeconds":1,"measurementTimeOffsetInSeconds":99999999}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePush(data)
		if err != nil {
			return
		}
		for _, s := range p.ActivityStreams {
			for _, l := range []int{len(s.HeartRate), len(s.PowerWatts), len(s.Cadence), len(s.SpeedMPS), len(s.AltitudeMeters), len(s.DistanceMeters), len(s.LatLng), len(s.TemperatureCelsius)} {
				if l != 0 && l != s.Len() {
					t.Fatalf("channel %d != %d", l, s.Len())
				}
			}
		}
	})
}
