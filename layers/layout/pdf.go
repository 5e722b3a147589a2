package layout

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/goregular"

	"lantu/assets"
)

// WritePDF writes the sheet as a one-page PDF of the paper's size: the map
// frame as a JPEG of its pixels placed at the DPI, the neat line, scale
// bar, north arrow and swatches as vectors, every text as text in the
// embedded fonts (so it can be searched and copied).
func (s *Sheet) WritePDF(w io.Writer) error {
	orient := "P"
	if s.Spec.Landscape {
		orient = "L"
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orient, UnitStr: "mm",
		Size: fpdf.SizeType{Wd: s.Paper.W, Ht: s.Paper.H}})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddUTF8FontFromBytes(fontCJK, "", assets.CJKFont())
	pdf.AddUTF8FontFromBytes(fontLatin, "", goregular.TTF)
	title := s.Spec.Title
	if title == "" {
		title = s.Source
	}
	pdf.SetTitle(title, true)
	pdf.SetAuthor(s.Spec.Author, true)
	pdf.SetCreator("Lantu", true)
	pdf.SetCreationDate(s.Spec.Date)
	pdf.AddPage()
	if err := s.draw(&pdfSurface{pdf: pdf, s: s}); err != nil {
		return err
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("layout: PDF: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("layout: PDF: %w", err)
	}
	return nil
}

// pdfSurface draws on an fpdf page in mm. Not safe for concurrent use.
type pdfSurface struct {
	pdf *fpdf.Fpdf
	s   *Sheet
}

func (p *pdfSurface) mapImage(r Rect) error {
	var buf bytes.Buffer
	m := p.s.Map
	rgba := &image.RGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect} // opaque: the same bytes, encoded faster
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 90}); err != nil {
		return fmt.Errorf("layout: PDF map image: %w", err)
	}
	opt := fpdf.ImageOptions{ImageType: "JPG"}
	p.pdf.RegisterImageOptionsReader("map", opt, &buf)
	p.pdf.ImageOptions("map", r.X, r.Y, r.W, r.H, false, opt, 0, "")
	return nil
}

// alpha sets the fill and stroke opacity of what follows.
func (p *pdfSurface) alpha(c color.NRGBA) {
	p.pdf.SetAlpha(float64(c.A)/255, "Normal")
}

func (p *pdfSurface) fillRect(r Rect, c color.NRGBA) {
	p.alpha(c)
	p.pdf.SetFillColor(int(c.R), int(c.G), int(c.B))
	p.pdf.Rect(r.X, r.Y, r.W, r.H, "F")
}

func (p *pdfSurface) strokeRect(r Rect, w float64, c color.NRGBA) {
	p.alpha(c)
	p.pdf.SetDrawColor(int(c.R), int(c.G), int(c.B))
	p.pdf.SetLineWidth(w)
	p.pdf.Rect(r.X, r.Y, r.W, r.H, "D")
}

func (p *pdfSurface) line(x0, y0, x1, y1, w float64, c color.NRGBA) {
	p.alpha(c)
	p.pdf.SetDrawColor(int(c.R), int(c.G), int(c.B))
	p.pdf.SetLineWidth(w)
	p.pdf.SetLineCapStyle("butt")
	p.pdf.Line(x0, y0, x1, y1)
}

func (p *pdfSurface) polygon(pts [][2]float64, c color.NRGBA) {
	p.alpha(c)
	p.pdf.SetFillColor(int(c.R), int(c.G), int(c.B))
	ps := make([]fpdf.PointType, len(pts))
	for i, q := range pts {
		ps[i] = fpdf.PointType{X: q[0], Y: q[1]}
	}
	p.pdf.Polygon(ps, "F")
}

func (p *pdfSurface) text(x, y, pt float64, s string, c color.NRGBA) {
	p.alpha(c)
	p.pdf.SetTextColor(int(c.R), int(c.G), int(c.B))
	for _, r := range p.s.fonts.runs(s) {
		p.pdf.SetFont(r.font, "", pt)
		p.pdf.Text(x, y, r.text)
		x += p.s.fonts.width(r.text, pt)
	}
}
