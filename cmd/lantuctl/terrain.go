package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/spf13/cobra"

	"lantu/layers/outfile"
	"lantu/layers/terrain"
)

func init() { root.AddCommand(terrainCmd()) }

func terrainCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "terrain",
		Short: "Terrain analyses like gdaldem (slope, aspect, hillshade), profiles and zonal statistics",
	}
	cmd.AddCommand(demCmd("slope"), demCmd("aspect"), demCmd("hillshade"), profileCmd(), statsCmd(), importCmd())
	return cmd
}

type demFlags struct {
	out, alg                       string
	o                              terrain.Options
	percent, trig, zeroFlat, edges bool
	multi, combined, force         bool
}

func demCmd(mode string) *cobra.Command {
	f := demFlags{o: terrain.DefaultOptions()}
	cmd := &cobra.Command{
		Use:   mode + " IN --out OUT.tif",
		Short: "Write the " + mode + " of a DEM (GeoTIFF, .asc or .hgt) as GeoTIFF, value for value like gdaldem " + mode,
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runDEM(cmd, mode, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "output GeoTIFF (required)")
	fl.StringVar(&f.alg, "alg", "Horn", "gradient algorithm: Horn or ZevenbergenThorne")
	fl.Float64VarP(&f.o.Scale, "scale", "s", 1, "ratio of vertical to horizontal units (111120 for degrees and metres)")
	fl.BoolVar(&f.edges, "compute-edges", false, "compute values at the raster edges and next to nodata")
	fl.BoolVar(&f.force, "force", false, "replace an existing --out file")
	switch mode {
	case "slope":
		fl.BoolVarP(&f.percent, "percent", "p", false, "slope in percent instead of degrees")
	case "aspect":
		fl.BoolVar(&f.trig, "trigonometric", false, "angle counter-clockwise from east")
		fl.BoolVar(&f.zeroFlat, "zero-for-flat", false, "0 instead of nodata for flat cells")
	case "hillshade":
		fl.Float64VarP(&f.o.ZFactor, "zfactor", "z", 1, "vertical exaggeration")
		fl.Float64Var(&f.o.Azimuth, "az", 315, "light azimuth in degrees clockwise from north")
		fl.Float64Var(&f.o.Altitude, "alt", 45, "light altitude in degrees")
		fl.BoolVar(&f.multi, "multidirectional", false, "multidirectional shading")
		fl.BoolVar(&f.combined, "combined", false, "combined slope and oblique shading")
	}
	return cmd
}

func runDEM(cmd *cobra.Command, mode, in string, f demFlags) error {
	if f.out == "" {
		return usagef("terrain %s: --out is required", mode)
	}
	o := f.o
	switch strings.ToLower(f.alg) {
	case "horn":
		o.Alg = terrain.Horn
	case "zevenbergenthorne":
		o.Alg = terrain.ZevenbergenThorne
	default:
		return usagef("terrain %s: --alg %q: want Horn or ZevenbergenThorne", mode, f.alg)
	}
	if o.Multidirectional, o.Combined = f.multi, f.combined; o.Multidirectional && o.Combined {
		return usagef("terrain hillshade: --multidirectional and --combined exclude each other")
	}
	o.Percent, o.Trigonometric, o.ZeroForFlat, o.ComputeEdges = f.percent, f.trig, f.zeroFlat, f.edges
	dst, err := outfile.Create(f.out, outfile.Options{Inputs: []string{in}, Force: f.force})
	if err != nil {
		return err
	}
	defer dst.Abort()
	p := newProgress(cmd, false)
	err = terrain.DeriveFile(p.terrain(cmd.Context()), in, dst.Path(), terrain.Product(mode), o)
	p.done()
	if err != nil {
		return fmt.Errorf("terrain %s: %w", mode, err)
	}
	return dst.Commit()
}

func profileCmd() *cobra.Command {
	var line, table string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "profile FILE --line WKT",
		Short: "Elevation profile along a line (in the DEM's CRS): distance, x, y, elevation, slope; ascent and descent",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := wkt.Unmarshal(line)
			ls, ok := g.(orb.LineString)
			if err != nil || !ok || len(ls) < 2 {
				return usagef("terrain profile: --line %q is not a LINESTRING WKT with two or more points", line)
			}
			p := newProgress(cmd, asJSON)
			ctx := p.terrain(cmd.Context())
			dem, err := demFor(ctx, args[0], table, ls.Bound(), p)
			if err != nil {
				return err
			}
			res, err := dem.ProfileContext(ctx, ls)
			p.done()
			if err != nil {
				return err
			}
			return printProfile(cmd.OutOrStdout(), res, asJSON)
		},
	}
	cmd.Flags().StringVar(&line, "line", "", "LINESTRING WKT in the DEM's CRS")
	cmd.Flags().StringVar(&table, "table", terrain.DEMTable, "coverage table when FILE is a blueprint")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document")
	return cmd
}

func printProfile(w io.Writer, p terrain.ProfileResult, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "distance_m\tx\ty\televation_m\tslope_deg\t")
	for _, q := range p.Points {
		if !q.Valid {
			fmt.Fprintf(tw, "%.1f\t%.2f\t%.2f\t-\t-\t\n", q.Distance, q.X, q.Y)
			continue
		}
		fmt.Fprintf(tw, "%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", q.Distance, q.X, q.Y, q.Elevation, q.Slope)
	}
	tw.Flush()
	_, err := fmt.Fprintf(w, "length %.1f m, ascent %.1f m, descent %.1f m\n", p.Length, p.Ascent, p.Descent)
	return err
}

func statsCmd() *cobra.Command {
	var poly, table string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats FILE --polygon WKT",
		Short: "Zonal statistics of a polygon: elevation min/max/mean, cells, area per slope class",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := wkt.Unmarshal(poly)
			if err != nil || (g.GeoJSONType() != "Polygon" && g.GeoJSONType() != "MultiPolygon") {
				return usagef("terrain stats: --polygon %q is not a POLYGON or MULTIPOLYGON WKT", poly)
			}
			p := newProgress(cmd, asJSON)
			ctx := p.terrain(cmd.Context())
			dem, err := demFor(ctx, args[0], table, g.Bound(), p)
			if err != nil {
				return err
			}
			st, err := dem.StatsContext(ctx, g, nil)
			p.done()
			if err != nil {
				return err
			}
			return printStats(cmd.OutOrStdout(), st, asJSON)
		},
	}
	cmd.Flags().StringVar(&poly, "polygon", "", "POLYGON or MULTIPOLYGON WKT in the DEM's CRS")
	cmd.Flags().StringVar(&table, "table", terrain.DEMTable, "coverage table when FILE is a blueprint")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document")
	return cmd
}

var slopeClassNames = [5]string{"<=2°", "2-6°", "6-15°", "15-25°", ">25°"}

func printStats(w io.Writer, s terrain.ZoneStats, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	fmt.Fprintf(w, "cells %d, area %.0f m², elevation min %.2f max %.2f mean %.2f m\n", s.Cells, s.Area, s.Min, s.Max, s.Mean)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "slope\tarea_m2\tshare\t")
	for k, name := range slopeClassNames {
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f%%\t\n", name, s.ClassArea[k], 100*s.ClassShare[k])
	}
	return tw.Flush()
}

// demFor reads the DEM around bound: the finest level of the coverage table
// when path is a GeoPackage, else the whole raster file.
func demFor(ctx context.Context, path, table string, bound orb.Bound, p *progress) (*terrain.Grid, error) {
	if !strings.EqualFold(filepath.Ext(path), ".gpkg") {
		return terrain.ReadDEMContext(ctx, path)
	}
	bp, err := openBlueprint(ctx, path, true, p)
	if err != nil {
		return nil, err
	}
	defer bp.Close()
	cov, err := terrain.OpenCoverage(ctx, bp.DB(), table)
	if err != nil {
		return nil, err
	}
	return cov.Read(ctx, bound.Pad(2*cov.Levels[0].CellX), 0)
}

func importCmd() *cobra.Command {
	var table string
	cmd := &cobra.Command{
		Use:   "import FILE DEM",
		Short: "Store a DEM (GeoTIFF, .asc, .hgt) in a blueprint as a 2D gridded coverage, reprojected to the blueprint's CRS",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := newProgress(cmd, false)
			defer p.done()
			ctx := p.terrain(cmd.Context())
			bp, err := openBlueprint(ctx, args[0], false, p)
			if err != nil {
				return err
			}
			defer bp.Close()
			if err := terrain.CheckWritable(bp.DB()); err != nil {
				return fmt.Errorf("terrain import: %w", err)
			}
			dem, err := terrain.ReadDEMContext(ctx, args[1])
			if err != nil {
				return err
			}
			if err := terrain.Import(ctx, bp, table, dem, bp.SRID()); err != nil {
				return err
			}
			p.done()
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "stored %s (%d x %d) as %s in %s\n", args[1], dem.Width, dem.Height, table, args[0])
			return err
		},
	}
	cmd.Flags().StringVar(&table, "table", terrain.DEMTable, "coverage table name (the catalog DEM layer by default)")
	return cmd
}
