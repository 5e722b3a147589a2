package siting

import (
	"fmt"
	"strings"
)

// table draws a header row and rows with the given column widths (mm);
// numeric columns (align "R") are right-aligned. A long cell is cut to fit.
func table(d *doc, widths []float64, aligns string, header []string, rows [][]string) {
	d.font(8.5)
	d.pdf.SetDrawColor(150, 150, 150)
	var drawRow func(cells []string, fill bool)
	drawRow = func(cells []string, fill bool) {
		if d.pdf.GetY()+rowH > pageH-bottomM-2 {
			d.pdf.AddPage()
			if !fill {
				d.pdf.SetFillColor(221, 230, 242)
				drawRow(header, true)
			}
		}
		for i, c := range cells {
			d.cell(widths[i], rowH, d.fitText(c, widths[i]-1.5), "1", 0, string(aligns[i]), fill)
		}
		d.pdf.Ln(-1)
	}
	d.pdf.SetFillColor(221, 230, 242)
	drawRow(header, true)
	for _, r := range rows {
		drawRow(r, false)
	}
	d.pdf.Ln(2)
}

var useZh = map[string]string{"keep-out": "避让", "within": "须位于内", "setback": "退让", "land-use": "规划用地"}

func pdfLayers(d *doc, rep *Report) {
	heading(d, "表1 控制线与管控图层 Control and keep-out layers")
	var rows [][]string
	for _, l := range rep.Layers {
		name := l.NameZh
		if l.Control {
			name += " *"
		}
		non := ""
		if l.Use == "land-use" {
			non = num(l.NonConstructionM2, 1)
		}
		rows = append(rows, []string{name, l.Code, useZh[l.Use], fmt.Sprint(l.Features),
			num(l.AreaM2, 1), num(l.Mu, 2), pct(l.Share), non, l.Verdict.Zh()})
	}
	table(d, []float64{35, 23, 16, 12, 22, 16, 14, 24, 18}, "LLLRRRRRL",
		[]string{"图层", "代码", "用途", "要素数", "面积(平方米)", "面积(亩)", "占比", "非建设(平方米)", "结论"}, rows)
	d.font(7.5)
	d.para(contentW, 4, "* 三条控制线。面积为项目红线与图层要素并集的交集,EPSG:4550 平面面积;“须位于内”图层的面积为位于图层内的部分。"+
		" * the three control lines. Area = area(proposal ∩ union(features)), planar in EPSG:4550.")
}

func pdfSetbacks(d *doc, rep *Report) {
	if len(rep.Setbacks) == 0 {
		return
	}
	heading(d, "表2 退让距离 Setbacks")
	var rows [][]string
	for _, s := range rep.Setbacks {
		dist := "> " + num(s.SearchM, 0)
		if s.DistanceM != nil {
			dist = num(*s.DistanceM, 1)
		}
		kept := "是"
		if !s.Kept {
			kept = "否"
		}
		rows = append(rows, []string{s.NameZh, s.RuleID, num(s.RequiredM, 0), dist, kept, num(s.AreaM2, 1), pct(s.Share), s.Verdict.Zh()})
	}
	table(d, []float64{30, 36, 20, 22, 16, 24, 14, 18}, "LLRRLRRL",
		[]string{"图层", "规则", "要求退让(米)", "实际距离(米)", "满足", "退让区内(平方米)", "占比", "结论"}, rows)
}

func pdfSlope(d *doc, rep *Report) {
	heading(d, "表3 坡度分级 Slope classes")
	if rep.Slope == nil {
		d.font(9)
		d.cell(0, 6, "无数字高程模型,未分析坡度 (no DEM)", "", 1, "L", false)
		return
	}
	s := rep.Slope
	var rows [][]string
	for k, name := range SlopeClassNames {
		rows = append(rows, []string{name, num(s.ClassArea[k], 1), num(s.ClassArea[k]*MuPerM2, 2), pct(s.ClassShare[k])})
	}
	table(d, []float64{40, 40, 30, 30}, "LRRR", []string{"坡度级别", "面积(平方米)", "面积(亩)", "占比"}, rows)
	d.font(7.5)
	d.para(contentW, 4, fmt.Sprintf("按 %.0f 米 DEM 格网中心统计(%d 个格网),高程 %.1f–%.1f 米,平均 %.1f 米。Cells of the %.0f m DEM whose centre lies in the proposal.",
		s.CellM, s.Cells, s.MinElev, s.MaxElev, s.MeanElev, s.CellM))
	slopeChart(d, s)
}

// slopeClassColors go from flat (green) to steep (red).
var slopeClassColors = [5][3]int{{76, 175, 80}, {174, 213, 129}, {255, 235, 59}, {255, 152, 0}, {229, 57, 53}}

// slopeChart draws the class shares as horizontal bars.
func slopeChart(d *doc, s *SlopeResult) {
	if d.pdf.GetY()+48 > 297-20 {
		d.pdf.AddPage()
	}
	d.pdf.Ln(2)
	d.font(9)
	d.cell(0, 6, "图3 坡度分级占比 Slope class shares", "", 1, "L", false)
	x0, barW := marginL+25, contentW-45
	for k, name := range SlopeClassNames {
		y := d.pdf.GetY()
		d.cell(24, 6, name, "", 0, "R", false)
		c := slopeClassColors[k]
		d.pdf.SetFillColor(c[0], c[1], c[2])
		d.pdf.SetDrawColor(235, 235, 235)
		d.pdf.Rect(x0, y+1, barW, 4, "D")
		if w := barW * s.ClassShare[k]; w > 0 {
			d.pdf.Rect(x0, y+1, w, 4, "F")
		}
		d.pdf.SetXY(x0+barW+2, y)
		d.cell(18, 6, pct(s.ClassShare[k]), "", 1, "L", false)
	}
	d.pdf.Ln(2)
}

func pdfRules(d *doc, rep *Report) {
	heading(d, "表4 规则审查结果 Rule results")
	var rows [][]string
	for _, r := range rep.Rules {
		rows = append(rows, []string{r.ID, r.NameZh, r.Layer, severityZh(r.Severity), num(r.AreaM2, 1), pct(r.Share), r.Verdict.Zh()})
	}
	table(d, []float64{38, 56, 22, 12, 22, 14, 16}, "LLLLRRL",
		[]string{"规则编号", "规则名称", "图层", "等级", "面积(平方米)", "占比", "结论"}, rows)
	d.font(8)
	for _, r := range rep.Rules {
		d.para(contentW, 4.2, "· "+r.Reason.Zh)
	}
}

func pdfSkipped(d *doc, rep *Report) {
	if len(rep.Skipped) == 0 {
		return
	}
	heading(d, "未适用的规则 Rules not applied")
	d.font(8)
	for _, s := range rep.Skipped {
		d.para(contentW, 4.2, fmt.Sprintf("· %s %s:%s", s.ID, s.NameZh, s.Reason.Zh))
	}
}

// num formats v with thousands separators and d decimals.
func num(v float64, d int) string {
	s := fmt.Sprintf("%.*f", d, v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

func pct(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) }

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " (" + b + ")"
}
