package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"lantu/sync/exchange"
)

func auditCmd() *cobra.Command {
	var db string
	var asJSON bool
	var q exchange.AuditQuery
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "list the audit log, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer s.Close()
			es, err := s.Audit(cmd.Context(), q)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				for _, e := range es {
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTIME\tWHO\tROLE\tACTION\tCOLLECTION\tUID\tVERSION\tDETAIL")
			for _, e := range es {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d->%d\t%s\n", e.ID, e.Time.Format(time.RFC3339), e.Who, e.Role,
					e.Action, e.Collection, e.UID, e.BeforeVersion, e.AfterVersion, e.Detail)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store: sqlite:FILE or postgres://...")
	f.BoolVar(&asJSON, "json", false, "one JSON object a line")
	f.Int64Var(&q.After, "after", 0, "only entries after this id")
	f.IntVar(&q.Limit, "limit", 0, "at most this many entries (0: all)")
	return cmd
}
