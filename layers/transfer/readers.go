package transfer

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"lantu/layers/boundarytxt"
	"lantu/layers/dxf"
)

// readDXF reads a DXF drawing: fields layer, entity, handle and text. A
// DXF carries no CRS: the caller gives one.
func readDXF(path string) (*Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	d, err := dxf.Read(path, data)
	if err != nil {
		return nil, err
	}
	src := &Source{Path: path, Format: "dxf", Encoding: "UTF-8",
		Fields: []Field{{"layer", "text"}, {"entity", "text"}, {"handle", "text"}, {"text", "text"}}}
	for _, f := range d.Features {
		attrs := map[string]any{"layer": f.Layer, "entity": f.Entity, "handle": f.Handle}
		if f.Text != "" {
			attrs["text"] = f.Text
		}
		src.Features = append(src.Features, Feature{Name: fmt.Sprintf("%s %s (line %d)", f.Entity, f.Handle, f.Line), Geom: f.Geometry, Attrs: attrs})
	}
	for _, k := range slices.Sorted(maps.Keys(d.Skipped)) {
		src.Notes = append(src.Notes, fmt.Sprintf("%d %s entities not read (not a supported entity)", d.Skipped[k], k))
	}
	return src, nil
}

// readBoundaryTXT reads a boundary-point file; its CRS is the EPSG code
// the file's zone and header give.
func readBoundaryTXT(path string, opt ReadOptions) (*Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("transfer: %w", err)
	}
	f, err := boundarytxt.Read(path, data, boundarytxt.Options{Encoding: opt.Encoding})
	if err != nil {
		return nil, err
	}
	order := "X = easting, Y = northing"
	if f.NorthingFirst {
		order = "X = northing, Y = easting (survey order)"
	}
	how := "no zone prefix on the easting"
	if f.Zone > 0 {
		how = fmt.Sprintf("zone %d prefixed to the easting", f.Zone)
	}
	src := &Source{Path: path, Format: "txt", Encoding: f.Encoding,
		CRS:   CRS{EPSG: f.EPSG, From: "boundary-point file: " + how},
		Notes: []string{"coordinates " + order + "; " + how}}
	for _, n := range boundarytxt.AttributeNames {
		typ := "text"
		if n == "面积" {
			typ = "real"
		}
		src.Fields = append(src.Fields, Field{n, typ})
	}
	for _, p := range f.Parcels {
		name := fmt.Sprintf("parcel %s (line %d)", strings.TrimSpace(p.Number+" "+p.Name), p.Line)
		src.Features = append(src.Features, Feature{Name: name, Geom: p.Geometry, Attrs: p.Attributes()})
	}
	return src, nil
}
