package main

import (
	"fmt"
	"lantu/layers/qgis"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"lantu/layers/demo"
	"lantu/layers/outfile"
)

func init() { root.AddCommand(demoCmd()) }

func demoCmd() *cobra.Command {
	var (
		scale, out, dataDir string
		seed                int64
		force               bool
	)
	cmd := &cobra.Command{
		Use:   "demo --out FILE [--scale tiny|small|city|stress] [--force]",
		Short: "Generate the deterministic demo blueprint of Shenyang (EPSG:4550)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("demo: --out FILE is required")
			}
			dst, err := outfile.Create(out, outfile.Options{Force: force, SQLite: true})
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			defer dst.Abort()
			bar := newProgress(cmd, false)
			start := time.Now()
			stats, err := demo.Generate(cmd.Context(), dst.Path(), demo.Options{Scale: scale, Seed: seed, DataDir: dataDir, Progress: bar.set})
			bar.done()
			if err != nil {
				return err
			}
			if err := qgis.WriteFile(cmd.Context(), dst.Path()); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if err := dst.Commit(); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			printDemoStats(out, stats, time.Since(start))
			return nil
		},
	}
	cmd.Flags().StringVar(&scale, "scale", "small", "tiny (~10k features), small (~58k), city (~1M) or stress (~5M)")
	cmd.Flags().StringVar(&out, "out", "", "the blueprint file to write")
	cmd.Flags().Int64Var(&seed, "seed", 1, "random seed: the same seed gives the same blueprint")
	cmd.Flags().StringVar(&dataDir, "data", "", "folder with vector/ and dem/ source data laid out as assets/demo (default: $LANTU_DATA, else the copy built into lantuctl)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing --out file (a failed run keeps it)")
	return cmd
}

func printDemoStats(out string, s *demo.Stats, took time.Duration) {
	total := 0
	var names []string
	for name, n := range s.Layers {
		total += n
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Printf("%s: %d layers, %d features in %.1f s\n", out, len(names), total, took.Seconds())
}
