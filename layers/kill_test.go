package layers

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"lantu/internal/testchild"
)

const killChildEnv = "LANTU_TEST_KILL_CHILD"

// editBatch is the size of each transaction the child commits: half
// inserts, half updates of earlier inserts.
const editBatch = 10

// TestKillDuringEdits kills a process with -9 while it commits batches of
// edits, then checks that every committed batch survived whole and no
// partial batch is visible.
func TestKillDuringEdits(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(path)
		return
	}
	poly, _ := testLayers(t)
	bp, path := newTestBlueprint(t)
	bp.Close()
	cmd, sc := testchild.Start(t, "TestKillDuringEdits", killChildEnv+"="+path)
	committed := 0
	for sc.Scan() && committed < 30 {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			committed, _ = strconv.Atoi(n)
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if committed < 30 {
		t.Fatalf("child committed only %d batches before it stopped", committed)
	}

	bp, err := Open(path, OpenOptions{})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer bp.Close()
	var check string
	if err := bp.DB().R.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %s %v", check, err)
	}
	j, err := bp.Journal(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	batches := len(j) / editBatch
	if len(j)%editBatch != 0 || batches < committed {
		t.Fatalf("journal has %d rows: want whole batches of %d, at least %d of them", len(j), editBatch, committed)
	}
	if got, want := bp.Layer(poly.Code).Count(), (batches+1)*editBatch/2; got != want {
		t.Errorf("%d features for %d committed batches, want %d", got, batches, want)
	}
	for _, e := range j {
		f, err := bp.FeatureByUID(context.Background(), poly.Code, e.UID)
		if err != nil {
			t.Fatalf("journal entry %d (%s %s) has no feature: %v", e.ID, e.Op, e.UID, err)
		}
		if e.Op == OpUpdate && f.Attrs[poly.LabelField] != "updated" {
			t.Errorf("update %d not visible on %s: %v", e.ID, e.UID, f.Attrs[poly.LabelField])
		}
	}
}

// killChild commits batches forever, printing each commit, until killed.
func killChild(path string) {
	poly, _ := testLayers(&testing.T{})
	bp, err := Open(path, OpenOptions{User: "child"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	ctx := context.Background()
	var prev []string
	for batch := 1; ; batch++ {
		var edits []Edit
		for i := 0; i < editBatch/2; i++ {
			x := float64(batch*100 + i*10)
			sq := orb.Polygon{{{x, 0}, {x + 5, 0}, {x + 5, 5}, {x, 5}, {x, 0}}}
			edits = append(edits, Edit{Op: OpInsert, Layer: poly.Code, Geom: sq})
		}
		for i := 0; i < editBatch/2; i++ {
			if len(prev) == 0 { // the first batch inserts only
				sq := orb.Polygon{{{0, float64(10 * i)}, {5, float64(10 * i)}, {5, float64(10*i + 5)}, {0, float64(10 * i)}}}
				edits = append(edits, Edit{Op: OpInsert, Layer: poly.Code, Geom: sq})
				continue
			}
			edits = append(edits, Edit{Op: OpUpdate, Layer: poly.Code, UID: prev[i], Attrs: map[string]any{poly.LabelField: "updated"}})
		}
		fs, err := bp.Apply(ctx, edits...)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		prev = prev[:0]
		for _, f := range fs[:editBatch/2] {
			prev = append(prev, f.UID)
		}
		fmt.Printf("committed %d\n", batch)
	}
}
