package main

import (
	"strings"

	"github.com/spf13/cobra"

	"lantu/sync/replica"
)

func init() { root.AddCommand(cloneCmd()) }

func cloneCmd() *cobra.Command {
	var token, district, layerList string
	var asJSON, quiet bool
	var snapshotMin int64
	cmd := &cobra.Command{
		Use:   "clone URL FILE --token T [--district CODE] [--layers CODE,...]",
		Short: "Make a replica blueprint of an exchange (run again on the same FILE to resume)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if token == "" {
				return usagef("clone needs --token")
			}
			opt := replica.CloneOptions{Token: token, District: district, Sync: replica.Options{SnapshotMin: snapshotMin}}
			if layerList != "" {
				opt.Layers = strings.Split(layerList, ",")
			}
			p := newProgress(cmd, quiet || asJSON)
			opt.Progress = func(phase string, done, total int) { p.set(phase, done, total) }
			bp, res, err := replica.Clone(cmd.Context(), args[0], args[1], opt)
			p.done()
			if bp != nil {
				defer bp.Close()
			}
			if bp == nil {
				return err
			}
			return printSync(cmd.OutOrStdout(), args[1], res, err, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&token, "token", "", "bearer token (remembered in the blueprint)")
	f.StringVar(&district, "district", "", "district code (xzqdm): hold only that district's area")
	f.StringVar(&layerList, "layers", "", "catalog codes or tables to hold (default: all)")
	f.Int64Var(&snapshotMin, "snapshot-min", 0, "read collections of at least this many features from their snapshot (a resumable, checksummed download; 0: 20000, -1: never)")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}
