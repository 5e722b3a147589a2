package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"lantu/layers/gpkg"
)

func init() { root.AddCommand(validateCmd()) }

// validatorPaths are where Debian's python3-gdal puts GDAL's GeoPackage validator.
var validatorPaths = []string{
	"/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
	"/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
}

func validateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a GeoPackage's structure (and run GDAL's validate_gpkg.py when installed)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := gpkg.Open(args[0], true)
			if err != nil {
				return err
			}
			problems := db.Check(cmd.Context())
			db.Close()
			for _, p := range problems {
				fmt.Printf("%s: table %q: %s\n", args[0], p.Table, p.Message)
			}
			gdalOut, gdalErr := runGDALValidator(args[0])
			if gdalOut != "" {
				fmt.Print(gdalOut)
			}
			switch {
			case len(problems) > 0:
				return fmt.Errorf("%s: %d structural problems", args[0], len(problems))
			case gdalErr != nil:
				return gdalErr
			}
			fmt.Printf("%s: valid GeoPackage\n", args[0])
			return nil
		},
	}
}

// errNoValidator means GDAL's validator is not installed.
var errNoValidator = errors.New("validate_gpkg.py not installed")

func runGDALValidator(path string) (string, error) {
	for _, script := range validatorPaths {
		if _, err := os.Stat(script); err != nil {
			continue
		}
		out, err := exec.Command("python3", script, path).CombinedOutput()
		text := strings.TrimSpace(string(out))
		if err != nil || text != "" {
			return "validate_gpkg.py: " + text + "\n", fmt.Errorf("%s: GDAL's validate_gpkg.py reports problems", path)
		}
		return "", nil
	}
	fmt.Fprintf(os.Stderr, "lantuctl: %v; only structural checks ran\n", errNoValidator)
	return "", nil
}
