package store

import (
	"context"
	"time"
)

// RecordKind is the kind of fitness data a synced record holds.
type RecordKind string

// Record kinds. Each record's ID is the vendor's id for activities and
// streams (the activity's id), the day (YYYY-MM-DD) for sleep, recovery and
// health, and "profile" / "totals" for the athlete and stats.
const (
	KindActivity RecordKind = "activity"
	KindStreams  RecordKind = "streams"
	KindAthlete  RecordKind = "athlete"
	KindStats    RecordKind = "stats"
	KindSleep    RecordKind = "sleep"
	KindRecovery RecordKind = "recovery"
	KindHealth   RecordKind = "health"
)

// Owner names whose data a record is.
type Owner struct {
	TenantID string
	UserID   string
}

// Record is one piece of a user's fitness data copied from a provider.
// Payload is the JSON of the common-model value (fitness.Activity, …).
type Record struct {
	Provider string
	Kind     RecordKind
	ID       string
	At       time.Time // start time or day; orders and filters
	Sport    string    // activities only
	Payload  []byte
	SyncedAt time.Time
}

// RecordQuery selects records of one kind, newest first.
type RecordQuery struct {
	After, Before time.Time // exclusive; zero is unbounded
	Sport         string    // exact sport, or "" for all
	Limit, Offset int       // Limit 0 means no limit
}

// SyncState is the progress of copying one user's data from one provider.
// It is saved after every page, so a sync resumes where it stopped.
type SyncState struct {
	Provider string
	// Phase is "backfill" until the history down to BackfillFrom is copied,
	// then "incremental".
	Phase string
	// Status is "idle", "running", "waiting" (for the vendor's request
	// budget) or "failed".
	Status string
	// Cursor continues the backfill (the provider's page cursor).
	Cursor       string
	BackfillFrom time.Time
	// Newest is the start time of the newest activity copied; incremental
	// syncs ask for what came after it.
	Newest time.Time
	// Oldest is the start of the oldest activity copied; during a backfill
	// (newest first) the copy is complete from there on.
	Oldest        time.Time
	Done, Total   int
	Error         string
	LastSuccessAt time.Time
	UpdatedAt     time.Time
}

// Records stores synced fitness data and sync progress per tenant, user
// and provider.
type Records interface {
	// UpsertRecords inserts or replaces records by (provider, kind, id) and
	// reports how many were new.
	UpsertRecords(ctx context.Context, o Owner, recs []Record) (int, error)
	DeleteRecord(ctx context.Context, o Owner, provider string, kind RecordKind, id string) error
	Record(ctx context.Context, o Owner, provider string, kind RecordKind, id string) (Record, error)
	Records(ctx context.Context, o Owner, provider string, kind RecordKind, q RecordQuery) ([]Record, error)
	// RecordKeys is Records without the payloads (cheap: a covering index),
	// for callers that keep decoded records by (ID, SyncedAt).
	RecordKeys(ctx context.Context, o Owner, provider string, kind RecordKind, q RecordQuery) ([]Record, error)
	// RecordsByID loads the named records, payloads included; missing ones
	// are left out.
	RecordsByID(ctx context.Context, o Owner, provider string, kind RecordKind, ids []string) ([]Record, error)
	CountRecords(ctx context.Context, o Owner, provider string, kind RecordKind) (int, error)
	// DeleteProviderRecords removes everything copied from provider (on
	// disconnect or deauthorisation), sync state included.
	DeleteProviderRecords(ctx context.Context, o Owner, provider string) error

	SyncState(ctx context.Context, o Owner, provider string) (SyncState, error)
	SaveSyncState(ctx context.Context, o Owner, st SyncState) error
	// ClaimSync takes the sync lease for (o, provider) until `until` if no
	// other holder's lease is live; it reports whether it got it.
	ClaimSync(ctx context.Context, o Owner, provider, holder string, now, until time.Time) (bool, error)
	ReleaseSync(ctx context.Context, o Owner, provider, holder string) error
	// UnfinishedSyncs lists syncs left running or waiting (e.g. by a crash).
	UnfinishedSyncs(ctx context.Context) ([]OwnedSyncState, error)
	// StaleSyncs lists up to limit finished backfills whose last success is
	// before `before`, oldest first: the schedule's next incremental syncs.
	StaleSyncs(ctx context.Context, before time.Time, limit int) ([]OwnedSyncState, error)
}

// OwnedSyncState is a sync state with its owner.
type OwnedSyncState struct {
	Owner Owner
	SyncState
}
