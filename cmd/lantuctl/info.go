package main

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lantu/layers"
)

func init() { root.AddCommand(infoCmd()) }

// layerInfo is one row of `lantuctl info`.
type layerInfo struct {
	Table    string     `json:"table"`
	Code     string     `json:"code"`
	NameZh   string     `json:"name_zh"`
	NameEn   string     `json:"name_en"`
	Group    []string   `json:"group"`
	GeomType string     `json:"geometry_type"`
	SRS      string     `json:"srs"`
	Count    int        `json:"feature_count"`
	Extent   [4]float64 `json:"extent"`
	Imported bool       `json:"imported,omitempty"`
	Raster   string     `json:"raster,omitempty"` // data type of a raster layer; its tiles are counted as features
	Levels   int        `json:"zoom_levels,omitempty"`
}

type blueprintInfo struct {
	File   string      `json:"file"`
	SRS    string      `json:"srs"`
	Extent [4]float64  `json:"extent"`
	Layers []layerInfo `json:"layers"`
	Total  int         `json:"total_features"`
	Tiles  int         `json:"total_tiles,omitempty"`
	// Problems: layers skipped, geometries unreadable, layers outside their CRS.
	Problems []problemInfo `json:"problems,omitempty"`
}

func infoCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info FILE",
		Short: "List a blueprint's layers: table, catalog code, names, geometry, srs, feature count, extent",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bp, err := openBlueprint(cmd.Context(), args[0], true, newProgress(cmd, asJSON))
			if err != nil {
				return err
			}
			defer bp.Close()
			info := describe(bp)
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			printInfo(info)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document")
	return cmd
}

func describe(bp *layers.Blueprint) blueprintInfo {
	e := bp.Extent()
	out := blueprintInfo{File: bp.Path(), SRS: fmt.Sprintf("EPSG:%d", bp.SRID()), Extent: [4]float64{e.Min[0], e.Min[1], e.Max[0], e.Max[1]}, Layers: []layerInfo{}}
	for _, l := range bp.Layers() {
		le := l.Extent()
		li := layerInfo{
			Table: l.Table, Code: l.Code, GeomType: l.GeomType, SRS: fmt.Sprintf("EPSG:%d", l.SRID),
			Count: l.Count(), Extent: [4]float64{le.Min[0], le.Min[1], le.Max[0], le.Max[1]}, Imported: l.Imported,
		}
		if l.Def != nil {
			li.NameZh, li.NameEn, li.Group = l.Def.NameZh, l.Def.NameEn, l.Def.Group
		}
		out.Layers = append(out.Layers, li)
		out.Total += li.Count
	}
	for _, r := range bp.Rasters() {
		li := layerInfo{
			Table: r.Table, Code: r.Code, GeomType: "RASTER", SRS: fmt.Sprintf("EPSG:%d", r.SRID), Count: r.Tiles,
			Extent: [4]float64{r.Extent.Min[0], r.Extent.Min[1], r.Extent.Max[0], r.Extent.Max[1]}, Imported: r.Imported,
			Raster: r.DataType, Levels: r.Levels, NameZh: r.Def.NameZh, NameEn: r.Def.NameEn, Group: r.Def.Group,
		}
		out.Layers = append(out.Layers, li)
		out.Tiles += r.Tiles
	}
	out.Problems = problems(bp)
	return out
}

func printInfo(info blueprintInfo) {
	fmt.Printf("%s  %s  %d layers, %d features, %d raster tiles\nextent %.1f %.1f %.1f %.1f\n\n", info.File, info.SRS, len(info.Layers), info.Total, info.Tiles,
		info.Extent[0], info.Extent[1], info.Extent[2], info.Extent[3])
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "TABLE\tCODE\tNAME\tGEOMETRY\tSRS\tFEATURES/TILES\tEXTENT")
	for _, l := range info.Layers {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%.0f,%.0f,%.0f,%.0f\n", l.Table, l.Code, l.NameZh, l.GeomType, l.SRS, l.Count,
			l.Extent[0], l.Extent[1], l.Extent[2], l.Extent[3])
	}
	w.Flush()
	printProblems(os.Stdout, info.Problems)
}
