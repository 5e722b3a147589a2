package siting

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"

	"github.com/go-pdf/fpdf"

	"lantu/layers"
)

const (
	pageW     = 210.0 // A4, mm
	marginL   = 15.0
	contentW  = pageW - 2*marginL
	rowH      = 6.5
	mapPixelW = 1400
	mapPixelH = 820
)

// WritePDF writes the report as a PDF: title block, location and detail
// maps of bp, the per-layer, setback, slope and rule tables, the slope
// chart, the verdict and its reasons, page numbers. bp must be the
// blueprint the report was made from.
func WritePDF(ctx context.Context, w io.Writer, bp *layers.Blueprint, rep *Report) error {
	loc, detail, legend, err := reportMaps(ctx, bp, rep, mapPixelW, mapPixelH)
	if err != nil {
		return fmt.Errorf("%w: maps: %v", ErrReport, err)
	}
	d := newPDF(rep)
	pdfTitle(d, rep)
	pdfVerdict(d, rep)
	if err := pdfMap(d, "location", "图1 区位图 Location map", loc, 0); err != nil {
		return err
	}
	if err := pdfMap(d, "detail", "图2 项目红线与管控图层 Proposal over the control layers", detail, legendHeight(legend)); err != nil {
		return err
	}
	pdfLegend(d, legend)
	d.room(60)
	pdfLayers(d, rep)
	pdfSetbacks(d, rep)
	pdfSlope(d, rep)
	pdfRules(d, rep)
	pdfSkipped(d, rep)
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("%w: PDF: %v", ErrReport, err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("%w: PDF: %v", ErrReport, err)
	}
	return nil
}

func newPDF(rep *Report) *doc {
	d := newDoc()
	d.pdf.SetMargins(marginL, 15, marginL)
	d.pdf.SetAutoPageBreak(true, bottomM)
	d.pdf.SetTitle("项目选址合规性审查报告 "+rep.Project, true)
	d.pdf.SetCreationDate(rep.Date)
	d.pdf.AliasNbPages("{nb}")
	d.pdf.SetFooterFunc(func() {
		d.pdf.SetY(-12)
		d.font(8)
		d.pdf.SetTextColor(110, 110, 110)
		d.cell(0, 5, fmt.Sprintf("第 %d 页    Page %d / {nb}", d.pdf.PageNo(), d.pdf.PageNo()), "", 0, "C", false)
		d.pdf.SetTextColor(0, 0, 0)
	})
	d.pdf.AddPage()
	return d
}

func pdfTitle(d *doc, rep *Report) {
	d.font(18)
	d.cell(0, 10, "建设项目选址合规性审查报告", "", 1, "C", false)
	d.font(10)
	d.cell(0, 6, "Siting compliance review report", "", 1, "C", false)
	d.pdf.Ln(4)
	rows := [][2]string{
		{"项目名称 Project", orDash(rep.Project)},
		{"申请单位 Applicant", orDash(rep.Applicant)},
		{"所在行政区 District", orDash(joinNonEmpty(rep.District, rep.DistrictCode))},
		{"拟用地用海 Proposed use", orDash(rep.LandUse)},
		{"项目面积 Area", fmt.Sprintf("%s 平方米 (%s 亩)", num(rep.AreaM2, 2), num(rep.Mu, 2))},
		{"审查日期 Date", rep.Date.Format("2006-01-02")},
		{"审查人 Reviewer", orDash(rep.Reviewer)},
		{"要素 Feature", fmt.Sprintf("%s uid %s (fid %d)", rep.Layer, rep.UID, rep.FID)},
		{"蓝图 Blueprint", rep.File},
	}
	d.font(10)
	for _, r := range rows {
		d.pdf.SetFillColor(238, 241, 245)
		d.cell(45, rowH+1, r[0], "1", 0, "L", true)
		d.cell(contentW-45, rowH+1, d.fitText(r[1], contentW-47), "1", 1, "L", false)
	}
	d.pdf.Ln(5)
}

// verdictColor is the fill of a verdict's box.
func verdictColor(v Verdict) (int, int, int) {
	c := v.Paper()
	return int(c.R), int(c.G), int(c.B)
}

func pdfVerdict(d *doc, rep *Report) {
	heading(d, "审查结论 Verdict")
	d.pdf.SetFillColor(verdictColor(rep.Verdict))
	d.font(16)
	d.cell(contentW, 12, rep.Verdict.Zh()+"  "+rep.Verdict.En(), "1", 1, "C", true)
	d.pdf.Ln(2)
	heading(d, "理由 Reasons")
	d.font(9.5)
	for i, r := range rep.Reasons {
		d.para(contentW, 5, fmt.Sprintf("%d. %s", i+1, r.Zh))
		d.pdf.SetTextColor(90, 90, 90)
		d.para(contentW, 4.5, "   "+r.En)
		d.pdf.SetTextColor(0, 0, 0)
		d.pdf.Ln(1)
	}
	if len(rep.Notes) > 0 {
		heading(d, "说明 Notes")
		d.font(9)
		for _, n := range rep.Notes {
			d.para(contentW, 4.5, "· "+n.Zh+" ("+n.En+")")
		}
	}
}

// heading starts a section, on a new page unless 30 mm are left (a heading
// is never the last line of a page).
func heading(d *doc, s string) {
	d.room(30)
	d.pdf.Ln(2)
	d.font(12.5)
	d.pdf.SetTextColor(20, 50, 100)
	d.cell(0, 8, s, "", 1, "L", false)
	d.pdf.SetTextColor(0, 0, 0)
}

// pdfMap places an image at the page width with a caption, on a new page
// unless it fits with keep mm more below it.
func pdfMap(d *doc, name, caption string, img image.Image, keep float64) error {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, asRGBA(img), &jpeg.Options{Quality: 88}); err != nil {
		return fmt.Errorf("%w: map %s: %v", ErrReport, name, err)
	}
	opt := fpdf.ImageOptions{ImageType: "JPG"}
	d.pdf.RegisterImageOptionsReader(name, opt, &buf)
	h := contentW * float64(img.Bounds().Dy()) / float64(img.Bounds().Dx())
	d.room(h + 8 + keep)
	y := d.pdf.GetY()
	d.pdf.ImageOptions(name, marginL, y, contentW, h, false, opt, 0, "")
	d.pdf.SetDrawColor(120, 120, 120)
	d.pdf.Rect(marginL, y, contentW, h, "D")
	d.pdf.SetY(y + h + 1)
	d.font(9)
	d.cell(0, 5, caption, "", 1, "C", false)
	d.pdf.Ln(2)
	return nil
}

// asRGBA views an opaque NRGBA image as RGBA (the same bytes when alpha is
// 255 everywhere), which the JPEG encoder converts several times faster.
func asRGBA(img image.Image) image.Image {
	if n, ok := img.(*image.NRGBA); ok && n.Opaque() {
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	return img
}

func pdfLegend(d *doc, legend []mapLayer) {
	d.font(8.5)
	x0, col := marginL, contentW/3
	d.room(legendHeight(legend))
	d.pdf.SetFillColor(255, 255, 255)
	d.pdf.SetDrawColor(int(proposalColor.R), int(proposalColor.G), int(proposalColor.B))
	d.pdf.SetLineWidth(0.6)
	legendItem(d, x0, "项目红线 proposal")
	d.pdf.SetLineWidth(0.2)
	for i, l := range legend {
		x := x0 + float64((i+1)%3)*col
		if (i+1)%3 == 0 {
			d.pdf.Ln(5)
		}
		fill := l.Fill
		if fill.A == 0 {
			fill = l.Stroke
		}
		d.pdf.SetFillColor(int(fill.R), int(fill.G), int(fill.B))
		d.pdf.SetDrawColor(int(l.Stroke.R), int(l.Stroke.G), int(l.Stroke.B))
		legendItem(d, x, l.NameZh)
	}
	d.pdf.Ln(6)
}

// legendHeight is the height in mm of the legend: three items a row.
func legendHeight(legend []mapLayer) float64 { return float64(len(legend)/3+1)*5.5 + 6 }

func legendItem(d *doc, x float64, label string) {
	y := d.pdf.GetY()
	d.pdf.Rect(x, y+1, 6, 3.5, "FD")
	d.pdf.SetXY(x+7.5, y)
	d.cell(contentW/3-8, 5.5, label, "", 0, "L", false)
}
