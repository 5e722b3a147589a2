package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"lantu/layers"
	"lantu/layers/conflict"
)

// ruleSet is the default rules, or, with --rules, the rules of those files
// alone.
func ruleSet(files []string) (*conflict.RuleSet, error) {
	if len(files) == 0 {
		return conflict.DefaultRules()
	}
	rules := &conflict.RuleSet{}
	if err := rules.LoadRuleFiles(files...); err != nil {
		return nil, err // bad input, not bad usage: exit 1 naming the file, rule and field
	}
	return rules, nil
}

// incomplete lists on w what the run could not check: each unusable layer
// once with its reason, the rules skipped for it, the features skipped as
// unreadable or unrepairable; and it returns an error (exit code 1) saying
// how many, so that a run that did not see everything never ends as a clean
// one. NULL and empty geometries have nothing to check and are not counted.
func incomplete(w io.Writer, bp *layers.Blueprint, rules *conflict.RuleSet, res *conflict.Result) error {
	var badRules []string
	used, read := map[string]bool{}, map[string]bool{}
	for _, r := range res.Rules {
		rule := rules.Rule(r.ID)
		if rule == nil {
			continue
		}
		for _, name := range []string{rule.A.Layer, rule.B.Layer} {
			if l := bp.Layer(name); l != nil {
				used[l.Table] = true
				read[l.Table] = read[l.Table] || r.Skipped == ""
			}
		}
		if r.Unusable {
			badRules = append(badRules, r.ID)
		}
	}
	badLayers, badFeatures := 0, 0
	for _, p := range bp.Problems() {
		switch {
		case p.Kind == layers.OutsideCRS && used[p.Table]:
			badLayers++
			fmt.Fprintf(w, "not checked: %v\n", p)
		case p.Kind == layers.BadGeometry && read[p.Table]:
			badFeatures++
			fmt.Fprintf(w, "not checked: %v\n", p)
		case p.Kind == layers.FarFromAreaOfUse && read[p.Table]:
			fmt.Fprintf(w, "warning: %v\n", p)
		}
	}
	for _, r := range res.Repairs {
		if r.Action == "skipped" && !slices.Contains(emptyReasons, r.Reason) {
			badFeatures++
			fmt.Fprintf(w, "not checked: layer %s fid %d: %s\n", r.Layer, r.FID, r.Reason)
		}
	}
	if len(badRules) > 0 {
		fmt.Fprintf(w, "not checked: rules %s (unusable layers above)\n", strings.Join(badRules, ", "))
	}
	if len(badRules) == 0 && badFeatures == 0 {
		return nil
	}
	return fmt.Errorf("%s: check incomplete: %d rules skipped for %d unusable layers, %d features could not be checked (listed above)",
		bp.Path(), len(badRules), badLayers, badFeatures)
}

// emptyReasons are the repair reasons of features with nothing to check.
var emptyReasons = []string{"empty geometry"}
