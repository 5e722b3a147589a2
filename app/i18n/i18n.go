// Package i18n holds the workstation's user-interface strings in Chinese
// and English and picks the language from a setting or LANG.
package i18n

import (
	"os"
	"strings"
	"sync/atomic"
)

// Lang is a user-interface language.
type Lang string

// The supported languages.
const (
	Zh Lang = "zh"
	En Lang = "en"
)

var current atomic.Value // Lang

// Set chooses the language of T. Safe for concurrent use.
func Set(l Lang) {
	if l != En {
		l = Zh
	}
	current.Store(l)
}

// Current is the language T uses; Chinese unless set otherwise.
func Current() Lang {
	if l, ok := current.Load().(Lang); ok {
		return l
	}
	return Zh
}

// FromEnv returns English when LC_ALL, LC_MESSAGES or LANG names an en_*
// locale, else Chinese.
func FromEnv() Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(v, "en_") || v == "en" {
				return En
			}
			return Zh
		}
	}
	return Zh
}

// T returns the string for key in the current language; an unknown key is
// returned as is.
func T(key string) string {
	s, ok := table[key]
	if !ok {
		return key
	}
	if Current() == En {
		return s[1]
	}
	return s[0]
}

// Pick returns zh or en by the current language, falling back to the other
// when the chosen one is empty.
func Pick(zh, en string) string {
	if Current() == En && en != "" || zh == "" {
		return en
	}
	return zh
}

// table maps keys to {Chinese, English}.
var table = map[string][2]string{
	"app.title":        {"蓝图 · 一张图工作站", "Lantu · One-Blueprint Workstation"},
	"menu.file":        {"文件", "File"},
	"menu.open":        {"打开…", "Open…"},
	"menu.recent":      {"最近打开", "Recent"},
	"menu.quit":        {"退出", "Quit"},
	"menu.view":        {"视图", "View"},
	"menu.full":        {"全图", "Full extent"},
	"menu.districts":   {"区县书签", "District bookmarks"},
	"menu.settings":    {"设置", "Settings"},
	"menu.language":    {"界面语言", "Language"},
	"lang.zh":          {"中文", "Chinese"},
	"lang.en":          {"英文", "English"},
	"tab.layers":       {"图层", "Layers"},
	"tab.identify":     {"识别", "Identify"},
	"tab.measure":      {"测量", "Measure"},
	"tool.pan":         {"平移", "Pan"},
	"tool.identify":    {"识别", "Identify"},
	"tool.zoombox":     {"拉框放大", "Zoom box"},
	"tool.distance":    {"测距离", "Distance"},
	"tool.area":        {"测面积", "Area"},
	"tool.full":        {"全图", "Full extent"},
	"tool.zoomin":      {"放大", "Zoom in"},
	"tool.zoomout":     {"缩小", "Zoom out"},
	"tree.search":      {"搜索图层（中文、英文或代码）", "Search layers (Chinese, English or code)"},
	"tree.opacity":     {"不透明度", "Opacity"},
	"tree.zoomto":      {"缩放到图层", "Zoom to layer"},
	"tree.none":        {"未选择图层", "No layer selected"},
	"tree.features":    {"个要素", "features"},
	"tree.tiles":       {"个瓦片", "tiles"},
	"identify.hint":    {"选择“识别”工具后单击地图，查看鼠标下各可见图层的要素属性。", "Choose the Identify tool and click the map to list the features under the cursor in every visible layer."},
	"identify.none":    {"此处没有要素", "No feature here"},
	"identify.copy":    {"复制属性", "Copy attributes"},
	"identify.copied":  {"已复制到剪贴板", "Copied to the clipboard"},
	"identify.layer":   {"图层", "Layer"},
	"identify.zoom":    {"缩放到要素", "Zoom to feature"},
	"measure.hint":     {"单击添加节点，右键单击结束并重新开始。", "Click to add vertices; right-click to finish and start again."},
	"measure.distance": {"距离", "Distance"},
	"measure.area":     {"面积", "Area"},
	"measure.planar":   {"平面（CGCS2000 高斯投影）", "Planar (CGCS2000 Gauss-Krüger)"},
	"measure.ellipse":  {"椭球面（CGCS2000）", "Ellipsoidal (CGCS2000)"},
	"measure.clear":    {"清除", "Clear"},
	"measure.perim":    {"周长", "Perimeter"},
	"measure.mu":       {"亩", "mu"},
	"measure.ha":       {"公顷", "ha"},
	"status.scale":     {"比例尺 1:", "Scale 1:"},
	"status.xy":        {"X/Y", "X/Y"},
	"status.lonlat":    {"经纬度", "Lon/Lat"},
	"status.rendering": {"绘制中…", "Drawing…"},
	"place.search":     {"查找地点（区县、地名）", "Find a place (district, name)"},
	"place.none":       {"未找到", "Nothing found"},
	"progress.open":    {"正在打开蓝图", "Opening the blueprint"},
	"progress.demo":    {"首次运行：正在生成示范蓝图", "First run: generating the demo blueprint"},
	"progress.cancel":  {"取消", "Cancel"},
	"status.indexing":  {"正在建立索引", "Indexing"},
	"error.open":       {"无法打开", "Cannot open"},
	"panel.later":      {"此面板将在后续版本提供。", "This panel comes in a later version."},
	// Conflicts panel
	"conflict.run":                   {"运行检查", "Run check"},
	"conflict.running":               {"正在检查冲突", "Checking for conflicts"},
	"conflict.export":                {"导出列表", "Export list"},
	"conflict.by.rule":               {"按规则", "By rule"},
	"conflict.by.severity":           {"按严重程度", "By severity"},
	"conflict.by.district":           {"按行政区", "By district"},
	"conflict.status.any":            {"全部状态", "Any status"},
	"conflict.smallfirst":            {"面积升序", "Smallest first"},
	"conflict.search":                {"筛选：规则、行政区、地类…", "Filter: rule, district, class…"},
	"conflict.none":                  {"尚无冲突图斑。点击“运行检查”。", "No conflict patches yet. Press Run check."},
	"conflict.summary":               {"共 %d 个图斑：待审 %d，已确认 %d，已豁免 %d，已解决 %d；显示 %d 个", "%d patches: %d open, %d confirmed, %d waived, %d resolved; %d shown"},
	"conflict.status":                {"冲突 %d · 待审 %d", "Conflicts %d · open %d"},
	"conflict.ran":                   {"已运行 %d 条规则，%d 条发现冲突，共 %d 个图斑", "Ran %d rules, %d found conflicts, %d patches"},
	"conflict.skipped":               {"；%d 条跳过（%s）", "; %d skipped (%s)"},
	"conflict.pick":                  {"在列表中选择一个图斑，地图将缩放并高亮它及两个来源要素。", "Pick a patch: the map zooms to it and highlights it with both source features."},
	"conflict.comment":               {"审查意见（豁免须填写理由）", "Review comment (a waiver needs a reason)"},
	"conflict.confirm":               {"确认", "Confirm"},
	"conflict.waive":                 {"豁免", "Waive"},
	"conflict.resolve":               {"已解决", "Resolved"},
	"conflict.reopen":                {"重新打开", "Reopen"},
	"conflict.needreason":            {"豁免须填写理由。", "A waiver needs a reason."},
	"conflict.area":                  {"面积", "Area"},
	"conflict.perimeter":             {"周长", "Perimeter"},
	"conflict.classes":               {"地类对照", "Classes"},
	"conflict.district":              {"行政区", "District"},
	"conflict.reviewer":              {"审查人", "Reviewer"},
	"conflict.exported":              {"已导出 %d 个图斑到 %s", "Exported %d patches to %s"},
	"conflict.sev.high":              {"高", "high"},
	"conflict.sev.medium":            {"中", "medium"},
	"conflict.sev.low":               {"低", "low"},
	"conflict.st.open":               {"待审", "open"},
	"conflict.st.confirmed":          {"已确认", "confirmed"},
	"conflict.st.waived":             {"已豁免", "waived"},
	"conflict.st.resolved":           {"已解决", "resolved"},
	"conflict.st.resolved_by_change": {"因变更已解决", "resolved by change"},
	"tab.conflicts":                  {"冲突", "Conflicts"},
	"tab.terrain":                    {"地形", "Terrain"},
	"tool.profile":                   {"剖面", "Profile"},
	"tab.proposals":                  {"方案", "Proposals"},
	"tab.sync":                       {"同步", "Sync"},
	"restart.lang":                   {"界面语言将在重新启动后生效。", "The language applies after a restart."},
	// Terrain panel (地形).
	"terrain.status":         {"高程 %.1f m  坡度 %.1f°", "Elevation %.1f m  Slope %.1f°"},
	"terrain.profile_title":  {"高程剖面", "Elevation profile"},
	"terrain.profile":        {"绘制剖面线", "Draw a profile line"},
	"terrain.profile_hint":   {"单击地图添加剖面线节点，右键单击结束。", "Click the map to add profile vertices; right-click to finish."},
	"terrain.stats_title":    {"坡度统计", "Slope statistics"},
	"terrain.stats_selected": {"统计所选图斑", "Selected polygon"},
	"terrain.stats_draw":     {"绘制统计范围", "Draw an area"},
	"terrain.area_hint":      {"单击地图绘制统计范围，至少三个节点。", "Click the map to draw an area of at least three vertices."},
	"terrain.select_polygon": {"请先用“识别”工具选择一个面要素。", "Pick a polygon with the Identify tool first."},
	"terrain.drawn_area":     {"绘制的范围", "Drawn area"},
	"terrain.no_dem":         {"此蓝图没有数字高程模型（XZ_DEM）。", "This blueprint has no elevation model (XZ_DEM)."},
	"terrain.nodata":         {"范围内没有高程数据。", "No elevation data here."},
	"terrain.working":        {"正在计算…", "Computing…"},
	"terrain.length":         {"长度", "Length"},
	"terrain.min":            {"最低", "Lowest"},
	"terrain.max":            {"最高", "Highest"},
	"terrain.mean":           {"平均", "Mean"},
	"terrain.ascent":         {"累计爬升", "Ascent"},
	"terrain.descent":        {"累计下降", "Descent"},
	"terrain.max_slope":      {"最大坡度", "Steepest"},
	"terrain.area":           {"面积", "Area"},
	"terrain.mu":             {"亩", "mu"},
	"terrain.slope_class":    {"坡度", "Slope"},
	"terrain.area_m2":        {"面积 m²", "Area m²"},
	"terrain.area_mu":        {"亩", "mu"},
	"terrain.share":          {"占比", "Share"},
	// Live conflict re-check, siting panel, bookmarks (review branch).
	"recheck.done":        {"冲突复查：%d 个要素，新增 %d 个图斑，消除 %d 个（%d ms）", "Conflicts re-checked: %d features, %d new patches, %d cleared (%d ms)"},
	"recheck.failed":      {"冲突复查失败：%v", "Conflict re-check failed: %v"},
	"tab.siting":          {"选址审查", "Siting"},
	"siting.run":          {"审查所选方案", "Review the selected proposal"},
	"siting.running":      {"正在进行选址审查…", "Running the siting review…"},
	"siting.hint":         {"在“编辑”中选中，或用“识别”工具点选一个拟选址方案（GL_XZFA 或可编辑图层的面），再点击“审查所选方案”。", "Select a proposal in Edit, or pick one with the Identify tool (a GL_XZFA feature or a polygon of an editable layer), then press Review."},
	"siting.selected":     {"所选方案：%s。点击下方“审查所选方案”进行审查。", "Selected proposal: %s. Review it with the button below."},
	"siting.not_polygon":  {"所选要素不是面，无法进行选址审查。", "The selected feature is not a polygon: no siting review."},
	"siting.not_proposal": {"%s 不是拟选址方案或可编辑图层。", "%s is not the proposal layer or an editable layer."},
	"siting.no_uid":       {"所选要素没有 uid，无法审查。", "The selected feature has no uid."},
	"siting.done":         {"选址审查：%s —— %s", "Siting review: %s — %s"},
	"siting.verdict":      {"审查结论：%s", "Verdict: %s"},
	"siting.summary":      {"面积 %s m²（%s 亩）· %s · 用途 %s · 申请单位 %s", "Area %s m² (%s mu) · %s · use %s · applicant %s"},
	"siting.rules":        {"规则审查", "Rules"},
	"siting.rule":         {"规则", "Rule"},
	"siting.layers":       {"管控图层", "Control layers"},
	"siting.layer":        {"图层", "Layer"},
	"siting.mu":           {"亩", "mu"},
	"siting.share":        {"占比", "Share"},
	"siting.result":       {"结论", "Result"},
	"siting.setbacks":     {"退让距离", "Setbacks"},
	"siting.required_m":   {"要求 m", "Req. m"},
	"siting.distance_m":   {"距离 m", "Dist. m"},
	"siting.slope":        {"坡度分级", "Slope classes"},
	"siting.slope_class":  {"坡度", "Slope"},
	"siting.elev":         {"高程 最低 %.1f m · 平均 %.1f m · 最高 %.1f m", "Elevation min %.1f m · mean %.1f m · max %.1f m"},
	"siting.no_dem":       {"本蓝图无数字高程模型，坡度未分析。", "No elevation model: slope not analysed."},
	"siting.reasons":      {"理由", "Reasons"},
	"siting.no_reasons":   {"各项规则均满足。", "Every rule is met."},
	"siting.skipped":      {"另有 %d 条规则不适用（见报告）。", "%d more rules do not apply (see the report)."},
	"siting.export_pdf":   {"导出 PDF", "Export PDF"},
	"siting.export_xlsx":  {"导出 XLSX", "Export XLSX"},
	"siting.file":         {"选址审查", "siting"},
	"siting.saved":        {"报告已保存到 %s，并附加到方案", "Report saved to %s and attached to the proposal"},
	"siting.saved_ro":     {"报告已保存到 %s；蓝图只读，未附加到方案", "Report saved to %s; the blueprint is read-only, not attached"},
	"siting.copied":       {"报告副本已保存到 %s", "Copy of the report saved to %s"},
	"siting.earlier":      {"本方案的历次报告", "Earlier reports of this proposal"},
	"siting.no_earlier":   {"尚无附加的报告。", "No report attached yet."},
	"bookmark.button":     {"书签", "Bookmarks"},
	"bookmark.save":       {"保存当前视图…", "Save current view…"},
	"bookmark.save_title": {"保存书签", "Save bookmark"},
	"bookmark.none":       {"（尚无书签）", "(no bookmarks yet)"},
	"bookmark.delete":     {"删除书签", "Delete bookmark"},
	"bookmark.delete_q":   {"删除书签“%s”？", "Delete the bookmark “%s”?"},
	"bookmark.deleted":    {"已删除书签“%s”", "Bookmark “%s” deleted"},
	"bookmark.name":       {"名称", "Name"},
	"bookmark.name_hint":  {"例如：浑河南岸", "e.g. Hun River south bank"},
	"bookmark.ok":         {"保存", "Save"},
	"bookmark.cancel":     {"取消", "Cancel"},
	"bookmark.replace":    {"书签“%s”已存在。用当前视图替换它？", "A bookmark “%s” exists. Replace it with the current view?"},
	"bookmark.saved":      {"已保存书签“%s”", "Bookmark “%s” saved"},
	"bookmark.went":       {"书签：%s", "Bookmark: %s"},
	"bookmark.readonly":   {"蓝图以只读方式打开，无法保存书签。", "The blueprint is open read-only: bookmarks cannot be saved."},
}
