package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/layers/outfile"
)

func init() { root.AddCommand(checkCmd()) }

// checkReport is the --json output of `lantuctl check`.
type checkReport struct {
	File    string                         `json:"file"`
	Rules   map[string]conflict.RuleResult `json:"rules"`
	Order   []string                       `json:"order"`
	Patches int                            `json:"patches"`
	AreaM2  float64                        `json:"area_m2"`
	Seconds float64                        `json:"seconds"`       // the check after the open: overlays and store
	Open    float64                        `json:"open_seconds"`  // opening the blueprint
	Store   float64                        `json:"store_seconds"` // storing the patches (within seconds; a first run's overlaps the overlays)
	Repairs []conflict.Repair              `json:"repairs,omitempty"`
}

func checkCmd() *cobra.Command {
	var ruleFiles, ruleIDs []string
	var district, out string
	var asJSON, force bool
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Run the conflict rules on a blueprint; store patches in lantu_conflicts",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rules, err := ruleSet(ruleFiles)
			if err != nil {
				return err
			}
			if _, err := rules.Select(ruleIDs); err != nil {
				return usagef("%v", err)
			}
			dst, err := checkOut(out, force, args[0])
			if err != nil {
				return err
			}
			defer dst.Abort()
			opened := time.Now()
			// Lazy: the rules read the file (conflict reads through
			// Blueprint.Scan), and nothing here draws.
			bp, err := layers.Open(args[0], layers.OpenOptions{Lazy: true})
			if err != nil {
				return err
			}
			openTook := time.Since(opened)
			defer bp.Close()
			slope, err := conflict.TerrainSlope(cmd.Context(), bp)
			if err != nil {
				return err
			}
			start := time.Now()
			bar := newProgress(cmd, asJSON)
			res, err := conflict.Run(cmd.Context(), bp, rules, conflict.Options{Rules: ruleIDs, District: district, Slope: slope,
				Progress: func(done, total int) { bar.set("check", done, total) }, Discard: dst == nil, Stream: true})
			bar.done()
			fmt.Fprintln(os.Stderr)
			if err != nil {
				return err
			}
			if dst != nil {
				if err := conflict.ExportTo(cmd.Context(), res.Patches, dst); err != nil {
					return err
				}
				if err := dst.Commit(); err != nil {
					return err
				}
			}
			if err := report(cmd.OutOrStdout(), args[0], res, openTook, time.Since(start), asJSON); err != nil {
				return err
			}
			return incomplete(cmd.ErrOrStderr(), bp, rules, res)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&ruleFiles, "rules", nil, "rule file(s) (TOML) to run instead of the default rules; a later rule with an id already seen replaces it")
	f.StringSliceVar(&ruleIDs, "rule", nil, "run only these rule id(s)")
	f.StringVar(&district, "district", "", "only patches in this district code")
	f.StringVar(&out, "out", "", "also write the patches to F.json, .csv, .gpkg or .xlsx")
	f.BoolVar(&asJSON, "json", false, "print one JSON document with the figures per rule")
	f.BoolVar(&force, "force", false, "replace an existing --out file")
	return cmd
}

// checkOut refuses a bad --out before the check runs: an unknown format, the
// blueprint itself, an existing file without --force. Nil when out is "".
func checkOut(out string, force bool, input string) (*outfile.File, error) {
	if out == "" {
		return nil, nil
	}
	if err := conflict.ExportFormat(out); err != nil {
		return nil, usagef("check: --out: %v", err)
	}
	return outfile.Create(out, conflict.ExportOptions(out, force, input))
}

func report(w io.Writer, file string, res *conflict.Result, open, took time.Duration, asJSON bool) error {
	rep := checkReport{File: file, Rules: map[string]conflict.RuleResult{}, Seconds: took.Seconds(), Repairs: res.Repairs,
		Open: open.Seconds(), Store: res.Store.Seconds()}
	for _, r := range res.Rules {
		rep.Rules[r.ID] = r
		rep.Order = append(rep.Order, r.ID)
		rep.Patches += r.Patches
		rep.AreaM2 += r.Area
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rule\tkind\tpatches\tarea m²\tms\t")
	for _, r := range res.Rules {
		if r.Skipped != "" {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t  %s\n", r.ID, r.Kind, r.Skipped)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%.1f\t\n", r.ID, r.Kind, r.Patches, r.Area, r.Millis)
	}
	fmt.Fprintf(tw, "total\t\t%d\t%.1f\t%.0f\t\n", rep.Patches, rep.AreaM2, took.Seconds()*1000)
	tw.Flush()
	for _, r := range res.Repairs {
		fmt.Fprintf(w, "repaired: layer %s fid %d: %s (%s)\n", r.Layer, r.FID, r.Reason, r.Action)
	}
	return nil
}
