package terrain

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image"
	"image/png"
	"math"

	"github.com/paulmach/orb"

	"lantu/layers/gpkg"
)

// Coverage is a stored GeoPackage 2D gridded coverage. It is safe for
// concurrent use (reads go through the database's reader pool).
type Coverage struct {
	db         *gpkg.DB
	Table      string
	EPSG       int
	MinX, MaxY float64
	HasNoData  bool
	NoData     float64 // in the values Read returns
	Levels     []Level // finest first

	integer       bool    // PNG tiles of 16-bit integers
	scale, offset float64 // value = (raw*tileScale + tileOffset)*scale + offset
	rawNull       float64 // data_null as stored (raw units for integer coverages)
}

// Level is one zoom level of a coverage (a plain value, safe to share).
type Level struct {
	Zoom, MatrixWidth, MatrixHeight int
	TileWidth, TileHeight           int // pixels of each tile (gpkg_tile_matrix); TileSize
	CellX, CellY                    float64
}

// OpenCoverage reads the tile matrix set and levels of table.
func OpenCoverage(ctx context.Context, db *gpkg.DB, table string) (*Coverage, error) {
	c := &Coverage{db: db, Table: table}
	var null sql.NullFloat64
	var datatype string
	err := db.R.QueryRowContext(ctx, `SELECT s.srs_id, s.min_x, s.max_y, a.data_null, a.datatype, a.scale, a.offset FROM gpkg_tile_matrix_set s
		JOIN gpkg_2d_gridded_coverage_ancillary a ON a.tile_matrix_set_name = s.table_name WHERE s.table_name = ?`, table).
		Scan(&c.EPSG, &c.MinX, &c.MaxY, &null, &datatype, &c.scale, &c.offset)
	if err != nil {
		return nil, fmt.Errorf("terrain: coverage %s in %s: %w", table, db.Path, err)
	}
	c.integer = datatype == "integer"
	c.HasNoData, c.rawNull, c.NoData = null.Valid, null.Float64, null.Float64
	if c.integer && null.Valid {
		c.NoData = integerNoData // raw nulls are mapped to it
	}
	rows, err := db.R.QueryContext(ctx, `SELECT zoom_level, matrix_width, matrix_height, tile_width, tile_height, pixel_x_size, pixel_y_size FROM gpkg_tile_matrix WHERE table_name = ? ORDER BY zoom_level DESC`, table)
	if err != nil {
		return nil, fmt.Errorf("terrain: coverage %s levels: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Level
		if err := rows.Scan(&l.Zoom, &l.MatrixWidth, &l.MatrixHeight, &l.TileWidth, &l.TileHeight, &l.CellX, &l.CellY); err != nil {
			return nil, fmt.Errorf("terrain: coverage %s levels: %w", table, err)
		}
		if l.TileWidth != TileSize || l.TileHeight != TileSize {
			return nil, fmt.Errorf("%w: coverage %s zoom %d: tiles of %d x %d pixels (only %d x %d are read)", ErrUnsupported, table, l.Zoom, l.TileWidth, l.TileHeight, TileSize, TileSize)
		}
		c.Levels = append(c.Levels, l)
	}
	if len(c.Levels) == 0 {
		return nil, fmt.Errorf("%w: coverage %s has no tile matrix rows", ErrFormat, table)
	}
	return c, rows.Err()
}

// Read assembles the tiles covering bbox from the coarsest level whose cell
// is at most maxCellSize (the finest level when none is; 0 = finest). The
// grid is aligned to tile edges and so may extend past bbox.
func (c *Coverage) Read(ctx context.Context, bbox orb.Bound, maxCellSize float64) (*Grid, error) {
	l := c.Levels[0]
	for _, cand := range c.Levels {
		if maxCellSize > 0 && cand.CellX <= maxCellSize {
			l = cand
		}
	}
	span := float64(TileSize) * l.CellX
	spanY := float64(TileSize) * l.CellY
	c0 := max(0, int(math.Floor((bbox.Min[0]-c.MinX)/span)))
	c1 := min(l.MatrixWidth-1, int(math.Floor((bbox.Max[0]-c.MinX)/span)))
	r0 := max(0, int(math.Floor((c.MaxY-bbox.Max[1])/spanY)))
	r1 := min(l.MatrixHeight-1, int(math.Floor((c.MaxY-bbox.Min[1])/spanY)))
	if c1 < c0 || r1 < r0 {
		return nil, fmt.Errorf("%w: coverage %s: bbox %v outside the coverage", ErrFormat, c.Table, bbox)
	}
	w, h := (c1-c0+1)*TileSize, (r1-r0+1)*TileSize
	g := NewGrid(w, h, [6]float64{c.MinX + float64(c0)*span, l.CellX, 0, c.MaxY - float64(r0)*spanY, 0, -l.CellY}, c.EPSG)
	g.HasNoData, g.NoData = true, c.NoData
	if !c.HasNoData {
		g.NoData = math.NaN()
	}
	for i := range g.Data {
		g.Data[i] = float32(g.NoData)
	}
	return g, c.fillTiles(ctx, g, l, c0, c1, r0, r1)
}

// fillTiles copies the stored tiles of level l in columns c0..c1 and rows
// r0..r1 into g; a tile larger than the level's tile size is an error
// naming it, refused before its pixels are decoded.
func (c *Coverage) fillTiles(ctx context.Context, g *Grid, l Level, c0, c1, r0, r1 int) error {
	zoom := l.Zoom
	rows, err := c.db.R.QueryContext(ctx, `SELECT t.tile_column, t.tile_row, t.tile_data, coalesce(a.scale, 1), coalesce(a.offset, 0) FROM `+gpkg.QuoteIdent(c.Table)+
		` t LEFT JOIN gpkg_2d_gridded_tile_ancillary a ON a.tpudt_name = ? AND a.tpudt_id = t.id
		WHERE t.zoom_level = ? AND t.tile_column BETWEEN ? AND ? AND t.tile_row BETWEEN ? AND ?`, c.Table, zoom, c0, c1, r0, r1)
	if err != nil {
		return fmt.Errorf("terrain: coverage %s tiles: %w", c.Table, err)
	}
	defer rows.Close()
	m := startMeter(ctx, "read", (c1-c0+1)*(r1-r0+1))
	for rows.Next() {
		m.add(1)
		var tc, tr int
		var blob []byte
		var ts, to float64
		if err := rows.Scan(&tc, &tr, &blob, &ts, &to); err != nil {
			return fmt.Errorf("terrain: coverage %s tiles: %w", c.Table, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := fmt.Sprintf("coverage %s zoom %d row %d column %d", c.Table, zoom, tr, tc)
		t, err := c.decodeTileMax(name, blob, ts, to, l.TileWidth, l.TileHeight)
		if err != nil {
			return err
		}
		ox, oy := (tc-c0)*TileSize, (tr-r0)*TileSize
		for r := 0; r < min(t.Height, TileSize); r++ {
			copy(g.Data[(oy+r)*g.Width+ox:(oy+r)*g.Width+ox+min(t.Width, TileSize)], t.Data[r*t.Width:r*t.Width+min(t.Width, TileSize)])
		}
	}
	return rows.Err()
}

// maxTileEdge bounds a stored tile's width and height (GDAL writes 256 or
// 512): a larger header is refused before decoding.
const maxTileEdge = 4096

// integerNoData is the nodata value Read gives for integer coverages.
const integerNoData = -32768.0

// decodeTile decodes one stored tile into values: a Float32 TIFF, or a PNG
// of 16-bit (or 8-bit) integers scaled by the tile's and the coverage's
// scale and offset, with the raw data_null as nodata.
func (c *Coverage) decodeTile(name string, blob []byte, ts, to float64) (*Grid, error) {
	return c.decodeTileMax(name, blob, ts, to, maxTileEdge, maxTileEdge)
}

// decodeTileMax is decodeTile for tiles of at most maxW x maxH pixels.
func (c *Coverage) decodeTileMax(name string, blob []byte, ts, to float64, maxW, maxH int) (*Grid, error) {
	if !bytes.HasPrefix(blob, []byte("\x89PNG\r\n\x1a\n")) {
		t, err := decodeGeoTIFF(context.Background(), name, blob, maxW, maxH)
		if err != nil || (c.scale == 1 && c.offset == 0 && ts == 1 && to == 0) {
			return t, err
		}
		for i, v := range t.Data {
			if !t.IsNoData(v) && v == v {
				t.Data[i] = float32((float64(v)*ts+to)*c.scale + c.offset)
			}
		}
		return t, nil
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(blob)); err != nil {
		return nil, fmt.Errorf("%w: %s: PNG: %v", ErrFormat, name, err)
	} else if cfg.Width > maxW || cfg.Height > maxH {
		return nil, fmt.Errorf("%w: %s: PNG tile of %d x %d pixels, larger than the tile matrix's %d x %d", ErrTooLarge, name, cfg.Width, cfg.Height, maxW, maxH)
	}
	img, err := png.Decode(bytes.NewReader(blob))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: PNG: %v", ErrFormat, name, err)
	}
	b := img.Bounds()
	t := &Grid{Width: b.Dx(), Height: b.Dy(), Data: make([]float32, b.Dx()*b.Dy())}
	for y := 0; y < t.Height; y++ {
		for x := 0; x < t.Width; x++ {
			var raw float64
			switch im := img.(type) {
			case *image.Gray16:
				raw = float64(im.Gray16At(b.Min.X+x, b.Min.Y+y).Y)
			case *image.Gray:
				raw = float64(im.GrayAt(b.Min.X+x, b.Min.Y+y).Y)
			default:
				return nil, fmt.Errorf("%w: %s: PNG colour model %T (want 16-bit grey)", ErrUnsupported, name, img)
			}
			v := (raw*ts+to)*c.scale + c.offset
			if c.HasNoData && raw == c.rawNull {
				v = c.NoData
			}
			t.Data[y*t.Width+x] = float32(v)
		}
	}
	return t, nil
}

// At returns the bilinear elevation at (x, y) from the finest level.
func (c *Coverage) At(ctx context.Context, x, y float64) (float64, bool, error) {
	l := c.Levels[0]
	g, err := c.Read(ctx, orb.Bound{Min: orb.Point{x - l.CellX, y - l.CellY}, Max: orb.Point{x + l.CellX, y + l.CellY}}, 0)
	if err != nil {
		return 0, false, err
	}
	v, ok := g.Value(x, y)
	return v, ok, nil
}

// Profile samples the finest level along line.
func (c *Coverage) Profile(ctx context.Context, line orb.LineString) (ProfileResult, error) {
	g, err := c.Read(ctx, line.Bound(), 0)
	if err != nil {
		return ProfileResult{}, err
	}
	return g.ProfileContext(ctx, line)
}

// Stats computes zonal statistics over the finest level.
func (c *Coverage) Stats(ctx context.Context, poly orb.Geometry) (ZoneStats, error) {
	g, err := c.Read(ctx, poly.Bound().Pad(2*c.Levels[0].CellX), 0)
	if err != nil {
		return ZoneStats{}, err
	}
	return g.StatsContext(ctx, poly, nil)
}
