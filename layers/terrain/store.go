package terrain

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/paulmach/orb"

	"lantu/layers/crs"
	"lantu/layers/gpkg"
)

// TileSize is the width and height of stored coverage tiles.
const TileSize = 256

const wgs84Geo3D = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4979"]]`

const coverageExt = "http://docs.opengeospatial.org/is/17-066r1/17-066r1.html"

var coverageDDL = []string{
	`CREATE TABLE IF NOT EXISTS gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL, CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))`,
	`CREATE TABLE IF NOT EXISTS gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL, CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level), CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name))`,
	`CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
	`CREATE TABLE IF NOT EXISTS gpkg_2d_gridded_coverage_ancillary (id INTEGER PRIMARY KEY AUTOINCREMENT, tile_matrix_set_name TEXT NOT NULL UNIQUE, datatype TEXT NOT NULL DEFAULT 'integer', scale REAL NOT NULL DEFAULT 1.0, offset REAL NOT NULL DEFAULT 0.0, precision REAL DEFAULT 1.0, data_null REAL, grid_cell_encoding TEXT DEFAULT 'grid-value-is-center', uom TEXT, field_name TEXT DEFAULT 'Height', quantity_definition TEXT DEFAULT 'Height', CONSTRAINT fk_g2dgtct_name FOREIGN KEY(tile_matrix_set_name) REFERENCES gpkg_tile_matrix_set(table_name), CHECK (datatype in ('integer','float')))`,
	`CREATE TABLE IF NOT EXISTS gpkg_2d_gridded_tile_ancillary (id INTEGER PRIMARY KEY AUTOINCREMENT, tpudt_name TEXT NOT NULL, tpudt_id INTEGER NOT NULL, scale REAL NOT NULL DEFAULT 1.0, offset REAL NOT NULL DEFAULT 0.0, min REAL DEFAULT NULL, max REAL DEFAULT NULL, mean REAL DEFAULT NULL, std_dev REAL DEFAULT NULL, CONSTRAINT fk_g2dgtat_name FOREIGN KEY (tpudt_name) REFERENCES gpkg_contents(table_name), UNIQUE (tpudt_name, tpudt_id))`,
}

// CoverageMeta says what a stored coverage holds (a plain value).
type CoverageMeta struct {
	Description string // gpkg_contents description
	Field       string // ancillary field_name and quantity_definition
	UOM         string // ancillary unit of measure
}

// The stored coverages of a blueprint.
var (
	DEMMeta   = CoverageMeta{Description: "DEM", Field: "Height", UOM: "m"}
	SlopeMeta = CoverageMeta{Description: "Slope (degrees)", Field: "Slope", UOM: "degree"}
)

// Target is the GeoPackage an import writes into and the one writer its
// transaction runs on. *layers.Blueprint satisfies it: its Write holds the
// blueprint's writer lock, so an import never races an edit or a conflict
// run. FileTarget adapts a GeoPackage that no Blueprint has open.
type Target interface {
	DB() *gpkg.DB
	Write(ctx context.Context, fn func(*sql.Tx) error) error
}

// FileTarget is a Target for a bare GeoPackage that no Blueprint has open
// (a file being built, a test fixture): each Write is one transaction on
// db's writer connection.
func FileTarget(db *gpkg.DB) Target { return fileTarget{db} }

type fileTarget struct{ db *gpkg.DB }

func (f fileTarget) DB() *gpkg.DB { return f.db }

func (f fileTarget) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := CheckWritable(f.db); err != nil {
		return err
	}
	tx, err := f.db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Import stores g as a GeoPackage 2D gridded coverage of elevation (Float32
// TIFF tiles of TileSize, Deflate with the floating-point predictor, with
// pyramid levels halving the resolution) in table, reprojecting bilinearly
// to targetEPSG first when the grid's CRS differs.
func Import(ctx context.Context, t Target, table string, g *Grid, targetEPSG int) error {
	return ImportCoverage(ctx, t, table, g, targetEPSG, DEMMeta)
}

// ImportCoverage is Import for any quantity described by meta. A grid
// whose CRS has no EPSG code (user-defined GeoKeys) is refused: the
// coverage could not name it.
func ImportCoverage(ctx context.Context, t Target, table string, g *Grid, targetEPSG int, meta CoverageMeta) error {
	db := t.DB()
	if err := CheckWritable(db); err != nil {
		return fmt.Errorf("terrain: import %s: %w", table, err)
	}
	if g.EPSG == 0 && g.GeoKeys.DefinesCRS() {
		to := "EPSG:n"
		if targetEPSG > 0 {
			to = fmt.Sprintf("EPSG:%d", targetEPSG)
		}
		return fmt.Errorf("%w: import %s: the DEM's CRS is not an EPSG code; reproject it first (gdalwarp -t_srs %s)", ErrUnsupported, table, to)
	}
	if g.EPSG != 0 && targetEPSG != 0 && g.EPSG != targetEPSG {
		rg, err := reproject(ctx, g, targetEPSG)
		if err != nil {
			return fmt.Errorf("terrain: import %s: %w", table, err)
		}
		g = rg
	}
	if g.GeoTransform[2] != 0 || g.GeoTransform[4] != 0 || g.GeoTransform[5] >= 0 {
		return fmt.Errorf("%w: import %s: rotated or south-up grid", ErrUnsupported, table)
	}
	return inTx(ctx, t, table, func(tx *sql.Tx) error { return writeCoverage(ctx, db, tx, table, g, meta) })
}

// CheckWritable returns an error wrapping ErrReadOnly, naming the file,
// when db was opened read-only (it has no writer).
func CheckWritable(db *gpkg.DB) error {
	if db.ReadOnly || db.W == nil {
		return fmt.Errorf("%w: %s", ErrReadOnly, db.Path)
	}
	return nil
}

// inTx runs fn in one write transaction of t, naming table in errors.
func inTx(ctx context.Context, t Target, table string, fn func(tx *sql.Tx) error) error {
	if err := CheckWritable(t.DB()); err != nil {
		return fmt.Errorf("terrain: import %s: %w", table, err)
	}
	if err := t.Write(ctx, fn); err != nil {
		return fmt.Errorf("terrain: import %s: %w", table, err)
	}
	return nil
}

// pyramid is the tile matrix set of a grid: its level count and the padded
// full-resolution size, a whole number of coarsest tiles.
type pyramid struct {
	levels, tw, th         int
	minX, minY, maxX, maxY float64
}

// tiles is the number of tiles cut from all levels of g's pyramid (each
// level halves the one above, as halve does).
func (p pyramid) tiles(g *Grid) int {
	n, w, h := 0, g.Width, g.Height
	for z := 0; z < p.levels; z++ {
		n += ((w + TileSize - 1) / TileSize) * ((h + TileSize - 1) / TileSize)
		w, h = (w+1)/2, (h+1)/2
	}
	return n
}

func pyramidOf(g *Grid) pyramid {
	p := pyramid{levels: 1}
	for (g.Width>>(p.levels-1)) > TileSize || (g.Height>>(p.levels-1)) > TileSize {
		p.levels++
	}
	span := TileSize << (p.levels - 1) // full-resolution pixels per coarsest tile
	p.tw, p.th = (g.Width+span-1)/span*span, (g.Height+span-1)/span*span
	gt := g.GeoTransform
	p.minX, p.maxY = gt[0], gt[3]
	p.maxX, p.minY = p.minX+float64(p.tw)*gt[1], p.maxY+float64(p.th)*gt[5]
	return p
}

// tileSet writes the tables, gpkg_contents and tile matrix set rows shared by
// coverages and tiles.
func tileSet(ctx context.Context, db *gpkg.DB, tx *sql.Tx, table, dataType, desc string, g *Grid, p pyramid) (int, error) {
	for _, q := range coverageDDL {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, err
		}
	}
	srs := g.EPSG
	if srs == 0 {
		srs = -1
	} else if err := db.EnsureSRS(ctx, tx, srs); err != nil {
		return 0, err
	}
	gt := g.GeoTransform
	q := gpkg.QuoteIdent(table)
	if _, err := tx.ExecContext(ctx, `CREATE TABLE `+q+` (id INTEGER PRIMARY KEY AUTOINCREMENT, zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL, UNIQUE (zoom_level, tile_column, tile_row))`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?, ?, ?, ?, ?)`,
		table, dataType, table, desc, gt[0], gt[3]+float64(g.Height)*gt[5], gt[0]+float64(g.Width)*gt[1], gt[3], srs); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO gpkg_tile_matrix_set VALUES (?, ?, ?, ?, ?, ?)`, table, srs, p.minX, p.minY, p.maxX, p.maxY)
	return srs, err
}

func writeCoverage(ctx context.Context, db *gpkg.DB, tx *sql.Tx, table string, g *Grid, meta CoverageMeta) error {
	p := pyramidOf(g)
	if _, err := tileSet(ctx, db, tx, table, "2d-gridded-coverage", meta.Description, g, p); err != nil {
		return err
	}
	// The coverage extension requires the WGS 84 3D CRS row.
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES ('WGS 84 geographic 3D', 4979, 'EPSG', 4979, ?, 'WGS 84 3D')`, wgs84Geo3D); err != nil {
		return err
	}
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO gpkg_2d_gridded_coverage_ancillary (tile_matrix_set_name, datatype, scale, offset, precision, data_null, grid_cell_encoding, uom, field_name, quantity_definition) VALUES (?, 'float', 1, 0, 1, ?, 'grid-value-is-area', ?, ?, ?)`,
			[]any{table, nullValue(g), meta.UOM, meta.Field, meta.Field}},
		{`INSERT INTO gpkg_extensions SELECT 'gpkg_2d_gridded_coverage_ancillary', NULL, 'gpkg_2d_gridded_coverage', ?, 'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = 'gpkg_2d_gridded_coverage_ancillary' AND extension_name = 'gpkg_2d_gridded_coverage')`, []any{coverageExt}},
		{`INSERT INTO gpkg_extensions SELECT 'gpkg_2d_gridded_tile_ancillary', NULL, 'gpkg_2d_gridded_coverage', ?, 'read-write' WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = 'gpkg_2d_gridded_tile_ancillary' AND extension_name = 'gpkg_2d_gridded_coverage')`, []any{coverageExt}},
		{`INSERT INTO gpkg_extensions VALUES (?, 'tile_data', 'gpkg_2d_gridded_coverage', ?, 'read-write')`, []any{table, coverageExt}},
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return err
		}
	}
	level := g
	m := startMeter(ctx, "import", p.tiles(g))
	for z := p.levels - 1; z >= 0; z-- {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeLevel(ctx, tx, table, level, z, p.tw>>(p.levels-1-z), p.th>>(p.levels-1-z), m); err != nil {
			return err
		}
		if z > 0 {
			level = halve(level)
		}
	}
	return nil
}

func nullValue(g *Grid) any {
	if g.HasNoData && !math.IsNaN(g.NoData) {
		return g.NoData
	}
	return nil
}

func writeLevel(ctx context.Context, tx *sql.Tx, table string, g *Grid, z, pw, ph int, m *meter) error {
	if err := matrixRow(ctx, tx, table, g, z, pw, ph); err != nil {
		return err
	}
	insTile, err := tx.PrepareContext(ctx, `INSERT INTO `+gpkg.QuoteIdent(table)+` (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insTile.Close()
	insStats, err := tx.PrepareContext(ctx, `INSERT INTO gpkg_2d_gridded_tile_ancillary (tpudt_name, tpudt_id, min, max, mean, std_dev) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insStats.Close()
	cols, rows := (g.Width+TileSize-1)/TileSize, (g.Height+TileSize-1)/TileSize
	return encodeTiles(ctx, cols*rows, func(i int) (encodedTile, error) {
		defer m.add(1)
		tile, st := cutTile(g, i%cols, i/cols)
		if st[0] == nil {
			return encodedTile{}, nil // no data: a missing tile reads as nodata
		}
		blob, err := EncodeLZWGeoTIFF(tile)
		return encodedTile{blob: blob, stats: st}, err
	}, func(i int, t encodedTile) error {
		res, err := insTile.ExecContext(ctx, z, i%cols, i/cols, t.blob)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		_, err = insStats.ExecContext(ctx, table, id, t.stats[0], t.stats[1], t.stats[2], t.stats[3])
		return err
	})
}

// encodedTile is one tile ready to store; a nil blob is a tile with no data.
type encodedTile struct {
	blob  []byte
	stats [4]any
}

// encodeTiles encodes n tiles on all cores and stores them in order on the
// calling goroutine (the one that owns the transaction).
func encodeTiles(ctx context.Context, n int, encode func(i int) (encodedTile, error), store func(i int, t encodedTile) error) error {
	workers := max(1, runtime.NumCPU())
	results := make([]chan encodedTile, n)
	errs := make([]error, n)
	for i := range results {
		results[i] = make(chan encodedTile, 1)
	}
	sem := make(chan struct{}, 2*workers) // bounds the tiles held in memory
	go func() {
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var t encodedTile
				if ctx.Err() == nil {
					t, errs[i] = encode(i)
				}
				results[i] <- t
			}()
		}
		wg.Wait()
	}()
	var first error
	for i := 0; i < n; i++ {
		t := <-results[i]
		<-sem
		if first == nil {
			first = errs[i]
			if first == nil {
				first = ctx.Err()
			}
			if first == nil && t.blob != nil {
				first = store(i, t)
			}
		}
	}
	return first
}

// matrixRow records one zoom level of pw x ph pixels in gpkg_tile_matrix.
func matrixRow(ctx context.Context, tx *sql.Tx, table string, g *Grid, z, pw, ph int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO gpkg_tile_matrix VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		table, z, pw/TileSize, ph/TileSize, TileSize, TileSize, g.GeoTransform[1], -g.GeoTransform[5])
	return err
}

// cutTile copies one TileSize tile (nodata-padded) and its min, max, mean
// and standard deviation (nil when the tile has no data).
func cutTile(g *Grid, tc, tr int) (*Grid, [4]any) {
	t := &Grid{Width: TileSize, Height: TileSize, Data: make([]float32, TileSize*TileSize), GeoTransform: [6]float64{0, 1, 0, 0, 0, 1}}
	fill := float32(g.NoData)
	if !g.HasNoData {
		fill = float32(math.NaN())
	}
	n, sum, sq := 0, 0.0, 0.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for r := 0; r < TileSize; r++ {
		for c := 0; c < TileSize; c++ {
			x, y := tc*TileSize+c, tr*TileSize+r
			v := fill
			if x < g.Width && y < g.Height {
				v = g.Data[y*g.Width+x]
			}
			t.Data[r*TileSize+c] = v
			if v == v && !g.IsNoData(v) && (x < g.Width && y < g.Height) {
				n++
				sum, sq = sum+float64(v), sq+float64(v)*float64(v)
				lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
			}
		}
	}
	if n == 0 {
		return t, [4]any{nil, nil, nil, nil}
	}
	mean := sum / float64(n)
	return t, [4]any{lo, hi, mean, math.Sqrt(math.Max(0, sq/float64(n)-mean*mean))}
}

// halve averages 2x2 blocks of valid cells into a grid of half resolution.
func halve(g *Grid) *Grid {
	w, h := (g.Width+1)/2, (g.Height+1)/2
	gt := g.GeoTransform
	out := &Grid{Width: w, Height: h, Data: make([]float32, w*h), GeoTransform: [6]float64{gt[0], 2 * gt[1], 0, gt[3], 0, 2 * gt[5]},
		EPSG: g.EPSG, GeoKeys: g.GeoKeys, HasNoData: g.HasNoData, NoData: g.NoData}
	for r := 0; r < h; r++ {
		for c := 0; c < w; c++ {
			sum, n := 0.0, 0
			for k := 0; k < 4; k++ {
				x, y := 2*c+k%2, 2*r+k/2
				if x < g.Width && y < g.Height {
					if v := g.Data[y*g.Width+x]; !g.IsNoData(v) {
						sum, n = sum+float64(v), n+1
					}
				}
			}
			if n == 0 {
				out.Data[r*w+c] = float32(g.NoData)
			} else {
				out.Data[r*w+c] = float32(sum / float64(n))
			}
		}
	}
	return out
}

// Reproject warps g bilinearly into targetEPSG at about the same cell count.
func Reproject(g *Grid, targetEPSG int) (*Grid, error) {
	return reproject(context.Background(), g, targetEPSG)
}

// reproject is Reproject returning ctx.Err() once ctx is done (checked
// before every row), reporting rows as stage "reproject".
func reproject(ctx context.Context, g *Grid, targetEPSG int) (*Grid, error) {
	fwd, err := crs.NewTransformer(g.EPSG, targetEPSG)
	if err != nil {
		return nil, err
	}
	gt := g.GeoTransform
	src := orb.Bound{Min: orb.Point{gt[0], gt[3] + float64(g.Height)*gt[5]}, Max: orb.Point{gt[0] + float64(g.Width)*gt[1], gt[3]}}
	b, err := fwd.Bound(src)
	if err != nil {
		return nil, err
	}
	cell := math.Sqrt((b.Max[0] - b.Min[0]) * (b.Max[1] - b.Min[1]) / float64(g.Width*g.Height))
	w, h := int(math.Ceil((b.Max[0]-b.Min[0])/cell)), int(math.Ceil((b.Max[1]-b.Min[1])/cell))
	out := NewGrid(w, h, [6]float64{b.Min[0], cell, 0, b.Max[1], 0, -cell}, targetEPSG)
	out.HasNoData, out.NoData = true, -9999
	if g.HasNoData && !math.IsNaN(g.NoData) {
		out.NoData = g.NoData
	}
	row := make([]orb.Point, w)
	m := startMeter(ctx, "reproject", h)
	for r := 0; r < h; r++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m.add(1)
		for c := range row {
			row[c] = orb.Point{b.Min[0] + (float64(c)+0.5)*cell, b.Max[1] - (float64(r)+0.5)*cell}
		}
		for c := range row {
			p, err := fwd.Inverse(row[c])
			v, ok := g.Value(p[0], p[1])
			if err != nil || !ok {
				v = out.NoData
			}
			out.Data[r*w+c] = float32(v)
		}
	}
	return out, nil
}
