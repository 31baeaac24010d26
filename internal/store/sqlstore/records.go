package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store"
)

// UpsertRecords implements store.Records. One transaction per batch keeps
// a page of a backfill all-or-nothing and fast on SQLite.
func (s *Store) UpsertRecords(ctx context.Context, o store.Owner, recs []store.Record) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	added := 0
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		added = 0
		exists, err := tx.PrepareContext(ctx, s.Rebind(`SELECT 1 FROM athlete_records
			WHERE tenant_id = ? AND user_id = ? AND provider = ? AND kind = ? AND record_id = ?`))
		if err != nil {
			return err
		}
		defer exists.Close()
		upsert, err := tx.PrepareContext(ctx, s.Rebind(`INSERT INTO athlete_records
			(tenant_id, user_id, provider, kind, record_id, at, sport, payload, synced_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, user_id, provider, kind, record_id) DO UPDATE SET
			at = excluded.at, sport = excluded.sport, payload = excluded.payload, synced_at = excluded.synced_at`))
		if err != nil {
			return err
		}
		defer upsert.Close()
		for _, r := range recs {
			var one int
			switch err := exists.QueryRowContext(ctx, o.TenantID, o.UserID, r.Provider, string(r.Kind), r.ID).Scan(&one); {
			case errors.Is(err, sql.ErrNoRows):
				added++
			case err != nil:
				return err
			}
			if _, err := upsert.ExecContext(ctx, o.TenantID, o.UserID, r.Provider, string(r.Kind), r.ID,
				ms(r.At), r.Sport, r.Payload, ms(r.SyncedAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store %d records: %w", len(recs), err)
	}
	return added, nil
}

// DeleteRecord implements store.Records.
func (s *Store) DeleteRecord(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, id string) error {
	_, err := s.exec(ctx, s.db, `DELETE FROM athlete_records
		WHERE tenant_id = ? AND user_id = ? AND provider = ? AND kind = ? AND record_id = ?`,
		o.TenantID, o.UserID, provider, string(kind), id)
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", kind, id, err)
	}
	return nil
}

// Record implements store.Records.
func (s *Store) Record(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, id string) (store.Record, error) {
	r := store.Record{Provider: provider, Kind: kind, ID: id}
	var at, synced int64
	err := s.queryRow(ctx, s.db, `SELECT at, sport, payload, synced_at FROM athlete_records
		WHERE tenant_id = ? AND user_id = ? AND provider = ? AND kind = ? AND record_id = ?`,
		o.TenantID, o.UserID, provider, string(kind), id).Scan(&at, &r.Sport, &r.Payload, &synced)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Record{}, store.ErrNotFound
	}
	if err != nil {
		return store.Record{}, fmt.Errorf("load %s %s: %w", kind, id, err)
	}
	r.At, r.SyncedAt = fromMS(at), fromMS(synced)
	return r, nil
}

// Records implements store.Records.
func (s *Store) Records(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, q store.RecordQuery) ([]store.Record, error) {
	return s.records(ctx, o, provider, kind, q, true)
}

// RecordKeys implements store.Records.
func (s *Store) RecordKeys(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, q store.RecordQuery) ([]store.Record, error) {
	return s.records(ctx, o, provider, kind, q, false)
}

func (s *Store) records(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, q store.RecordQuery, payload bool) ([]store.Record, error) {
	var b strings.Builder
	b.WriteString(`SELECT record_id, at, sport, synced_at`)
	if payload {
		b.WriteString(`, payload`)
	}
	b.WriteString(` FROM athlete_records WHERE tenant_id = ? AND user_id = ? AND provider = ? AND kind = ?`)
	args := []any{o.TenantID, o.UserID, provider, string(kind)}
	if !q.After.IsZero() {
		b.WriteString(` AND at > ?`)
		args = append(args, ms(q.After))
	}
	if !q.Before.IsZero() {
		b.WriteString(` AND at < ?`)
		args = append(args, ms(q.Before))
	}
	if q.Sport != "" {
		b.WriteString(` AND sport = ?`)
		args = append(args, q.Sport)
	}
	b.WriteString(` ORDER BY at DESC, record_id DESC`)
	if q.Limit > 0 {
		fmt.Fprintf(&b, ` LIMIT %d OFFSET %d`, q.Limit, max(q.Offset, 0))
	} else if q.Offset > 0 {
		// SQLite needs a LIMIT before OFFSET; -1 means none.
		if s.driver == config.Postgres {
			fmt.Fprintf(&b, ` OFFSET %d`, q.Offset)
		} else {
			fmt.Fprintf(&b, ` LIMIT -1 OFFSET %d`, q.Offset)
		}
	}
	rows, err := s.query(ctx, s.db, b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("list %s records: %w", kind, err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Provider: provider, Kind: kind}
		var at, synced int64
		dest := []any{&r.ID, &at, &r.Sport, &synced}
		if payload {
			dest = append(dest, &r.Payload)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.At, r.SyncedAt = fromMS(at), fromMS(synced)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordsByID implements store.Records.
func (s *Store) RecordsByID(ctx context.Context, o store.Owner, provider string, kind store.RecordKind, ids []string) ([]store.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := `SELECT record_id, at, sport, synced_at, payload FROM athlete_records
		WHERE tenant_id = ? AND user_id = ? AND provider = ? AND kind = ? AND record_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	args := []any{o.TenantID, o.UserID, provider, string(kind)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.query(ctx, s.db, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load %d %s records: %w", len(ids), kind, err)
	}
	defer rows.Close()
	var out []store.Record
	for rows.Next() {
		r := store.Record{Provider: provider, Kind: kind}
		var at, synced int64
		if err := rows.Scan(&r.ID, &at, &r.Sport, &synced, &r.Payload); err != nil {
			return nil, err
		}
		r.At, r.SyncedAt = fromMS(at), fromMS(synced)
		out = append(out, r)
	}
	return out, rows.Err()
}

// CountRecords implements store.Records.
func (s *Store) CountRecords(ctx context.Context, o store.Owner, provider string, kind store.RecordKind) (int, error) {
	var n int
	err := s.queryRow(ctx, s.db, `SELECT COUNT(*) FROM athlete_records
		WHERE tenant_id = ? AND user_id = ? AND provider = ? AND kind = ?`,
		o.TenantID, o.UserID, provider, string(kind)).Scan(&n)
	return n, err
}

// DeleteProviderRecords implements store.Records.
func (s *Store) DeleteProviderRecords(ctx context.Context, o store.Owner, provider string) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, `DELETE FROM athlete_records WHERE tenant_id = ? AND user_id = ? AND provider = ?`,
			o.TenantID, o.UserID, provider); err != nil {
			return fmt.Errorf("delete %s records: %w", provider, err)
		}
		_, err := s.exec(ctx, tx, `DELETE FROM sync_states WHERE tenant_id = ? AND user_id = ? AND provider = ?`,
			o.TenantID, o.UserID, provider)
		return err
	})
}

const syncColumns = `provider, phase, status, cursor, backfill_from, newest, oldest, done, total, error, last_success_at, updated_at`

func scanSync(sc interface{ Scan(...any) error }, extra ...any) (store.SyncState, error) {
	var st store.SyncState
	var from, newest, oldest, last, upd int64
	dest := append([]any{&st.Provider, &st.Phase, &st.Status, &st.Cursor, &from, &newest, &oldest, &st.Done, &st.Total,
		&st.Error, &last, &upd}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return st, err
	}
	st.BackfillFrom, st.Newest, st.Oldest, st.LastSuccessAt, st.UpdatedAt = zeroMS(from), zeroMS(newest), zeroMS(oldest), zeroMS(last), zeroMS(upd)
	return st, nil
}

// zeroMS maps 0 back to the zero time, which "never" means here.
func zeroMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// SyncState implements store.Records; a provider never synced has
// ErrNotFound.
func (s *Store) SyncState(ctx context.Context, o store.Owner, provider string) (store.SyncState, error) {
	st, err := scanSync(s.queryRow(ctx, s.db, `SELECT `+syncColumns+` FROM sync_states
		WHERE tenant_id = ? AND user_id = ? AND provider = ?`, o.TenantID, o.UserID, provider))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && st.Phase == "") {
		return store.SyncState{}, store.ErrNotFound
	}
	if err != nil {
		return store.SyncState{}, fmt.Errorf("load sync state: %w", err)
	}
	return st, nil
}

// SaveSyncState implements store.Records. The lease is left alone.
func (s *Store) SaveSyncState(ctx context.Context, o store.Owner, st store.SyncState) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO sync_states (tenant_id, user_id, `+syncColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, user_id, provider) DO UPDATE SET
		phase = excluded.phase, status = excluded.status, cursor = excluded.cursor,
		backfill_from = excluded.backfill_from, newest = excluded.newest, oldest = excluded.oldest, done = excluded.done,
		total = excluded.total, error = excluded.error, last_success_at = excluded.last_success_at,
		updated_at = excluded.updated_at`,
		o.TenantID, o.UserID, st.Provider, st.Phase, st.Status, st.Cursor, msOrZero(st.BackfillFrom), msOrZero(st.Newest),
		msOrZero(st.Oldest), st.Done, st.Total, st.Error, msOrZero(st.LastSuccessAt), msOrZero(st.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save sync state: %w", err)
	}
	return nil
}

// ClaimSync implements store.Records with one conditional statement, so
// two replicas can never both hold the lease.
func (s *Store) ClaimSync(ctx context.Context, o store.Owner, provider, holder string, now, until time.Time) (bool, error) {
	// A row made only to hold the lease has no phase: SyncState reports it
	// as never synced until the sync saves its first state.
	if _, err := s.exec(ctx, s.db, `INSERT INTO sync_states (tenant_id, user_id, provider, phase, updated_at)
		VALUES (?, ?, ?, '', ?) ON CONFLICT (tenant_id, user_id, provider) DO NOTHING`,
		o.TenantID, o.UserID, provider, ms(now)); err != nil {
		return false, fmt.Errorf("claim sync: %w", err)
	}
	res, err := s.exec(ctx, s.db, `UPDATE sync_states SET lease_holder = ?, lease_until = ?
		WHERE tenant_id = ? AND user_id = ? AND provider = ? AND (lease_holder = '' OR lease_holder = ? OR lease_until < ?)`,
		holder, ms(until), o.TenantID, o.UserID, provider, holder, ms(now))
	if err != nil {
		return false, fmt.Errorf("claim sync: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReleaseSync implements store.Records.
func (s *Store) ReleaseSync(ctx context.Context, o store.Owner, provider, holder string) error {
	_, err := s.exec(ctx, s.db, `UPDATE sync_states SET lease_holder = '', lease_until = 0
		WHERE tenant_id = ? AND user_id = ? AND provider = ? AND lease_holder = ?`, o.TenantID, o.UserID, provider, holder)
	return err
}

// UnfinishedSyncs implements store.Records.
func (s *Store) UnfinishedSyncs(ctx context.Context) ([]store.OwnedSyncState, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+syncColumns+`, tenant_id, user_id FROM sync_states
		WHERE status IN ('running', 'waiting') ORDER BY updated_at`)
	if err != nil {
		return nil, fmt.Errorf("list unfinished syncs: %w", err)
	}
	return scanOwnedSyncs(rows)
}

// StaleSyncs implements store.Records.
func (s *Store) StaleSyncs(ctx context.Context, before time.Time, limit int) ([]store.OwnedSyncState, error) {
	rows, err := s.query(ctx, s.db, `SELECT `+syncColumns+`, tenant_id, user_id FROM sync_states
		WHERE phase = 'incremental' AND status IN ('idle', 'failed') AND last_success_at < ?
		ORDER BY last_success_at LIMIT ?`, ms(before), limit)
	if err != nil {
		return nil, fmt.Errorf("list stale syncs: %w", err)
	}
	return scanOwnedSyncs(rows)
}

func scanOwnedSyncs(rows *sql.Rows) ([]store.OwnedSyncState, error) {
	defer rows.Close()
	var out []store.OwnedSyncState
	for rows.Next() {
		var o store.Owner
		st, err := scanSync(rows, &o.TenantID, &o.UserID)
		if err != nil {
			return nil, err
		}
		out = append(out, store.OwnedSyncState{Owner: o, SyncState: st})
	}
	return out, rows.Err()
}
