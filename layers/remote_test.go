package layers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"lantu/internal/testchild"
)

func TestApplyRemote(t *testing.T) {
	poly, _ := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	local, err := bp.Apply(ctx,
		Edit{Op: OpInsert, Layer: poly.Code, Geom: square(0, 0), Attrs: map[string]any{poly.LabelField: "甲"}},
		Edit{Op: OpInsert, Layer: poly.Code, Geom: square(100, 0)})
	if err != nil {
		t.Fatal(err)
	}
	head, _ := bp.JournalHead(ctx)
	when := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	batch := RemoteBatch{Remote: "hub", Collection: poly.Table, Cursor: "c-2", Changes: []RemoteChange{
		{Layer: poly.Code, UID: "remote-1", Geom: square(500, 500), Attrs: map[string]any{poly.LabelField: "新"}, Version: 3, User: "wang", Time: when},
		{Layer: poly.Code, UID: local[0].UID, Attrs: map[string]any{poly.LabelField: "改"}, Version: 5, User: "wang", Time: when},
		{Layer: poly.Code, UID: local[1].UID, Delete: true, Version: 2, User: "wang", Time: when},
		{Layer: poly.Code, UID: "never-here", Delete: true, Version: 9},
	}}
	res, err := bp.ApplyRemote(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 3 || res.Stale != 1 {
		t.Errorf("result %+v, want 3 applied, 1 stale", res)
	}
	if h, _ := bp.JournalHead(ctx); h != head {
		t.Errorf("remote changes wrote journal rows: head %d -> %d", head, h)
	}
	if c, _ := bp.Cursor(ctx, "hub", poly.Table); c != "c-2" {
		t.Errorf("cursor %q, want c-2", c)
	}
	f, err := bp.FeatureByUID(ctx, poly.Code, "remote-1")
	if err != nil || f.Version != 3 || f.Attrs[poly.LabelField] != "新" || f.Attrs["updated_by"] != "wang" ||
		!strings.HasPrefix(fmt.Sprint(f.Attrs["updated_at"]), "2026-11-30 08:00:00") {
		t.Errorf("remote insert: %+v %v", f, err)
	}
	f, err = bp.FeatureByUID(ctx, poly.Code, local[0].UID)
	if err != nil || f.Version != 5 || f.Attrs[poly.LabelField] != "改" || f.Geom.Bound() != square(0, 0).Bound() {
		t.Errorf("remote update: %+v %v", f, err)
	}
	if _, err := bp.FeatureByUID(ctx, poly.Code, local[1].UID); !errors.Is(err, ErrNoFeature) {
		t.Errorf("remote delete: %v", err)
	}
	l := bp.Layer(poly.Code)
	if got := l.Search(orb.Bound{Min: orb.Point{499, 499}, Max: orb.Point{511, 511}}); len(got) != 1 || l.Count() != 2 {
		t.Errorf("index after remote batch: %v, count %d", got, l.Count())
	}
	if got := l.Search(square(100, 0).Bound()); len(got) != 0 {
		t.Errorf("deleted feature still indexed: %v", got)
	}
	// The same batch again changes nothing: every change is stale.
	if res, err := bp.ApplyRemote(ctx, batch); err != nil || res.Applied != 0 || res.Stale != 4 {
		t.Errorf("batch applied twice: %+v %v", res, err)
	}
	// A local edit keeps the exchange version it was based on.
	if _, err := bp.Apply(ctx, Edit{Op: OpUpdate, Layer: poly.Code, UID: "remote-1", Attrs: map[string]any{poly.LabelField: "本地"}}); err != nil {
		t.Fatal(err)
	}
	j, _ := bp.Journal(ctx, head, 0)
	if f, _ := bp.FeatureByUID(ctx, poly.Code, "remote-1"); len(j) != 1 || j[0].BaseVersion != 3 || f.Version != 3 {
		t.Errorf("local edit after sync: journal %+v, version %d", j, f.Version)
	}
}

// TestApplyRemoteAllOrNothing: one bad change fails the whole batch, and
// neither its other changes nor its cursor are stored.
func TestApplyRemoteAllOrNothing(t *testing.T) {
	poly, _ := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	if err := bp.SetCursor(ctx, "hub", poly.Table, "c-1"); err != nil {
		t.Fatal(err)
	}
	good := RemoteChange{Layer: poly.Code, UID: "a", Geom: square(0, 0), Version: 1}
	for name, bad := range map[string]RemoteChange{
		"unknown field": {Layer: poly.Code, UID: "b", Geom: square(20, 0), Version: 1, Attrs: map[string]any{"no_such": 1}},
		"system field":  {Layer: poly.Code, UID: "b", Geom: square(20, 0), Version: 1, Attrs: map[string]any{"version": 4}},
		"no version":    {Layer: poly.Code, UID: "b", Geom: square(20, 0)},
		"no uid":        {Layer: poly.Code, Geom: square(20, 0), Version: 1},
		"no geometry":   {Layer: poly.Code, UID: "b", Version: 1},
		"unknown layer": {Layer: "no_such_layer", UID: "b", Geom: square(20, 0), Version: 1},
	} {
		_, err := bp.ApplyRemote(ctx, RemoteBatch{Remote: "hub", Collection: poly.Table, Cursor: "c-2", Changes: []RemoteChange{good, bad}})
		if err == nil || !strings.Contains(err.Error(), bp.Path()) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if c, _ := bp.Cursor(ctx, "hub", poly.Table); c != "c-1" || bp.Layer(poly.Code).Count() != 0 {
		t.Errorf("failed batches left cursor %q and %d features", c, bp.Layer(poly.Code).Count())
	}
	if _, err := bp.FeatureByUID(ctx, poly.Code, "a"); !errors.Is(err, ErrNoFeature) {
		t.Errorf("a failed batch's good change is stored: %v", err)
	}
}

func TestOnChange(t *testing.T) {
	poly, point := testLayers(t)
	bp, _ := newTestBlueprint(t)
	ctx := context.Background()
	var mu sync.Mutex
	var got []ChangeSet
	heard := make(chan struct{}, 10)
	remove := bp.OnChange(func(cs ChangeSet) {
		// A listener may write the blueprint: it does not run under the writer lock.
		if err := bp.Write(ctx, func(tx *sql.Tx) error { return nil }); err != nil {
			t.Errorf("Write from a listener: %v", err)
		}
		mu.Lock()
		got = append(got, cs)
		mu.Unlock()
		heard <- struct{}{}
	})
	fs, err := bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(0, 0)},
		Edit{Op: OpInsert, Layer: point.Code, Geom: orb.Point{5, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bp.ApplyRemote(ctx, RemoteBatch{Remote: "hub", Collection: poly.Table, Cursor: "1", Changes: []RemoteChange{
		{Layer: poly.Code, UID: fs[0].UID, Delete: true, Version: 1},
		{Layer: poly.Code, UID: "r", Geom: square(50, 0), Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	w, _ := bp.Bulk(ctx)
	w.Insert(point.Code, orb.Point{1, 1}, nil)
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		select {
		case <-heard:
		case <-time.After(10 * time.Second):
			t.Fatal("a change was not heard")
		}
	}
	remove()
	bp.Apply(ctx, Edit{Op: OpInsert, Layer: poly.Code, Geom: square(90, 0)})
	pl, pt := bp.Layer(poly.Code).Table, bp.Layer(point.Code).Table
	want := []string{
		fmt.Sprintf(`local %s+[%s] %s+[%s]`, pl, fs[0].UID, pt, fs[1].UID),
		fmt.Sprintf(`hub %s+[r]-[%s]`, pl, fs[0].UID),
		fmt.Sprintf(`local %s reloaded`, pt),
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(want) {
		t.Fatalf("heard %d change sets, want %d: %+v", len(got), len(want), got)
	}
	for i, cs := range got {
		if s := describe(cs); s != want[i] {
			t.Errorf("change %d: %s, want %s", i, s, want[i])
		}
	}
}

// describe writes a ChangeSet as "remote layer+[upserted]-[deleted] ...".
func describe(cs ChangeSet) string {
	parts := []string{cs.Remote}
	if cs.Remote == "" {
		parts[0] = "local"
	}
	for _, l := range cs.Layers {
		s := l.Layer
		if l.Reloaded {
			s += " reloaded"
		}
		if len(l.Upserted) > 0 {
			s += "+[" + strings.Join(l.Upserted, ",") + "]"
		}
		if len(l.Deleted) > 0 {
			s += "-[" + strings.Join(l.Deleted, ",") + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

const remoteKillEnv = "LANTU_TEST_REMOTE_KILL_CHILD"

// remoteKillBatch is the size of the batch the child is killed in.
const remoteKillBatch = 400

// TestKillDuringRemoteBatch kills a process with -9 half-way through a
// remote batch: afterwards the file holds the batch before it and its
// cursor, and nothing of the killed one.
func TestKillDuringRemoteBatch(t *testing.T) {
	if path := os.Getenv(remoteKillEnv); path != "" {
		remoteKillChild(path)
		return
	}
	poly, _ := testLayers(t)
	bp, path := newTestBlueprint(t)
	if _, err := bp.ApplyRemote(context.Background(), remoteBatch(poly.Code, "c-1", 0, 50)); err != nil {
		t.Fatal(err)
	}
	bp.Close()
	cmd, sc := testchild.Start(t, "TestKillDuringRemoteBatch", remoteKillEnv+"="+path)
	half := false
	for !half && sc.Scan() {
		half = sc.Text() == "half"
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !half {
		t.Fatal("the child never reached the middle of its batch")
	}
	bp, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer bp.Close()
	var check string
	if err := bp.Read(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow("PRAGMA integrity_check").Scan(&check)
	}); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %s %v", check, err)
	}
	c, _ := bp.Cursor(context.Background(), "hub", poly.Code)
	if n := bp.Layer(poly.Code).Count(); c != "c-1" || n != 50 {
		t.Fatalf("after a kill mid-batch: cursor %q and %d features, want c-1 and 50", c, n)
	}
	// The batch pulled again applies whole.
	res, err := bp.ApplyRemote(context.Background(), remoteBatch(poly.Code, "c-2", 50, remoteKillBatch))
	if err != nil || res.Applied != remoteKillBatch || bp.Layer(poly.Code).Count() != 50+remoteKillBatch {
		t.Errorf("batch again: %+v %v", res, err)
	}
}

// remoteBatch inserts n squares with uids from first on.
func remoteBatch(layer, cursor string, first, n int) RemoteBatch {
	b := RemoteBatch{Remote: "hub", Collection: layer, Cursor: cursor}
	for i := first; i < first+n; i++ {
		b.Changes = append(b.Changes, RemoteChange{Layer: layer, UID: fmt.Sprintf("f-%04d", i),
			Geom: square(float64(20*(i%50)), float64(20*(i/50))), Version: int64(i + 1), User: "hub"})
	}
	return b
}

// remoteKillChild applies one batch and stops for good half-way.
func remoteKillChild(path string) {
	poly, _ := testLayers(&testing.T{})
	bp, err := Open(path, OpenOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	b := remoteBatch(poly.Code, "c-2", 50, remoteKillBatch)
	testHookRemote = func(i int) {
		if i == len(b.Changes)/2 {
			fmt.Println("half")
			select {}
		}
	}
	bp.ApplyRemote(context.Background(), b)
	fmt.Println("finished")
	os.Exit(4)
}

// BenchmarkApplyRemoteBatch measures remote batches of 1000 new features
// with their cursor, as a pull of a change feed writes them.
func BenchmarkApplyRemoteBatch(b *testing.B) {
	bp, err := Create(b.TempDir()+"/remote.gpkg", CreateOptions{User: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer bp.Close()
	poly, _ := testLayers(&testing.T{})
	const batch = 1000
	n := 0
	for b.Loop() {
		rb := remoteBatch(poly.Code, fmt.Sprint(n), n, batch)
		n += batch
		if _, err := bp.ApplyRemote(context.Background(), rb); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "changes/s")
}
