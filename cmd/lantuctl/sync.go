package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/sync/replica"
)

func init() { root.AddCommand(syncCmd()) }

// syncReport is what `lantuctl sync --json` prints.
type syncReport struct {
	File string `json:"file"`
	replica.Result
	Error string `json:"error,omitempty"`
}

func syncCmd() *cobra.Command {
	var server, token string
	var asJSON, noCheck, quiet bool
	var ruleFiles []string
	cmd := &cobra.Command{
		Use:   "sync FILE [--server URL [--token T]] [--json]",
		Short: "Push local edits to the exchange, pull its changes, merge, re-check the planning rules",
		Long: "Push local edits to the exchange, pull its changes, merge, re-check the planning rules.\n\n" +
			"A replica syncs with the server and token it was cloned with. --server URL attaches it to another; " + tokenHelp,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if server != "" {
				token = tokenOr(token)
			}
			if (server == "") != (token == "") {
				return usagef("--server needs a token (set %s, or --token T) and --token needs --server", tokenEnv)
			}
			bp, err := layers.Open(args[0], layers.OpenOptions{})
			if err != nil {
				return err
			}
			defer bp.Close()
			if server != "" {
				if err := replica.Attach(cmd.Context(), bp, server, token); err != nil {
					return err
				}
			}
			opt := replica.Options{}
			if !noCheck {
				if opt.Rules, err = ruleSet(ruleFiles); err != nil {
					return err
				}
			}
			s, err := replica.NewSyncer(cmd.Context(), bp, opt)
			if err != nil {
				return err
			}
			p := newProgress(cmd, quiet || asJSON)
			res, serr := s.Sync(cmd.Context(), func(phase string, done, total int) { p.set(phase, done, total) })
			p.done()
			return printSync(cmd.OutOrStdout(), args[0], res, serr, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "", "exchange URL (remembered in the blueprint)")
	f.StringVar(&token, "token", "", "bearer token for --server (visible in ps: prefer $"+tokenEnv+"); kept in the token file, not the blueprint")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	f.BoolVar(&noCheck, "no-check", false, "do not re-check the planning rules on what was pulled")
	f.StringSliceVar(&ruleFiles, "rules", nil, "rule file(s) (TOML) instead of the default rules")
	f.BoolVar(&quiet, "quiet", false, "no progress bar")
	return cmd
}

// printSync prints a sync's result (also a failed one: what it did is
// kept) and returns the sync's error.
func printSync(w io.Writer, file string, res replica.Result, serr error, asJSON bool) error {
	if asJSON {
		rep := syncReport{File: file, Result: res}
		if serr != nil {
			rep.Error = serr.Error()
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
		return serr
	}
	fmt.Fprintf(w, "%s: pushed %d: applied %d, merged %d, conflicts %d, rejected %d; pulled %d (%d already here, %d held for local edits)\n",
		file, res.Pushed, res.Applied, res.Merged, res.Conflicts, res.Rejected, res.Pulled, res.Stale, res.Held)
	for _, e := range res.Entries {
		if e.Status == replica.ResultRejected {
			fmt.Fprintf(w, "  rejected: journal %d %s %s: %s\n", e.JournalID, e.Layer, e.UID, e.Reason)
		}
	}
	printConflicts(w, res.Open)
	printPatches(w, res)
	return serr
}

// printPatches lists the planning patches a sync or resolve produced.
func printPatches(w io.Writer, res replica.Result) {
	if res.Checked > 0 {
		fmt.Fprintf(w, "  planning rules re-checked %d features: %d new patches\n", res.Checked, len(res.Patches))
	}
	for _, p := range res.Patches {
		fmt.Fprintf(w, "  new patch %d: %s %s %s x %s %s\n", p.ID, p.Rule, p.ALayer, p.AUID, p.BLayer, p.BUID)
	}
}

func printConflicts(w io.Writer, open []replica.ConflictRecord) {
	for _, c := range open {
		fmt.Fprintf(w, "  conflict %d: %s %s fields %v (server version %d): lantuctl resolve FILE --layer %s --uid %s --take mine|theirs\n",
			c.ID, c.Layer, c.UID, c.Fields, c.TheirsVersion, c.Layer, c.UID)
	}
}
