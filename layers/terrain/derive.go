package terrain

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// Product is a gdaldem derivation DeriveFile writes (an immutable value).
type Product string

// Products of DeriveFile, named as gdaldem's modes.
const (
	ProductSlope     Product = "slope"
	ProductAspect    Product = "aspect"
	ProductHillshade Product = "hillshade"
)

// DeriveFile writes the slope, aspect or hillshade of the DEM in to out as
// gdaldem does by default: a single-band, uncompressed, striped GeoTIFF
// (Float32, hillshade Byte) with the input's georeferencing and GeoKeys
// verbatim and gdaldem's nodata, values equal to Slope, Aspect and
// Hillshade's. A GeoTIFF is read block row by block row (the file is
// mapped, the pages of rows done are let go) and each row block written as
// it is computed, so memory holds a few block rows, never the grid; .asc
// and .hgt DEMs are read whole. It stops soon after ctx is done, reports
// stages "read" (blocks) and the product (rows) to ctx's Progress, and on
// any error removes out and returns the error, naming the file. Safe for
// concurrent use with distinct out paths.
func DeriveFile(ctx context.Context, in, out string, p Product, o Options) error {
	if p != ProductSlope && p != ProductAspect && p != ProductHillshade {
		return fmt.Errorf("%w: product %q: want slope, aspect or hillshade", ErrUnsupported, p)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	switch strings.ToLower(filepath.Ext(in)) {
	case ".asc", ".hgt":
		return deriveWhole(ctx, in, out, p, o)
	}
	mf, err := mapFile(in)
	if err != nil {
		return err
	}
	defer mf.Close()
	t, l, g, err := parseGeoTIFF(in, mf.data, 0, 0)
	if err != nil {
		return err
	}
	pop, st := productOp(p, g.GeoTransform, o)
	w, err := createStrips(out, derivedMeta(g, pop), st)
	if err != nil {
		return err
	}
	s := &streamer{t: t, l: l.rowLayout(), g: g, mf: mf, op: pop, w: w}
	if err := s.run(ctx); err != nil {
		w.abort()
		return err
	}
	return w.Close()
}

// productOp is p's kernels over a grid with geotransform gt, and the sample
// type gdaldem writes it in.
func productOp(p Product, gt [6]float64, o Options) (op, SampleType) {
	switch p {
	case ProductSlope:
		return slopeOp(gt, o), Float32
	case ProductAspect:
		return aspectOp(o), Float32
	}
	return hillshadeOp(gt, o), Byte
}

// derivedMeta is the output grid's description (no Data) for p over g.
func derivedMeta(g *Grid, p op) *Grid {
	return &Grid{Width: g.Width, Height: g.Height, GeoTransform: g.GeoTransform, EPSG: g.EPSG,
		GeoKeys: g.GeoKeys, HasNoData: !p.noNoData, NoData: float64(p.nd)}
}

// deriveWhole is DeriveFile for a DEM read whole.
func deriveWhole(ctx context.Context, in, out string, p Product, o Options) error {
	g, err := ReadDEMContext(ctx, in)
	if err != nil {
		return err
	}
	pop, st := productOp(p, g.GeoTransform, o)
	res, err := runOp(ctx, g, pop)
	if err != nil {
		return err
	}
	w, err := createStrips(out, res, st)
	if err != nil {
		return err
	}
	if err := w.writeRows(0, res.Data); err != nil {
		w.abort()
		return err
	}
	return w.Close()
}

// rowLayout is l with an uncompressed strip of many rows seen as strips of
// one row each (its bytes are read in place), so a block row is never more
// than needed; other layouts are returned as they are.
func (l layout) rowLayout() layout {
	if l.tiled || l.compression != 1 || l.predictor != 1 || l.blockH == 1 {
		return l
	}
	v := l
	v.blockH = 1
	v.offsets, v.counts = make([]float64, l.height), make([]float64, l.height)
	rb := float64(l.rowBytes())
	for y := range l.height {
		s := y / l.blockH
		if l.counts[s] == 0 {
			continue // sparse: stays a sparse row
		}
		v.offsets[y], v.counts[y] = l.offsets[s]+float64(y%l.blockH)*rb, rb
	}
	return v
}
