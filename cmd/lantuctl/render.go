package main

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/crs"
	"lantu/layers/outfile"
	"lantu/layers/render"
	"lantu/layers/terrain"
)

func init() { root.AddCommand(renderCmd()) }

// renderFlags are the options of `lantuctl render`.
type renderFlags struct {
	out, size, bbox, center, layers, crs string
	scale                                float64
	noLabels, force                      bool
}

func renderCmd() *cobra.Command {
	var f renderFlags
	cmd := &cobra.Command{
		Use:   "render FILE",
		Short: "Draw a blueprint (or any GeoPackage) to a PNG",
		Long: "Draw a blueprint to a PNG: the full extent and default-visible layers unless --bbox or\n" +
			"--center/--scale and --layers say otherwise. --bbox and --center are in the blueprint's\n" +
			"CRS unless --crs names another (EPSG:n).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRender(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "PNG file to write (required)")
	fl.StringVar(&f.size, "size", "1920x1080", "image size WxH in pixels")
	fl.StringVar(&f.bbox, "bbox", "", "map area minx,miny,maxx,maxy")
	fl.StringVar(&f.center, "center", "", "map centre x,y (with --scale)")
	fl.Float64Var(&f.scale, "scale", 0, "scale denominator N of 1:N (with --center)")
	fl.StringVar(&f.layers, "layers", "", "comma-separated layer codes or tables, or all (default: default-visible layers)")
	fl.StringVar(&f.crs, "crs", "", "CRS of --bbox/--center, e.g. EPSG:4490 (default: the blueprint's)")
	fl.BoolVar(&f.noLabels, "no-labels", false, "draw no labels")
	fl.BoolVar(&f.force, "force", false, "replace an existing --out file")
	return cmd
}

func runRender(cmd *cobra.Command, path string, f renderFlags) error {
	if f.out == "" {
		return usagef("render: --out is required")
	}
	w, h, err := parseSize(f.size)
	if err != nil {
		return err
	}
	dst, err := outfile.Create(f.out, outfile.Options{Inputs: []string{path}, Force: f.force})
	if err != nil {
		return err
	}
	defer dst.Abort()
	p := newProgress(cmd, false)
	defer p.done()
	// One view needs no index: the features in it are read through the
	// GeoPackage's R-tree (render.FromBlueprintView).
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		return err
	}
	defer bp.Close()
	view, err := renderView(bp, f, w, h)
	if err != nil {
		return err
	}
	req := render.Request{View: view, Labels: !f.noLabels}
	if req.Layers, err = pickLayers(bp, render.FromBlueprint(bp), f.layers); err != nil {
		return err
	}
	opt, err := reliefOptions(cmd.Context(), bp)
	if err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	p.set("render", 0, 1)
	warn := func(msg string) { fmt.Fprintln(cmd.ErrOrStderr(), msg) }
	src, err := render.FromBlueprintView(cmd.Context(), bp, req, render.ViewOptions{Warn: warn})
	if err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	img, err := render.New(src, opt).Render(cmd.Context(), req)
	if err == nil {
		err = cmd.Context().Err() // interrupted: write nothing
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	p.done()
	out, err := os.Create(dst.Path())
	if err != nil {
		return err
	}
	// BestSpeed: a fifth of the default's encoding time for a file about a
	// fifth larger.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(out, img); err != nil {
		out.Close()
		return fmt.Errorf("render: write %s: %w", f.out, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("render: write %s: %w", f.out, err)
	}
	return dst.Commit()
}

// reliefOptions shades the frame with the blueprint's DEM (table xz_dem)
// when it has one: hillshade by default, and the elevation ramp and slope
// classes when --layers names XZ_DEM or XZ_PD.
func reliefOptions(ctx context.Context, bp *layers.Blueprint) (render.Options, error) {
	r := bp.Raster(terrain.ElevationLayer)
	if r == nil || r.DataType != "2d-gridded-coverage" {
		return render.Options{}, nil
	}
	cov, err := terrain.OpenCoverage(ctx, bp.DB(), r.Table)
	if err != nil {
		return render.Options{}, err
	}
	rel, err := terrain.NewRelief(ctx, cov)
	if err != nil {
		return render.Options{}, err
	}
	return render.Options{Relief: func(ctx context.Context, req render.Request) (*image.RGBA, error) {
		b := req.View.Bound()
		return rel.Image(ctx, b, req.View.W, req.View.H, terrain.PickRelief(req.Layers, req.Opacity))
	}}, nil
}

// renderView resolves --bbox, --center/--scale and --crs to a viewport.
func renderView(bp *layers.Blueprint, f renderFlags, w, h int) (render.Viewport, error) {
	var tr *crs.Transformer
	if f.crs != "" {
		epsg, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(f.crs), "EPSG:"))
		if err != nil {
			return render.Viewport{}, usagef("render: --crs %q: want EPSG:n", f.crs)
		}
		if tr, err = crs.NewTransformer(epsg, bp.SRID()); err != nil {
			return render.Viewport{}, fmt.Errorf("render: --crs %s: %w", f.crs, err)
		}
	}
	switch {
	case f.bbox != "" && f.center != "":
		return render.Viewport{}, usagef("render: give --bbox or --center, not both")
	case f.bbox != "":
		v, err := floats(f.bbox, 4, "--bbox")
		if err != nil {
			return render.Viewport{}, err
		}
		b := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
		if b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1] {
			return render.Viewport{}, usagef("render: --bbox %s: min must be below max", f.bbox)
		}
		if tr != nil {
			if b, err = tr.Bound(b); err != nil {
				return render.Viewport{}, fmt.Errorf("render: --bbox: %w", err)
			}
		}
		return render.Fit(b, w, h), nil
	case f.center != "":
		v, err := floats(f.center, 2, "--center")
		if err != nil {
			return render.Viewport{}, err
		}
		if !(f.scale > 0) {
			return render.Viewport{}, usagef("render: --center needs --scale N > 0")
		}
		c := orb.Point{v[0], v[1]}
		if tr != nil {
			if c, err = tr.Point(c); err != nil {
				return render.Viewport{}, fmt.Errorf("render: --center: %w", err)
			}
		}
		return render.AtScale(c, f.scale, w, h), nil
	}
	b := bp.Extent()
	if b.IsEmpty() {
		return render.Viewport{}, fmt.Errorf("render %s: the blueprint has no features; give --bbox", bp.Path())
	}
	pad := max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) * 0.02
	return render.Fit(b.Pad(pad), w, h), nil
}

// pickLayers resolves --layers to layer codes (nil = defaults).
func pickLayers(bp *layers.Blueprint, src render.LayerList, arg string) ([]string, error) {
	if arg == "" {
		return nil, nil
	}
	codes := []string{}
	if arg == "all" {
		for _, l := range src {
			codes = append(codes, l.Code)
		}
		for _, r := range bp.Rasters() {
			codes = append(codes, r.Code)
		}
		return codes, nil
	}
	for _, name := range strings.Split(arg, ",") {
		name = strings.TrimSpace(name)
		if l := bp.Layer(name); l != nil {
			codes = append(codes, l.Code)
		} else if r := bp.Raster(name); r != nil {
			codes = append(codes, r.Code)
		} else {
			return nil, usagef("render: --layers: no layer %q in %s", name, bp.Path())
		}
	}
	return codes, nil
}

func parseSize(s string) (int, int, error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || w <= 0 || h <= 0 || w > 16384 || h > 16384 {
		return 0, 0, usagef("render: --size %q: want WxH, e.g. 1920x1080", s)
	}
	return w, h, nil
}

func floats(s string, n int, flag string) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, usagef("render: %s %q: want %d comma-separated numbers", flag, s, n)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, usagef("render: %s %q: %v", flag, s, err)
		}
		out[i] = v
	}
	return out, nil
}
