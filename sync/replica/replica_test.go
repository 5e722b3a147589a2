package replica

import (
	"context"
	"testing"
)

func TestCloneAndPush(t *testing.T) {
	e := newSQLiteEnv(t)
	bp := e.clone("admin", CloneOptions{})
	f := feature(t, bp, "gl_nzy", approvalUID(0))
	if f.Version != 1 || f.Attrs["pzwh"] != "原" {
		t.Fatalf("cloned approval: version %d attrs %v", f.Version, f.Attrs)
	}
	edit(t, bp, "gl_nzy", approvalUID(0), map[string]any{"pzwh": "新-1"})
	edit(t, bp, "gl_nzy", approvalUID(0), map[string]any{"ydw": "新单位"})
	s, err := NewSyncer(context.Background(), bp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := s.Status(context.Background()); err != nil || st.Pending != 2 || st.LastSync == "" {
		t.Fatalf("status before sync: %+v, %v", st, err)
	}
	res, err := s.Sync(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := s.Status(context.Background()); err != nil || st.Pending != 0 || !st.Online || st.LastError != "" {
		t.Fatalf("status after sync: %+v, %v", st, err)
	}
	if res.Applied != 2 || res.Conflicts != 0 || res.Rejected != 0 {
		t.Fatalf("sync: %+v", res)
	}
	r := e.serverFeature("gl_nzy", approvalUID(0))
	if r.Version != 2 || r.Props["pzwh"] != "新-1" || r.Props["ydw"] != "新单位" {
		t.Fatalf("server: version %d props %v", r.Version, r.Props)
	}
	if f := feature(t, bp, "gl_nzy", approvalUID(0)); f.Version != 2 {
		t.Fatalf("local version %d after the push, want 2", f.Version)
	}
	if n, _ := PendingCount(context.Background(), bp); n != 0 {
		t.Fatalf("%d pending after sync", n)
	}
	res = syncOnce(t, bp)
	if res.Pushed != 0 || res.Pulled != 0 {
		t.Fatalf("second sync did something: %+v", res)
	}
}
