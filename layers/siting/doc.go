// Package siting reviews one project proposal (项目选址合规性审查): it runs
// every conflict rule that applies to a proposal polygon and reports, per
// control layer, the area and share of the proposal inside it, the
// distance to each setback layer, the slope classes of the site and a
// verdict per rule and overall, with the reasons in Chinese and English.
// Report writes the result as PDF or XLSX.
//
// # Which rules apply
//
// The rules come from a conflict.RuleSet (normally conflict.DefaultRules,
// assets/rules/default.toml). The proposal stands in for a rule's A side:
//
//   - exclusive, within, setback and slope rules apply when their A layer is
//     a project red line (catalog role "approval" or "proposal": permits,
//     siting opinions, conversion approvals), or a plan layer whose where
//     filter the proposal's own attributes satisfy (GH_KGDK with
//     "ydyhdm LIKE '07%'" applies to a proposal whose ydyhdm is 0701).
//     When the proposal lacks a field such a filter reads, the rule is
//     listed in Report.Skipped with the reason.
//   - difference rules give the plans' land-use check: each side (a plan
//     layer, its class field and its construction-class prefixes) is one
//     check of how much of the proposal lies on non-construction land.
//   - rules whose A side is itself a control line or an assessment layer
//     (the three control lines against each other, the dual assessment)
//     and attribute rules check plans against plans, not a proposal: they
//     are skipped.
//
// # How a rule maps to a verdict
//
// Each applicable rule has a measure, in m² of the proposal:
//
//   - exclusive (must keep out): the area inside the union of the B features;
//   - within (must lie within): the area outside that union;
//   - setback: the area inside the union buffered by the rule's distance,
//     with the distance from the proposal to the nearest B feature;
//   - slope: the area steeper than the rule's threshold (the DEM cells'
//     Horn slope, as the conflict engine computes it);
//   - land use: the area on the plan's non-construction classes.
//
// The rule is violated when its measure is at least the rule's min_area
// and, when the rule has a min_width, the violating part is wider than it
// (the conflict engine's sliver test). A violated rule of severity "high"
// is 不合规 (non-compliant); of severity "medium" or "low", 需论证 (needs
// justification); a rule not violated is 合规 (compliant). A layer's
// verdict and the overall verdict are the worst of their rules'.
//
// Areas are computed in EPSG:4550 (every layer is transformed into it when
// stored in another CRS); 亩 = m² / 666.67.
package siting

import "errors"

// Sentinel errors; each is wrapped with the file, layer, uid or field involved.
var (
	ErrProposal = errors.New("siting: bad proposal")
	ErrRules    = errors.New("siting: bad rules")
	ErrReport   = errors.New("siting: cannot write report")
)

// MuPerM2 converts m² to 亩 (1 亩 = 666.67 m²).
const MuPerM2 = 1 / 666.67

// AreaSRID is the projected CRS every area is computed in.
const AreaSRID = 4550
