package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/qgis"
)

func init() { root.AddCommand(qgisCmd()) }

func qgisCmd() *cobra.Command {
	var update bool
	cmd := &cobra.Command{
		Use:   "qgis FILE",
		Short: "Write the QGIS styles (layer_styles) and project (qgis_projects) into a blueprint",
		Long: "Write every catalog layer's style into the blueprint's layer_styles table (QML and SLD, the\n" +
			"default QGIS applies when the layer is added) and the blueprint's QGIS project into\n" +
			"qgis_projects, named after the file: open it in QGIS with Project → Open From → GeoPackage.\n" +
			"--update writes only what the catalog changed (styles edited in Lantu or QGIS are kept).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bp, err := layers.Open(args[0], layers.OpenOptions{Lazy: true})
			if err != nil {
				return err
			}
			defer bp.Close()
			start := time.Now()
			if update {
				wrote, err := qgis.Update(cmd.Context(), bp)
				if err != nil {
					return err
				}
				if !wrote {
					fmt.Printf("%s: QGIS styles and project are up to date\n", args[0])
					return nil
				}
			} else if err := qgis.Write(cmd.Context(), bp); err != nil {
				return err
			}
			fmt.Printf("%s: QGIS styles and project %q written in %.1f s\n", args[0], qgis.ProjectName(bp), time.Since(start).Seconds())
			return nil
		},
	}
	cmd.Flags().BoolVar(&update, "update", false, "write only the styles the catalog changed, and the project if any did")
	return cmd
}
