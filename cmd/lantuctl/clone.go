package main

import (
	"os"
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
		Use:   "clone URL FILE [--token T] [--district CODE] [--layers CODE,...]",
		Short: "Make a replica blueprint of an exchange (run again on the same FILE to resume)",
		Long:  "Make a replica blueprint of an exchange (run again on the same FILE to resume).\n\n" + tokenHelp,
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if token = tokenOr(token); token == "" {
				return usagef("clone needs a token: set %s (or --token T, which other users see in ps)", tokenEnv)
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
	f.StringVar(&token, "token", "", "bearer token (visible in ps: prefer $"+tokenEnv+"); kept in the token file, not the blueprint")
	f.StringVar(&district, "district", "", "district code (xzqdm): hold only that district's area")
	f.StringVar(&layerList, "layers", "", "catalog codes or tables to hold (default: all)")
	f.Int64Var(&snapshotMin, "snapshot-min", 0, "read collections of at least this many features from their snapshot (a resumable, checksummed download; 0: 20000, -1: never)")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}

// tokenEnv names the environment variable a bearer token can come from
// instead of --token, which any user of the machine sees in ps.
const tokenEnv = "LANTU_TOKEN"

// tokenHelp is the commands' word on where a token comes from and goes.
var tokenHelp = "The bearer token comes from --token T or, kept out of the process list (ps), from $" + tokenEnv + ". " +
	"It is kept in the token file ($" + replica.TokensEnv + ", or tokens.json in the user's config folder: " +
	"~/.config/lantu/tokens.json; mode 0600), not in the blueprint, so later syncs of the replica need no token."

// tokenOr is the flag's token, or $LANTU_TOKEN's when the flag is empty.
func tokenOr(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv(tokenEnv)
}
