// Command exchanged is the city exchange platform server: OGC API -
// Features over the published blueprint layers, a change feed, a batch
// push, bearer tokens with roles and an audit log. It links no GUI.
//
//	exchanged serve   --db sqlite:FILE|postgres://... --listen 127.0.0.1:8470 [--tls-cert F --tls-key F] [--public-read]
//	exchanged token add --db DB --role admin|bureau|district|reader [--district CODE] --name NAME
//	exchanged publish --db DB BLUEPRINT [--layers CODE,...]
//	exchanged audit   --db DB [--json]
//
// LANTU_CPUPROFILE=FILE writes a CPU profile of the whole command (for
// serve: until the graceful shutdown) into FILE.
//
// Exit codes: 0 success, 1 failure, 2 bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"lantu/cmd/internal/profile"
	"lantu/sync/exchange"
)

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "exchanged",
		Short:         "Lantu 蓝图 exchange server: serve, token, publish, audit",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), tokenCmd(), publishCmd(), auditCmd())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	return root
}

// usageError marks an error as bad usage (exit code 2).
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile := profile.Start("exchanged")
	err := newRoot().ExecuteContext(ctx)
	stopProfile()
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "exchanged:", err)
	var ue usageError
	if errors.As(err, &ue) {
		os.Exit(2)
	}
	os.Exit(1)
}

// openStore opens the --db store, which must be given.
func openStore(ctx context.Context, db string) (exchange.Store, error) {
	if db == "" {
		return nil, usagef("--db is required (sqlite:FILE or postgres://...)")
	}
	return exchange.Open(ctx, db)
}
