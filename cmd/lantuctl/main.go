// Command lantuctl is the headless command line over Lantu's packages: it
// builds the demo blueprint, inspects and validates blueprints, renders maps,
// runs conflict checks and terrain analyses, and benchmarks them. It links no
// GUI or OpenGL code.
//
// Exit codes: 0 success, 1 failure (the message names the file, layer or
// field), 2 bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// root is the command tree; each subcommand file adds itself in an init func.
var root = &cobra.Command{
	Use:           "lantuctl",
	Short:         "Lantu 蓝图 command line: demo, info, validate, render, check, terrain, bench",
	SilenceUsage:  true,
	SilenceErrors: true,
}

// usageError marks an error as bad usage (exit code 2).
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := root.ExecuteContext(ctx)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "lantuctl:", err)
	var ue usageError
	if errors.As(err, &ue) {
		os.Exit(2)
	}
	os.Exit(1)
}
