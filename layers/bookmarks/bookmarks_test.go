package bookmarks

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"lantu/layers"
	"lantu/layers/peer/peertest"
)

func newBlueprint(t *testing.T) *layers.Blueprint {
	t.Helper()
	bp, err := layers.Create(filepath.Join(t.TempDir(), "bm.gpkg"), layers.CreateOptions{User: "规划员"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bp.Close() })
	return bp
}

// TestRoundTrip saves two bookmarks, lists them by name, refuses a
// duplicate name, replaces it when asked (same ID, new view), deletes one
// and passes GDAL's GeoPackage validator.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t)
	if got, err := List(ctx, bp); err != nil || len(got) != 0 {
		t.Fatalf("no table: %v, %v", got, err)
	}
	a, err := Save(ctx, bp, Bookmark{Name: "  沈阳站 ", X: 41500123.25, Y: 4630456.5, Res: 0.75}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Save(ctx, bp, Bookmark{Name: "Beiling Park", X: 41510000, Y: 4640000, Res: 2}, false); err != nil {
		t.Fatal(err)
	}
	got, err := List(ctx, bp)
	if err != nil || len(got) != 2 {
		t.Fatalf("list %v, %v", got, err)
	}
	if g := got[1]; g.Name != "沈阳站" || g.X != 41500123.25 || g.Y != 4630456.5 || g.Res != 0.75 || g.CreatedBy != "规划员" ||
		g.ID != a.ID || !g.CreatedAt.Equal(a.CreatedAt) || got[0].Name != "Beiling Park" {
		t.Errorf("listed %+v, saved %+v", got, a)
	}
	_, err = Save(ctx, bp, Bookmark{Name: "沈阳站", X: 1, Y: 2, Res: 3}, false)
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "沈阳站") {
		t.Errorf("duplicate: %v, want ErrExists naming it", err)
	}
	r, err := Save(ctx, bp, Bookmark{Name: "沈阳站", X: 1, Y: 2, Res: 3}, true)
	if err != nil || r.ID != a.ID {
		t.Fatalf("replace: %+v, %v", r, err)
	}
	got, _ = List(ctx, bp)
	if len(got) != 2 || got[1].X != 1 || got[1].Res != 3 {
		t.Errorf("after replace %+v", got)
	}
	if err := Delete(ctx, bp, "Beiling Park"); err != nil {
		t.Fatal(err)
	}
	if err := Delete(ctx, bp, "Beiling Park"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if got, _ = List(ctx, bp); len(got) != 1 || got[0].Name != "沈阳站" {
		t.Errorf("after delete %+v", got)
	}
	path := bp.Path()
	bp.Close()
	peertest.ValidateGPKG(t, path)
}

// TestRefused checks bad names and views, and a read-only blueprint, store
// nothing.
func TestRefused(t *testing.T) {
	ctx := context.Background()
	bp := newBlueprint(t)
	for _, c := range []struct {
		b    Bookmark
		want error
	}{
		{Bookmark{Name: "  ", Res: 1}, ErrName},
		{Bookmark{Name: strings.Repeat("名", MaxName+1), Res: 1}, ErrName},
		{Bookmark{Name: "a\tb", Res: 1}, ErrName},
		{Bookmark{Name: "zero", Res: 0}, ErrView},
		{Bookmark{Name: "nan", X: math.NaN(), Res: 1}, ErrView},
		{Bookmark{Name: "inf", Y: math.Inf(1), Res: 1}, ErrView},
	} {
		if _, err := Save(ctx, bp, c.b, false); !errors.Is(err, c.want) {
			t.Errorf("%q: %v, want %v", c.b.Name, err, c.want)
		}
	}
	if ok, _ := bp.HasTable(ctx, Table); ok {
		t.Error("refused saves created the table")
	}
	if _, err := Save(ctx, bp, Bookmark{Name: "keep", X: 1, Y: 1, Res: 1}, false); err != nil {
		t.Fatal(err)
	}
	path := bp.Path()
	bp.Close()
	ro, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := Save(ctx, ro, Bookmark{Name: "new", X: 1, Y: 1, Res: 1}, false); !errors.Is(err, layers.ErrReadOnly) {
		t.Errorf("read-only save: %v", err)
	}
	if err := Delete(ctx, ro, "keep"); !errors.Is(err, layers.ErrReadOnly) {
		t.Errorf("read-only delete: %v", err)
	}
	if got, err := List(ctx, ro); err != nil || len(got) != 1 {
		t.Errorf("read-only list %v, %v", got, err)
	}
}
