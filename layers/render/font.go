package render

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"lantu/assets"
)

// haloRadius is the width in pixels of the light outline behind labels.
const haloRadius = 2

// glyph is one rasterised character with its halo.
type glyph struct {
	mask, halo *image.Alpha    // halo is mask grown by haloRadius
	rect       image.Rectangle // mask bounds relative to the pen (baseline)
	adv        fixed.Int26_6
}

// typeface caches one font size: its face and rendered glyphs. Safe for
// concurrent use.
type typeface struct {
	mu     sync.Mutex
	face   font.Face // CJK
	latin  font.Face // Go Regular, for the runes it has
	has    func(r rune) bool
	glyphs map[rune]*glyph
	ascent int
	height int
}

var (
	fontOnce  sync.Once
	fontData  *opentype.Font
	latinData *opentype.Font
	fontErr   error
	facesMu   sync.Mutex
	faces     = map[float64]*typeface{}
)

// faceOf returns the cached typeface of the embedded CJK font at size px.
func faceOf(px float64) (*typeface, error) {
	fontOnce.Do(func() {
		fontData, fontErr = opentype.Parse(assets.CJKFont())
		if fontErr == nil {
			latinData, fontErr = opentype.Parse(goregular.TTF)
		}
		if fontErr != nil {
			fontErr = fmt.Errorf("render: label font: %w", fontErr)
		}
	})
	if fontErr != nil {
		return nil, fontErr
	}
	facesMu.Lock()
	defer facesMu.Unlock()
	if t := faces[px]; t != nil {
		return t, nil
	}
	opt := &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull}
	f, err := opentype.NewFace(fontData, opt)
	if err != nil {
		return nil, fmt.Errorf("render: label font size %v: %w", px, err)
	}
	lf, err := opentype.NewFace(latinData, opt)
	if err != nil {
		return nil, fmt.Errorf("render: latin font size %v: %w", px, err)
	}
	m := f.Metrics()
	t := &typeface{face: f, latin: lf, glyphs: map[rune]*glyph{}, ascent: m.Ascent.Ceil(), height: (m.Ascent + m.Descent).Ceil()}
	t.has = func(r rune) bool {
		i, err := latinData.GlyphIndex(nil, r)
		return err == nil && i != 0
	}
	faces[px] = t
	return t, nil
}

// glyph returns the cached glyph of r.
func (t *typeface) glyph(r rune) *glyph {
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.glyphs[r]; ok {
		return g
	}
	g := &glyph{}
	face := t.face
	if t.has(r) {
		face = t.latin
	}
	dr, mask, mp, adv, ok := face.Glyph(fixed.Point26_6{}, r)
	if ok {
		g.adv = adv
		g.rect = dr
		g.mask = image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
		draw.Draw(g.mask, g.mask.Rect, mask, mp, draw.Src)
		g.halo = dilate(g.mask, haloRadius)
	}
	t.glyphs[r] = g
	return g
}

// measure returns the advance width of s in pixels.
func (t *typeface) measure(s string) int {
	var w fixed.Int26_6
	for _, r := range s {
		w += t.glyph(r).adv
	}
	return w.Ceil()
}

// draw paints s with its baseline starting at (x, y): halos first, then
// text, so a halo never covers a neighbouring glyph.
func (t *typeface) draw(dst *image.RGBA, s string, x, y int, text, halo color.NRGBA) {
	for pass := 0; pass < 2; pass++ {
		pen := fixed.I(x)
		for _, r := range s {
			g := t.glyph(r)
			if g.mask != nil {
				m, col, grow := g.mask, text, 0
				if pass == 0 {
					m, col, grow = g.halo, halo, haloRadius
				}
				at := g.rect.Add(image.Pt(pen.Round(), y)).Inset(-grow)
				draw.DrawMask(dst, at, image.NewUniform(col), image.Point{}, m, image.Point{}, draw.Over)
			}
			pen += g.adv
		}
	}
}

// masks renders s (w x h pixels) into a text mask and a halo mask, both
// with a haloRadius border, for drawing turned.
func (t *typeface) masks(s string, w, h int) (text, halo *image.Alpha) {
	b := image.Rect(0, 0, w+2*haloRadius, h+2*haloRadius)
	text, halo = image.NewAlpha(b), image.NewAlpha(b)
	pen := fixed.I(haloRadius)
	base := haloRadius + t.ascent
	for _, r := range s {
		g := t.glyph(r)
		if g.mask != nil {
			at := g.rect.Add(image.Pt(pen.Round(), base))
			draw.DrawMask(text, at, image.Opaque, image.Point{}, g.mask, image.Point{}, draw.Over)
			draw.DrawMask(halo, at.Inset(-haloRadius), image.Opaque, image.Point{}, g.halo, image.Point{}, draw.Over)
		}
		pen += g.adv
	}
	return text, halo
}

// dilate grows an alpha mask by radius r (a disc-shaped max filter).
func dilate(m *image.Alpha, r int) *image.Alpha {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out := image.NewAlpha(image.Rect(0, 0, w+2*r, h+2*r))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := m.Pix[y*m.Stride+x]
			if a == 0 {
				continue
			}
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					if dx*dx+dy*dy > r*r+1 {
						continue
					}
					i := (y+dy+r)*out.Stride + x + dx + r
					out.Pix[i] = max(out.Pix[i], a)
				}
			}
		}
	}
	return out
}
