package i18n

// The attribute table and the right-click menus of the layer tree and the
// map, kept in a block of their own.
func init() {
	for k, v := range windowStrings {
		table[k] = v
	}
}

var windowStrings = map[string][2]string{
	"attr.title":       {"属性表", "Attribute table"},
	"attr.loading":     {"正在读取…", "Reading…"},
	"attr.loading.n":   {"正在读取… 已读 %d 行", "Reading… %d rows so far"},
	"attr.count":       {"显示 %d 行，共 %d 行；已选 %d", "%d of %d rows shown; %d selected"},
	"attr.search":      {"筛选：任意列包含…", "Filter: any column contains…"},
	"attr.anyfield":    {"（字段）", "(field)"},
	"attr.value":       {"值", "value"},
	"attr.clearfilter": {"清除筛选", "Clear filter"},
	"attr.zoomsel":     {"缩放到所选", "Zoom to selection"},
	"attr.selectshown": {"全选显示行", "Select shown"},
	"attr.clearsel":    {"取消选择", "Deselect"},
	"attr.nogeom":      {"所选要素没有几何", "The selected features have no geometry"},

	"layer.zoom":           {"缩放到图层", "Zoom to layer"},
	"layer.table":          {"打开属性表", "Open attribute table"},
	"layer.export":         {"导出…", "Export…"},
	"layer.properties":     {"属性…", "Properties…"},
	"layer.style":          {"样式…", "Style…"},
	"style.title":          {"图层样式", "Layer style"},
	"style.fill":           {"填充颜色", "Fill colour"},
	"style.stroke":         {"边线颜色", "Stroke colour"},
	"style.width":          {"线宽（像素）", "Line width (px)"},
	"style.width.bad":      {"线宽应为 0 到 100 之间的数字", "The line width must be a number from 0 to 100"},
	"style.opacity":        {"不透明度", "Opacity"},
	"style.choose":         {"选择…", "Choose…"},
	"style.reset":          {"恢复目录样式", "Reset to catalog style"},
	"style.ok":             {"确定", "OK"},
	"style.cancel":         {"取消", "Cancel"},
	"layer.props.title":    {"图层属性", "Layer properties"},
	"layer.name":           {"名称", "Name"},
	"layer.code":           {"代码", "Code"},
	"layer.tablename":      {"数据表", "Table"},
	"layer.geometry":       {"几何类型", "Geometry"},
	"layer.crs":            {"坐标系", "CRS"},
	"layer.count":          {"要素数", "Features"},
	"layer.tiles":          {"瓦片数", "Tiles"},
	"layer.extent":         {"范围", "Extent"},
	"layer.scales":         {"显示比例尺", "Scale range"},
	"layer.scales.any":     {"任意比例尺", "Any scale"},
	"layer.scales.larger":  {"%s 及更大比例尺", "%s and larger scales"},
	"layer.scales.smaller": {"%s 及更小比例尺", "%s and smaller scales"},
	"layer.source":         {"数据源", "Source"},
	"layer.group":          {"分组", "Group"},
	"layer.close":          {"关闭", "Close"},

	"geom.polygon": {"面", "Polygon"},
	"geom.line":    {"线", "Line"},
	"geom.point":   {"点", "Point"},
	"geom.raster":  {"栅格", "Raster"},

	"mapmenu.identify": {"识别此处要素", "Identify here"},
	"mapmenu.copy":     {"复制坐标", "Copy coordinate"},
	"mapmenu.copyall":  {"全部（两行）", "Both (two lines)"},
	"mapmenu.lonlat":   {"经纬度", "Lon/lat"},
	"mapmenu.zoomin":   {"在此放大", "Zoom in here"},
	"mapmenu.zoomout":  {"在此缩小", "Zoom out here"},
	"mapmenu.copied":   {"已复制坐标：%s", "Copied: %s"},
}
