package replica

import (
	"context"
	"testing"

	"github.com/paulmach/orb"

	"lantu/layers"
)

// Two replicas edit the same approval.
func TestTwoReplicasMerge(t *testing.T) {
	ctx := context.Background()
	e := newSQLiteEnv(t)
	a := e.clone("admin", CloneOptions{})
	b := e.clone("admin2", CloneOptions{})
	uid := approvalUID(1)

	t.Run("different fields merge", func(t *testing.T) {
		edit(t, a, "gl_nzy", uid, map[string]any{"pzwh": "A号"})
		edit(t, b, "gl_nzy", uid, map[string]any{"ydw": "B单位"})
		if res := syncOnce(t, a); res.Applied != 1 {
			t.Fatalf("a: %+v", res)
		}
		res := syncOnce(t, b)
		if res.Merged != 1 || res.Conflicts != 0 {
			t.Fatalf("b: %+v", res)
		}
		syncOnce(t, a)
		for _, bp := range []*layers.Blueprint{a, b} {
			f := feature(t, bp, "gl_nzy", uid)
			if f.Attrs["pzwh"] != "A号" || f.Attrs["ydw"] != "B单位" {
				t.Fatalf("%s: %v", bp.Path(), f.Attrs)
			}
		}
		r := e.serverFeature("gl_nzy", uid)
		if r.Props["pzwh"] != "A号" || r.Props["ydw"] != "B单位" {
			t.Fatalf("server: %v", r.Props)
		}
	})

	t.Run("identical edits are no conflict", func(t *testing.T) {
		edit(t, a, "gl_nzy", uid, map[string]any{"xmmc": "同名"})
		edit(t, b, "gl_nzy", uid, map[string]any{"xmmc": "同名"})
		syncOnce(t, a)
		res := syncOnce(t, b)
		if res.Conflicts != 0 || res.Applied != 1 {
			t.Fatalf("b: %+v", res)
		}
		if open, _ := Conflicts(ctx, b, false); len(open) != 0 {
			t.Fatalf("open conflicts: %+v", open)
		}
	})

	t.Run("same field conflicts and resolves", func(t *testing.T) {
		edit(t, a, "gl_nzy", uid, map[string]any{"pzwh": "A2"})
		edit(t, b, "gl_nzy", uid, map[string]any{"pzwh": "B2", "mj": 1234.5})
		if res := syncOnce(t, a); res.Applied != 1 {
			t.Fatalf("a: %+v", res)
		}
		res := syncOnce(t, b)
		if res.Conflicts != 1 || len(res.Open) != 1 || res.Open[0].Fields[0] != "pzwh" {
			t.Fatalf("b: %+v", res)
		}
		// Nothing is lost: b still shows its own edit, the record holds both.
		if f := feature(t, b, "gl_nzy", uid); f.Attrs["pzwh"] != "B2" {
			t.Fatalf("b lost its edit: %v", f.Attrs)
		}
		c := res.Open[0]
		if c.Mine.Props["pzwh"] != "B2" || c.Theirs.Props["pzwh"] != "A2" || c.Base.Props["pzwh"] != "A号" {
			t.Fatalf("conflict record: base %v mine %v theirs %v", c.Base.Props, c.Mine.Props, c.Theirs.Props)
		}
		// A later pull does not overwrite b's edit.
		edit(t, a, "gl_nzy", uid, map[string]any{"ydw": "A单位"})
		syncOnce(t, a)
		res = syncOnce(t, b)
		if f := feature(t, b, "gl_nzy", uid); f.Attrs["pzwh"] != "B2" || len(res.Open) != 1 {
			t.Fatalf("b after a pull: %v, %+v", f.Attrs, res)
		}
		if _, err := Resolve(ctx, b, "GL_NZY", uid, TakeMine); err != nil {
			t.Fatal(err)
		}
		syncOnce(t, b)
		syncOnce(t, a)
		r := e.serverFeature("gl_nzy", uid)
		if r.Props["pzwh"] != "B2" || r.Props["ydw"] != "A单位" || !ValueEqual(r.Props["mj"], 1234.5) {
			t.Fatalf("server after resolve: %v", r.Props)
		}
		for _, bp := range []*layers.Blueprint{a, b} {
			f := feature(t, bp, "gl_nzy", uid)
			if f.Attrs["pzwh"] != "B2" || f.Attrs["ydw"] != "A单位" || f.Version != r.Version {
				t.Fatalf("%s: version %d %v, server version %d", bp.Path(), f.Version, f.Attrs, r.Version)
			}
		}
		if open, _ := Conflicts(ctx, b, false); len(open) != 0 {
			t.Fatalf("open conflicts after resolve: %+v", open)
		}
	})

	t.Run("delete against edit conflicts", func(t *testing.T) {
		uid := approvalUID(2)
		if _, err := a.Apply(ctx, layers.Edit{Op: layers.OpDelete, Layer: "gl_nzy", UID: uid}); err != nil {
			t.Fatal(err)
		}
		edit(t, b, "gl_nzy", uid, map[string]any{"ydw": "还要"})
		syncOnce(t, a)
		res := syncOnce(t, b)
		if res.Conflicts != 1 || len(res.Open) != 1 || res.Open[0].Fields[0] != DeletedField {
			t.Fatalf("b: %+v", res)
		}
		if _, err := Resolve(ctx, b, "gl_nzy", uid, TakeTheirs); err != nil {
			t.Fatal(err)
		}
		syncOnce(t, b)
		if _, err := b.FeatureByUID(ctx, "gl_nzy", uid); err == nil {
			t.Fatal("taking theirs (deleted) left the feature")
		}
		if r := e.serverFeature("gl_nzy", uid); !r.Deleted {
			t.Fatalf("server: %+v", r)
		}
	})
}

// A district token cannot write outside its district or base data: the
// rejections are recorded and shown.
func TestDistrictRejections(t *testing.T) {
	ctx := context.Background()
	e := newSQLiteEnv(t)
	bp := e.clone("district", CloneOptions{District: distA})
	if _, err := bp.FeatureByUID(ctx, "xz_dltb", patchUID(nPatches-1)); err == nil {
		t.Fatal("a district replica holds a patch of the other district")
	}
	edit(t, bp, "xz_dltb", patchUID(0), map[string]any{"dlbm": "0201"}) // base data
	inside := orb.MultiPolygon{square(501000, 4632000, 100)}
	outside := orb.MultiPolygon{square(515000, 4632000, 100)}
	for _, g := range []orb.Geometry{inside, outside} {
		if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpInsert, Layer: "GL_XZFA", Geom: g, Attrs: map[string]any{"xmmc": "方案"}}); err != nil {
			t.Fatal(err)
		}
	}
	res := syncOnce(t, bp)
	if res.Applied != 1 || res.Rejected != 2 {
		t.Fatalf("sync: %+v", res)
	}
	rej, err := Results(ctx, bp, 0, ResultRejected)
	if err != nil || len(rej) != 2 {
		t.Fatalf("recorded rejections: %+v, %v", rej, err)
	}
	for _, r := range rej {
		if r.Reason == "" {
			t.Fatalf("rejection without a reason: %+v", r)
		}
	}
	if n, _ := PendingCount(ctx, bp); n != 0 {
		t.Fatalf("%d pending", n)
	}
}
