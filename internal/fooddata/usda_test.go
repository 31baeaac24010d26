package fooddata

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

const testKey = "TESTKEY-abc123"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fdcServer answers like FoodData Central from fixtures. handler may
// override per request; requests are counted and recorded.
type fdcServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	count    atomic.Int32
}

func newFDCServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *fdcServer {
	s := &fdcServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.count.Add(1))
		s.mu.Lock()
		s.requests = append(s.requests, r)
		s.mu.Unlock()
		if r.URL.Query().Get("api_key") != testKey {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		h(w, r, n)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fdcServer) last() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[len(s.requests)-1]
}

type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *sleepRecorder) sleep(_ context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return nil
}

func newTestClient(t *testing.T, s *fdcServer, opts ...Option) (*USDAClient, *sleepRecorder) {
	t.Helper()
	c, err := NewUSDAClient(testKey, append([]Option{WithBaseURL(s.URL), WithHTTPClient(s.Client())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	rec := &sleepRecorder{}
	c.sleep = rec.sleep
	return c, rec
}

func serveFile(t *testing.T, name string) func(http.ResponseWriter, *http.Request, int) {
	body := fixture(t, name)
	return func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}
}

func approx(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func TestUSDASearch(t *testing.T) {
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path != "/foods/search" {
			http.NotFound(w, r)
			return
		}
		name := "search_banana_p1.json"
		if r.URL.Query().Get("pageNumber") == "2" {
			name = "search_banana_p2.json"
		}
		w.Write(fixture(t, name))
	})
	c, _ := newTestClient(t, s)
	r, err := c.Search(context.Background(), "  Banana ", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	q := s.last().URL.Query()
	for k, want := range map[string]string{"query": "Banana", "pageSize": "2", "pageNumber": "1", "dataType": "Foundation,SR Legacy,Survey (FNDDS)", "api_key": testKey} {
		if got := q.Get(k); got != want {
			t.Errorf("query param %s = %q, want %q", k, got, want)
		}
	}
	if r.TotalHits != 3 || r.TotalPages != 2 || r.Page != 1 || len(r.Foods) != 2 || r.Source != SourceUSDA {
		t.Fatalf("result %+v", r)
	}
	b := r.Foods[0]
	if b.FDCID != 173944 || b.Description != "Bananas, raw" || b.Category != "Fruits and Fruit Juices" || b.NDBNumber != 9040 || b.DataType != "SR Legacy" {
		t.Errorf("food %+v", b)
	}
	// kcal from 1008 even though a kJ entry is also present.
	approx(t, "kcal", b.Nutrients.EnergyKcal, 89)
	approx(t, "protein", b.Nutrients.ProteinG, 1.09)
	approx(t, "carbs", b.Nutrients.CarbohydrateG, 22.84)
	approx(t, "fat", b.Nutrients.FatG, 0.33)
	approx(t, "sugars", b.Nutrients.SugarsG, 12.23)
	approx(t, "sodium", b.Nutrients.SodiumMg, 1)
	approx(t, "potassium", b.Nutrients.PotassiumMg, 358)
	// Second food reports energy only in kJ: 2167 / 4.184.
	approx(t, "kJ→kcal", r.Foods[1].Nutrients.EnergyKcal, 2167/4.184)

	// Paging.
	r2, err := c.Search(context.Background(), "banana", 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.last().URL.Query().Get("pageNumber"); got != "2" {
		t.Errorf("pageNumber sent %q", got)
	}
	if r2.Page != 2 || r2.TotalPages != 2 || len(r2.Foods) != 1 || r2.Foods[0].FDCID != 2000003 {
		t.Errorf("page 2 = %+v", r2)
	}
}

func TestUSDAFoodDetails(t *testing.T) {
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/food/173944":
			w.Write(fixture(t, "food_173944.json"))
		case "/food/2000010":
			w.Write(fixture(t, "food_foundation_atwater.json"))
		case "/food/2000011":
			w.Write(fixture(t, "food_kj_only_abridged.json"))
		case "/food/534358":
			w.Write(fixture(t, "food_branded.json"))
		default:
			http.NotFound(w, r)
		}
	})
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	f, err := c.Food(ctx, 173944)
	if err != nil {
		t.Fatal(err)
	}
	want := nutrition.Nutrients{EnergyKcal: 89, ProteinG: 1.09, CarbohydrateG: 22.84, FatG: 0.33, FiberG: 2.6, SugarsG: 12.23,
		SodiumMg: 1, SaturatedFatG: 0.112, PotassiumMg: 358, CalciumMg: 5, IronMg: 0.26}
	if f.Nutrients != want {
		t.Errorf("nutrients\n got %+v\nwant %+v", f.Nutrients, want)
	}
	if f.Category != "Fruits and Fruit Juices" || f.NDBNumber != 9040 {
		t.Errorf("food %+v", f)
	}
	if len(f.Portions) != 4 || f.Portions[0].Unit != "cup" || f.Portions[2].Unit != "piece" || f.Portions[2].GramWeight != 118 {
		t.Errorf("portions %+v", f.Portions)
	}
	nf := f.ForNutrition()
	if nf.Portions.GramsPerCup != 225 || nf.Portions.GramsPerPiece != 118 || nf.Portions.PieceName != "medium" || nf.Portions.ServingGrams != 118 {
		t.Errorf("ForNutrition portions %+v", nf.Portions)
	}

	// Foundation: no 1008; Atwater Specific (2048) wins over General and kJ.
	f, err = c.Food(ctx, 2000010)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "atwater kcal", f.Nutrients.EnergyKcal, 85)
	approx(t, "carb by summation", f.Nutrients.CarbohydrateG, 20.1)
	approx(t, "NLEA sugars", f.Nutrients.SugarsG, 15.8)
	if f.Portions[0].Unit != "cup" {
		t.Errorf("measureUnit cup not used: %+v", f.Portions)
	}

	// Abridged shape, kJ only, g and µg units converted.
	f, err = c.Food(ctx, 2000011)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "kJ only", f.Nutrients.EnergyKcal, 100)
	approx(t, "sodium g→mg", f.Nutrients.SodiumMg, 2)
	approx(t, "iron µg→mg", f.Nutrients.IronMg, 0.26)
	if f.Category != "Bananas" {
		t.Errorf("wweia category %q", f.Category)
	}
	nf = f.ForNutrition()
	if nf.Portions.GramsPerCup != 150 || nf.Portions.GramsPerPiece != 118 {
		t.Errorf("portions %+v", nf.Portions)
	}

	// Branded: serving from servingSize.
	f, err = c.Food(ctx, 534358)
	if err != nil {
		t.Fatal(err)
	}
	if f.BrandOwner != "Kar Nut Products Company" || f.Category != "Popcorn, Peanuts, Seeds & Related Snacks" {
		t.Errorf("branded %+v", f)
	}
	if nf := f.ForNutrition(); nf.Portions.ServingGrams != 28 {
		t.Errorf("serving %+v", nf.Portions)
	}
}

func TestUSDARateLimitThenSuccess(t *testing.T) {
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write(fixture(t, "food_173944.json"))
	})
	c, rec := newTestClient(t, s)
	f, err := c.Food(context.Background(), 173944)
	if err != nil {
		t.Fatal(err)
	}
	if f.FDCID != 173944 || s.count.Load() != 2 {
		t.Errorf("food %d after %d requests", f.FDCID, s.count.Load())
	}
	if len(rec.waits) != 1 || rec.waits[0] != 2*time.Second {
		t.Errorf("waits %v, want [2s]", rec.waits)
	}
}

func TestUSDARateLimitExhausted(t *testing.T) {
	// Without Retry-After: exponential backoff, then a typed error.
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c, rec := newTestClient(t, s)
	_, err := c.Food(context.Background(), 173944)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Kind != KindRateLimited || ae.Status != 429 || !ae.Retryable() {
		t.Fatalf("err = %v", err)
	}
	if s.count.Load() != 3 || len(rec.waits) != 2 || rec.waits[0] != 500*time.Millisecond || rec.waits[1] != time.Second {
		t.Errorf("%d requests, waits %v", s.count.Load(), rec.waits)
	}

	// A Retry-After beyond the bound is returned at once, not slept.
	s2 := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c2, rec2 := newTestClient(t, s2)
	_, err = c2.Search(context.Background(), "banana", 1, 10)
	if !errors.As(err, &ae) || ae.Kind != KindRateLimited || ae.RetryAfter != time.Hour {
		t.Fatalf("err = %v", err)
	}
	if s2.count.Load() != 1 || len(rec2.waits) != 0 {
		t.Errorf("%d requests, waits %v", s2.count.Load(), rec2.waits)
	}
}

func TestUSDANotFound(t *testing.T) {
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) { http.NotFound(w, r) })
	c, _ := newTestClient(t, s)
	_, err := c.Food(context.Background(), 999999999)
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.FDCID != 999999999 || !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestUSDAServerError(t *testing.T) {
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error": "internal"}`))
	})
	c, rec := newTestClient(t, s)
	_, err := c.Food(context.Background(), 173944)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Kind != KindUnavailable || ae.Status != 500 {
		t.Fatalf("err = %v", err)
	}
	if s.count.Load() != 1 || len(rec.waits) != 0 {
		t.Errorf("500 retried: %d requests", s.count.Load())
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error leaks the key: %v", err)
	}
}

func TestUSDAUnauthorized(t *testing.T) {
	s := newFDCServer(t, nil)
	c, err := NewUSDAClient("WRONG-KEY", WithBaseURL(s.URL), WithHTTPClient(s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Food(context.Background(), 173944)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Kind != KindUnauthorized || strings.Contains(err.Error(), "WRONG-KEY") {
		t.Fatalf("err = %v", err)
	}
}

func TestUSDANetworkErrorRedactsKey(t *testing.T) {
	s := newFDCServer(t, nil)
	url := s.URL
	s.Close()
	c, err := NewUSDAClient(testKey, WithBaseURL(url), WithHTTPClient(&http.Client{Timeout: time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Food(context.Background(), 173944)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Kind != KindUnavailable {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testKey) || strings.Contains(ae.Err.Error(), testKey) {
		t.Errorf("error leaks the key: %v / %v", err, ae.Err)
	}
}

func TestUSDAMalformedJSONNotCached(t *testing.T) {
	s := newFDCServer(t, serveFile(t, "food_malformed.json"))
	c, _ := newTestClient(t, s)
	for i := 0; i < 2; i++ {
		_, err := c.Food(context.Background(), 173944)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Kind != KindInvalidData {
			t.Fatalf("err = %v", err)
		}
	}
	if s.count.Load() != 2 {
		t.Errorf("malformed answer cached: %d requests for 2 calls", s.count.Load())
	}
	s2 := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) { w.Write([]byte(`{"foods": "nope"}`)) })
	c2, _ := newTestClient(t, s2)
	if _, err := c2.Search(context.Background(), "banana", 1, 5); err == nil {
		t.Error("malformed search accepted")
	}
}

func TestUSDACacheHit(t *testing.T) {
	s := newFDCServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/foods/search" {
			w.Write(fixture(t, "search_banana_p1.json"))
			return
		}
		w.Write(fixture(t, "food_173944.json"))
	})
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	a, err := c.Food(ctx, 173944)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Food(ctx, 173944)
	if err != nil {
		t.Fatal(err)
	}
	if s.count.Load() != 1 {
		t.Errorf("cache miss: %d requests", s.count.Load())
	}
	if a.Nutrients != b.Nutrients || len(b.Portions) != len(a.Portions) {
		t.Error("cached food differs")
	}
	c.Search(ctx, "banana", 1, 2)
	c.Search(ctx, "BANANA", 1, 2)
	if s.count.Load() != 2 {
		t.Errorf("search cache miss: %d requests", s.count.Load())
	}
	c.Search(ctx, "banana", 2, 2)
	if s.count.Load() != 3 {
		t.Errorf("different page served from cache")
	}
	// NoCache really does not cache.
	c3, _ := newTestClient(t, s, WithCache(NewNoCache()))
	c3.Food(ctx, 173944)
	c3.Food(ctx, 173944)
	if s.count.Load() != 5 {
		t.Errorf("NoCache cached: %d requests", s.count.Load())
	}
}

func TestUSDAInputErrors(t *testing.T) {
	s := newFDCServer(t, nil)
	c, _ := newTestClient(t, s)
	ctx := context.Background()
	check := func(err error, field string) {
		t.Helper()
		if got := nutrition.FieldOf(err); got != field {
			t.Errorf("error %v: field %q, want %q", err, got, field)
		}
	}
	_, err := c.Search(ctx, " ", 1, 10)
	check(err, "query")
	_, err = c.Search(ctx, "x", 0, 10)
	check(err, "page")
	_, err = c.Search(ctx, "x", 1, 201)
	check(err, "page_size")
	_, err = c.Food(ctx, 0)
	check(err, "fdc_id")
	if s.count.Load() != 0 {
		t.Error("bad input reached the server")
	}
	if _, err := NewUSDAClient(""); nutrition.FieldOf(err) != "USDA_API_KEY" {
		t.Errorf("empty key: %v", err)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	if d, ok := retryAfter("7", now); !ok || d != 7*time.Second {
		t.Errorf("seconds: %v %v", d, ok)
	}
	if d, ok := retryAfter("Wed, 01 Jan 2025 12:00:30 GMT", now); !ok || d != 30*time.Second {
		t.Errorf("date: %v %v", d, ok)
	}
	if _, ok := retryAfter("soon", now); ok {
		t.Error("garbage accepted")
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("USDA_API_KEY", "")
	if FromEnv().Name() != SourceOffline {
		t.Error("no key should give the offline table")
	}
	t.Setenv("USDA_API_KEY", "k")
	if FromEnv().Name() != SourceUSDA {
		t.Error("key should give the USDA client")
	}
}
