package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"lantu/layers/transfer"
)

func init() { root.AddCommand(importFileCmd()) }

// importFlags are the options of `lantuctl import`.
type importFlags struct {
	layer, as, encoding, srs string
	maps                     []string
	asJSON                   bool
}

func importFileCmd() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import FILE SOURCE (--layer CODE | --as NAME) [--encoding GBK] [--s-srs EPSG:N] [--map a=b ...] [--json]",
		Short: "Import a Shapefile, GeoJSON, CSV, DXF or boundary-point TXT into a blueprint layer",
		Long: "Import SOURCE (.shp/.zip, .geojson/.json, .csv, .dxf, .txt 界址点坐标文件) into the blueprint FILE:\n" +
			"into a catalog layer (--layer CODE; fields matched by name, then by the catalog's Chinese\n" +
			"names; --map src=dst overrides) or as a new imported layer (--as NAME). Coordinates are\n" +
			"reprojected from the source CRS (.prj, GeoJSON crs, the TXT's zone; --s-srs overrides, and\n" +
			"CSV and DXF need it) to the blueprint's. Invalid geometries are repaired with GEOS and named;\n" +
			"features that cannot go in (wrong geometry type, bad value) are refused and named.\n" +
			"Into an editable layer every feature is journaled.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error { return runImport(cmd, args[0], args[1], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.layer, "layer", "", "catalog layer code to import into, e.g. GL_XZFA")
	fl.StringVar(&f.as, "as", "", "name of a new imported layer")
	fl.StringVar(&f.encoding, "encoding", "", "attribute encoding of the source, e.g. GBK (default: detected)")
	fl.StringVar(&f.srs, "s-srs", "", "CRS of the source, EPSG:N (overrides the file's)")
	fl.StringArrayVar(&f.maps, "map", nil, "field mapping src=dst (dst: field name or Chinese name); repeatable")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	return cmd
}

// parseEPSG reads EPSG:N (or N); "" is 0.
func parseEPSG(flag, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "EPSG:"))
	if err != nil || n <= 0 {
		return 0, usagef("--%s %q: want EPSG:N", flag, s)
	}
	return n, nil
}

func importOptions(f importFlags) (transfer.ImportOptions, error) {
	opt := transfer.ImportOptions{Layer: f.layer, As: f.as, Map: map[string]string{}}
	if (f.layer == "") == (f.as == "") {
		return opt, usagef("import: give --layer CODE or --as NAME")
	}
	var err error
	if opt.SRS, err = parseEPSG("s-srs", f.srs); err != nil {
		return opt, err
	}
	for _, m := range f.maps {
		s, d, ok := strings.Cut(m, "=")
		if !ok || s == "" || d == "" {
			return opt, usagef("import: --map %q: want src=dst", m)
		}
		opt.Map[s] = d
	}
	return opt, nil
}

func runImport(cmd *cobra.Command, path, source string, f importFlags) error {
	opt, err := importOptions(f)
	if err != nil {
		return err
	}
	src, err := transfer.Open(source, transfer.ReadOptions{Encoding: f.encoding})
	if err != nil {
		return err
	}
	p := newProgress(cmd, f.asJSON)
	defer p.done()
	bp, err := openBlueprint(cmd.Context(), path, false, p)
	if err != nil {
		return err
	}
	defer bp.Close()
	opt.Progress = func(done, total int) { p.set("import", done, total) }
	rep, err := transfer.Import(cmd.Context(), bp, src, opt)
	p.done()
	if err != nil {
		return err
	}
	if f.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	printImport(cmd.OutOrStdout(), rep)
	return nil
}

func printImport(w io.Writer, rep *transfer.Report) {
	verb := "into"
	if rep.Created {
		verb = "into new layer"
	}
	fmt.Fprintf(w, "%s (%s, %s): %d of %d features imported %s %s\n", rep.Source, rep.Format, rep.Encoding, rep.Imported, rep.Read, verb, rep.Layer)
	fmt.Fprintf(w, "CRS: %s\n", rep.CRS)
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, s := range slices.Sorted(maps.Keys(rep.Mapping.Fields)) {
		if d := rep.Mapping.Fields[s]; s != d {
			fmt.Fprintf(w, "field %s -> %s\n", s, d)
		}
	}
	if len(rep.Mapping.Unmapped) > 0 {
		fmt.Fprintf(w, "fields not imported (no matching field; use --map): %s\n", strings.Join(rep.Mapping.Unmapped, ", "))
	}
	fmt.Fprintf(w, "repaired: %d\n", len(rep.Repaired))
	for _, n := range rep.Repaired {
		fmt.Fprintf(w, "  %s: %s\n", n.Feature, n.Reason)
	}
	fmt.Fprintf(w, "refused: %d\n", len(rep.Refused))
	for _, n := range rep.Refused {
		fmt.Fprintf(w, "  %s: %s\n", n.Feature, n.Reason)
	}
}
