package terra

import (
	"context"
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

var now = time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC)

const uid = "b1a2c3d4-0000-4000-8000-000000000001"

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
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("dev-id") != "pierre-dev" || r.Header.Get("x-api-key") != "KEY-123" {
			t.Errorf("missing Terra credentials")
		}
		if r.URL.Query().Get("user_id") != uid {
			t.Errorf("user_id %q", r.URL.Query().Get("user_id"))
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	rec := &vendorhttp.Recorder{}
	all := append([]vendorhttp.Option{vendorhttp.WithBaseURL(srv.URL), vendorhttp.WithSleeper(rec.Sleep),
		vendorhttp.WithClock(func() time.Time { return now }), vendorhttp.WithRand(func() float64 { return 0.5 })}, opts...)
	hc := &http.Client{Transport: APIKeyTransport{DevID: "pierre-dev", APIKey: "KEY-123", Base: srv.Client().Transport}}
	return New(all...).Client(provider.Connection{UserKey: "u", VendorUserID: uid, HTTP: hc}), rec
}

func TestDescriptor(t *testing.T) {
	d := New().Descriptor()
	if d.Name != "terra" || d.OAuth != nil || d.APIBaseURL != APIBaseURL || !d.Capabilities.Has(provider.CapSleep|provider.CapHealth) ||
		d.Capabilities.Has(provider.CapStats) || !strings.Contains(strings.Join(d.Limitations, " "), "widget") {
		t.Fatalf("%+v", d)
	}
	var _ provider.Provider = New()
}

func TestAthlete(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixture(t, "athlete.json")) })
	a, err := c.Athlete(context.Background())
	if err != nil || a.ID != uid || a.FirstName != "Ana" || a.Sex != fitness.SexFemale || a.BirthDate != "1991-04-02" {
		t.Fatalf("%+v %v", a, err)
	}
}

func TestActivitiesPaging(t *testing.T) {
	var calls []string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		calls = append(calls, q.Get("start_date")+".."+q.Get("end_date"))
		if r.URL.Path != "/activity" || q.Get("to_webhook") != "false" || q.Get("with_samples") != "false" {
			t.Errorf("url %s", r.URL)
		}
		switch q.Get("end_date") {
		case "2024-06-16":
			w.Write(fixture(t, "activity_w1.json"))
		case "2024-06-09":
			w.Write(fixture(t, "activity_w2.json"))
		default:
			w.Write([]byte(`{"status":"success","type":"activity","data":[]}`))
		}
	})
	q := provider.ActivityQuery{After: time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC), Limit: 2}
	var all []fitness.Activity
	for i := 0; i < 10; i++ {
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
	if strings.Join(calls, ",") != "2024-06-08..2024-06-16,2024-06-02..2024-06-09" || len(all) != 3 {
		t.Fatalf("calls %v activities %d", calls, len(all))
	}
	r := all[0]
	if r.ID != "7d1f0e8a-ride@1718341200" || r.Sport != fitness.SportRide || r.Name != "Morning Ride" ||
		!r.StartTime.Equal(time.Date(2024, 6, 14, 5, 0, 0, 0, time.UTC)) || r.StartTime.Location() != time.UTC ||
		r.ElapsedSeconds != 7200 || r.MovingSeconds != 6900 || r.DistanceMeters != 60000 || r.ElevationGainMeters != 640.5 ||
		*r.AverageHeartRate != 141 || *r.MaxHeartRate != 176 || *r.Calories != 1650 || *r.AverageSpeed != 8.5 ||
		*r.MaxSpeed != 18.2 || *r.AverageCadence != 87 || *r.AveragePower != 205 || *r.MaxPower != 780 ||
		*r.EnergyKilojoule != 1415 || *r.NormalizedPower != 228 || *r.TrainingLoad != 132.5 || *r.StartLatitude != 45.764 {
		t.Fatalf("ride %+v", r)
	}
	if all[1].Sport != fitness.SportRun || all[2].Sport != fitness.SportSwim || all[2].DistanceMeters != 2000 {
		t.Fatalf("%+v", all[1:])
	}
}

func TestStreamsAligned(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("with_samples") != "true" || q.Get("start_date") != "2024-06-13" || q.Get("end_date") != "2024-06-16" {
			t.Errorf("url %s", r.URL)
		}
		w.Write(fixture(t, "activity_samples.json"))
	})
	s, err := c.Streams(context.Background(), "7d1f0e8a-ride@1718341200")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 3 || s.TimeSeconds[2] != 2 || s.HeartRate[1] != 97 || s.PowerWatts[0] != 0 || s.PowerWatts[2] != 210 ||
		s.Cadence[2] != 88 || s.Cadence[1] != 0 || s.SpeedMPS[0] != 8.1 || s.SpeedMPS[2] != 8.1 ||
		s.AltitudeMeters[0] != 301.5 || s.DistanceMeters[1] != 0 || s.DistanceMeters[2] != 16.4 ||
		s.LatLng[0] != [2]float64{45.7641, 4.8358} || s.TemperatureCelsius != nil {
		t.Fatalf("%+v", s)
	}
	a, err := c.Activity(context.Background(), "7d1f0e8a-ride@1718341200")
	if err != nil || a.Name != "Morning Ride" {
		t.Fatalf("%+v %v", a, err)
	}
	if _, err := c.Activity(context.Background(), "other@1718341200"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
}

func TestSleep(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixture(t, "sleep.json")) })
	ss, err := c.Sleep(context.Background(), now.AddDate(0, 0, -3), now)
	if err != nil || len(ss) != 1 {
		t.Fatalf("%+v %v", ss, err)
	}
	s := ss[0]
	if s.Date != "2024-06-14" || s.InBedSeconds != 27000 || s.AsleepSeconds != 24300 || *s.DeepSeconds != 5400 ||
		*s.LightSeconds != 13500 || *s.REMSeconds != 5400 || *s.AwakeSeconds != 2700 || *s.Awakenings != 3 ||
		*s.OnsetLatencySeconds != 600 || *s.EfficiencyPercent != 90 || *s.HRVRMSSDMs != 68.5 || *s.RestingHeartRate != 47 ||
		*s.RespiratoryRate != 14.2 || *s.VendorScore != 84 || !s.StartTime.Equal(time.Date(2024, 6, 13, 21, 10, 0, 0, time.UTC)) {
		t.Fatalf("%+v", s)
	}
	if _, err := c.Sleep(context.Background(), now.AddDate(0, 0, -60), now); provider.KindOf(err) != provider.KindInvalidData {
		t.Fatal(err)
	}
}

func TestRecoveryAndHealth(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/daily":
			w.Write(fixture(t, "daily.json"))
		case "/body":
			w.Write(fixture(t, "body.json"))
		default:
			w.WriteHeader(404)
		}
	})
	rs, err := c.Recovery(context.Background(), now.AddDate(0, 0, -2), now)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%+v %v", rs, err)
	}
	r := rs[0]
	if r.Date != "2024-06-14" || *r.HRVRMSSDMs != 71.2 || *r.RestingHeartRate != 48 || *r.VendorRecoveryScore != 77 ||
		*r.SpO2Percent != 96.5 || *r.StrainScore != 14.3 {
		t.Fatalf("%+v", r)
	}
	hs, err := c.Health(context.Background(), now.AddDate(0, 0, -2), now)
	if err != nil || len(hs) != 1 {
		t.Fatalf("%+v %v", hs, err)
	}
	h := hs[0]
	if *h.Steps != 11234 || *h.ActiveEnergyKcal != 1250 || *h.RestingEnergyKcal != 1650 || *h.VO2MaxMlKgMin != 52 ||
		*h.WeightKg != 70.2 || *h.BodyFatPercent != 14.8 || *h.MuscleMassKg != 56.8 || *h.BoneMassKg != 3.1 ||
		*h.BodyWaterPercent != 60.1 || *h.BMIKgM2 != 22.4 || *h.SystolicMmHg != 118 || *h.DiastolicMmHg != 76 {
		t.Fatalf("%+v", h)
	}
}

func TestWebhookUsesSameMapping(t *testing.T) {
	w, err := ParseWebhook(fixture(t, "webhook_activity.json"))
	if err != nil {
		t.Fatal(err)
	}
	if w.Type != "activity" || w.UserID != uid || len(w.Activities) != 1 || w.Activities[0].ID != "7d1f0e8a-ride@1718341200" ||
		len(w.Streams) != 1 || w.Streams[0].Len() != 3 {
		t.Fatalf("%+v", w)
	}
	sl, err := ParseWebhook(fixture(t, "sleep.json"))
	if err != nil || len(sl.Sleeps) != 1 || *sl.Sleeps[0].DeepSeconds != 5400 {
		t.Fatalf("%+v %v", sl, err)
	}
	auth, err := ParseWebhook([]byte(`{"type":"auth","status":"success","user":{"user_id":"new-user","provider":"FITBIT","reference_id":"t:u"}}`))
	if err != nil || auth.Type != "auth" || auth.UserID != "new-user" {
		t.Fatalf("%+v %v", auth, err)
	}
	if _, err := ParseWebhook([]byte(`{"type":"activity","data":[{"metadata":{"summary_id":"x","start_time":"nope"}}]}`)); provider.KindOf(err) != provider.KindInvalidData {
		t.Fatal(err)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "6")
			w.WriteHeader(429)
			return
		}
		w.Write(fixture(t, "daily.json"))
	})
	if _, err := c.Recovery(context.Background(), now.AddDate(0, 0, -1), now); err != nil {
		t.Fatal(err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 6*time.Second {
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
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"status":"error","message":"unauthorized: KEY-123"}`))
	})
	_, err := c.Sleep(context.Background(), now.AddDate(0, 0, -1), now)
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") || strings.Contains(err.Error(), "KEY-123") {
		t.Fatal(err)
	}
}

func TestMalformedAndStatus(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sleep" {
			w.Write([]byte(`{"status":"error","message":"User not found"}`))
			return
		}
		w.Write([]byte(`{"status":"success","data":[{"metadata":{"summary_id":"a","start_time":"2024-06-14T07:00:00Z","end_time":"2024-06-14T06:00:00Z"}}]}`))
	})
	p, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := c.Sleep(context.Background(), now.AddDate(0, 0, -1), now); provider.KindOf(err) != provider.KindReauthRequired {
		t.Fatal(err)
	}
}

func TestUnsupported(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request expected") })
	if _, err := c.Stats(context.Background()); provider.KindOf(err) != provider.KindUnsupported {
		t.Fatal(err)
	}
}

func FuzzParseWebhook(f *testing.F) {
	for _, n := range []string{"webhook_activity.json", "sleep.json", "daily.json", "body.json"} {
		f.Add(fixture(f, n))
	}
	f.Add([]byte(`{"type":"activity","data":[{"metadata":{"summary_id":"a","start_time":"2024-06-14T07:00:00Z","end_time":"2024-06-14T08:00:00Z"},"position_data":{"position_samples":[{"timestamp":"2024-06-14T07:00:00Z","coords_lat_lng_deg":[1]}]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWebhook(data)
		if err != nil {
			if w.Activities != nil || w.Sleeps != nil || w.Health != nil {
				t.Fatal("partial data with error")
			}
			return
		}
		for _, s := range w.Streams {
			for _, l := range []int{len(s.HeartRate), len(s.PowerWatts), len(s.Cadence), len(s.SpeedMPS), len(s.AltitudeMeters), len(s.DistanceMeters), len(s.LatLng)} {
				if l != 0 && l != s.Len() {
					t.Fatalf("channel %d != %d", l, s.Len())
				}
			}
		}
	})
}
