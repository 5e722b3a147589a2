package siting

import (
	"strings"
	"sync"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"lantu/assets"
)

// The PDF's two fonts: the embedded CJK font has no Latin glyphs, so Latin
// letters, digits and symbols Go Regular has are set in Go Regular (as the
// map labels are), everything else in the CJK font.
const (
	fontCJK   = "cjk"
	fontLatin = "go"
	pageH     = 297.0 // A4, mm
	bottomM   = 18.0
)

var (
	latinOnce sync.Once
	latinFont *sfnt.Font
)

// hasLatin reports whether Go Regular has a glyph for r.
func hasLatin(r rune, buf *sfnt.Buffer) bool {
	latinOnce.Do(func() { latinFont, _ = sfnt.Parse(goregular.TTF) })
	if latinFont == nil || unicode.Is(unicode.Han, r) || r >= 0x2E80 {
		return false
	}
	i, err := latinFont.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// doc writes mixed Chinese and Latin text on an fpdf document. Not safe
// for concurrent use.
type doc struct {
	pdf  *fpdf.Fpdf
	size float64 // font size, pt
	buf  sfnt.Buffer
}

func newDoc() *doc {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(fontCJK, "", assets.CJKFont())
	pdf.AddUTF8FontFromBytes(fontLatin, "", goregular.TTF)
	d := &doc{pdf: pdf}
	d.font(10)
	return d
}

func (d *doc) font(size float64) {
	d.size = size
	d.pdf.SetFont(fontCJK, "", size)
}

// run is a stretch of text in one font.
type run struct{ font, text string }

func (d *doc) runs(s string) []run {
	var out []run
	var b strings.Builder
	cur := ""
	for _, r := range s {
		f := fontCJK
		if hasLatin(r, &d.buf) {
			f = fontLatin
		}
		if f != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = f
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

// width is the width of s in mm at the current size.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range d.runs(s) {
		d.pdf.SetFont(r.font, "", d.size)
		w += d.pdf.GetStringWidth(r.text)
	}
	d.pdf.SetFont(fontCJK, "", d.size)
	return w
}

// cell is fpdf's CellFormat for mixed text: border and fill, then the
// text aligned L, C or R with 1 mm padding; ln 1 moves to the next line.
func (d *doc) cell(w, h float64, s, border string, ln int, align string, fill bool) {
	pdf := d.pdf
	if w == 0 {
		_, _, r, _ := pdf.GetMargins()
		pw, _ := pdf.GetPageSize()
		w = pw - r - pdf.GetX()
	}
	pdf.CellFormat(w, h, "", border, 0, "", fill, 0, "")
	x, y := pdf.GetX()-w, pdf.GetY()
	tw := d.width(s)
	tx := x + 1
	switch align {
	case "C":
		tx = x + (w-tw)/2
	case "R":
		tx = x + w - 1 - tw
	}
	base := y + h/2 + 0.3*d.size*25.4/72
	for _, r := range d.runs(s) {
		pdf.SetFont(r.font, "", d.size)
		pdf.Text(tx, base, r.text)
		tx += pdf.GetStringWidth(r.text)
	}
	pdf.SetFont(fontCJK, "", d.size)
	if ln == 1 {
		l, _, _, _ := pdf.GetMargins()
		pdf.SetXY(l, y+h)
	} else {
		pdf.SetXY(x+w, y)
	}
}

// para writes s wrapped to width w, h mm per line, from the left margin.
func (d *doc) para(w, h float64, s string) {
	for _, line := range d.wrap(s, w-2) {
		d.cell(w, h, line, "", 1, "L", false)
	}
}

// wrap breaks s into lines at most w mm wide: Latin words stay whole when
// they fit, Chinese breaks between any two characters.
func (d *doc) wrap(s string, w float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, d.wrapOne(para, w)...)
	}
	return lines
}

func (d *doc) wrapOne(s string, w float64) []string {
	var lines []string
	rs := []rune(s)
	for len(rs) > 0 {
		n := d.fit(rs, w)
		if n < len(rs) {
			if sp := lastSpace(rs[:n]); sp > n/2 {
				n = sp + 1
			}
		}
		lines = append(lines, strings.TrimRight(string(rs[:n]), " "))
		rs = rs[n:]
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// fit is how many leading runes of rs fit in w mm (at least one).
func (d *doc) fit(rs []rune, w float64) int {
	lo, hi := 1, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.width(string(rs[:mid])) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

func lastSpace(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == ' ' {
			return i
		}
	}
	return -1
}

// fitText cuts s with an ellipsis to at most w mm.
func (d *doc) fitText(s string, w float64) string {
	if d.width(s) <= w {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.width(string(rs[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(rs[:lo]) + "…"
}

// room adds a page when fewer than h mm are left above the bottom margin.
func (d *doc) room(h float64) {
	if d.pdf.GetY()+h > pageH-bottomM {
		d.pdf.AddPage()
	}
}
