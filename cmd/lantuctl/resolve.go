package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/sync/replica"
)

func init() { root.AddCommand(resolveCmd(), conflictsCmd()) }

func resolveCmd() *cobra.Command {
	var layer, uid, take string
	var noCheck bool
	var ruleFiles []string
	cmd := &cobra.Command{
		Use:   "resolve FILE --layer CODE --uid UID --take mine|theirs",
		Short: "Resolve a sync conflict; the result is pushed by the next sync",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if layer == "" || uid == "" || (take != "mine" && take != "theirs") {
				return usagef("resolve needs --layer, --uid and --take mine|theirs")
			}
			bp, err := layers.Open(args[0], layers.OpenOptions{})
			if err != nil {
				return err
			}
			defer bp.Close()
			result, err := replica.Resolve(cmd.Context(), bp, layer, uid, replica.Take(take))
			if errors.Is(err, replica.ErrNoConflict) || errors.Is(err, replica.ErrBadInput) {
				return usagef("%v", err)
			}
			if err != nil {
				return err
			}
			n, err := replica.PendingCount(cmd.Context(), bp)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: %s %s resolved (took %s); %d local changes to push\n", args[0], layer, uid, take, n)
			if noCheck {
				return nil
			}
			rules, err := ruleSet(ruleFiles)
			if err != nil {
				return err
			}
			lc := layers.LayerChange{Layer: bp.Layer(layer).Table}
			if result == nil {
				lc.Deleted = []string{uid}
			} else {
				lc.Upserted = []string{uid}
			}
			patches, st, err := replica.Recheck(cmd.Context(), bp, rules, layers.ChangeSet{Remote: replica.RemoteName, Layers: []layers.LayerChange{lc}})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  planning rules: %d new patches (%d features re-checked)\n", len(patches), st.Features)
			printPatches(w, replica.Result{Patches: patches})
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&layer, "layer", "", "catalog code or table")
	f.StringVar(&uid, "uid", "", "the feature's uid")
	f.StringVar(&take, "take", "", "mine or theirs: which side's values the conflicting fields keep")
	f.BoolVar(&noCheck, "no-check", false, "do not re-check the planning rules on the resolved feature")
	f.StringSliceVar(&ruleFiles, "rules", nil, "rule file(s) (TOML) instead of the default rules")
	return cmd
}

func conflictsCmd() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "conflicts FILE [--json] [--all]",
		Short: "List sync conflicts (open ones unless --all) with base, mine and theirs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bp, err := layers.Open(args[0], layers.OpenOptions{ReadOnly: true})
			if err != nil {
				return err
			}
			defer bp.Close()
			cs, err := replica.Conflicts(cmd.Context(), bp, all)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				if cs == nil {
					cs = []replica.ConflictRecord{}
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(cs)
			}
			fmt.Fprintf(w, "%s: %d conflicts\n", args[0], len(cs))
			printConflicts(w, cs)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&all, "all", false, "resolved ones too")
	return cmd
}
