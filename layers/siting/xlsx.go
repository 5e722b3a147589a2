package siting

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX report.
const (
	SheetSummary  = "审查结论"
	SheetLayers   = "管控图层"
	SheetSetbacks = "退让距离"
	SheetSlope    = "坡度分级"
	SheetRules    = "规则结果"
)

// xlsxStyles are the number formats of the workbook.
type xlsxStyles struct{ header, area, mu, share, text int }

// WriteXLSX writes the report's tables to an XLSX workbook with Chinese
// headers and number formats (areas #,##0.00, shares 0.00%).
func WriteXLSX(w io.Writer, rep *Report) error {
	x := excelize.NewFile()
	defer x.Close()
	st, err := newXLSXStyles(x)
	if err != nil {
		return fmt.Errorf("%w: XLSX: %v", ErrReport, err)
	}
	sheets := []struct {
		name string
		fill func(*excelize.File, string, xlsxStyles, *Report) error
	}{
		{SheetSummary, xlsxSummary}, {SheetLayers, xlsxLayers}, {SheetSetbacks, xlsxSetbacks},
		{SheetSlope, xlsxSlope}, {SheetRules, xlsxRules},
	}
	for i, s := range sheets {
		if i == 0 {
			err = x.SetSheetName("Sheet1", s.name)
		} else {
			_, err = x.NewSheet(s.name)
		}
		if err == nil {
			err = s.fill(x, s.name, st, rep)
		}
		if err != nil {
			return fmt.Errorf("%w: XLSX sheet %s: %v", ErrReport, s.name, err)
		}
	}
	if err := x.Write(w); err != nil {
		return fmt.Errorf("%w: XLSX: %v", ErrReport, err)
	}
	return nil
}

func newXLSXStyles(x *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = x.NewStyle(s)
		return id
	}
	areaFmt, muFmt, shareFmt := "#,##0.00", "#,##0.000", "0.00%"
	st.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6F2"}}})
	st.area = mk(&excelize.Style{CustomNumFmt: &areaFmt})
	st.mu = mk(&excelize.Style{CustomNumFmt: &muFmt})
	st.share = mk(&excelize.Style{CustomNumFmt: &shareFmt})
	st.text = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return st, err
}

// sheetWriter writes rows with per-column styles.
type sheetWriter struct {
	x     *excelize.File
	sheet string
	row   int
	err   error
}

func (w *sheetWriter) put(styles []int, vals ...any) {
	w.row++
	for i, v := range vals {
		if w.err != nil {
			return
		}
		cell, _ := excelize.CoordinatesToCellName(i+1, w.row)
		w.err = w.x.SetCellValue(w.sheet, cell, v)
		if w.err == nil && i < len(styles) && styles[i] != 0 {
			w.err = w.x.SetCellStyle(w.sheet, cell, cell, styles[i])
		}
	}
}

func (w *sheetWriter) header(st xlsxStyles, names ...string) {
	styles := make([]int, len(names))
	vals := make([]any, len(names))
	for i, n := range names {
		styles[i], vals[i] = st.header, n
	}
	w.put(styles, vals...)
}

func (w *sheetWriter) widths(ws ...float64) {
	for i, v := range ws {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if w.err == nil {
			w.err = w.x.SetColWidth(w.sheet, col, col, v)
		}
	}
}

func xlsxSummary(x *excelize.File, sheet string, st xlsxStyles, rep *Report) error {
	w := &sheetWriter{x: x, sheet: sheet}
	w.header(st, "项目", "内容")
	for _, r := range [][2]any{
		{"项目名称", rep.Project}, {"申请单位", rep.Applicant}, {"所在行政区", joinNonEmpty(rep.District, rep.DistrictCode)},
		{"拟用地用海代码", rep.LandUse}, {"审查日期", rep.Date.Format("2006-01-02")}, {"审查人", rep.Reviewer},
		{"图层", rep.Layer}, {"要素 uid", rep.UID}, {"蓝图文件", rep.File},
	} {
		w.put(nil, r[0], r[1])
	}
	w.put([]int{0, st.area}, "项目面积(平方米)", rep.AreaM2)
	w.put([]int{0, st.mu}, "项目面积(亩)", rep.Mu)
	w.put(nil, "审查结论", rep.Verdict.Zh()+" "+rep.Verdict.En())
	for i, r := range rep.Reasons {
		w.put([]int{0, st.text}, fmt.Sprintf("理由 %d", i+1), r.Zh+"\n"+r.En)
	}
	for _, n := range rep.Notes {
		w.put([]int{0, st.text}, "说明", n.Zh)
	}
	w.widths(18, 100)
	return w.err
}

func xlsxLayers(x *excelize.File, sheet string, st xlsxStyles, rep *Report) error {
	w := &sheetWriter{x: x, sheet: sheet}
	w.header(st, "图层代码", "图层名称", "用途", "三条控制线", "筛选条件", "涉及要素数", "面积(平方米)", "面积(亩)", "占项目比例", "非建设用地面积(平方米)", "非建设用地比例", "结论")
	s := []int{0, 0, 0, 0, 0, 0, st.area, st.mu, st.share, st.area, st.share, 0}
	for _, l := range rep.Layers {
		ctl := "否"
		if l.Control {
			ctl = "是"
		}
		w.put(s, l.Code, l.NameZh, useZh[l.Use], ctl, l.Filter, l.Features, l.AreaM2, l.Mu, l.Share, l.NonConstructionM2, l.NonConstructionShare, l.Verdict.Zh())
	}
	w.widths(14, 26, 10, 10, 24, 10, 16, 12, 12, 18, 14, 10)
	return w.err
}

func xlsxSetbacks(x *excelize.File, sheet string, st xlsxStyles, rep *Report) error {
	w := &sheetWriter{x: x, sheet: sheet}
	w.header(st, "图层代码", "图层名称", "规则", "要求退让距离(米)", "实际距离(米)", "搜索半径(米)", "是否满足", "退让区内面积(平方米)", "占项目比例", "结论")
	s := []int{0, 0, 0, st.area, st.area, st.area, 0, st.area, st.share, 0}
	for _, b := range rep.Setbacks {
		var dist any = "无"
		if b.DistanceM != nil {
			dist = *b.DistanceM
		}
		kept := "是"
		if !b.Kept {
			kept = "否"
		}
		w.put(s, b.Code, b.NameZh, b.RuleID, b.RequiredM, dist, b.SearchM, kept, b.AreaM2, b.Share, b.Verdict.Zh())
	}
	w.widths(14, 20, 20, 16, 14, 14, 10, 20, 12, 10)
	return w.err
}

func xlsxSlope(x *excelize.File, sheet string, st xlsxStyles, rep *Report) error {
	w := &sheetWriter{x: x, sheet: sheet}
	w.header(st, "坡度级别", "面积(平方米)", "面积(亩)", "占比")
	if rep.Slope == nil {
		w.put(nil, "无数字高程模型")
		return w.err
	}
	for k, name := range SlopeClassNames {
		a := rep.Slope.ClassArea[k]
		w.put([]int{0, st.area, st.mu, st.share}, name, a, a*MuPerM2, rep.Slope.ClassShare[k])
	}
	w.put([]int{0, st.area}, "格网大小(米)", rep.Slope.CellM)
	w.put(nil, "格网数", rep.Slope.Cells)
	w.widths(16, 16, 12, 10)
	return w.err
}

func xlsxRules(x *excelize.File, sheet string, st xlsxStyles, rep *Report) error {
	w := &sheetWriter{x: x, sheet: sheet}
	w.header(st, "规则编号", "规则名称", "类型", "等级", "图层", "最小面积(平方米)", "面积(平方米)", "占项目比例", "结论", "理由")
	s := []int{0, 0, 0, 0, 0, st.area, st.area, st.share, 0, st.text}
	for _, r := range rep.Rules {
		w.put(s, r.ID, r.NameZh, r.Kind, severityZh(r.Severity), r.Layer, r.MinAreaM2, r.AreaM2, r.Share, r.Verdict.Zh(), r.Reason.Zh)
	}
	for _, k := range rep.Skipped {
		w.put(nil, k.ID, k.NameZh, "", "", "", "", "", "", "未适用", k.Reason.Zh)
	}
	w.widths(20, 36, 10, 8, 14, 14, 14, 12, 10, 70)
	return w.err
}
