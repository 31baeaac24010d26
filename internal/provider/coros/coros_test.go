package coros

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

var now = time.Unix(1718452800, 0).UTC() // 2024-06-15T12:00:00Z

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bearer stands in for the OAuth transport: it sets the Authorization
// header and hands the request to its base.
type bearer struct{ base http.RoundTripper }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer SECRET-TOKEN")
	return b.base.RoundTrip(r)
}

func setup(t *testing.T, h http.HandlerFunc, opts ...vendorhttp.Option) (*Client, *vendorhttp.Recorder) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("token") != "SECRET-TOKEN" || r.Header.Get("Authorization") != "" {
			t.Errorf("token not moved into the query: %q / %q", r.URL.Query().Get("token"), r.Header.Get("Authorization"))
		}
		if r.URL.Query().Get("openId") != "open-123" {
			t.Errorf("openId %q", r.URL.Query().Get("openId"))
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	rec := &vendorhttp.Recorder{}
	all := append([]vendorhttp.Option{vendorhttp.WithBaseURL(srv.URL), vendorhttp.WithSleeper(rec.Sleep),
		vendorhttp.WithClock(func() time.Time { return now }), vendorhttp.WithRand(func() float64 { return 0.5 })}, opts...)
	hc := &http.Client{Transport: bearer{TokenQueryTransport{Base: srv.Client().Transport}}}
	return New(all...).Client(provider.Connection{UserKey: "u", VendorUserID: "open-123", HTTP: hc}), rec
}

func TestDescriptor(t *testing.T) {
	d := New().Descriptor()
	if d.Name != "coros" || d.OAuth.AuthURL != AuthURL || d.Capabilities != provider.CapActivities || len(d.Limitations) < 3 {
		t.Fatalf("%+v", d)
	}
	var _ provider.Provider = New()
}

func TestActivitiesPaging(t *testing.T) {
	var calls []string
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		calls = append(calls, q.Get("startDate")+"-"+q.Get("endDate"))
		if r.URL.Path != "/v2/coros/sport/list" {
			t.Errorf("path %s", r.URL.Path)
		}
		switch q.Get("endDate") {
		case "20240615":
			w.Write(fixture(t, "sport_list_w1.json"))
		case "20240516":
			w.Write(fixture(t, "sport_list_w2.json"))
		default:
			w.Write([]byte(`{"result":"0000","message":"OK","data":[]}`))
		}
	})
	q := provider.ActivityQuery{After: time.Date(2024, 4, 25, 0, 0, 0, 0, time.UTC), Limit: 3}
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
	want := []string{"20240517-20240615", "20240517-20240615", "20240425-20240516"}
	if strings.Join(calls, ",") != strings.Join(want, ",") {
		t.Fatalf("calls %v", calls)
	}
	if len(all) != 5 {
		t.Fatalf("got %d", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !all[i].StartTime.Before(all[i-1].StartTime) {
			t.Fatal("not newest first")
		}
	}
	run := all[0]
	// calorie is in cal: 612000 cal = 612 kcal.
	if run.ID != "434132118430466099@1718344800" || run.Sport != fitness.SportRun || run.DistanceMeters != 10000 ||
		run.ElapsedSeconds != 3600 || *run.AverageSpeed != 10000.0/3600 || *run.AverageHeartRate != 150 || *run.MaxHeartRate != 178 ||
		*run.AverageCadence != 176 || *run.Calories != 612 || run.HasStreams || !run.StartTime.Equal(time.Unix(1718344800, 0)) {
		t.Fatalf("%+v", run)
	}
	if all[1].Sport != fitness.SportRide || all[2].Sport != fitness.SportSwim || all[3].Sport != fitness.SportTrailRun || all[4].Sport != fitness.SportHike {
		t.Fatalf("%+v", all)
	}
}

func TestActivityByID(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("startDate") != "20240613" || q.Get("endDate") != "20240615" {
			t.Errorf("range %s-%s", q.Get("startDate"), q.Get("endDate"))
		}
		w.Write(fixture(t, "sport_list_w1.json"))
	})
	a, err := c.Activity(context.Background(), "434132118430466099@1718344800")
	if err != nil || a.Sport != fitness.SportRun {
		t.Fatalf("%+v %v", a, err)
	}
	if _, err := c.Activity(context.Background(), "1@1718344800"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
	if _, err := c.Activity(context.Background(), "bad"); provider.KindOf(err) != provider.KindNotFound {
		t.Fatal(err)
	}
}

func TestTokenErrorInBody(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.Write(fixture(t, "token_error.json")) })
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") {
		t.Fatal(err)
	}
}

func TestRateLimitedThenSuccess(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
			return
		}
		w.Write(fixture(t, "sport_list_w1.json"))
	})
	if _, err := c.Activity(context.Background(), "434132118430466099@1718344800"); err != nil {
		t.Fatal(err)
	}
	if w := rec.Waits(); len(w) != 1 || w[0] != 2*time.Second {
		t.Fatalf("waits %v", w)
	}
}

func TestServerErrorBounded(t *testing.T) {
	var n atomic.Int32
	c, rec := setup(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(503)
	})
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindUnavailable || n.Load() != 3 || len(rec.Waits()) != 2 {
		t.Fatalf("%v %d %v", err, n.Load(), rec.Waits())
	}
}

func TestUnauthorized(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	_, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindReauthRequired || !strings.Contains(err.Error(), "reconnect") ||
		strings.Contains(err.Error(), "SECRET") {
		t.Fatal(err)
	}
}

func TestMalformed(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"result":"0000","message":"OK","data":[{"labelId":"1","startTime":1718344800},{"labelId":2}]}`))
	})
	p, err := c.Activities(context.Background(), provider.ActivityQuery{})
	if provider.KindOf(err) != provider.KindInvalidData || p.Activities != nil {
		t.Fatalf("%+v %v", p, err)
	}
}

func TestUnsupported(t *testing.T) {
	c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request expected") })
	ctx := context.Background()
	if _, err := c.Streams(ctx, "1@1"); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	if _, err := c.Stats(ctx); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	if _, err := c.Sleep(ctx, now, now); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	if _, err := c.Recovery(ctx, now, now); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	if _, err := c.Health(ctx, now, now); provider.KindOf(err) != provider.KindUnsupported {
		t.Error(err)
	}
	a, err := c.Athlete(ctx)
	if err != nil || a.ID != "open-123" {
		t.Error(a, err)
	}
}

func FuzzParseWorkouts(f *testing.F) {
	f.Add(fixture(f, "sport_list_w1.json"))
	f.Add(fixture(f, "token_error.json"))
	f.Add([]byte(`{"result":"0000","data":[{"labelId":"x","startTime":1,"endTime":9223372036854775807,"distance":1e308}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		acts, err := ParseWorkouts(data)
		if err != nil && acts != nil {
			t.Fatal("partial result with error")
		}
		for _, a := range acts {
			if a.ElapsedSeconds < 0 || a.DistanceMeters < 0 {
				t.Fatalf("%+v", a)
			}
		}
	})
}
