package siting

import (
	"fmt"
	"slices"
	"strings"

	"lantu/layers"
	"lantu/layers/conflict"
)

// kindLandUse is the check one side of a difference rule gives: the
// proposal's area on the plan's non-construction land.
const kindLandUse = "land-use"

// check is one applicable measurement: a rule, or one side of a difference
// rule, applied to the proposal.
type check struct {
	rule         *conflict.Rule
	kind         string // a conflict kind, or kindLandUse
	layer        string // the layer measured against (B, or the plan side)
	where        *conflict.Expr
	classField   string   // land use
	construction []string // land use: construction-class prefixes
}

// Skip is a rule that was not run against the proposal, with why. A plain
// value, safe for concurrent use.
type Skip struct {
	ID     string `json:"id"`
	NameZh string `json:"name_zh"`
	Reason Reason `json:"reason"`
}

// projectRoles are the catalog roles of layers a proposal stands in for.
var projectRoles = map[string]bool{"approval": true, "proposal": true}

// planChecks derives the checks that apply to the proposal from rules.
func planChecks(bp *layers.Blueprint, rules *conflict.RuleSet, prop *layers.Feature) ([]check, []Skip) {
	var out []check
	var skipped []Skip
	src := conflict.BlueprintSource(bp)
	for _, r := range rules.Rules {
		skip := func(zh, en string) {
			skipped = append(skipped, Skip{ID: r.ID, NameZh: r.NameZh, Reason: Reason{zh, en}})
		}
		if err := r.Validate(src); err != nil {
			skip(fmt.Sprintf("规则不适用于本蓝图: %v", err), fmt.Sprintf("rule does not fit this blueprint: %v", err))
			continue
		}
		switch r.Kind {
		case conflict.KindDifference:
			out = append(out,
				check{rule: r, kind: kindLandUse, layer: r.A.Layer, classField: r.AClassField, construction: r.AConstruction},
				check{rule: r, kind: kindLandUse, layer: r.B.Layer, classField: r.BClassField, construction: r.BConstruction})
			continue
		case conflict.KindAttribute:
			skip("属性规则比较两版规划的用地分类,不针对项目", "attribute rules compare two plans' classes, not a proposal")
			continue
		}
		if ok, zh, en := appliesTo(bp, r.A, prop); !ok {
			skip(zh, en)
			continue
		}
		out = append(out, check{rule: r, kind: r.Kind, layer: r.B.Layer, where: r.B.Expr()})
	}
	return out, skipped
}

// appliesTo tells whether the proposal stands in for a rule's A side, and
// if not why (Chinese, English).
func appliesTo(bp *layers.Blueprint, a conflict.Selector, prop *layers.Feature) (bool, string, string) {
	l := bp.Layer(a.Layer)
	role := ""
	if l != nil && l.Def != nil {
		role = l.Def.Role
	}
	if projectRoles[role] {
		return true, "", ""
	}
	if role != "plan" {
		return false, "规则检查" + roleZh(role) + "图层,不针对项目", "the rule checks a " + orNone(role) + " layer, not a proposal"
	}
	var missing []string
	for _, f := range a.Expr().Fields() {
		if prop.Attrs[f] == nil && !slices.Contains(missing, f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		m := strings.Join(missing, ", ")
		return false, "项目未填写字段 " + m + ",无法判断规则是否适用", "the proposal has no value in field " + m + ", which the rule's filter reads"
	}
	if !a.Expr().Match(prop.Attrs) {
		return false, "项目用地分类不在规则筛选条件内 (" + a.Where + ")", "the proposal's class is outside the rule's filter (" + a.Where + ")"
	}
	return true, "", ""
}

func roleZh(role string) string {
	switch role {
	case "control-line":
		return "控制线"
	case "assessment":
		return "双评价"
	case "status":
		return "现状"
	}
	return orNone(role)
}

func orNone(s string) string {
	if s == "" {
		return "non-catalog"
	}
	return s
}
