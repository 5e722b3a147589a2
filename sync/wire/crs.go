package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// CRS URIs (OGC API - Features Part 2).
const (
	CRS84    = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	epsgBase = "http://www.opengis.net/def/crs/EPSG/0/"
)

// EPSGURI is the OGC URI of an EPSG code.
func EPSGURI(code int) string { return epsgBase + strconv.Itoa(code) }

// ParseCRS reads a CRS URI (or "EPSG:n", or a Content-Crs value in angle
// brackets) and returns its EPSG code, 0 for CRS84 (longitude, latitude on
// WGS 84). An empty string is CRS84.
func ParseCRS(s string) (int, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	switch s {
	case "", CRS84, "urn:ogc:def:crs:OGC:1.3:CRS84", "OGC:CRS84", "CRS84":
		return 0, nil
	}
	var num string
	switch {
	case strings.HasPrefix(s, epsgBase):
		num = strings.TrimPrefix(s, epsgBase)
	case strings.HasPrefix(s, "http://www.opengis.net/def/crs/EPSG/"):
		if i := strings.LastIndexByte(s, '/'); i >= 0 {
			num = s[i+1:]
		}
	case strings.HasPrefix(strings.ToUpper(s), "EPSG:"):
		num = s[5:]
	case strings.HasPrefix(s, "urn:ogc:def:crs:EPSG:"):
		num = s[strings.LastIndexByte(s, ':')+1:]
	default:
		return 0, fmt.Errorf("%w: CRS %q is not a CRS URI", ErrDecode, s)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: CRS %q has no EPSG code", ErrDecode, s)
	}
	return n, nil
}

// CRSURI is the URI of an EPSG code, CRS84 for 0.
func CRSURI(code int) string {
	if code == 0 {
		return CRS84
	}
	return EPSGURI(code)
}
