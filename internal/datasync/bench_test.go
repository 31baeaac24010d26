package datasync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/datasync"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// BenchmarkUpsertYearWithStreams stores a year of activities (one a day)
// each with one hour of 1 Hz streams, as a backfill does: streams encoded,
// pages of 100 activities per transaction. One op is the whole year.
func BenchmarkUpsertYearWithStreams(b *testing.B) {
	start := time.Date(2025, 11, 20, 7, 0, 0, 0, time.UTC)
	acts := make([]fitness.Activity, 365)
	streams := make([]fitness.Streams, 365)
	for i := range acts {
		id := fmt.Sprint(9000000 + i)
		acts[i] = fitness.Activity{ID: id, Provider: "strava", Name: "Ride", Sport: fitness.SportRide,
			StartTime: start.AddDate(0, 0, i), ElapsedSeconds: 3600, MovingSeconds: 3600, DistanceMeters: 30000, HasStreams: true}
		sm := fitness.Streams{ActivityID: id, Provider: "strava"}
		for t := range 3600 {
			sm.TimeSeconds = append(sm.TimeSeconds, int32(t))
			sm.HeartRate = append(sm.HeartRate, int16(120+t%40))
			sm.PowerWatts = append(sm.PowerWatts, int16(150+t%120))
			sm.Cadence = append(sm.Cadence, int16(85+t%10))
			sm.SpeedMPS = append(sm.SpeedMPS, 8+float32(t%7)/7)
			sm.AltitudeMeters = append(sm.AltitudeMeters, 100+float32(t%300)/3)
			sm.DistanceMeters = append(sm.DistanceMeters, float32(t)*8.3)
		}
		streams[i] = sm
	}
	for _, d := range storetest.Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			st := storetest.Open(b, d)
			ctx := context.Background()
			n := 0
			for b.Loop() {
				n++
				o := store.Owner{TenantID: "t", UserID: fmt.Sprint("u", n)}
				for p := 0; p < len(acts); p += 100 {
					var recs []store.Record
					for i := p; i < min(p+100, len(acts)); i++ {
						payload, _ := json.Marshal(acts[i])
						enc, err := datasync.EncodeStreams(streams[i])
						if err != nil {
							b.Fatal(err)
						}
						recs = append(recs,
							store.Record{Provider: "strava", Kind: store.KindActivity, ID: acts[i].ID, At: acts[i].StartTime, Sport: "ride", Payload: payload, SyncedAt: start},
							store.Record{Provider: "strava", Kind: store.KindStreams, ID: acts[i].ID, At: acts[i].StartTime, Payload: enc, SyncedAt: start})
					}
					if _, err := st.UpsertRecords(ctx, o, recs); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
