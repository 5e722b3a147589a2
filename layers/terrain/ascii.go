package terrain

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ReadASCII reads an ESRI ASCII grid (.asc) file. A .prj file beside it is
// refused (ErrUnsupported): its CRS could not be carried to the outputs.
func ReadASCII(path string) (*Grid, error) {
	for _, ext := range []string{".prj", ".PRJ"} {
		if prj := strings.TrimSuffix(path, filepath.Ext(path)) + ext; fileExists(prj) {
			return nil, fmt.Errorf("%w: %s: the CRS in %s cannot be carried over; convert the grid to GeoTIFF first (gdal_translate)", ErrUnsupported, path, prj)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("terrain: read %s: %w", path, err)
	}
	return DecodeASCII(path, b)
}

// DecodeASCII decodes an in-memory ESRI ASCII grid; name is used in errors.
// xllcorner/yllcorner and xllcenter/yllcenter are both accepted.
func DecodeASCII(name string, b []byte) (*Grid, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1<<30)
	sc.Split(bufio.ScanWords)
	hdr := map[string]float64{}
	var first string
	for sc.Scan() {
		w := strings.ToLower(sc.Text())
		if w == "" || (w[0] >= '0' && w[0] <= '9') || w[0] == '-' || w[0] == '.' || w[0] == '+' {
			first = sc.Text()
			break
		}
		if !sc.Scan() {
			return nil, fmt.Errorf("%w: %s: header %q without a value", ErrFormat, name, w)
		}
		v, err := strconv.ParseFloat(sc.Text(), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: header %s: %v", ErrFormat, name, w, err)
		}
		hdr[w] = v
	}
	g, err := asciiHeader(name, hdr)
	if err != nil {
		return nil, err
	}
	n := 0
	for tok := first; ; {
		if tok != "" {
			if n >= len(g.Data) {
				break
			}
			v, err := strconv.ParseFloat(tok, 32)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: value %d: %v", ErrFormat, name, n, err)
			}
			g.Data[n] = float32(v)
			n++
		}
		if !sc.Scan() {
			break
		}
		tok = sc.Text()
	}
	if n < len(g.Data) {
		return nil, fmt.Errorf("%w: %s: %d values for %d x %d cells", ErrFormat, name, n, g.Width, g.Height)
	}
	return g, nil
}

func asciiHeader(name string, h map[string]float64) (*Grid, error) {
	nc, nr, cell := h["ncols"], h["nrows"], h["cellsize"]
	if nc < 1 || nr < 1 || nc != math.Trunc(nc) || nr != math.Trunc(nr) || !(cell > 0) {
		return nil, fmt.Errorf("%w: %s: ncols/nrows/cellsize %v/%v/%v", ErrFormat, name, nc, nr, cell)
	}
	if nc*nr > maxCells {
		return nil, fmt.Errorf("%w: %s: %v x %v cells", ErrTooLarge, name, nc, nr)
	}
	x, okx := h["xllcorner"]
	y := h["yllcorner"]
	if !okx {
		x, y = h["xllcenter"]-cell/2, h["yllcenter"]-cell/2
	}
	w, ht := int(nc), int(nr)
	g := NewGrid(w, ht, [6]float64{x, cell, 0, y + float64(ht)*cell, 0, -cell}, 0)
	if v, ok := h["nodata_value"]; ok {
		g.HasNoData, g.NoData = true, v
	}
	return g, nil
}

var hgtName = regexp.MustCompile(`(?i)^([NS])(\d{2})([EW])(\d{3})\.hgt$`)

// ReadHGT reads an SRTM .hgt tile (1" 3601x3601 or 3" 1201x1201); the
// south-west corner comes from the file name, e.g. N41E123.hgt.
func ReadHGT(path string) (*Grid, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("terrain: read %s: %w", path, err)
	}
	return DecodeHGT(path, b)
}

// DecodeHGT decodes an in-memory .hgt tile; name must carry the tile name.
func DecodeHGT(name string, b []byte) (*Grid, error) {
	m := hgtName.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return nil, fmt.Errorf("%w: %s: name is not like N41E123.hgt", ErrFormat, name)
	}
	lat, _ := strconv.Atoi(m[2])
	lon, _ := strconv.Atoi(m[4])
	if strings.EqualFold(m[1], "S") {
		lat = -lat
	}
	if strings.EqualFold(m[3], "W") {
		lon = -lon
	}
	var n int
	switch len(b) {
	case 3601 * 3601 * 2:
		n = 3601
	case 1201 * 1201 * 2:
		n = 1201
	default:
		return nil, fmt.Errorf("%w: %s: %d bytes is neither a 1\" nor a 3\" tile", ErrFormat, name, len(b))
	}
	step := 1.0 / float64(n-1)
	g := NewGrid(n, n, [6]float64{float64(lon) - step/2, step, 0, float64(lat+1) + step/2, 0, -step}, 4326)
	g.HasNoData, g.NoData = true, -32768
	for i := range g.Data {
		g.Data[i] = float32(int16(binary.BigEndian.Uint16(b[2*i:])))
	}
	return g, nil
}

// ReadDEM reads a GeoTIFF, ESRI ASCII grid or .hgt file by its extension.
func ReadDEM(path string) (*Grid, error) {
	return ReadDEMContext(context.Background(), path)
}

// ReadDEMContext is ReadDEM that returns ctx.Err() once ctx is done: a
// GeoTIFF stops between blocks (reported as stage "read"), the other
// formats when read.
func ReadDEMContext(ctx context.Context, path string) (*Grid, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var g *Grid
	var err error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".asc":
		g, err = ReadASCII(path)
	case ".hgt":
		g, err = ReadHGT(path)
	default:
		g, err = readGeoTIFF(ctx, path)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return g, nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
