package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/layers/siting"
)

// TestSitingAttaches checks that --out stores the report with its
// proposal, --no-attach does not, and an immutable blueprint is refused
// with ErrReadOnly before the review unless --no-attach.
func TestSitingAttaches(t *testing.T) {
	path := conflictFixture(t)
	out, err := runFresh(t, editCmd, path, "--layer", "GL_XZFA", "--add", "--geom", inRed, "--set", "xmmc=某项目", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var ed editResult
	if err := json.Unmarshal([]byte(out), &ed); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "report.pdf")
	if _, err := runFresh(t, sitingCmd, path, "--uid", ed.UID, "--out", pdf); err != nil {
		t.Fatal(err)
	}
	if _, err := runFresh(t, sitingCmd, path, "--uid", ed.UID, "--out", pdf); err == nil {
		t.Error("an existing --out was replaced without --force")
	}
	if _, err := runFresh(t, sitingCmd, path, "--uid", ed.UID, "--out", filepath.Join(dir, "r.xlsx"), "--no-attach"); err != nil {
		t.Fatal(err)
	}
	stored := attached(t, path, ed.UID)
	want, _ := os.ReadFile(pdf)
	if len(stored) != 1 || !bytes.Equal(stored[0], want) {
		t.Fatalf("%d reports attached, want the one PDF (%d bytes)", len(stored), len(want))
	}

	chattr := peertest.Tool(t, "chattr")
	if err := exec.Command(chattr, "+i", path).Run(); err != nil {
		peertest.Missing(t, "chattr +i %s: %v", path, err)
	}
	t.Cleanup(func() { exec.Command(chattr, "-i", path).Run() })
	_, err = runFresh(t, sitingCmd, path, "--uid", ed.UID, "--out", filepath.Join(dir, "ro.pdf"))
	if !errors.Is(err, layers.ErrReadOnly) {
		t.Errorf("attach to an immutable blueprint: %v, want ErrReadOnly", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ro.pdf")); err == nil {
		t.Error("a refused run left its report file")
	}
	if _, err := runFresh(t, sitingCmd, path, "--uid", ed.UID, "--out", filepath.Join(dir, "ro.pdf"), "--no-attach"); err != nil {
		t.Errorf("--no-attach on an immutable blueprint: %v", err)
	}
}

// attached reads the bytes of the reports attached to uid.
func attached(t *testing.T, path, uid string) [][]byte {
	t.Helper()
	ctx := context.Background()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	rs, err := siting.Reports(ctx, bp, uid)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, r := range rs {
		b, err := siting.ReportData(ctx, bp, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
