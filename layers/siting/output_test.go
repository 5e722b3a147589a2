package siting

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"lantu/layers"
	"lantu/layers/peer/peertest"
	"lantu/layers/terrain"
)

// addDEM stores a 30 m DEM over the fixture: a plane rising at 10° east of
// x0-1000, steepening to 30° from x0+3000.
func addDEM(tb testing.TB, bp *layers.Blueprint) {
	tb.Helper()
	const cell = 30.0
	w, h := 334, 167
	g := terrain.NewGrid(w, h, [6]float64{x0 - 1000, cell, 0, y0 + 4000, 0, -cell}, 4550)
	t10, t30 := math.Tan(10*math.Pi/180), math.Tan(30*math.Pi/180)
	for r := range h {
		for c := range w {
			x := -1000 + (float64(c)+0.5)*cell
			z := t10 * (x + 1000)
			if x > 3000 {
				z = t10*4000 + t30*(x-3000)
			}
			g.Data[r*w+c] = float32(z)
		}
	}
	if err := terrain.Import(context.Background(), bp, terrain.DEMTable, g, 4550); err != nil {
		tb.Fatal(err)
	}
}

func TestSlopeClasses(t *testing.T) {
	bp, uids := newFixture(t)
	addDEM(t, bp)
	rep := review(t, bp, uids["inside"])
	s := rep.Slope
	if s == nil {
		t.Fatalf("no slope result; notes %v", rep.Notes)
	}
	// The 200 x 200 m site lies on the 10° plane: every cell in 6–15°.
	if s.ClassShare[2] != 1 || s.ClassArea[2] != s.AreaM2 || math.Abs(s.AreaM2-40000)/40000 > 0.2 {
		t.Errorf("slope classes %+v", s)
	}
	ctx := context.Background()
	if _, err := bp.Apply(ctx, layers.Edit{Op: layers.OpUpdate, Layer: "GL_XZFA", UID: uids["holes"], Attrs: map[string]any{"ydyhdm": "0601"}}); err != nil {
		t.Fatal(err)
	}
	rep = review(t, bp, uids["holes"])
	r := ruleByID(rep, "SLOPE-PLOT-25")
	if r == nil {
		t.Fatalf("SLOPE-PLOT-25 not applied: %v", rep.Skipped)
	}
	// The ring lies wholly on the 30° slope: all of it is steeper than 25°.
	if !near(r.AreaM2, rep.AreaM2) || r.Verdict != NeedsJustification || rep.Slope.ClassShare[4] != 1 {
		t.Errorf("slope rule %+v; classes %+v", r, rep.Slope)
	}
}

// TestPDF checks the report's text with pdftotext: the Chinese headings,
// the title block and the figures.
func TestPDF(t *testing.T) {
	bp, uids := newFixture(t)
	addDEM(t, bp)
	rep := review(t, bp, uids["straddling"])
	var buf bytes.Buffer
	if err := WritePDF(context.Background(), &buf, bp, rep); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(peertest.Tool(t, "pdftotext"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	red := rep.LayerByCode("GH_STBHHX")
	want := []string{
		"建设项目选址合规性审查报告", "表1 控制线与管控图层", "表2 退让距离", "表3 坡度分级", "表4 规则审查结果",
		"审查结论", "理由", "图1 区位图", "图2 项目红线与管控图层", "图3 坡度分级占比",
		"测试项目 straddling", "沈阳测试公司", "和平区", "2026-12-01", "审查员",
		"生态保护红线", rep.Verdict.Zh(), num(rep.AreaM2, 2), num(red.AreaM2, 1), pct(red.Share),
		num(rep.Slope.ClassArea[2], 1), "Page 1 / ", "第1页",
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("pdftotext:\n%s", text)
	}
}

// TestXLSX reads the workbook back: sheets, Chinese headers, values and
// number formats.
func TestXLSX(t *testing.T) {
	bp, uids := newFixture(t)
	rep := review(t, bp, uids["straddling"])
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); strings.Join(got, ",") != strings.Join([]string{SheetSummary, SheetLayers, SheetSetbacks, SheetSlope, SheetRules}, ",") {
		t.Errorf("sheets %v", got)
	}
	rows, err := x.GetRows(SheetLayers, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "图层代码" || rows[0][6] != "面积(平方米)" || rows[0][8] != "占项目比例" {
		t.Errorf("header %v", rows[0])
	}
	red := rep.LayerByCode("GH_STBHHX")
	found := false
	for i, r := range rows[1:] {
		if r[0] != "GH_STBHHX" {
			continue
		}
		found = true
		area, _ := strconv.ParseFloat(r[6], 64)
		share, _ := strconv.ParseFloat(r[8], 64)
		if !near(area, red.AreaM2) || !near(share, red.Share) || r[11] != red.Verdict.Zh() {
			t.Errorf("red line row %v, want %g %g", r, red.AreaM2, red.Share)
		}
		shown, _ := x.GetCellValue(SheetLayers, "I"+strconv.Itoa(i+2))
		if shown != pct(red.Share) {
			t.Errorf("share shown as %q, want %q (0.00%%)", shown, pct(red.Share))
		}
	}
	if !found {
		t.Errorf("no GH_STBHHX row in %v", rows)
	}
}

// TestXLSXOpensInGDAL reads the workbook with another spreadsheet reader,
// GDAL's XLSX driver (ogrinfo): the five sheets are its layers, and the
// red line's row holds the area and share the review computed.
func TestXLSXOpensInGDAL(t *testing.T) {
	ogrinfo := peertest.Tool(t, "ogrinfo")
	bp, uids := newFixture(t)
	rep := review(t, bp, uids["straddling"])
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(ogrinfo, "-ro", "-q", path, SheetLayers, "-where", `"图层代码" = 'GH_STBHHX'`)
	cmd.Env = append(os.Environ(), "OGR_XLSX_HEADERS=FORCE", "OGR_XLSX_FIELD_TYPES=AUTO")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", path, err, out)
	}
	red := rep.LayerByCode("GH_STBHHX")
	got := map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		name, val, ok := strings.Cut(strings.TrimSpace(line), " = ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(val, 64); err == nil {
			got[strings.Fields(name)[0]] = v
		}
	}
	if !near(got["面积(平方米)"], red.AreaM2) || !near(got["占项目比例"], red.Share) {
		t.Errorf("GDAL reads the red line's row as %v, want area %g, share %g\n%s", got, red.AreaM2, red.Share, out)
	}
	list, err := exec.Command(ogrinfo, "-ro", "-so", "-q", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, list)
	}
	for _, s := range []string{SheetSummary, SheetLayers, SheetSetbacks, SheetSlope, SheetRules} {
		if !strings.Contains(string(list), s) {
			t.Errorf("GDAL lists no sheet %s:\n%s", s, list)
		}
	}
}
