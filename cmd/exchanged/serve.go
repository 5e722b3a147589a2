package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"lantu/sync/exchange"
)

func serveCmd() *cobra.Command {
	var db, listen, cert, key string
	var opt exchange.Options
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "serve the exchange until SIGTERM or SIGINT (in-flight requests finish)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := openStore(ctx, db)
			if err != nil {
				return err
			}
			defer s.Close()
			if cs, err := s.Collections(ctx); err != nil {
				return err
			} else if len(cs) == 0 { // a new store: the catalog's collections in EPSG:4550 until a publish
				if err := exchange.EnsureCatalog(ctx, s, nil, 4550); err != nil {
					return err
				}
			}
			opt.Log = log.New(os.Stderr, "exchanged: ", log.LstdFlags)
			srv := exchange.NewServer(s, opt)
			return exchange.Run(ctx, srv, exchange.Config{Listen: listen, TLSCert: cert, TLSKey: key,
				Ready: func(a net.Addr) { fmt.Fprintf(cmd.OutOrStdout(), "listening on %s\n", a) }})
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store: sqlite:FILE or postgres://...")
	f.StringVar(&listen, "listen", "127.0.0.1:8470", "address to listen on")
	f.StringVar(&cert, "tls-cert", "", "TLS certificate (PEM)")
	f.StringVar(&key, "tls-key", "", "TLS key (PEM)")
	f.BoolVar(&opt.PublicRead, "public-read", false, "serve reads without a token")
	f.Float64Var(&opt.Rate, "rate", 100, "writes per second per token (negative: no limit)")
	f.Float64Var(&opt.ReadRate, "read-rate", 2000, "reads per second per token (negative: no limit)")
	f.StringVar(&opt.SnapshotDir, "snapshot-dir", "", "folder of the collections' snapshot files (default: a new one in the temporary folder)")
	f.DurationVar(&opt.SnapshotMaxAge, "snapshot-max-age", 10*time.Minute, "serve a snapshot again while younger than this (or while its collection is unchanged)")
	f.Int64Var(&opt.MaxBody, "max-body", 32<<20, "request body limit in bytes")
	return cmd
}
