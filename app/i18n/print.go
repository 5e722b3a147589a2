package i18n

// Printing and exporting map sheets (app/printdialog), kept in a block of
// their own.
func init() {
	for k, v := range printStrings {
		table[k] = v
	}
}

var printStrings = map[string][2]string{
	"menu.print":         {"打印/导出地图…", "Print / export map…"},
	"print.dialog":       {"打印/导出地图", "Print / export map"},
	"print.no_blueprint": {"请先打开一个蓝图。", "Open a blueprint first."},
	"print.title":        {"标题", "Title"},
	"print.subtitle":     {"副标题", "Subtitle"},
	"print.author":       {"制图", "Author"},
	"print.date":         {"日期", "Date"},
	"print.scale":        {"比例尺", "Scale"},
	"print.center":       {"中心 X, Y", "Centre X, Y"},
	"print.paper":        {"纸张", "Paper"},
	"print.landscape":    {"横向", "Landscape"},
	"print.portrait":     {"纵向", "Portrait"},
	"print.dpi":          {"分辨率 dpi", "DPI"},
	"print.labels":       {"标注", "Labels"},
	"print.preview":      {"预览", "Preview"},
	"print.previewing":   {"正在生成预览…", "Making the preview…"},
	"print.save_png":     {"保存为 PNG…", "Save as PNG…"},
	"print.save_pdf":     {"保存为 PDF…", "Save as PDF…"},
	"print.close":        {"关闭", "Close"},
	"print.saving":       {"导出地图", "Exporting the map"},
	"print.composing":    {"正在排版和绘制", "Composing and drawing"},
	"print.saved":        {"地图已保存：%s", "Map saved: %s"},
	"print.bad_center":   {"中心坐标 %q 无效：应为 X, Y", "Centre %q: want X, Y"},
	"print.bad_scale":    {"比例尺 %q 无效：应为 1:N，N > 0", "Scale %q: want 1:N with N > 0"},
	"print.bad_date":     {"日期 %q 无效：应为 YYYY-MM-DD", "Date %q: want YYYY-MM-DD"},
}
