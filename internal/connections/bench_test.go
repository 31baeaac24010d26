package connections

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// pageClient answers every Activities call with a fixed page.
type pageClient struct {
	provider.Client
	page  provider.ActivityPage
	calls int
}

func (p *pageClient) Activities(context.Context, provider.ActivityQuery) (provider.ActivityPage, error) {
	p.calls++
	return p.page, nil
}

func testPage(n int) provider.ActivityPage {
	pg := provider.ActivityPage{Next: "1525305600.2"}
	hr, w := 148.0, 212.0
	for i := range n {
		pg.Activities = append(pg.Activities, fitness.Activity{ID: fmt.Sprint(1000 + i), Provider: "strava", Name: "Morning Ride",
			Sport: fitness.SportRide, StartTime: time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC).Add(-time.Duration(i) * 24 * time.Hour),
			ElapsedSeconds: 5400, MovingSeconds: 5200, DistanceMeters: 45210.5, ElevationGainMeters: 512,
			AverageHeartRate: &hr, AveragePower: &w, HasStreams: true})
	}
	return pg
}

func TestCachedClientServesHitsWithoutTheVendor(t *testing.T) {
	inner := &pageClient{page: testPage(3)}
	c := &cachedClient{inner: inner, cache: NewLocalCache(100), prefix: "tenant:t:user:u:provider:strava:"}
	q := provider.ActivityQuery{Limit: 3}
	a, _ := c.Activities(context.Background(), q)
	b, _ := c.Activities(context.Background(), q)
	if inner.calls != 1 || len(b.Activities) != 3 || !b.Activities[2].StartTime.Equal(a.Activities[2].StartTime) ||
		*b.Activities[0].AveragePower != 212 || b.Next != a.Next {
		t.Fatalf("calls %d, hit %+v", inner.calls, b)
	}
	c.Activities(context.Background(), provider.ActivityQuery{Limit: 4})
	if inner.calls != 2 {
		t.Fatal("a different query was served from the cache")
	}
}

// BenchmarkCachedActivityPageHit is the cost of answering a 50-activity
// page from the in-process cache (the common case within 15 minutes).
func BenchmarkCachedActivityPageHit(b *testing.B) {
	inner := &pageClient{page: testPage(50)}
	c := &cachedClient{inner: inner, cache: NewLocalCache(100), prefix: "tenant:t:user:u:provider:strava:"}
	ctx := context.Background()
	q := provider.ActivityQuery{Limit: 50}
	c.Activities(ctx, q)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Activities(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
