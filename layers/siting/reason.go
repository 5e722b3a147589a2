package siting

import (
	"fmt"

	"lantu/layers/conflict"
)

// reason explains one rule's outcome in both languages.
func (s *site) reason(c check, m measure, violated bool) Reason {
	name := s.layerName(c.layer)
	a, mu, sh := num(m.area, 1), num(m.area*MuPerM2, 2), fmt.Sprintf("%.1f%%", 100*s.share(m.area))
	var r Reason
	switch c.kind {
	case conflict.KindExclusive:
		r = Reason{"占用" + name.zh + " " + a + " 平方米(" + mu + " 亩),占项目面积 " + sh,
			"takes " + a + " m² (" + mu + " mu) of " + name.en + ", " + sh + " of the proposal"}
	case conflict.KindWithin:
		r = Reason{"有 " + a + " 平方米(" + mu + " 亩)位于" + name.zh + "之外,占项目面积 " + sh,
			a + " m² (" + mu + " mu), " + sh + " of the proposal, lies outside " + name.en}
	case conflict.KindSetback:
		r = s.setbackReason(c, m, name)
	case conflict.KindSlope:
		t := fmt.Sprintf("%g°", c.rule.Threshold)
		r = Reason{"坡度大于 " + t + " 的土地 " + a + " 平方米(" + mu + " 亩),占项目面积 " + sh,
			a + " m² (" + mu + " mu), " + sh + " of the proposal, is steeper than " + t}
	case kindLandUse:
		r = Reason{"有 " + a + " 平方米(" + mu + " 亩)位于" + name.zh + "的非建设用地上,占项目面积 " + sh,
			a + " m² (" + mu + " mu), " + sh + " of the proposal, is non-construction land in " + name.en}
	}
	r.Zh = "项目红线" + r.Zh
	r.En = "The proposal " + r.En
	switch {
	case violated:
		r.Zh += fmt.Sprintf(",违反规则 %s「%s」(%s)", c.rule.ID, c.rule.NameZh, severityZh(c.rule.Severity))
		r.En += fmt.Sprintf(": breaks rule %s, %q (%s)", c.rule.ID, c.rule.NameEn, c.rule.Severity)
	case m.area > 0:
		r.Zh += fmt.Sprintf(",小于规则 %s 的最小面积 %g 平方米或最小宽度 %g 米,视为碎片", c.rule.ID, c.rule.MinArea, c.rule.MinWidth)
		r.En += fmt.Sprintf(", under rule %s's minimum area %g m² or width %g m: a sliver", c.rule.ID, c.rule.MinArea, c.rule.MinWidth)
	default:
		r.Zh += ",符合规则 " + c.rule.ID
		r.En += ", which keeps rule " + c.rule.ID
	}
	return r
}

func (s *site) setbackReason(c check, m measure, name names) Reason {
	d := fmt.Sprintf("%g", c.rule.Distance)
	if m.distance == nil {
		sr := num(m.search, 0)
		return Reason{sr + " 米范围内无" + name.zh + ",满足退让 " + d + " 米", "has no " + name.en + " within " + sr + " m, keeping the " + d + " m setback"}
	}
	dist := fmt.Sprintf("%.1f", *m.distance)
	a := num(m.area, 1)
	if *m.distance >= c.rule.Distance {
		return Reason{"距" + name.zh + " " + dist + " 米,满足退让 " + d + " 米", "is " + dist + " m from " + name.en + ", keeping the " + d + " m setback"}
	}
	return Reason{"距" + name.zh + " " + dist + " 米,不足退让距离 " + d + " 米,退让范围内面积 " + a + " 平方米",
		"is " + dist + " m from " + name.en + ", inside the " + d + " m setback over " + a + " m²"}
}

type names struct{ zh, en string }

func (s *site) layerName(code string) names {
	if l := s.bp.Layer(code); l != nil && l.Def != nil {
		return names{l.Def.NameZh, l.Def.NameEn}
	}
	return names{code, code}
}

func severityZh(s string) string {
	switch s {
	case "high":
		return "严重"
	case "low":
		return "轻微"
	}
	return "一般"
}
