package layers

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// JournalEntry is one row of lantu_journal: one local edit of one feature.
// It is a value the caller owns.
type JournalEntry struct {
	ID          int64
	Time        time.Time
	User        string
	Op          Op
	Layer       string // table
	UID         string
	FID         int64
	BaseVersion int64           // the feature's exchange version the edit was made on (0: never synced)
	Before      json.RawMessage // GeoJSON Feature, or null for an insert
	After       json.RawMessage // GeoJSON Feature, or null for a delete
}

// Journal returns the journal entries with id > afterID, oldest first, at
// most limit of them (limit <= 0: all); none for a GeoPackage without a
// journal. Entries are never rewritten, so paging with the last id seen
// reads each exactly once.
func (b *Blueprint) Journal(ctx context.Context, afterID int64, limit int) ([]JournalEntry, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	var out []JournalEntry
	err := b.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := TableExists(ctx, tx, "lantu_journal"); err != nil || !ok {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, ts, user, op, layer, uid, coalesce(fid,0), base_version,
			coalesce(before,'null'), coalesce(after,'null') FROM lantu_journal WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e JournalEntry
			var ts, op, before, after string
			if err := rows.Scan(&e.ID, &ts, &e.User, &op, &e.Layer, &e.UID, &e.FID, &e.BaseVersion, &before, &after); err != nil {
				return err
			}
			e.Op, e.Before, e.After = Op(op), json.RawMessage(before), json.RawMessage(after)
			e.Time, _ = time.Parse(timeFormat, ts)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("layers: %s: journal: %w", b.path, err)
	}
	return out, nil
}

// JournalHead is the id of the newest journal entry, 0 when there is none
// (or no journal).
func (b *Blueprint) JournalHead(ctx context.Context) (int64, error) {
	var id int64
	err := b.Read(ctx, func(tx *sql.Tx) (err error) {
		id, err = journalHead(ctx, tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("layers: %s: journal: %w", b.path, err)
	}
	return id, nil
}

func journalHead(ctx context.Context, tx *sql.Tx) (int64, error) {
	if ok, err := TableExists(ctx, tx, "lantu_journal"); err != nil || !ok {
		return 0, err
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id),0) FROM lantu_journal`).Scan(&id)
	return id, err
}

// AckJournal records that remote has acknowledged every journal entry up
// to id. The mark only moves forward (an older id leaves it as it is), and
// an id past the newest entry is refused.
func (b *Blueprint) AckJournal(ctx context.Context, remote string, id int64) error {
	if remote == "" || id < 0 {
		return fmt.Errorf("%w: journal acknowledgement %q up to %d", ErrInvalidInput, remote, id)
	}
	return b.syncWrite(ctx, func(tx *sql.Tx) error {
		head, err := journalHead(ctx, tx)
		if err != nil {
			return err
		}
		if id > head {
			return fmt.Errorf("%w: remote %q acknowledges journal id %d, newest is %d", ErrInvalidInput, remote, id, head)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO lantu_sync_state (remote, collection, pushed_journal_id, updated_at)
			VALUES (?, '', ?, ?) ON CONFLICT (remote, collection) DO UPDATE
			SET pushed_journal_id = max(pushed_journal_id, excluded.pushed_journal_id), updated_at = excluded.updated_at`,
			remote, id, nowText())
		return err
	})
}

// JournalAcked is the journal id remote has acknowledged up to (0: none).
func (b *Blueprint) JournalAcked(ctx context.Context, remote string) (int64, error) {
	var id int64
	err := b.syncRead(ctx, `SELECT pushed_journal_id FROM lantu_sync_state WHERE remote = ? AND collection = ''`, []any{remote}, &id)
	return id, err
}

// Cursor is remote's change-feed cursor for collection ("" when none).
func (b *Blueprint) Cursor(ctx context.Context, remote, collection string) (string, error) {
	var c sql.NullString
	err := b.syncRead(ctx, `SELECT cursor FROM lantu_sync_state WHERE remote = ? AND collection = ?`, []any{remote, collection}, &c)
	return nullString(c), err
}

// SetCursor stores remote's change-feed cursor for collection. A cursor
// that comes with changes is stored by ApplyRemote instead, together with
// them.
func (b *Blueprint) SetCursor(ctx context.Context, remote, collection, cursor string) error {
	if err := checkSyncKey(remote, collection); err != nil {
		return err
	}
	return b.syncWrite(ctx, func(tx *sql.Tx) error { return setCursor(ctx, tx, remote, collection, cursor) })
}

func checkSyncKey(remote, collection string) error {
	if remote == "" || collection == "" {
		return fmt.Errorf("%w: sync cursor needs a remote and a collection (got %q, %q)", ErrInvalidInput, remote, collection)
	}
	return nil
}

func setCursor(ctx context.Context, tx *sql.Tx, remote, collection, cursor string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lantu_sync_state (remote, collection, cursor, updated_at) VALUES (?,?,?,?)
		ON CONFLICT (remote, collection) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
		remote, collection, cursor, nowText())
	return err
}

// syncWrite runs fn in a Write after bringing lantu_sync_state up to date.
func (b *Blueprint) syncWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := b.Write(ctx, func(tx *sql.Tx) error {
		if err := ensureSyncState(ctx, tx); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil && !errors.Is(err, ErrReadOnly) && !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrBusy) {
		return fmt.Errorf("layers: %s: lantu_sync_state: %w", b.path, err)
	}
	return err
}

// syncRead scans one row of lantu_sync_state into dst, leaving dst as is
// when there is no row, no table, or a table from before remotes.
func (b *Blueprint) syncRead(ctx context.Context, q string, args []any, dst any) error {
	return b.Read(ctx, func(tx *sql.Tx) error {
		ok, err := syncStateCurrent(ctx, tx)
		if err != nil || !ok {
			return err
		}
		err = tx.QueryRowContext(ctx, q, args...).Scan(dst)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("layers: %s: lantu_sync_state: %w", b.path, err)
		}
		return nil
	})
}

// syncStateCurrent tells whether lantu_sync_state exists with its remote
// column.
func syncStateCurrent(ctx context.Context, tx *sql.Tx) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_info('lantu_sync_state') WHERE name = 'remote'`).Scan(&n)
	return n > 0, err
}

// ensureSyncState creates lantu_sync_state when missing, and rebuilds one
// made before remotes were named (its rows become those of remote ”).
func ensureSyncState(ctx context.Context, tx *sql.Tx) error {
	if ok, err := syncStateCurrent(ctx, tx); err != nil || ok {
		return err
	}
	exists, err := TableExists(ctx, tx, "lantu_sync_state")
	if err != nil {
		return err
	}
	if !exists {
		return createAttributesTable(ctx, tx, "lantu_sync_state", syncStateDDL, syncStateDesc)
	}
	for _, q := range []string{
		`ALTER TABLE lantu_sync_state RENAME TO lantu_sync_state_old`,
		syncStateDDL,
		`INSERT INTO lantu_sync_state (remote, collection, cursor, pushed_journal_id, updated_at)
			SELECT '', collection, cursor, pushed_journal_id, updated_at FROM lantu_sync_state_old`,
		`DROP TABLE lantu_sync_state_old`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrate lantu_sync_state: %w", err)
		}
	}
	return nil
}

func nowText() string { return time.Now().UTC().Format(timeFormat) }
