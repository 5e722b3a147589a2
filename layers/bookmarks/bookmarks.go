// Package bookmarks keeps the named map views (书签) a user saves in a
// blueprint: a centre in the blueprint's CRS and a resolution (map units
// per pixel), with who saved it and when.
//
// Bookmarks live in the table lantu_bookmarks, registered in gpkg_contents
// as an attributes table, and are written only through the Blueprint's
// writer (Blueprint.Write). A name is unique: Save refuses a name already
// used with ErrExists unless asked to replace it, in which case the old
// view is overwritten (and its saved-by and saved-at updated). On a
// read-only blueprint Save and Delete return layers.ErrReadOnly naming the
// file and change nothing; List reads any blueprint, with or without the
// table.
//
// Every function is safe for concurrent use (the Blueprint serialises
// writes).
package bookmarks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"lantu/layers"
	"lantu/layers/gpkg"
)

// Table is the blueprint table of bookmarks.
const Table = "lantu_bookmarks"

// MaxName is the longest name, in characters.
const MaxName = 100

// Sentinel errors, wrapped with the file and the bookmark's name.
var (
	ErrName     = errors.New("bookmarks: bad name")
	ErrView     = errors.New("bookmarks: bad view")
	ErrExists   = errors.New("bookmarks: name already used")
	ErrNotFound = errors.New("bookmarks: no such bookmark")
)

// Bookmark is one saved view. A plain value, safe for concurrent use.
type Bookmark struct {
	ID        int64   // the row's fid; set by Save and List
	Name      string  // unique, trimmed
	X, Y      float64 // the view's centre, in the blueprint's CRS
	Res       float64 // map units per pixel
	CreatedBy string  // set by Save: the blueprint's user
	CreatedAt time.Time
}

var columns = []gpkg.Column{
	{Name: "name", Type: "TEXT", NotNull: true, Unique: true},
	{Name: "x", Type: "REAL", NotNull: true}, {Name: "y", Type: "REAL", NotNull: true},
	{Name: "res", Type: "REAL", NotNull: true}, {Name: "srs_id", Type: "INTEGER"},
	{Name: "created_by", Type: "TEXT"}, {Name: "created_at", Type: "TEXT", NotNull: true},
}

const timeFormat = "2006-01-02T15:04:05.000Z"

// CleanName trims a name and checks it: not empty, at most MaxName
// characters, no control characters.
func CleanName(name string) (string, error) {
	n := strings.TrimSpace(name)
	switch {
	case n == "":
		return "", fmt.Errorf("%w: empty", ErrName)
	case len([]rune(n)) > MaxName:
		return "", fmt.Errorf("%w: %q is longer than %d characters", ErrName, n, MaxName)
	case strings.IndexFunc(n, unicode.IsControl) >= 0:
		return "", fmt.Errorf("%w: %q has a control character", ErrName, n)
	}
	return n, nil
}

func checkView(b Bookmark) error {
	for _, v := range []float64{b.X, b.Y, b.Res} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %q: centre (%v, %v) resolution %v", ErrView, b.Name, b.X, b.Y, b.Res)
		}
	}
	if b.Res <= 0 {
		return fmt.Errorf("%w: %q: resolution %v, want > 0", ErrView, b.Name, b.Res)
	}
	return nil
}

// Save stores b under its (cleaned) name and returns it as stored. A name
// already used is refused with ErrExists unless replace, which overwrites
// that bookmark's view keeping its ID.
func Save(ctx context.Context, bp *layers.Blueprint, b Bookmark, replace bool) (Bookmark, error) {
	name, err := CleanName(b.Name)
	if err != nil {
		return b, fmt.Errorf("%s: %w", bp.Path(), err)
	}
	b.Name, b.CreatedBy, b.CreatedAt = name, bp.User(), time.Now().UTC().Truncate(time.Millisecond)
	if err := checkView(b); err != nil {
		return b, fmt.Errorf("%s: %w", bp.Path(), err)
	}
	err = bp.Write(ctx, func(tx *sql.Tx) error {
		if err := create(ctx, bp, tx); err != nil {
			return err
		}
		return upsert(ctx, tx, bp.SRID(), &b, replace)
	})
	if err != nil {
		return b, fmt.Errorf("bookmarks: %s: save %q: %w", bp.Path(), name, err)
	}
	return b, nil
}

// upsert inserts b, or updates the row of that name when replace.
func upsert(ctx context.Context, tx *sql.Tx, srid int, b *Bookmark, replace bool) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT fid FROM `+Table+` WHERE name = ?`, b.Name).Scan(&id)
	at := b.CreatedAt.Format(timeFormat)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.ExecContext(ctx, `INSERT INTO `+Table+` (name, x, y, res, srs_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, b.Name, b.X, b.Y, b.Res, srid, b.CreatedBy, at)
		if err != nil {
			return err
		}
		b.ID, err = res.LastInsertId()
		return err
	case err != nil:
		return err
	case !replace:
		return ErrExists
	}
	b.ID = id
	_, err = tx.ExecContext(ctx, `UPDATE `+Table+` SET x = ?, y = ?, res = ?, srs_id = ?, created_by = ?, created_at = ?
		WHERE fid = ?`, b.X, b.Y, b.Res, srid, b.CreatedBy, at, id)
	return err
}

// create makes the table in tx when it does not see it.
func create(ctx context.Context, bp *layers.Blueprint, tx *sql.Tx) error {
	ok, err := layers.TableExists(ctx, tx, Table)
	if err != nil || ok {
		return err
	}
	return bp.DB().CreateTable(ctx, tx, gpkg.TableSpec{Table: Table, DataType: "attributes",
		Identifier: "书签 Bookmarks", Description: "Named map views", Columns: columns})
}

// List returns the bookmarks sorted by name; none when the blueprint has
// no bookmark table.
func List(ctx context.Context, bp *layers.Blueprint) ([]Bookmark, error) {
	var out []Bookmark
	err := bp.Read(ctx, func(tx *sql.Tx) error {
		if ok, err := layers.TableExists(ctx, tx, Table); err != nil || !ok {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT fid, name, x, y, res, coalesce(created_by, ''), created_at
			FROM `+Table+` ORDER BY name, fid`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b Bookmark
			var at string
			if err := rows.Scan(&b.ID, &b.Name, &b.X, &b.Y, &b.Res, &b.CreatedBy, &at); err != nil {
				return err
			}
			if b.CreatedAt, err = time.Parse(timeFormat, at); err != nil {
				return fmt.Errorf("fid %d %q: created_at: %w", b.ID, b.Name, err)
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("bookmarks: %s: %s: %w", bp.Path(), Table, err)
	}
	return out, nil
}

// Delete removes the bookmark of that name; ErrNotFound when there is none.
func Delete(ctx context.Context, bp *layers.Blueprint, name string) error {
	err := bp.Write(ctx, func(tx *sql.Tx) error {
		ok, err := layers.TableExists(ctx, tx, Table)
		if err != nil || !ok {
			if err == nil {
				err = ErrNotFound
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM `+Table+` WHERE name = ?`, strings.TrimSpace(name))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bookmarks: %s: delete %q: %w", bp.Path(), name, err)
	}
	return nil
}
