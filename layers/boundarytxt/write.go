package boundarytxt

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/htmlindex"
)

// ProposalHeader is the [属性描述] of a file written for a proposal in the
// CGCS2000 3-degree zone of epsg: a zone-prefixed code (4513-4533) keeps the
// prefix on the easting, any other is written as 带号 of its meridian.
func ProposalHeader(epsg int) []KeyValue {
	zone := 0
	switch {
	case epsg >= 4513 && epsg <= 4533:
		zone = epsg - 4488
	case epsg >= 4534 && epsg <= 4554:
		zone = epsg - 4509
	}
	return []KeyValue{{"格式版本号", "1.01版本"}, {"坐标系", "2000国家大地坐标系"}, {"几度分带", "3"},
		{"投影类型", "高斯克吕格"}, {"计量单位", "米"}, {"带号", strconv.Itoa(zone)}, {"精度", "0.001"}, {"转换参数", ",,,,,,"}}
}

// Write writes f with the northing first (X = northing, the survey
// convention), coordinates in the shortest form that reads back exactly,
// points named J1... per parcel and each ring closed on its first point.
// encoding "" writes UTF-8; "GBK" or another name is encoded so.
func Write(w io.Writer, f *File, encoding string) error {
	var buf bytes.Buffer
	buf.WriteString("[属性描述]\n")
	for _, kv := range f.Header {
		fmt.Fprintf(&buf, "%s=%s\n", kv.Key, kv.Value)
	}
	buf.WriteString("[地块坐标]\n")
	for i := range f.Parcels {
		if err := writeParcel(&buf, &f.Parcels[i]); err != nil {
			return err
		}
	}
	out := buf.Bytes()
	if encoding != "" && !strings.EqualFold(encoding, "UTF-8") {
		enc, err := htmlindex.Get(encoding)
		if err != nil {
			return fmt.Errorf("%w: %q", ErrEncoding, encoding)
		}
		if out, err = enc.NewEncoder().Bytes(out); err != nil {
			return fmt.Errorf("%w: %s cannot hold the text: %v", ErrEncoding, encoding, err)
		}
	}
	_, err := w.Write(out)
	return err
}

// writeParcel writes one parcel line and its point lines.
func writeParcel(buf *bytes.Buffer, p *Parcel) error {
	n := 0
	for _, poly := range p.Geometry {
		for _, r := range poly {
			n += len(closed(r))
		}
	}
	for _, s := range []string{p.Number, p.Name, p.Shape, p.Sheet, p.Use, p.LandCode} {
		if strings.ContainsAny(s, ",\n\r") {
			return fmt.Errorf("%w: parcel %s: field %q holds a comma or line break", ErrSyntax, p.Number, s)
		}
	}
	fmt.Fprintf(buf, "%d,%s,%s,%s,%s,%s,%s,%s,@\n", n, num(p.Area), p.Number, p.Name, p.Shape, p.Sheet, p.Use, p.LandCode)
	name, ringNo := 0, 0
	for _, poly := range p.Geometry {
		for _, r := range poly {
			ringNo++
			r = closed(r)
			first := name + 1
			for i, pt := range r {
				label := first
				if i < len(r)-1 {
					name++
					label = name
				}
				fmt.Fprintf(buf, "J%d,%d,%s,%s\n", label, ringNo, num(pt[1]), num(pt[0]))
			}
		}
	}
	return nil
}

// closed returns r ending on its first point.
func closed(r orb.Ring) orb.Ring {
	if len(r) > 0 && r[0] != r[len(r)-1] {
		return append(append(orb.Ring(nil), r...), r[0])
	}
	return r
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
