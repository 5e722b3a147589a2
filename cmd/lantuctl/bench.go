package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/paulmach/orb"
	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/layers/demo"
	"lantu/layers/outfile"
	"lantu/layers/render"
)

func init() { root.AddCommand(benchCmd()) }

// benchStep is one timed user-level operation of `lantuctl bench`.
type benchStep struct {
	Op     string  `json:"op"`
	Millis float64 `json:"ms"`
	Detail string  `json:"detail"`
}

// benchReport is the --json output of `lantuctl bench`.
type benchReport struct {
	File     string      `json:"file"`
	Scale    string      `json:"scale"`
	Features int         `json:"features"`
	CPUs     int         `json:"cpus"`
	Go       string      `json:"go"`
	Steps    []benchStep `json:"steps"`
}

func benchCmd() *cobra.Command {
	var scale, dir, dataDir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "bench [--scale tiny|small|city] [--out DIR]",
		Short: "Time what a user does on a demo blueprint: open, a 5 km query, a full render, the default check, 1000 edits",
		Long: "Generate the demo blueprint of the scale once (cached in DIR as demo-SCALE.gpkg, the cache the\n" +
			"package benchmarks share), then time, once each and by the wall clock: opening it until every\n" +
			"index is ready, a 5 km x 3 km query at its centre (index search, then features with attributes),\n" +
			"a 1920x1080 render of the full extent with relief, and, on a copy that is deleted afterwards,\n" +
			"the default conflict check (patches stored) and one Apply of 1000 new parcels.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if scale != "tiny" && scale != "small" && scale != "city" {
				return usagef("bench: --scale %q: want tiny, small or city", scale)
			}
			path, err := benchBlueprint(cmd.Context(), dir, scale, dataDir, newProgress(cmd, false))
			if err != nil {
				return err
			}
			rep := &benchReport{File: path, Scale: scale, CPUs: runtime.NumCPU(), Go: runtime.Version()}
			if err := benchRead(cmd.Context(), rep); err != nil {
				return err
			}
			if err := benchWrite(cmd.Context(), rep); err != nil {
				return err
			}
			return printBench(cmd.OutOrStdout(), rep, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&scale, "scale", "small", "demo scale: tiny, small or city")
	f.StringVar(&dir, "out", "", "folder of the cached demo (default: LANTU_BENCH_DIR or lantu-bench in the temp folder)")
	f.StringVar(&dataDir, "data", "", "source data for generating the demo, as demo --data (default: $LANTU_DATA, else the copy built into lantuctl)")
	f.BoolVar(&asJSON, "json", false, "print one JSON document")
	return cmd
}

// benchBlueprint returns dir/demo-SCALE.gpkg, generating it when missing.
func benchBlueprint(ctx context.Context, dir, scale, dataDir string, bar *progress) (string, error) {
	if dir == "" {
		if dir = os.Getenv("LANTU_BENCH_DIR"); dir == "" {
			dir = filepath.Join(os.TempDir(), "lantu-bench")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("bench: %w", err)
		}
	}
	path := filepath.Join(dir, "demo-"+scale+".gpkg")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	dst, err := outfile.Create(path, outfile.Options{SQLite: true})
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	defer dst.Abort()
	fmt.Fprintf(os.Stderr, "bench: generating the %s demo into %s (once)\n", scale, path)
	_, err = demo.Generate(ctx, dst.Path(), demo.Options{Scale: scale, DataDir: dataDir, Progress: bar.set})
	bar.done()
	if err != nil {
		return "", err
	}
	return path, dst.Commit()
}

// timed runs fn and appends its wall time to rep under op.
func (rep *benchReport) timed(op string, fn func() (string, error)) error {
	start := time.Now()
	detail, err := fn()
	if err != nil {
		return fmt.Errorf("bench: %s: %w", op, err)
	}
	rep.Steps = append(rep.Steps, benchStep{Op: op, Millis: float64(time.Since(start).Microseconds()) / 1000, Detail: detail})
	return nil
}

// benchRead times what reads the blueprint: open, query, render.
func benchRead(ctx context.Context, rep *benchReport) error {
	var bp *layers.Blueprint
	err := rep.timed("open until every index is ready", func() (string, error) {
		var err error
		if bp, err = layers.Open(rep.File, layers.OpenOptions{ReadOnly: true}); err != nil {
			return "", err
		}
		for _, l := range bp.Layers() {
			rep.Features += l.Count()
		}
		return fmt.Sprintf("%d layers, %d features", len(bp.Layers()), rep.Features), nil
	})
	if err != nil {
		return err
	}
	defer bp.Close()
	c := bp.Extent().Center()
	box := orb.Bound{Min: orb.Point{c[0] - 2500, c[1] - 1500}, Max: orb.Point{c[0] + 2500, c[1] + 1500}}
	if err := rep.timed("query 5 km x 3 km, index", func() (string, error) { return searchIndex(bp, box), nil }); err != nil {
		return err
	}
	err = rep.timed("query 5 km x 3 km, features", func() (string, error) {
		n := 0
		err := bp.Query(ctx, layers.Query{BBox: box}, func(*layers.Feature) error { n++; return nil })
		return fmt.Sprintf("%d features with attributes and geometry", n), err
	})
	if err != nil {
		return err
	}
	return rep.timed("render 1920x1080 full extent, cold", func() (string, error) { return renderFull(ctx, bp) })
}

func searchIndex(bp *layers.Blueprint, box orb.Bound) string {
	hits := 0
	for _, l := range bp.Layers() {
		l.Read(func(s *layers.Snapshot) {
			s.Search(box, func(int) bool { hits++; return true })
		})
	}
	return fmt.Sprintf("%d features", hits)
}

// renderFull draws the default-visible layers as `lantuctl render` does.
func renderFull(ctx context.Context, bp *layers.Blueprint) (string, error) {
	view, err := renderView(bp, renderFlags{}, 1920, 1080)
	if err != nil {
		return "", err
	}
	opt, err := reliefOptions(ctx, bp)
	if err != nil {
		return "", err
	}
	if _, err := render.New(render.FromBlueprint(bp), opt).Render(ctx, render.Request{View: view, Labels: true}); err != nil {
		return "", err
	}
	relief := "no DEM"
	if opt.Relief != nil {
		relief = "with relief"
	}
	return fmt.Sprintf("default layers, labels, %s, 1:%.0f", relief, view.Scale()), nil
}

// benchWrite times what writes, on a copy of the blueprint deleted after:
// the default conflict check and 1000 edits in one Apply.
func benchWrite(ctx context.Context, rep *benchReport) error {
	tmp, err := os.MkdirTemp(filepath.Dir(rep.File), ".bench-copy-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)
	cp := filepath.Join(tmp, filepath.Base(rep.File))
	for _, suffix := range []string{"", "-wal"} { // a -wal holds committed pages not yet in the file
		if _, err := os.Stat(rep.File + suffix); suffix != "" && err != nil {
			continue
		}
		if err := copyFile(rep.File+suffix, cp+suffix); err != nil {
			return fmt.Errorf("bench: copy %s: %w", rep.File+suffix, err)
		}
	}
	bp, err := layers.Open(cp, layers.OpenOptions{User: "bench"})
	if err != nil {
		return err
	}
	defer bp.Close()
	if err := rep.timed("default conflict check, patches stored", func() (string, error) { return checkAll(ctx, bp) }); err != nil {
		return err
	}
	return rep.timed("1000 edits in one Apply", func() (string, error) { return applyEdits(ctx, bp, 1000) })
}

func checkAll(ctx context.Context, bp *layers.Blueprint) (string, error) {
	rules, err := conflict.DefaultRules()
	if err != nil {
		return "", err
	}
	slope, err := conflict.TerrainSlope(ctx, bp)
	if err != nil {
		return "", err
	}
	res, err := conflict.Run(ctx, bp, rules, conflict.Options{Slope: slope, Discard: true, Stream: true})
	if err != nil {
		return "", err
	}
	ran, patches := 0, 0
	for _, r := range res.Rules {
		if r.Skipped == "" {
			ran++
		}
		patches += r.Patches
	}
	return fmt.Sprintf("%d of %d rules ran, %d patches", ran, len(res.Rules), patches), nil
}

// applyEdits inserts n 40 m parcels at the centre of the first editable
// polygon layer in one Apply (one transaction with its journal rows).
func applyEdits(ctx context.Context, bp *layers.Blueprint, n int) (string, error) {
	var target *layers.Layer
	for _, l := range bp.Layers() {
		if l.Def != nil && l.Def.Editable && strings.HasPrefix(l.GeomType, "MULTIPOLYGON") {
			target = l
			break
		}
	}
	if target == nil {
		return "", fmt.Errorf("%s has no editable polygon layer", bp.Path())
	}
	c := bp.Extent().Center()
	edits := make([]layers.Edit, n)
	for i := range edits {
		x, y := c[0]+float64(i%40)*50, c[1]+float64(i/40)*50
		edits[i] = layers.Edit{Op: layers.OpInsert, Layer: target.Code,
			Geom: orb.Polygon{{{x, y}, {x + 40, y}, {x + 40, y + 40}, {x, y + 40}, {x, y}}}}
	}
	start := time.Now()
	if _, err := bp.Apply(ctx, edits...); err != nil {
		return "", err
	}
	return fmt.Sprintf("inserts into %s, %.0f edits/s", target.Code, float64(n)/time.Since(start).Seconds()), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func printBench(w io.Writer, rep *benchReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(w, "%s: %s demo, %d features; %d CPUs, %s; wall time of one run each\n",
		rep.File, rep.Scale, rep.Features, rep.CPUs, rep.Go)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tms\t\t")
	for _, s := range rep.Steps {
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t\n", s.Op, s.Millis, s.Detail)
	}
	return tw.Flush()
}
