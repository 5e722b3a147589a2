package i18n

// Importing files and exporting layers (app/importpanel), kept in a block
// of their own.
func init() {
	for k, v := range importStrings {
		table[k] = v
	}
}

var importStrings = map[string][2]string{
	"menu.import":           {"导入数据…", "Import data…"},
	"menu.export":           {"导出图层…", "Export layer…"},
	"import.no_blueprint":   {"请先打开一个蓝图。", "Open a blueprint first."},
	"import.reading":        {"读取 %s", "Reading %s"},
	"import.title":          {"导入预览 — %s", "Import preview — %s"},
	"import.format":         {"格式", "Format"},
	"import.crs":            {"坐标系", "CRS"},
	"import.crs_to":         {"%s → 重投影到 EPSG:%d", "%s → reprojected to EPSG:%d"},
	"import.crs_unknown":    {"源文件未说明坐标系，请输入 EPSG 代码：", "The source names no CRS; enter its EPSG code:"},
	"import.crs_hint":       {"例如 4550", "e.g. 4550"},
	"import.crs_bad":        {"坐标系不可用：%s", "CRS cannot be used: %s"},
	"import.encoding":       {"编码", "Encoding"},
	"import.features":       {"要素", "Features"},
	"import.features_n":     {"%s 个，几何类型 %s", "%s, geometry %s"},
	"import.sample":         {"前 %d 个要素的属性", "Attributes of the first %d features"},
	"import.target":         {"目标", "Target"},
	"import.new_layer":      {"新建图层", "New layer"},
	"import.layer_name":     {"图层名称", "Layer name"},
	"import.editable_mark":  {"（可编辑，记入日志）", " (editable, journaled)"},
	"import.mapping":        {"字段对应", "Field mapping"},
	"import.mapping_new":    {"新图层的字段与源字段相同。", "The new layer's fields are the source's."},
	"import.no_field":       {"（不导入）", "(not imported)"},
	"import.run":            {"导入", "Import"},
	"import.cancel":         {"取消", "Cancel"},
	"import.running":        {"导入 %s", "Importing %s"},
	"import.stage":          {"已处理 %d / %d", "%d of %d done"},
	"import.result":         {"导入结果", "Import result"},
	"import.result_summary": {"%s：读取 %d 个，导入 %d 个到 %s", "%s: %d read, %d imported into %s"},
	"import.repaired":       {"已修复 %d 个：", "Repaired %d:"},
	"import.refused":        {"拒绝 %d 个：", "Refused %d:"},
	"import.more":           {"……另有 %d 个", "… and %d more"},
	"import.close":          {"关闭", "Close"},
	"export.title":          {"导出图层", "Export layer"},
	"export.layer":          {"图层", "Layer"},
	"export.format":         {"格式", "Format"},
	"export.encoding":       {"编码", "Encoding"},
	"export.crs":            {"坐标系 EPSG", "CRS EPSG"},
	"export.crs_hint":       {"留空：蓝图的坐标系（GeoJSON 为 WGS84）", "empty: the blueprint's (WGS84 for GeoJSON)"},
	"export.district":       {"仅导出区县", "Only the district"},
	"export.all":            {"（全部）", "(all)"},
	"export.selected":       {"仅导出所选要素（%d 个）", "Only the selected features (%d)"},
	"export.choose":         {"选择文件…", "Choose file…"},
	"export.replace":        {"%s 已存在，是否替换？", "%s exists. Replace it?"},
	"export.running":        {"导出 %s", "Exporting %s"},
	"export.done":           {"已导出 %d 个要素到 %s", "%d features exported to %s"},
}
