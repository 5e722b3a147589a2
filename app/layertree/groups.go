package layertree

// groupsEn names the catalog's groups in English. The catalog names a group
// by its Chinese path only (layers/catalog checks the roots by those names),
// so the English names live here, beside the tree that shows them; a group
// missing here shows its Chinese name (TestEveryGroupHasAnEnglishName).
var groupsEn = map[string]string{
	"现状": "Status quo", "规划": "Plans", "管理": "Management", "指标": "Indicators",
	"三条控制线": "Three control lines", "不动产": "Real estate", "专项规划": "Sectoral plans",
	"交通": "Transport", "公共服务设施": "Public services", "其他控制线": "Other control lines",
	"农转用与征收": "Conversion and expropriation", "历史文化与风景": "Heritage and scenery",
	"双评价": "Dual evaluation", "国土空间总体规划": "Territorial master plan", "国土调查": "Land surveys",
	"土地供应": "Land supply", "土地利用总体规划": "Land-use master plan", "土地整治": "Land consolidation",
	"地形": "Terrain", "地质": "Geology", "城市四线": "Four urban lines", "城市建成区": "Built-up area",
	"城市总体规划": "Urban master plan", "基础测绘": "Base mapping", "市政基础设施": "Municipal infrastructure",
	"市政设施": "Utilities", "年度变更调查": "Annual change surveys", "建筑与地名": "Buildings and place names",
	"执法监察": "Enforcement", "控制性详细规划": "Regulatory detailed plans", "方案与批注": "Proposals and notes",
	"村庄规划": "Village plans", "森林资源": "Forests", "水系": "Water", "湿地资源": "Wetlands",
	"生态修复": "Ecological restoration", "矿业权": "Mining rights", "矿产资源": "Mineral resources",
	"第三次全国国土调查": "Third national land survey", "统计分析": "Statistics", "综合交通": "Transport plan",
	"耕地资源": "Farmland", "行政区划": "Administrative divisions", "规划许可": "Planning permits",
	"设施农业": "Facility agriculture", "遥感影像": "Imagery", "项目审批": "Project approvals",
	"预审与选址": "Pre-review and siting",
}
