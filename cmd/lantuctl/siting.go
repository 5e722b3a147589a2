package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/conflict"
	"lantu/layers/outfile"
	"lantu/layers/siting"
)

func init() { root.AddCommand(sitingCmd()) }

// sitingFlags are the options of `lantuctl siting`.
type sitingFlags struct {
	uid, layer, out, reviewer string
	ruleFiles                 []string
	asJSON, noAttach, force   bool
}

func sitingCmd() *cobra.Command {
	var f sitingFlags
	cmd := &cobra.Command{
		Use:   "siting FILE --uid UID [--layer GL_XZFA] [--out report.pdf|report.xlsx [--no-attach]] [--json]",
		Short: "Siting compliance review (项目选址合规性审查) of one proposal; PDF or XLSX report",
		Long: "Run every applicable conflict rule against one proposal polygon (by uid, in GL_XZFA unless\n" +
			"--layer names another editable layer) and report per control layer the area and share\n" +
			"inside, the setback distances, the slope classes and a verdict: 合规 compliant, 需论证 needs\n" +
			"justification, 不合规 non-compliant. --out writes the report as PDF or XLSX (by extension)\n" +
			"and attaches it to the proposal in the blueprint (table lantu_reports) unless --no-attach;\n" +
			"attaching needs a writable blueprint.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runSiting(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.uid, "uid", "", "uid of the proposal feature (required)")
	fl.StringVar(&f.layer, "layer", "GL_XZFA", "layer of the proposal")
	fl.StringVar(&f.out, "out", "", "report file: .pdf or .xlsx")
	fl.StringVar(&f.reviewer, "reviewer", "", "reviewer named in the report (default: the OS user)")
	fl.StringArrayVar(&f.ruleFiles, "rules", nil, "extra rule file (TOML), replacing rules with the same id")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	fl.BoolVar(&f.noAttach, "no-attach", false, "do not store the --out report in the blueprint (opens it read-only)")
	fl.BoolVar(&f.force, "force", false, "replace an existing --out file")
	return cmd
}

func runSiting(cmd *cobra.Command, path string, f sitingFlags) error {
	if f.uid == "" {
		return usagef("siting: --uid is required")
	}
	ext := strings.ToLower(filepath.Ext(f.out))
	if f.out != "" && ext != ".pdf" && ext != ".xlsx" {
		return usagef("siting: --out %s: want a .pdf or .xlsx file", f.out)
	}
	rules, err := conflict.DefaultRules()
	if err != nil {
		return err
	}
	if err := rules.LoadRuleFiles(f.ruleFiles...); err != nil {
		return usagef("%v", err)
	}
	attach := f.out != "" && !f.noAttach
	var dst *outfile.File
	if f.out != "" {
		if dst, err = outfile.Create(f.out, outfile.Options{Inputs: []string{path}, Force: f.force}); err != nil {
			return err
		}
		defer dst.Abort()
	}
	// Lazy: the review reads the area around the proposal through the
	// GeoPackage's R-trees; indexing a city's million features would take
	// seconds longer than the review itself.
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: !attach, User: f.reviewer, Lazy: true})
	if err != nil {
		return err
	}
	defer bp.Close()
	if attach && bp.ReadOnly() {
		return fmt.Errorf("siting: cannot attach the report (use --no-attach): %w: %s", layers.ErrReadOnly, path)
	}
	rep, err := siting.Review(cmd.Context(), bp, f.layer, f.uid, siting.Options{Rules: rules, Reviewer: f.reviewer})
	if err != nil {
		return err
	}
	if dst != nil {
		if err := writeReport(cmd.Context(), bp, rep, dst, ext[1:], attach); err != nil {
			return err
		}
	}
	if f.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printSiting(cmd, rep, f.out, attach)
	return nil
}

// writeReport writes the PDF or XLSX through dst (a failed run leaves no
// half report) and, when attach, stores it with the proposal.
func writeReport(ctx context.Context, bp *layers.Blueprint, rep *siting.Report, dst *outfile.File, format string, attach bool) error {
	data, err := siting.Render(ctx, bp, rep, format)
	if err != nil {
		return err
	}
	if err := os.WriteFile(dst.Path(), data, 0o644); err != nil {
		return fmt.Errorf("siting: write %s: %w", dst.Target(), err)
	}
	if err := dst.Commit(); err != nil {
		return err
	}
	if attach {
		if _, err := siting.Attach(ctx, bp, rep, format, data); err != nil {
			return err
		}
	}
	return nil
}

func printSiting(cmd *cobra.Command, rep *siting.Report, out string, attached bool) {
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s %s: %s, %.1f m² (%.2f 亩), %s\n", rep.Layer, rep.UID, orDashCLI(rep.Project), rep.AreaM2, rep.Mu, orDashCLI(rep.District))
	fmt.Fprintln(w, "layer\tuse\tarea m²\tshare\tverdict")
	for _, l := range rep.Layers {
		fmt.Fprintf(w, "%s %s\t%s\t%.1f\t%.2f%%\t%s\n", l.Code, l.NameZh, l.Use, l.AreaM2, 100*l.Share, l.Verdict.Zh())
	}
	if s := rep.Slope; s != nil {
		fmt.Fprint(w, "slope")
		for k, n := range siting.SlopeClassNames {
			fmt.Fprintf(w, "\t%s %.1f%%", n, 100*s.ClassShare[k])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "verdict: %s (%s)\n", rep.Verdict.Zh(), rep.Verdict.En())
	for _, r := range rep.Reasons {
		fmt.Fprintf(w, "  - %s\n", r.Zh)
	}
	if out != "" {
		fmt.Fprintf(w, "report: %s\n", out)
		if attached {
			fmt.Fprintf(w, "attached to %s %s (%s)\n", rep.Layer, rep.UID, siting.TableReports)
		}
	}
	w.Flush()
}

func orDashCLI(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
