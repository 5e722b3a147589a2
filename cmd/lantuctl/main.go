// Command lantuctl is the headless command line over Lantu's packages: it
// builds the demo blueprint, inspects and validates blueprints, renders maps,
// runs conflict checks and terrain analyses, and times what a user does
// (bench). It links no GUI or OpenGL code.
//
// Exit codes: 0 success, 1 failure (the message names the file, layer or
// field), 2 bad usage, 130 interrupted (Ctrl-C or SIGTERM: the command
// stops, writes no output file and prints "interrupted").
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"lantu/cmd/internal/profile"
)

// root is the command tree; each subcommand file adds itself in an init func.
var root = &cobra.Command{
	Use:           "lantuctl",
	Short:         "Lantu 蓝图 command line: demo, info, validate, render, print, check, review, terrain, qgis, bench",
	SilenceUsage:  true,
	SilenceErrors: true,
}

// usageError marks an error as bad usage (exit code 2).
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	stopProfile := profile.Start("lantuctl")
	code := run(ctx, os.Args[1:], os.Stderr)
	stopProfile()
	os.Exit(code)
}

// exitInterrupted is the exit code of a command stopped by a signal.
const exitInterrupted = 130

// run executes lantuctl with args under ctx (cancelled by Ctrl-C) and
// returns the exit code, printing any error to stderr.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	root.SetArgs(args)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	err := root.ExecuteContext(ctx)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, ctx.Err())):
		fmt.Fprintln(stderr, "lantuctl: interrupted")
		return exitInterrupted
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "lantuctl:", err)
		return 2
	}
	fmt.Fprintln(stderr, "lantuctl:", err)
	return 1
}
