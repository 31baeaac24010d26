package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
)

func activityRecords(n int, sport string, synced time.Time) []store.Record {
	recs := make([]store.Record, n)
	for i := range recs {
		recs[i] = store.Record{Provider: "strava", Kind: store.KindActivity, ID: fmt.Sprint(1000 + i),
			At: t0.Add(time.Duration(i) * time.Hour), Sport: sport, Payload: []byte(fmt.Sprintf(`{"id":"%d"}`, 1000+i)), SyncedAt: synced}
	}
	return recs
}

func TestRecordsAreIdempotentOrderedAndPrivate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		alice := store.Owner{TenantID: "t1", UserID: "alice"}
		added, err := s.UpsertRecords(ctx, alice, activityRecords(10, "run", t0))
		if err != nil || added != 10 {
			t.Fatalf("first sync: %d new, %v", added, err)
		}
		// A re-sync replaces and never duplicates.
		again := activityRecords(10, "run", t0.Add(time.Hour))
		again[3].Payload = []byte(`{"id":"1003","name":"renamed"}`)
		added, err = s.UpsertRecords(ctx, alice, again)
		if err != nil || added != 0 {
			t.Fatalf("re-sync: %d new, %v", added, err)
		}
		if n, _ := s.CountRecords(ctx, alice, "strava", store.KindActivity); n != 10 {
			t.Fatalf("%d records after re-sync, want 10", n)
		}
		r, err := s.Record(ctx, alice, "strava", store.KindActivity, "1003")
		if err != nil || string(r.Payload) != `{"id":"1003","name":"renamed"}` || !r.SyncedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("updated record: %+v %v", r, err)
		}
		// Newest first, with range, sport, limit and offset.
		got, err := s.Records(ctx, alice, "strava", store.KindActivity, store.RecordQuery{
			After: t0.Add(time.Hour), Before: t0.Add(8 * time.Hour), Limit: 3, Offset: 1})
		if err != nil || len(got) != 3 || got[0].ID != "1006" || got[2].ID != "1004" {
			t.Fatalf("page: %+v %v", got, err)
		}
		// Keys come in the same order without the JSON; the JSON by id.
		keys, err := s.RecordKeys(ctx, alice, "strava", store.KindActivity, store.RecordQuery{
			After: t0.Add(time.Hour), Before: t0.Add(8 * time.Hour), Limit: 3, Offset: 1})
		if err != nil || len(keys) != 3 || keys[0].ID != "1006" || keys[0].Payload != nil || !keys[0].SyncedAt.Equal(t0.Add(time.Hour)) || keys[0].Sport != "run" {
			t.Fatalf("keys: %+v %v", keys, err)
		}
		byID, err := s.RecordsByID(ctx, alice, "strava", store.KindActivity, []string{"1003", "1006", "nope"})
		if err != nil || len(byID) != 2 {
			t.Fatalf("by id: %+v %v", byID, err)
		}
		for _, r := range byID {
			if r.ID == "1003" && string(r.Payload) != `{"id":"1003","name":"renamed"}` {
				t.Fatalf("by id payload: %s", r.Payload)
			}
		}
		if other, _ := s.RecordsByID(ctx, store.Owner{TenantID: "t2", UserID: "alice"}, "strava", store.KindActivity, []string{"1003"}); len(other) != 0 {
			t.Fatal("another tenant read a record by id")
		}
		if got, _ := s.Records(ctx, alice, "strava", store.KindActivity, store.RecordQuery{Sport: "ride"}); len(got) != 0 {
			t.Fatalf("sport filter: %d", len(got))
		}
		if got, _ := s.Records(ctx, alice, "strava", store.KindActivity, store.RecordQuery{Offset: 8}); len(got) != 2 {
			t.Fatalf("offset without limit: %d", len(got))
		}
		// Another user and another tenant see nothing.
		for _, o := range []store.Owner{{TenantID: "t1", UserID: "bob"}, {TenantID: "t2", UserID: "alice"}} {
			if got, _ := s.Records(ctx, o, "strava", store.KindActivity, store.RecordQuery{}); len(got) != 0 {
				t.Fatalf("%+v sees %d of alice's records", o, len(got))
			}
			if _, err := s.Record(ctx, o, "strava", store.KindActivity, "1003"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%+v reads alice's record: %v", o, err)
			}
		}
		// A deletion at the vendor propagates.
		if err := s.DeleteRecord(ctx, alice, "strava", store.KindActivity, "1003"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(ctx, alice, "strava", store.KindActivity, "1003"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted record still there: %v", err)
		}
		// Disconnecting removes everything from that provider.
		s.SaveSyncState(ctx, alice, store.SyncState{Provider: "strava", Phase: "incremental", Status: "idle"})
		if err := s.DeleteProviderRecords(ctx, alice, "strava"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountRecords(ctx, alice, "strava", store.KindActivity); n != 0 {
			t.Fatalf("%d records left after disconnect", n)
		}
		if _, err := s.SyncState(ctx, alice, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("sync state left after disconnect: %v", err)
		}
	})
}

func TestSyncStateAndLease(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		o := store.Owner{TenantID: "t1", UserID: "alice"}
		if _, err := s.SyncState(ctx, o, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("never synced: %v", err)
		}
		// Only one holder at a time; an expired lease can be taken over.
		if ok, err := s.ClaimSync(ctx, o, "strava", "replica-a", t0, t0.Add(time.Minute)); !ok || err != nil {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		// Holding the lease is not having synced.
		if _, err := s.SyncState(ctx, o, "strava"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a lease alone reads as a sync state: %v", err)
		}
		if ok, _ := s.ClaimSync(ctx, o, "strava", "replica-b", t0.Add(time.Second), t0.Add(time.Minute)); ok {
			t.Fatal("a second replica took a live lease")
		}
		if ok, _ := s.ClaimSync(ctx, o, "strava", "replica-a", t0.Add(time.Second), t0.Add(2*time.Minute)); !ok {
			t.Fatal("the holder could not renew")
		}
		if ok, _ := s.ClaimSync(ctx, o, "strava", "replica-b", t0.Add(3*time.Minute), t0.Add(4*time.Minute)); !ok {
			t.Fatal("an expired lease was not taken over")
		}
		s.ReleaseSync(ctx, o, "strava", "replica-b")
		if ok, _ := s.ClaimSync(ctx, o, "strava", "replica-a", t0.Add(3*time.Minute), t0.Add(4*time.Minute)); !ok {
			t.Fatal("a released lease was not free")
		}
		st := store.SyncState{Provider: "strava", Phase: "backfill", Status: "running", Cursor: "page-3",
			BackfillFrom: t0.AddDate(-1, 0, 0), Newest: t0, Done: 400, Total: 800, UpdatedAt: t0}
		if err := s.SaveSyncState(ctx, o, st); err != nil {
			t.Fatal(err)
		}
		got, err := s.SyncState(ctx, o, "strava")
		if err != nil || got.Cursor != "page-3" || got.Done != 400 || !got.BackfillFrom.Equal(st.BackfillFrom) || !got.LastSuccessAt.IsZero() {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		// Saving progress keeps the lease.
		if ok, _ := s.ClaimSync(ctx, o, "strava", "replica-b", t0.Add(3*time.Minute), t0.Add(4*time.Minute)); ok {
			t.Fatal("saving state dropped the lease")
		}
		un, err := s.UnfinishedSyncs(ctx)
		if err != nil || len(un) != 1 || un[0].Owner != o || un[0].Cursor != "page-3" {
			t.Fatalf("unfinished: %+v %v", un, err)
		}
		// Finished copies become due for the schedule once stale, oldest first.
		bob := store.Owner{TenantID: "t2", UserID: "bob"}
		s.SaveSyncState(ctx, o, store.SyncState{Provider: "strava", Phase: "incremental", Status: "idle", LastSuccessAt: t0})
		s.SaveSyncState(ctx, bob, store.SyncState{Provider: "fitbit", Phase: "incremental", Status: "failed", LastSuccessAt: t0.Add(-time.Hour)})
		s.SaveSyncState(ctx, bob, store.SyncState{Provider: "strava", Phase: "incremental", Status: "idle", LastSuccessAt: t0.Add(time.Hour)})
		due, err := s.StaleSyncs(ctx, t0.Add(time.Minute), 10)
		if err != nil || len(due) != 2 || due[0].Owner != bob || due[0].Provider != "fitbit" || due[1].Owner != o {
			t.Fatalf("due syncs: %+v %v", due, err)
		}
	})
}
