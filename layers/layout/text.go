package layout

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"lantu/assets"
)

// The sheet's two typefaces: the embedded CJK font has no Latin glyphs, so
// Latin letters, digits and symbols Go Regular has are set in Go Regular
// (as the map labels and the siting report are), the rest in the CJK font.
const (
	fontCJK   = "cjk"
	fontLatin = "go"
	refSize   = 100.0 // pt: the size text is measured at, then scaled
)

// fonts holds the parsed typefaces and the faces measuring them.
type fonts struct {
	cjk, latin       *opentype.Font
	cjkRef, latinRef font.Face // at refSize, 72 dpi, unhinted: 1 px = 1 pt
}

var (
	fontsOnce sync.Once
	fontsVal  *fonts
	fontsErr  error
	measureMu sync.Mutex // font.Face is not safe for concurrent use
)

// loadFonts parses the two typefaces once. Safe for concurrent use.
func loadFonts() (*fonts, error) {
	fontsOnce.Do(func() {
		f := &fonts{}
		if f.cjk, fontsErr = opentype.Parse(assets.CJKFont()); fontsErr != nil {
			fontsErr = fmt.Errorf("%w: CJK font: %v", ErrSheet, fontsErr)
			return
		}
		if f.latin, fontsErr = opentype.Parse(goregular.TTF); fontsErr != nil {
			fontsErr = fmt.Errorf("%w: Latin font: %v", ErrSheet, fontsErr)
			return
		}
		if f.cjkRef, fontsErr = f.face(fontCJK, refSize); fontsErr != nil {
			return
		}
		f.latinRef, fontsErr = f.face(fontLatin, refSize)
		fontsVal = f
	})
	return fontsVal, fontsErr
}

// face is a face of one typeface at px pixels (72 dpi: px = pt).
func (f *fonts) face(name string, px float64) (font.Face, error) {
	src := f.cjk
	if name == fontLatin {
		src = f.latin
	}
	fc, err := opentype.NewFace(src, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("%w: font %s at %.1f px: %v", ErrSheet, name, px, err)
	}
	return fc, nil
}

// run is a stretch of text set in one typeface.
type run struct{ font, text string }

// runs splits s into stretches of one typeface each.
func (f *fonts) runs(s string) []run {
	var out []run
	var b strings.Builder
	var buf sfnt.Buffer
	cur := ""
	for _, r := range s {
		name := fontCJK
		if f.hasLatin(r, &buf) {
			name = fontLatin
		}
		if name != cur && b.Len() > 0 {
			out = append(out, run{cur, b.String()})
			b.Reset()
		}
		cur = name
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{cur, b.String()})
	}
	return out
}

// hasLatin reports whether Go Regular has a glyph for r (Han never).
func (f *fonts) hasLatin(r rune, buf *sfnt.Buffer) bool {
	if unicode.Is(unicode.Han, r) || r >= 0x2E80 {
		return false
	}
	i, err := f.latin.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// width is the advance of s in mm at size pt.
func (f *fonts) width(s string, pt float64) float64 {
	measureMu.Lock()
	defer measureMu.Unlock()
	var adv fixed.Int26_6
	for _, r := range f.runs(s) {
		face := f.cjkRef
		if r.font == fontLatin {
			face = f.latinRef
		}
		adv += font.MeasureString(face, r.text)
	}
	return float64(adv) / 64 / refSize * pt * mmPerPt
}

// wrap breaks s into lines at most w mm wide at size pt: Latin words stay
// whole when they fit, Chinese breaks between any two characters.
func (f *fonts) wrap(s string, pt, w float64) []string {
	var lines []string
	rs := []rune(s)
	for len(rs) > 0 {
		n := f.fit(rs, pt, w)
		if n < len(rs) {
			if sp := lastSpace(rs[:n]); sp > n/2 {
				n = sp + 1
			}
		}
		lines = append(lines, strings.TrimSpace(string(rs[:n])))
		rs = rs[n:]
	}
	return lines
}

// fit is how many leading runes of rs fit in w mm (at least one).
func (f *fonts) fit(rs []rune, pt, w float64) int {
	lo, hi := 1, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if f.width(string(rs[:mid]), pt) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// ellipsis cuts s with "…" to at most w mm at size pt.
func (f *fonts) ellipsis(s string, pt, w float64) string {
	if f.width(s, pt) <= w {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if f.width(string(rs[:mid])+"…", pt) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(rs[:lo]) + "…"
}

func lastSpace(rs []rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == ' ' {
			return i
		}
	}
	return -1
}
