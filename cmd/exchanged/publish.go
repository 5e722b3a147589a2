package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"lantu/sync/exchange"
)

func publishCmd() *cobra.Command {
	var db, who string
	var codes []string
	cmd := &cobra.Command{
		Use:   "publish BLUEPRINT",
		Short: "load the base data and approvals (source = \"exchange\" layers) of a blueprint, keeping uids",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := exchange.Publish(cmd.Context(), s, args[0], codes, who)
			if err != nil {
				return err
			}
			total := 0
			for _, c := range st.Collections {
				fmt.Fprintf(cmd.OutOrStdout(), "%-12s %-10s %7d written %7d unchanged\n", c.Code, c.ID, c.Written, c.Unchanged)
				total += c.Written
			}
			fmt.Fprintf(cmd.OutOrStdout(), "published %d layers, %d features written\n", len(st.Collections), total)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store: sqlite:FILE or postgres://...")
	f.StringSliceVar(&codes, "layers", nil, "only these layers (catalog codes or tables, comma-separated)")
	f.StringVar(&who, "as", "publish", "name recorded as updated_by and in the audit log")
	return cmd
}
