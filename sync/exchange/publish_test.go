package exchange

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"lantu/layers"
)

// TestPublishVersions: a republish writes only what changed in the
// blueprint (version+1, one feed entry each) and keeps the uids.
func TestPublishVersions(t *testing.T) {
	eachStore(t, func(t *testing.T, s Store) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "bp.gpkg")
		copyFile(t, fixtureBlueprint(t), path)
		if _, err := Publish(ctx, s, path, nil, "p"); err != nil {
			t.Fatal(err)
		}
		high, _ := s.HighWater(ctx, "xz_dltb")
		bp, err := layers.Open(path, layers.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: "XZ_DLTB", UID: patchUID(9), Attrs: map[string]any{"dlbm": "1203"}})
		bp.Close()
		if err != nil {
			t.Fatal(err)
		}
		st, err := Publish(ctx, s, path, []string{"XZ_DLTB"}, "p")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Collections) != 1 || st.Collections[0].Written != 1 || st.Collections[0].Unchanged != patches-1 {
			t.Fatalf("republish: %+v, want 1 written, %d unchanged", st.Collections, patches-1)
		}
		rec, err := s.Item(ctx, "xz_dltb", patchUID(9))
		if err != nil || rec.Version != 2 || rec.Props["dlbm"] != "1203" {
			t.Errorf("changed feature: %+v %v, want version 2 with dlbm 1203", rec, err)
		}
		page, err := s.Changes(ctx, ChangeQuery{Collection: "xz_dltb", Since: high, Limit: 100})
		if err != nil || len(page.Records) != 1 || page.Records[0].UID != patchUID(9) {
			t.Errorf("feed after the republish: %d records %v, want only %s", len(page.Records), err, patchUID(9))
		}
	})
}

func copyFile(t *testing.T, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
