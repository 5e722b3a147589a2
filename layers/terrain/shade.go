package terrain

import (
	"bytes"
	"context"
	"database/sql"
	"image"
	"image/color"
	"image/png"

	"lantu/layers/gpkg"
)

// ImportHillshade stores the hillshade of dem (already in the blueprint's
// CRS) as standard GeoPackage PNG tiles in table, with one pyramid level per
// coverage level, each shaded from the DEM averaged to that level so relief
// reads the same at every zoom. Nodata is transparent. QGIS and GDAL show
// the table as an ordinary raster layer.
func ImportHillshade(ctx context.Context, t Target, table string, dem *Grid, opt Options) error {
	db := t.DB()
	return inTx(ctx, t, table, func(tx *sql.Tx) error {
		p := pyramidOf(dem)
		if _, err := tileSet(ctx, db, tx, table, "tiles", "Hillshade", dem, p); err != nil {
			return err
		}
		level := dem
		for z := p.levels - 1; z >= 0; z-- {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := writeShadeLevel(ctx, tx, table, level, opt, z, p.tw>>(p.levels-1-z), p.th>>(p.levels-1-z)); err != nil {
				return err
			}
			if z > 0 {
				level = halve(level)
			}
		}
		return nil
	})
}

// shadePalette is grey 1..255 with index 0 transparent for nodata.
var shadePalette = func() color.Palette {
	p := make(color.Palette, 256)
	p[0] = color.NRGBA{}
	for i := 1; i < 256; i++ {
		p[i] = color.NRGBA{uint8(i), uint8(i), uint8(i), 255}
	}
	return p
}()

func writeShadeLevel(ctx context.Context, tx *sql.Tx, table string, g *Grid, opt Options, z, pw, ph int) error {
	if err := matrixRow(ctx, tx, table, g, z, pw, ph); err != nil {
		return err
	}
	hs := Hillshade(g, opt)
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+gpkg.QuoteIdent(table)+` (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	cols, rows := (g.Width+TileSize-1)/TileSize, (g.Height+TileSize-1)/TileSize
	return encodeTiles(ctx, cols*rows, func(i int) (encodedTile, error) {
		img, any := shadeTile(g, hs, i%cols, i/cols)
		if !any {
			return encodedTile{}, nil
		}
		var buf bytes.Buffer
		err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
		return encodedTile{blob: buf.Bytes()}, err
	}, func(i int, t encodedTile) error {
		_, err := stmt.ExecContext(ctx, z, i%cols, i/cols, t.blob)
		return err
	})
}

// shadeTile cuts one tile of the hillshade hs of g as a paletted image; any
// tells whether it holds a cell with data.
func shadeTile(g, hs *Grid, tc, tr int) (*image.Paletted, bool) {
	img := image.NewPaletted(image.Rect(0, 0, TileSize, TileSize), shadePalette)
	any := false
	for r := 0; r < TileSize; r++ {
		y := tr*TileSize + r
		if y >= g.Height {
			break
		}
		for c := 0; c < TileSize; c++ {
			x := tc*TileSize + c
			if x >= g.Width {
				break
			}
			i := y*g.Width + x
			if v := g.Data[i]; v != v || g.IsNoData(v) || hs.IsNoData(hs.Data[i]) {
				continue
			}
			img.Pix[r*img.Stride+c] = max(1, roundByte(hs.Data[i]))
			any = true
		}
	}
	return img, any
}
