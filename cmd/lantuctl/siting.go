package main

import (
	"bytes"
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
	"lantu/layers/siting"
)

func init() { root.AddCommand(sitingCmd()) }

// sitingFlags are the options of `lantuctl siting`.
type sitingFlags struct {
	uid, layer, out, reviewer string
	ruleFiles                 []string
	asJSON                    bool
}

func sitingCmd() *cobra.Command {
	var f sitingFlags
	cmd := &cobra.Command{
		Use:   "siting FILE --uid UID [--layer GL_XZFA] [--out report.pdf|report.xlsx] [--json]",
		Short: "Siting compliance review (项目选址合规性审查) of one proposal; PDF or XLSX report",
		Long: "Run every applicable conflict rule against one proposal polygon (by uid, in GL_XZFA unless\n" +
			"--layer names another editable layer) and report per control layer the area and share\n" +
			"inside, the setback distances, the slope classes and a verdict: 合规 compliant, 需论证 needs\n" +
			"justification, 不合规 non-compliant. --out writes the report as PDF or XLSX (by extension).",
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
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true, User: f.reviewer})
	if err != nil {
		return err
	}
	defer bp.Close()
	rep, err := siting.Review(cmd.Context(), bp, f.layer, f.uid, siting.Options{Rules: rules, Reviewer: f.reviewer})
	if err != nil {
		return err
	}
	if f.out != "" {
		if err := writeReport(cmd.Context(), bp, rep, f.out, ext); err != nil {
			return err
		}
	}
	if f.asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printSiting(cmd, rep, f.out)
	return nil
}

// writeReport writes the PDF or XLSX to a temporary file and renames it,
// so a failed run leaves no half report.
func writeReport(ctx context.Context, bp *layers.Blueprint, rep *siting.Report, out, ext string) error {
	var buf bytes.Buffer
	var err error
	if ext == ".pdf" {
		err = siting.WritePDF(ctx, &buf, bp, rep)
	} else {
		err = siting.WriteXLSX(&buf, rep)
	}
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("siting: write %s: %w", out, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("siting: write %s: %w", out, err)
	}
	return nil
}

func printSiting(cmd *cobra.Command, rep *siting.Report, out string) {
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
	}
	w.Flush()
}

func orDashCLI(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
