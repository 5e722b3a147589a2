package main

import (
	"fmt"
	"io"
	"slices"

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

// incomplete lists on w what the run could not check: rules skipped for
// unusable layers, features skipped as unreadable or unrepairable, and it
// returns an error (exit code 1) saying how many, so that a run that did not
// see everything never ends as a clean one. NULL and empty geometries have
// nothing to check and are not counted.
func incomplete(w io.Writer, bp *layers.Blueprint, rules *conflict.RuleSet, res *conflict.Result) error {
	var badRules, badFeatures int
	read := map[string]bool{}
	for _, r := range res.Rules {
		if r.Unusable {
			badRules++
			fmt.Fprintf(w, "not checked: rule %s: %s\n", r.ID, r.Skipped)
		}
		if rule := rules.Rule(r.ID); rule != nil && r.Skipped == "" {
			read[rule.A.Layer], read[rule.B.Layer] = true, true
		}
	}
	for _, l := range bp.Layers() {
		read[l.Table] = read[l.Table] || read[l.Code]
	}
	for _, p := range bp.Problems() {
		if p.Kind == layers.BadGeometry && read[p.Table] {
			badFeatures++
			fmt.Fprintf(w, "not checked: %v\n", p)
		}
	}
	for _, r := range res.Repairs {
		if r.Action == "skipped" && !slices.Contains(emptyReasons, r.Reason) {
			badFeatures++
			fmt.Fprintf(w, "not checked: layer %s fid %d: %s\n", r.Layer, r.FID, r.Reason)
		}
	}
	if badRules == 0 && badFeatures == 0 {
		return nil
	}
	return fmt.Errorf("%s: check incomplete: %d rules and %d features could not be checked (listed above)", bp.Path(), badRules, badFeatures)
}

// emptyReasons are the repair reasons of features with nothing to check.
var emptyReasons = []string{"empty geometry"}
