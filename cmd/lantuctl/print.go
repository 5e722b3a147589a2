package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/layout"
	"lantu/layers/outfile"
)

func init() { root.AddCommand(printCmd()) }

// printFlags are the options of `lantuctl print`.
type printFlags struct {
	out, center, bbox, district, paper, title, subtitle, author, date, layers string
	scale                                                                     float64
	dpi                                                                       int
	landscape, noLabels, force                                                bool
}

func printCmd() *cobra.Command {
	var f printFlags
	cmd := &cobra.Command{
		Use: "print FILE --out map.pdf|map.png [--center X,Y | --bbox minx,miny,maxx,maxy | --district CODE] " +
			"--scale 50000 --paper A3 [--landscape] [--dpi 300] [--title ...] [--layers CODE,...]",
		Short: "Print a map sheet (PDF or PNG) at a scale on A4 … A0",
		Long: "Compose a map sheet of FILE: the map at exactly 1:--scale on --paper with a title block,\n" +
			"legend, scale bar, north arrow, CRS and date. --center and --bbox are in the blueprint's CRS;\n" +
			"--bbox or --district without --scale picks the largest round scale that fits. The format\n" +
			"follows --out's extension (.pdf or .png).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runPrint(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "PDF or PNG file to write (required)")
	fl.StringVar(&f.center, "center", "", "map centre x,y (needs --scale)")
	fl.StringVar(&f.bbox, "bbox", "", "area to show minx,miny,maxx,maxy")
	fl.StringVar(&f.district, "district", "", "xzqdm of a district (XZ_QXXZQ) to show")
	fl.Float64Var(&f.scale, "scale", 0, "scale denominator N of 1:N")
	fl.StringVar(&f.paper, "paper", "A3", "paper: A4, A3, A2, A1 or A0")
	fl.BoolVar(&f.landscape, "landscape", false, "landscape instead of portrait")
	fl.IntVar(&f.dpi, "dpi", 300, "dots per inch of the map image (150 or 300)")
	fl.StringVar(&f.title, "title", "", "title (default: the blueprint's file name)")
	fl.StringVar(&f.subtitle, "subtitle", "", "subtitle")
	fl.StringVar(&f.author, "author", "", "author (制图)")
	fl.StringVar(&f.date, "date", "", "date YYYY-MM-DD (default: today)")
	fl.StringVar(&f.layers, "layers", "", "comma-separated layer codes or tables, or all (default: default-visible layers)")
	fl.BoolVar(&f.noLabels, "no-labels", false, "draw no labels")
	fl.BoolVar(&f.force, "force", false, "replace an existing --out file")
	return cmd
}

func runPrint(cmd *cobra.Command, path string, f printFlags) error {
	if f.out == "" {
		return usagef("print: --out FILE.pdf or FILE.png is required")
	}
	opt := outfile.Options{Inputs: []string{path}, Force: f.force}
	if err := outfile.Check(f.out, opt); err != nil {
		return fmt.Errorf("print: %w", err)
	}
	format := strings.ToLower(filepath.Ext(f.out))
	if format != ".pdf" && format != ".png" {
		return usagef("print: --out %s: want a .pdf or .png file", f.out)
	}
	spec := layout.Spec{Scale: f.scale, Paper: f.paper, Landscape: f.landscape, DPI: f.dpi, Labels: !f.noLabels,
		Title: f.title, Subtitle: f.subtitle, Author: f.author}
	if err := printDate(&spec, f.date); err != nil {
		return err
	}
	dst, err := outfile.Create(f.out, opt)
	if err != nil {
		return err
	}
	defer dst.Abort()
	p := newProgress(cmd, false)
	defer p.done()
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, Lazy: true})
	if err != nil {
		return err
	}
	defer bp.Close()
	if err := printArea(cmd, bp, f, &spec); err != nil {
		return err
	}
	if f.layers == "all" {
		spec.Layers = allCodes(bp)
	} else if spec.Layers, err = pickLayers(bp, nil, f.layers); err != nil {
		return err
	}
	sheet, err := composeSheet(cmd, bp, spec, p)
	if err != nil {
		return err
	}
	return writeSheet(sheet, format, dst, f.out)
}

// printDate parses --date (default today).
func printDate(spec *layout.Spec, s string) error {
	if s == "" {
		spec.Date = time.Now()
		return nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return usagef("print: --date %q: want YYYY-MM-DD", s)
	}
	spec.Date = d
	return nil
}

// printArea resolves --center, --bbox or --district (default: the whole
// blueprint) into spec.
func printArea(cmd *cobra.Command, bp *layers.Blueprint, f printFlags, spec *layout.Spec) error {
	n := 0
	for _, s := range []string{f.center, f.bbox, f.district} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return usagef("print: give one of --center, --bbox and --district")
	}
	switch {
	case f.center != "":
		v, err := floats(f.center, 2, "--center")
		if err != nil {
			return err
		}
		if !(f.scale > 0) {
			return usagef("print: --center needs --scale N > 0")
		}
		spec.Center = orb.Point{v[0], v[1]}
	case f.bbox != "":
		v, err := floats(f.bbox, 4, "--bbox")
		if err != nil {
			return err
		}
		spec.BBox = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	case f.district != "":
		b, err := layout.DistrictBound(cmd.Context(), bp, f.district)
		if err != nil {
			return err
		}
		spec.BBox = b
	default:
		spec.BBox = bp.Extent()
		if spec.BBox.IsEmpty() {
			return fmt.Errorf("print %s: the blueprint has no features; give --bbox", bp.Path())
		}
	}
	return nil
}

func allCodes(bp *layers.Blueprint) []string {
	var codes []string
	for _, l := range bp.Layers() {
		codes = append(codes, l.Code)
	}
	for _, r := range bp.Rasters() {
		codes = append(codes, r.Code)
	}
	return codes
}

// composeSheet renders the sheet with the blueprint's relief.
func composeSheet(cmd *cobra.Command, bp *layers.Blueprint, spec layout.Spec, p *progress) (*layout.Sheet, error) {
	ro, err := reliefOptions(cmd.Context(), bp)
	if err != nil {
		return nil, fmt.Errorf("print %s: %w", bp.Path(), err)
	}
	p.set("compose", 0, 1)
	warn := func(msg string) { fmt.Fprintln(cmd.ErrOrStderr(), msg) }
	sheet, err := layout.Compose(cmd.Context(), bp, spec, layout.Options{Render: ro, Warn: warn})
	if err == nil {
		err = cmd.Context().Err() // interrupted: write nothing
	}
	if err != nil {
		return nil, fmt.Errorf("print %s: %w", bp.Path(), err)
	}
	p.set("compose", 1, 1)
	p.done()
	return sheet, nil
}

// writeSheet writes the PDF or PNG to the temp file and renames it into place.
func writeSheet(sheet *layout.Sheet, format string, dst *outfile.File, out string) error {
	fh, err := os.Create(dst.Path())
	if err != nil {
		return err
	}
	if format == ".pdf" {
		err = sheet.WritePDF(fh)
	} else {
		err = sheet.WritePNG(fh)
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("print: write %s: %w", out, err)
	}
	return dst.Commit()
}
