package gpkg

import (
	"database/sql"
	"math"

	"github.com/mattn/go-sqlite3"
	"github.com/paulmach/orb"
)

// DriverName is the database/sql driver: mattn/go-sqlite3 with the SQL
// functions GeoPackage R-tree triggers call (ST_MinX, ST_MaxX, ST_MinY,
// ST_MaxY, ST_IsEmpty) registered on every connection.
const DriverName = "sqlite3_gpkg"

func init() {
	sql.Register(DriverName, &sqlite3.SQLiteDriver{ConnectHook: ConnectHook})
}

// ConnectHook registers the GeoPackage geometry functions on conn. Other
// sqlite3 drivers may use it as their own ConnectHook.
func ConnectHook(conn *sqlite3.SQLiteConn) error {
	funcs := []struct {
		name string
		fn   any
	}{
		{"ST_MinX", func(b any) any { return boundPart(b, 0) }},
		{"ST_MaxX", func(b any) any { return boundPart(b, 1) }},
		{"ST_MinY", func(b any) any { return boundPart(b, 2) }},
		{"ST_MaxY", func(b any) any { return boundPart(b, 3) }},
		{"ST_IsEmpty", stIsEmpty},
	}
	for _, f := range funcs {
		if err := conn.RegisterFunc(f.name, f.fn, true); err != nil {
			return err
		}
	}
	return nil
}

// stIsEmpty returns 1 for an empty geometry blob, 0 for a non-empty one and
// NULL for NULL or a value that is not a geometry blob.
func stIsEmpty(v any) any {
	b, ok := v.([]byte)
	if !ok || b == nil {
		return nil
	}
	h, err := ParseHeader(b)
	if err != nil {
		return nil
	}
	if h.Empty {
		return int64(1)
	}
	return int64(0)
}

// boundPart returns one of minx, maxx, miny, maxy of a geometry blob, or
// NULL for NULL, empty or undecodable values.
func boundPart(v any, part int) any {
	b, ok := v.([]byte)
	if !ok || b == nil {
		return nil
	}
	bd, ok := BlobBound(b)
	if !ok {
		return nil
	}
	return [4]float64{bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1]}[part]
}

// BlobBound returns the xy bound of a geometry blob: its header envelope when
// present, else the bound of its coordinates. ok is false for empty,
// extended or undecodable blobs.
func BlobBound(b []byte) (bd orb.Bound, ok bool) {
	h, err := ParseHeader(b)
	if err != nil || h.Empty || h.Extended {
		return orb.Bound{}, false
	}
	if h.EnvelopeCode > 0 && !math.IsNaN(h.Envelope.Min[0]) {
		return h.Envelope, true
	}
	g, _, _, err := DecodeWKB(b[h.WKBOffset:])
	if err != nil {
		return orb.Bound{}, false
	}
	return geomBound(g)
}
