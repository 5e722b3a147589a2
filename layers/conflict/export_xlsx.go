package conflict

import (
	"github.com/xuri/excelize/v2"
)

// ExportNames are the names an XLSX export writes in a column beside each
// code: rule names by rule ID, district names by code (行政区代码), severity
// and status names. A missing map or name leaves the code's name column
// with the code; severity, status and rule names default to Chinese (the
// embedded rules' name_zh). A value: safe for concurrent use once built.
type ExportNames struct {
	Rules, Districts, Severity, Status map[string]string
}

// defaultSeverity and defaultStatus are the Chinese names of the codes.
var (
	defaultSeverity = map[string]string{"high": "高", "medium": "中", "low": "低"}
	defaultStatus   = map[string]string{StatusOpen: "待审", StatusConfirmed: "已确认", StatusWaived: "已豁免",
		StatusResolved: "已解决", StatusResolvedByChange: "因变更已解决"}
)

// withDefaults fills the maps left nil.
func (n ExportNames) withDefaults() ExportNames {
	if n.Severity == nil {
		n.Severity = defaultSeverity
	}
	if n.Status == nil {
		n.Status = defaultStatus
	}
	if n.Rules == nil {
		n.Rules = map[string]string{}
		if rs, err := DefaultRules(); err == nil {
			for _, r := range rs.Rules {
				n.Rules[r.ID] = r.NameZh
			}
		}
	}
	return n
}

func name(m map[string]string, code string) string {
	if v := m[code]; v != "" {
		return v
	}
	return code
}

// xlsxColumn is one column of the XLSX export: its Chinese header, the
// cell of a patch, and the number format of numeric cells (excelize's
// built-in ids: 1 is "0", 2 is "0.00"; 0 for text).
type xlsxColumn struct {
	head string
	text func(p *Patch, n ExportNames) string
	num  func(p *Patch) float64
	fmt  int
}

func textCol(head string, f func(p *Patch, n ExportNames) string) xlsxColumn {
	return xlsxColumn{head: head, text: f}
}

func intCol(head string, f func(p *Patch) int64) xlsxColumn {
	return xlsxColumn{head: head, num: func(p *Patch) float64 { return float64(f(p)) }, fmt: 1}
}

// xlsxColumns are the codes of the CSV export with a name column beside
// rule, severity, district and status, and whole numbers written without
// thousands separators.
var xlsxColumns = []xlsxColumn{
	intCol("编号", func(p *Patch) int64 { return p.ID }),
	textCol("规则", func(p *Patch, _ ExportNames) string { return p.RuleID }),
	textCol("规则名称", func(p *Patch, n ExportNames) string { return name(n.Rules, p.RuleID) }),
	textCol("严重程度", func(p *Patch, _ ExportNames) string { return p.Severity }),
	textCol("严重程度名称", func(p *Patch, n ExportNames) string { return name(n.Severity, p.Severity) }),
	textCol("类型", func(p *Patch, _ ExportNames) string { return p.Kind }),
	textCol("图层A", func(p *Patch, _ ExportNames) string { return p.A.Layer }),
	intCol("要素A", func(p *Patch) int64 { return p.A.FID }),
	textCol("要素A标识", func(p *Patch, _ ExportNames) string { return p.A.UID }),
	textCol("图层B", func(p *Patch, _ ExportNames) string { return p.B.Layer }),
	intCol("要素B", func(p *Patch) int64 { return p.B.FID }),
	textCol("要素B标识", func(p *Patch, _ ExportNames) string { return p.B.UID }),
	textCol("用地分类对", func(p *Patch, _ ExportNames) string { return p.ClassPair }),
	textCol("行政区代码", func(p *Patch, _ ExportNames) string { return p.District }),
	textCol("行政区", func(p *Patch, n ExportNames) string { return name(n.Districts, p.District) }),
	{head: "面积(平方米)", num: func(p *Patch) float64 { return p.Area }, fmt: 2},
	{head: "面积(亩)", num: func(p *Patch) float64 { return p.Area * 15 / 10000 }, fmt: 2},
	{head: "周长(米)", num: func(p *Patch) float64 { return p.Perimeter }, fmt: 2},
	textCol("状态", func(p *Patch, _ ExportNames) string { return p.Status }),
	textCol("状态名称", func(p *Patch, n ExportNames) string { return name(n.Status, p.Status) }),
	textCol("审核人", func(p *Patch, _ ExportNames) string { return p.Reviewer }),
	textCol("审核时间", func(p *Patch, _ ExportNames) string { return p.ReviewedAt }),
	textCol("说明", func(p *Patch, _ ExportNames) string { return p.Comment }),
}

func exportXLSX(patches []Patch, path string, names ExportNames) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "冲突图斑"
	x.SetSheetName("Sheet1", sheet)
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	styles := map[int]int{}
	for _, f := range []int{1, 2} {
		if styles[f], err = x.NewStyle(&excelize.Style{NumFmt: f}); err != nil {
			return err
		}
	}
	for c, col := range xlsxColumns {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		x.SetCellStr(sheet, cell, col.head)
		x.SetCellStyle(sheet, cell, cell, bold)
		if col.num != nil && len(patches) > 0 {
			top, _ := excelize.CoordinatesToCellName(c+1, 2)
			end, _ := excelize.CoordinatesToCellName(c+1, len(patches)+1)
			x.SetCellStyle(sheet, top, end, styles[col.fmt])
		}
		colName, _ := excelize.ColumnNumberToName(c + 1)
		x.SetColWidth(sheet, colName, colName, float64(max(10, 2*len([]rune(col.head))+2)))
	}
	for r := range patches {
		for c, col := range xlsxColumns {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if col.num != nil {
				x.SetCellFloat(sheet, cell, col.num(&patches[r]), -1, 64)
			} else {
				x.SetCellStr(sheet, cell, col.text(&patches[r], names))
			}
		}
	}
	x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	return x.SaveAs(path)
}
