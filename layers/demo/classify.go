package demo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"lantu/layers/catalog"
)

// statusClass is the GB/T 21010 class at p: a dense core, suburbs, farmland
// on the western plains, forest on the eastern hills, water on the rivers.
func (g *gen) statusClass(p orb.Point) string {
	d, e := g.dist(p), g.east(p)
	v, w := g.n1.at(p), g.n2.at(p)
	switch {
	case d < g.urbanR*(0.8+0.4*v):
		return pick(w, []string{"0701", "0701", "0701", "0505", "0501", "0601", "0803", "0801", "1004", "0810", "0809", "0604"})
	case d < g.urbanR*(1.3+0.4*v):
		return pick(w, []string{"0702", "0601", "0103", "0103", "0102", "0301", "1104", "1006", "0701", "0602", "1202", "0103"})
	case e > 30000+15000*v:
		return pick(w, []string{"0301", "0301", "0301", "0305", "0307", "0404", "0103", "0201", "0702", "1104", "0301", "0602"})
	default:
		return pick(w, []string{"0101", "0102", "0103", "0103", "0103", "0102", "0702", "1104", "0201", "1202", "1006", "0404", "0103", "0301"})
	}
}

// pick chooses from a list by a value in [0,1].
func pick(v float64, list []string) string {
	i := int(v * float64(len(list)) * 2.999)
	return list[i%len(list)]
}

// statusToPlan maps survey classes to 用地用海 classes.
var statusToPlan = map[string]string{
	"0101": "0101", "0102": "0102", "0103": "0103", "0201": "02", "0301": "03", "0305": "03", "0307": "03", "0404": "04",
	"0501": "0901", "0505": "0902", "0601": "1001", "0602": "1002", "0604": "11", "0701": "0701", "0702": "0703",
	"0801": "0801", "0803": "0804", "0809": "13", "0810": "1401", "1004": "1207", "1006": "1202", "1104": "17", "1202": "06",
}

// planClass is the planned 用地用海 class: the survey class, with the urban
// area growing outward by 3 km.
func (g *gen) planClass(p orb.Point) string {
	st := g.statusClass(p)
	if g.dist(p) < g.urbanR*(1.25+0.4*g.n1.at(p)) && !g.construction(st) && g.n2.at(p) > 0.25 {
		return pick(g.n2.at(orb.Point{p[1], p[0]}), []string{"070102", "0701", "1001", "0901", "0804", "1207", "1401", "0806"})
	}
	if c, ok := statusToPlan[st]; ok {
		return c
	}
	return "23"
}

// construction reports whether a GB/T 21010 class is construction land.
func (g *gen) construction(code string) bool {
	return g.cat.Palettes["gbt21010"].Construction(code)
}

// cgClass is the urban master plan's GB 50137 class: construction within a
// wider radius than the land-use plan allows (the classic 两规 difference).
func (g *gen) cgClass(p orb.Point) string {
	if g.dist(p) < g.urbanR*(1.4+0.35*g.n1.at(p)) {
		return pick(g.n2.at(p), []string{"R", "R", "M", "B", "A", "S", "G", "U", "W", "R"})
	}
	if g.statusClass(p) == "1104" {
		return "E1"
	}
	return "E2"
}

// tgClass is the land-use master plan's use zone.
func (g *gen) tgClass(p orb.Point) string {
	st := g.statusClass(p)
	switch {
	case g.dist(p) < g.urbanR*(1.15+0.3*g.n1.at(p)) || st == "0702":
		return "030"
	case st == "0602" || st == "0601":
		return "040"
	case st[:2] == "03":
		return "080"
	case st == "1104":
		return "100"
	case st[:2] == "01":
		if g.n2.at(p) < 0.75 {
			return "010"
		}
		return "020"
	}
	return "020"
}

// gzqClass is the construction-control zone.
func (g *gen) gzqClass(p orb.Point) string {
	d := g.dist(p) / g.urbanR
	switch {
	case inAny(g.red, p):
		return "040"
	case d < 1.2:
		return "010"
	case d < 1.45:
		return "020"
	}
	return "030"
}

func (g *gen) ghfqClass(p orb.Point) string {
	st := g.statusClass(p)
	switch {
	case inAny(g.red, p):
		return "1"
	case inAny(g.dev, p):
		return "41"
	case st[:2] == "03":
		return "2"
	case st[:2] == "01":
		return "3"
	}
	return "5"
}

// grade is a 1 (best) to 5 assessment grade for a theme.
func (g *gen) grade(theme string, p orb.Point) int {
	e := math.Max(0, math.Min(1, (g.east(p)+20000)/80000))
	v := g.n1.at(p)
	var s float64
	switch theme {
	case "eco":
		s = 1 - e*0.8 - v*0.3 // east hills most important
	case "agri":
		s = e*0.7 + v*0.3
	default:
		s = g.dist(p)/60000 + e*0.4 + v*0.2
	}
	return 1 + min(4, max(0, int(s*5)))
}

func inAny(ps []orb.Polygon, p orb.Point) bool {
	for _, poly := range ps {
		if poly.Bound().Contains(p) && planar.PolygonContains(poly, p) {
			return true
		}
	}
	return false
}

// classFor computes the class value of a layer's class field at p.
func (g *gen) classFor(l *catalog.Layer, p orb.Point) any {
	switch l.Style.Palette {
	case "gbt21010":
		return g.statusClass(p)
	case "ydyh":
		return g.planClass(p)
	case "gb50137":
		return g.cgClass(p)
	case "tgyt":
		return g.tgClass(p)
	case "jsgzq":
		return g.gzqClass(p)
	case "ghfq":
		return g.ghfqClass(p)
	case "grade5":
		theme := map[string]string{"GH_SPJSTZY": "eco", "GH_SPJNYSY": "agri"}[l.Code]
		return g.grade(theme, p)
	case "slope":
		return fmt.Sprint(1 + min(4, int(math.Max(0, g.east(p))/12000)))
	}
	return nil
}

// classNames maps a class field to the field holding its name.
var classNames = map[string]string{"dlbm": "dlmc", "ydyhdm": "ydyhmc", "ydxz": "ydxzmc", "ytdm": "ytmc", "gzqdm": "gzqmc", "fqdm": "fqmc", "dj": "djmc"}

// fillAttrs gives every field the feature was not given a plausible value.
func (g *gen) fillAttrs(l *catalog.Layer, geom orb.Geometry, attrs map[string]any, n int) {
	c := centroid(geom)
	r := rng(g.opt.Seed, fmt.Sprintf("%s/%d", l.Code, n))
	if l.ClassField != "" && attrs[l.ClassField] == nil {
		attrs[l.ClassField] = g.classFor(l, c)
	}
	if nameField := classNames[l.ClassField]; nameField != "" && l.HasField(nameField) && attrs[nameField] == nil {
		if p := g.cat.Palette(l); p != nil {
			if cl, ok := p.Lookup(fmt.Sprint(attrs[l.ClassField])); ok {
				attrs[nameField] = cl.NameZh
			}
		}
	}
	d := g.districtAt(c)
	for _, f := range l.Fields {
		if attrs[f.Name] != nil {
			continue
		}
		attrs[f.Name] = g.value(l, f, geom, d, n, r.Float64())
	}
}

// value is a plausible value of one field.
func (g *gen) value(l *catalog.Layer, f catalog.Field, geom orb.Geometry, d *district, n int, u float64) any {
	switch f.Name {
	case "xzqdm":
		return d.code
	case "xzqmc":
		return d.name
	case "mj", "tbmj":
		return math.Round(planar.Area(geom)*100) / 100
	case "mc", "tjqmc":
		return fmt.Sprintf("%s%s%d", d.short(), l.NameZh, n+1)
	case "xmmc":
		return fmt.Sprintf("%s%s项目", d.short(), projectKinds[int(u*float64(len(projectKinds)))%len(projectKinds)])
	case "pzwh", "pfwh":
		return fmt.Sprintf("沈自然资批〔%d〕%d号", 2015+n%10, 100+n%900)
	case "pzsj", "pfsj":
		return fmt.Sprintf("%d-%02d-%02d", 2015+n%10, 1+n%12, 1+n%28)
	case "bsm":
		return fmt.Sprintf("%s%08d", d.code, n+1)
	case "tbbh", "dkbh":
		return fmt.Sprintf("%s-%05d", d.code[4:], n+1)
	case "qsxz":
		return []string{"国有", "集体"}[n%2]
	case "zldwmc":
		return d.name + "街道"
	case "ydw", "sqdw":
		return companies[n%len(companies)]
	case "zt":
		return "待审查"
	case "nr":
		return "请核实用地边界"
	case "zz":
		return "规划科"
	case "yt":
		return []string{"住宅", "商业", "办公", "工业", "教育"}[n%5]
	case "kgdy":
		return fmt.Sprintf("%s-%02d", d.code[4:], n%40+1)
	case "pdjb":
		return fmt.Sprint(1 + n%5)
	case "ydyhdm":
		return g.planClass(centroid(geom))
	case "dlbm":
		return g.statusClass(centroid(geom))
	case "ydxz":
		return g.cgClass(centroid(geom))
	}
	return g.numberOrText(f, n, u)
}

func (g *gen) numberOrText(f catalog.Field, n int, u float64) any {
	switch f.Type {
	case "integer":
		ranges := map[string][2]int{"cs": {1, 33}, "rk": {2000, 90000}, "dj": {1, 5}}
		rg, ok := ranges[f.Name]
		if !ok {
			rg = [2]int{1, 100}
		}
		return rg[0] + int(u*float64(rg[1]-rg[0]+1))
	case "real":
		ranges := map[string][2]float64{"rjl": {0.8, 4.5}, "jzmd": {15, 45}, "ldl": {15, 40}, "xg": {18, 120}, "kd": {8, 60}, "jzmj": {300, 60000}, "gdp": {5, 300}}
		rg, ok := ranges[f.Name]
		if !ok {
			rg = [2]float64{0, 100}
		}
		return math.Round((rg[0]+u*(rg[1]-rg[0]))*100) / 100
	case "date":
		return fmt.Sprintf("%d-%02d-%02d", 2016+n%9, 1+n%12, 1+n%28)
	}
	return []string{"一般", "重要", "重点", "其他"}[n%4]
}

var projectKinds = []string{"智能制造产业园", "保障性住房", "物流园区", "中学扩建", "综合医院", "220千伏输变电", "污水处理厂", "城市更新", "公园绿地", "商业综合体", "现代农业示范区", "道路拓宽"}

var companies = []string{"沈阳市城市建设投资集团", "沈阳地铁集团有限公司", "华晨宝马汽车有限公司", "沈阳新松机器人自动化股份有限公司", "沈阳市土地储备中心", "辽宁省交通建设投资集团", "沈阳水务集团", "国网沈阳供电公司"}

// centroid is a cheap representative point (the bound centre).
func centroid(g orb.Geometry) orb.Point { return g.Bound().Center() }
