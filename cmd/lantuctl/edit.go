package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/spf13/cobra"

	"lantu/layers"
)

func init() { root.AddCommand(editCmd()) }

// editFlags are the options of `lantuctl edit`.
type editFlags struct {
	layer, geom, uid, del, user string
	add, asJSON                 bool
	set                         []string
}

// editResult is the --json output of `lantuctl edit`.
type editResult struct {
	File  string `json:"file"`
	Op    string `json:"op"`
	Layer string `json:"layer"`
	UID   string `json:"uid"`
	FID   int64  `json:"fid,omitempty"`
}

func editCmd() *cobra.Command {
	var f editFlags
	cmd := &cobra.Command{
		Use:   "edit FILE --layer CODE (--add --geom WKT | --uid UID | --delete UID) [--set field=value ...] [--json]",
		Short: "Make one journaled edit (insert, update or delete a feature); prints its uid",
		Long: "Make one edit through the blueprint's journal, as the app does: --add inserts a feature\n" +
			"with --geom (WKT in the layer's CRS), --uid updates one (--geom and/or --set), --delete\n" +
			"removes one. --set field=value is checked against the catalog field's type (text,\n" +
			"integer, real, date as YYYY-MM-DD); field= sets NULL.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runEdit(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.layer, "layer", "", "layer code or table (required)")
	fl.BoolVar(&f.add, "add", false, "insert a new feature (needs --geom)")
	fl.StringVar(&f.geom, "geom", "", "geometry as WKT, in the layer's CRS")
	fl.StringVar(&f.uid, "uid", "", "update the feature with this uid")
	fl.StringVar(&f.del, "delete", "", "delete the feature with this uid")
	fl.StringArrayVar(&f.set, "set", nil, "field=value (repeatable)")
	fl.StringVar(&f.user, "user", "", "editor recorded in the journal (default: the OS user)")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	return cmd
}

func runEdit(cmd *cobra.Command, path string, f editFlags) error {
	op, err := f.op()
	if err != nil {
		return err
	}
	bp, err := layers.Open(path, layers.OpenOptions{User: f.user, Lazy: true, Priority: []string{f.layer}}) // index the edited layer first; wait for no other
	if err != nil {
		return err
	}
	defer bp.Close()
	l := bp.Layer(f.layer)
	if l == nil {
		return usagef("edit: %s has no layer %q", path, f.layer)
	}
	e, err := buildEdit(l, op, f)
	if err != nil {
		return err
	}
	out, err := bp.Apply(cmd.Context(), e)
	if err != nil {
		return err
	}
	res := editResult{File: path, Op: string(op), Layer: l.Code, UID: e.UID}
	if out[0] != nil {
		res.UID, res.FID = out[0].UID, out[0].FID
	}
	if f.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintln(cmd.OutOrStdout(), res.UID)
	return nil
}

// op checks that exactly one of --add, --uid and --delete is given.
func (f editFlags) op() (layers.Op, error) {
	n := 0
	var op layers.Op
	if f.add {
		n, op = n+1, layers.OpInsert
	}
	if f.uid != "" {
		n, op = n+1, layers.OpUpdate
	}
	if f.del != "" {
		n, op = n+1, layers.OpDelete
	}
	switch {
	case f.layer == "":
		return "", usagef("edit: --layer is required")
	case n != 1:
		return "", usagef("edit: give exactly one of --add, --uid UID, --delete UID")
	case op == layers.OpInsert && f.geom == "":
		return "", usagef("edit: --add needs --geom WKT")
	case op == layers.OpDelete && (f.geom != "" || len(f.set) > 0):
		return "", usagef("edit: --delete takes no --geom or --set")
	case op == layers.OpUpdate && f.geom == "" && len(f.set) == 0:
		return "", usagef("edit: --uid needs --geom or --set")
	}
	return op, nil
}

// buildEdit parses the geometry and values of an edit of layer l.
func buildEdit(l *layers.Layer, op layers.Op, f editFlags) (layers.Edit, error) {
	e := layers.Edit{Op: op, Layer: l.Code, UID: f.uid}
	if op == layers.OpDelete {
		e.UID = f.del
		return e, nil
	}
	if f.geom != "" {
		g, err := parseGeom(l, f.geom)
		if err != nil {
			return e, err
		}
		e.Geom = g
	}
	attrs, err := parseSets(l, f.set)
	e.Attrs = attrs
	return e, err
}

// parseGeom reads WKT and checks it fits the layer's geometry type; single
// parts are promoted to the layer's multi type.
func parseGeom(l *layers.Layer, text string) (orb.Geometry, error) {
	g, err := wkt.Unmarshal(text)
	if err != nil {
		return nil, usagef("edit: --geom: %v", err)
	}
	want := strings.ToUpper(l.GeomType)
	switch t := g.(type) {
	case orb.Polygon:
		if want == "MULTIPOLYGON" {
			g = orb.MultiPolygon{t}
		}
	case orb.LineString:
		if want == "MULTILINESTRING" {
			g = orb.MultiLineString{t}
		}
	}
	if empty(g) {
		return nil, usagef("edit: --geom: empty geometry")
	}
	got := strings.ToUpper(g.GeoJSONType())
	if want != "GEOMETRY" && got != want {
		return nil, usagef("edit: --geom: layer %s holds %s, not %s", l.Code, want, got)
	}
	return g, nil
}

// empty reports whether g has no coordinates.
func empty(g orb.Geometry) bool {
	switch t := g.(type) {
	case orb.MultiPolygon:
		for _, p := range t {
			for _, r := range p {
				if len(r) > 0 {
					return false
				}
			}
		}
		return true
	case orb.MultiLineString:
		for _, l := range t {
			if len(l) > 0 {
				return false
			}
		}
		return true
	case orb.MultiPoint:
		return len(t) == 0
	case orb.Collection:
		return len(t) == 0
	}
	return false
}

// parseSets converts field=value pairs by the catalog's field types.
func parseSets(l *layers.Layer, sets []string) (map[string]any, error) {
	attrs := map[string]any{}
	for _, s := range sets {
		name, val, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, usagef("edit: --set %q: want field=value", s)
		}
		typ, err := fieldType(l, name)
		if err != nil {
			return nil, err
		}
		v, err := parseValue(typ, val)
		if err != nil {
			return nil, usagef("edit: layer %s field %s (%s): %q: %v", l.Code, name, typ, val, err)
		}
		attrs[name] = v
	}
	return attrs, nil
}

// fieldType is the catalog type of a field (text, integer, real, date), or
// for a layer outside the catalog the column's SQL type.
func fieldType(l *layers.Layer, name string) (string, error) {
	if l.Def != nil {
		var known []string
		for _, fd := range l.Def.Fields {
			if fd.Name == name {
				return fd.Type, nil
			}
			known = append(known, fd.Name)
		}
		return "", usagef("edit: layer %s has no field %q (fields: %s)", l.Code, name, strings.Join(known, ", "))
	}
	for _, c := range l.Columns {
		if c.Name == name {
			return sqlFieldType(c.Type), nil
		}
	}
	return "", usagef("edit: layer %s has no field %q", l.Code, name)
}

func sqlFieldType(t string) string {
	t = strings.ToUpper(t)
	switch {
	case strings.Contains(t, "INT"):
		return "integer"
	case strings.Contains(t, "REAL"), strings.Contains(t, "DOUBLE"), strings.Contains(t, "FLOAT"):
		return "real"
	case t == "DATE":
		return "date"
	}
	return "text"
}

// parseValue converts one value; the empty string is NULL.
func parseValue(typ, val string) (any, error) {
	if val == "" {
		return nil, nil
	}
	switch typ {
	case "integer":
		return strconv.ParseInt(val, 10, 64)
	case "real":
		return strconv.ParseFloat(val, 64)
	case "date":
		if _, err := time.Parse("2006-01-02", val); err != nil {
			return nil, fmt.Errorf("want a date YYYY-MM-DD")
		}
	}
	return val, nil
}
