package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"lantu/layers/transfer"
)

func init() { root.AddCommand(exportCmd()) }

// exportFlags are the options of `lantuctl export`.
type exportFlags struct {
	layer, where, district, out, format, encoding, crs string
	uids                                               []string
	uidsFrom                                           string
	force, asJSON                                      bool
}

func exportCmd() *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export FILE --layer CODE [--where ...] [--district CODE] [--uids UID,UID,... | --uids-from FILE] --out F [--format gpkg|geojson|shp|csv|txt] [--encoding GBK] [--crs EPSG:N] [--force]",
		Short: "Export a blueprint layer as GeoPackage, GeoJSON, Shapefile, CSV or boundary-point TXT",
		Long: "Export one layer of FILE, optionally filtered (--where \"zt = '报批'\") and cut to a district\n" +
			"(--district 210102: only the part inside that XZ_QXXZQ polygon), or only a selection\n" +
			"(--uids, or --uids-from a file of uids, one a line or comma-separated; each must be in the\n" +
			"layer). GeoJSON is RFC 7946 CRS84\n" +
			"unless --crs names another EPSG; other formats are in the blueprint's CRS unless --crs.\n" +
			"Shapefiles get .prj and .cpg (UTF-8, or --encoding GBK) and their 10-byte field names are\n" +
			"printed. The format comes from --out's extension unless --format.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runExport(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.layer, "layer", "", "layer code or table to export (required)")
	fl.StringVar(&f.where, "where", "", "filter, e.g. \"xzqdm = '210102' AND mj > 1000\"")
	fl.StringVar(&f.district, "district", "", "xzqdm of a district (XZ_QXXZQ): export only the part inside it")
	fl.StringSliceVar(&f.uids, "uids", nil, "export only these features: uids, comma-separated")
	fl.StringVar(&f.uidsFrom, "uids-from", "", "export only the features whose uids this file lists (one a line or comma-separated; - for stdin)")
	fl.StringVar(&f.out, "out", "", "file to write (required)")
	fl.StringVar(&f.format, "format", "", "gpkg, geojson, shp, csv or txt (default: from --out)")
	fl.StringVar(&f.encoding, "encoding", "", "text encoding of shp/csv/txt, e.g. GBK (default UTF-8)")
	fl.StringVar(&f.crs, "crs", "", "CRS of the output, EPSG:N")
	fl.BoolVar(&f.force, "force", false, "replace an existing --out file")
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	return cmd
}

func runExport(cmd *cobra.Command, path string, f exportFlags) error {
	if f.layer == "" || f.out == "" {
		return usagef("export: --layer and --out are required")
	}
	epsg, err := parseEPSG("crs", f.crs)
	if err != nil {
		return err
	}
	uids, err := selectedUIDs(cmd.InOrStdin(), f)
	if err != nil {
		return err
	}
	p := newProgress(cmd, f.asJSON)
	defer p.done()
	bp, err := openBlueprint(cmd.Context(), path, true, p)
	if err != nil {
		return err
	}
	defer bp.Close()
	rep, err := transfer.Export(cmd.Context(), bp, f.out, transfer.ExportOptions{Layer: f.layer, Where: f.where,
		District: f.district, Format: f.format, Encoding: f.encoding, CRS: epsg, Force: f.force, UIDs: uids})
	if err != nil {
		return err
	}
	if f.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s: %d features of %s as %s in %s\n", rep.Out, rep.Features, rep.Layer, rep.Format, rep.CRS)
	if rep.Clipped+rep.Outside > 0 {
		fmt.Fprintf(w, "district %s: %d cut at its boundary, %d outside it not written\n", f.district, rep.Clipped, rep.Outside)
	}
	for _, k := range slices.Sorted(maps.Keys(rep.FieldNames)) {
		fmt.Fprintf(w, "field %s -> %s\n", k, rep.FieldNames[k])
	}
	return nil
}

// selectedUIDs are the uids of --uids and --uids-from (not both).
func selectedUIDs(stdin io.Reader, f exportFlags) ([]string, error) {
	if f.uidsFrom == "" {
		if f.uids != nil && len(strings.Join(f.uids, "")) == 0 {
			return nil, usagef("export: --uids names no uid")
		}
		return f.uids, nil
	}
	if len(f.uids) > 0 {
		return nil, usagef("export: give --uids or --uids-from, not both")
	}
	var b []byte
	var err error
	if f.uidsFrom == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(f.uidsFrom)
	}
	if err != nil {
		return nil, fmt.Errorf("export: --uids-from: %w", err)
	}
	uids := strings.FieldsFunc(string(b), func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t' })
	if len(uids) == 0 {
		return nil, usagef("export: --uids-from %s lists no uid", f.uidsFrom)
	}
	return uids, nil
}
