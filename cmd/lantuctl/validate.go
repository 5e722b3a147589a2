package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"lantu/layers/gpkg"
	"lantu/layers/peer"
)

func init() { root.AddCommand(validateCmd()) }

func validateCmd() *cobra.Command {
	var noGDAL bool
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a GeoPackage: Lantu's structure and geometry checks, then GDAL's validate_gpkg.py",
		Long: `validate runs Lantu's structural checks, decodes every geometry blob with Lantu's own
decoder (bad headers, absurd counts, truncated WKB, envelope and empty-flag mismatches, wrong
srs_id or type), and runs GDAL's validate_gpkg.py with a Python that imports GDAL's bindings.
Every problem is listed. When GDAL's validator cannot run, validate says why and fails, unless
--no-gdal says Lantu's checks alone are wanted.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return validate(cmd.Context(), cmd.OutOrStdout(), args[0], noGDAL)
		},
	}
	cmd.Flags().BoolVar(&noGDAL, "no-gdal", false, "run Lantu's checks only (do not require GDAL's validator)")
	return cmd
}

func validate(ctx context.Context, w io.Writer, path string, noGDAL bool) error {
	db, err := gpkg.Open(path, true)
	if err != nil {
		return err
	}
	problems := db.Check(ctx)
	problems = append(problems, db.CheckGeometries(ctx)...)
	db.Close()
	for _, p := range problems {
		fmt.Fprintf(w, "%s: %s\n", path, p)
	}
	gdal := "GDAL's validate_gpkg.py: not run (--no-gdal)"
	var gdalErr error
	if !noGDAL {
		gdal, gdalErr = runGDALValidator(path)
	}
	fmt.Fprintln(w, gdal)
	switch {
	case len(problems) > 0 && gdalErr != nil:
		return fmt.Errorf("%s: %d problems found by Lantu; %w", path, len(problems), gdalErr)
	case len(problems) > 0:
		return fmt.Errorf("%s: %d problems found by Lantu", path, len(problems))
	case gdalErr != nil:
		return gdalErr
	}
	fmt.Fprintf(w, "%s: valid GeoPackage (%s)\n", path, checksRun(noGDAL))
	return nil
}

func checksRun(noGDAL bool) string {
	if noGDAL {
		return "Lantu's checks only"
	}
	return "Lantu's checks and GDAL's validate_gpkg.py"
}

// errValidatorMissing marks a GDAL validator that could not run at all.
var errValidatorMissing = errors.New("GDAL's validate_gpkg.py could not run")

// runGDALValidator returns the line to print about GDAL's validator and an
// error when it could not run or reported problems.
func runGDALValidator(path string) (string, error) {
	report, err := peer.ValidateGPKG(path)
	return gdalVerdict(path, report, err)
}

// gdalVerdict turns peer.ValidateGPKG's result into the line to print and
// the error to return.
func gdalVerdict(path, report string, err error) (string, error) {
	switch {
	case errors.Is(err, peer.ErrMissing):
		return fmt.Sprintf("GDAL's validate_gpkg.py could not run: %v", err),
			fmt.Errorf("%s: %w (%v); pass --no-gdal to accept Lantu's checks alone", path, errValidatorMissing, err)
	case err != nil:
		return "GDAL's validate_gpkg.py: " + withoutTraceback(report), err
	}
	return "GDAL's validate_gpkg.py: no problems", nil
}

// withoutTraceback drops the Python traceback lines of the validator's
// report, keeping GDAL's messages and the exception line naming the
// requirement.
func withoutTraceback(report string) string {
	var keep []string
	for _, l := range strings.Split(report, "\n") {
		if strings.HasPrefix(l, "Traceback") || strings.HasPrefix(l, " ") || strings.TrimSpace(l) == "" {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}
