package gpkg

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// rtreeExtension is the gpkg_extensions definition of the R-tree extension.
const rtreeExtension = "http://www.geopackage.org/spec120/#extension_rtree"

// rtreeTriggers are the R-tree maintenance triggers of the GeoPackage
// specification (Annex F.3, the insert, update1-update4 and delete set that
// GDAL writes and validate_gpkg.py requires). Placeholders: {I} rtree name,
// {T} table, {C} geometry column, {P} primary key, all quoted.
var rtreeTriggers = []string{
	`CREATE TRIGGER {I_insert} AFTER INSERT ON {T} WHEN (new.{C} NOT NULL AND NOT ST_IsEmpty(NEW.{C})) BEGIN INSERT OR REPLACE INTO {I} VALUES (NEW.{P},ST_MinX(NEW.{C}), ST_MaxX(NEW.{C}),ST_MinY(NEW.{C}), ST_MaxY(NEW.{C})); END`,
	`CREATE TRIGGER {I_update1} AFTER UPDATE OF {C} ON {T} WHEN OLD.{P} = NEW.{P} AND (NEW.{C} NOTNULL AND NOT ST_IsEmpty(NEW.{C})) BEGIN INSERT OR REPLACE INTO {I} VALUES (NEW.{P},ST_MinX(NEW.{C}), ST_MaxX(NEW.{C}),ST_MinY(NEW.{C}), ST_MaxY(NEW.{C})); END`,
	`CREATE TRIGGER {I_update2} AFTER UPDATE OF {C} ON {T} WHEN OLD.{P} = NEW.{P} AND (NEW.{C} ISNULL OR ST_IsEmpty(NEW.{C})) BEGIN DELETE FROM {I} WHERE id = OLD.{P}; END`,
	`CREATE TRIGGER {I_update3} AFTER UPDATE ON {T} WHEN OLD.{P} != NEW.{P} AND (NEW.{C} NOTNULL AND NOT ST_IsEmpty(NEW.{C})) BEGIN DELETE FROM {I} WHERE id = OLD.{P}; INSERT OR REPLACE INTO {I} VALUES (NEW.{P},ST_MinX(NEW.{C}), ST_MaxX(NEW.{C}),ST_MinY(NEW.{C}), ST_MaxY(NEW.{C})); END`,
	`CREATE TRIGGER {I_update4} AFTER UPDATE ON {T} WHEN OLD.{P} != NEW.{P} AND (NEW.{C} ISNULL OR ST_IsEmpty(NEW.{C})) BEGIN DELETE FROM {I} WHERE id IN (OLD.{P}, NEW.{P}); END`,
	`CREATE TRIGGER {I_delete} AFTER DELETE ON {T} WHEN old.{C} NOT NULL BEGIN DELETE FROM {I} WHERE id = OLD.{P}; END`,
}

// triggerSuffixes name the triggers above, in order.
var triggerSuffixes = []string{"_insert", "_update1", "_update2", "_update3", "_update4", "_delete"}

// RTreeName returns the name of the R-tree table of table.col.
func RTreeName(table, col string) string { return "rtree_" + table + "_" + col }

// expandTrigger fills the placeholders of a trigger template.
func expandTrigger(tmpl, table, col, pk string) string {
	rt := RTreeName(table, col)
	pairs := []string{"{T}", QuoteIdent(table), "{C}", QuoteIdent(col), "{P}", QuoteIdent(pk), "{I}", QuoteIdent(rt)}
	for _, s := range triggerSuffixes {
		pairs = append(pairs, "{I"+s+"}", QuoteIdent(rt+s))
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

// CreateSpatialIndex adds the gpkg_rtree_index extension to table.geomCol:
// the rtree_<table>_<col> virtual table, its triggers and the
// gpkg_extensions row, and fills it from the existing rows. It does nothing
// when the index exists. A nil tx runs in a transaction of its own.
func (db *DB) CreateSpatialIndex(ctx context.Context, tx *sql.Tx, table, geomCol string) error {
	return db.inTx(ctx, tx, func(tx *sql.Tx) error {
		if err := createSpatialIndex(ctx, tx, table, geomCol); err != nil {
			return fmt.Errorf("gpkg: %s: spatial index of %s.%s: %w", db.Path, table, geomCol, err)
		}
		return nil
	})
}

func createSpatialIndex(ctx context.Context, tx *sql.Tx, table, col string) error {
	rt := RTreeName(table, col)
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = ?", rt).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	cols, err := tableColumns(ctx, tx, table)
	if err != nil {
		return err
	}
	pk := primaryKey(cols)
	if pk == "" {
		return fmt.Errorf("table %s has no integer primary key", table)
	}
	stmts := []string{"CREATE VIRTUAL TABLE " + QuoteIdent(rt) + " USING rtree(id, minx, maxx, miny, maxy)"}
	for _, t := range rtreeTriggers {
		stmts = append(stmts, expandTrigger(t, table, col, pk))
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	if err := fillRTree(ctx, tx, table, col, pk); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
		VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')`, table, col, rtreeExtension)
	return err
}

// fillBatch is how many rows fillRTree reads before inserting them.
const fillBatch = 4096

// indexEntry is one R-tree row.
type indexEntry struct {
	id int64
	bd orb.Bound
	ok bool // false for empty or undecodable geometries, which are skipped
}

// fillRTree indexes the existing rows of table, computing the bounds in Go
// (a header read per blob) rather than through four SQL function calls per
// row; rows are read in primary key batches so no cursor stays open while
// the R-tree is written.
func fillRTree(ctx context.Context, tx *sql.Tx, table, col, pk string) error {
	p := QuoteIdent(pk)
	sel := "SELECT " + p + ", " + QuoteIdent(col) + " FROM " + QuoteIdent(table) + " WHERE " + p + " > ? AND " +
		QuoteIdent(col) + " NOT NULL ORDER BY " + p + " LIMIT " + strconv.Itoa(fillBatch)
	ins, err := tx.PrepareContext(ctx, "INSERT OR REPLACE INTO "+QuoteIdent(RTreeName(table, col))+" VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	batch := make([]indexEntry, 0, fillBatch)
	for last := int64(math.MinInt64); ; {
		var n int
		batch, n, err = readBounds(ctx, tx, sel, last, batch[:0])
		if err != nil || n == 0 {
			return err
		}
		for _, e := range batch {
			if !e.ok {
				continue
			}
			if _, err := ins.ExecContext(ctx, e.id, e.bd.Min[0], e.bd.Max[0], e.bd.Min[1], e.bd.Max[1]); err != nil {
				return err
			}
		}
		last = batch[len(batch)-1].id
	}
}

// readBounds reads one batch of rows after the given key and returns their
// entries and how many rows it read.
func readBounds(ctx context.Context, tx *sql.Tx, sel string, after int64, batch []indexEntry) ([]indexEntry, int, error) {
	rows, err := tx.QueryContext(ctx, sel, after)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var blob sql.RawBytes
		if err := rows.Scan(&id, &blob); err != nil {
			return nil, 0, err
		}
		n++
		bd, ok := BlobBound(blob)
		batch = append(batch, indexEntry{id: id, bd: bd, ok: ok})
	}
	return batch, n, rows.Err()
}

// SuspendRTreeTriggers drops the R-tree triggers of table.col inside tx, for
// a batch of writes that maintains the R-tree itself (MaintainRTree), and
// returns the function that recreates them; call it before tx commits. A
// batch of many rows saves the triggers' work and their four SQL function
// calls per row. Readers never see the triggers missing: the whole change is
// in one transaction.
func SuspendRTreeTriggers(ctx context.Context, tx *sql.Tx, table, col string) (resume func() error, err error) {
	cols, err := tableColumns(ctx, tx, table)
	if err != nil {
		return nil, err
	}
	pk := primaryKey(cols)
	if pk == "" {
		return nil, fmt.Errorf("gpkg: table %s has no integer primary key", table)
	}
	rt := RTreeName(table, col)
	for _, s := range triggerSuffixes {
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER IF EXISTS "+QuoteIdent(rt+s)); err != nil {
			return nil, fmt.Errorf("gpkg: suspend %s: %w", rt+s, err)
		}
	}
	return func() error {
		for _, t := range rtreeTriggers {
			if _, err := tx.ExecContext(ctx, expandTrigger(t, table, col, pk)); err != nil {
				return fmt.Errorf("gpkg: resume triggers of %s: %w", rt, err)
			}
		}
		return nil
	}, nil
}
