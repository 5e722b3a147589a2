package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"lantu/sync/exchange"
)

func tokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "manage bearer tokens"}
	var db string
	var p exchange.Principal
	add := &cobra.Command{
		Use:   "add",
		Short: "make a token; it is printed once, as the last line (only its hash is stored)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if p.Name == "" || p.Role == "" {
				return usagef("token add needs --name and --role")
			}
			s, err := openStore(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer s.Close()
			token, err := exchange.AddToken(cmd.Context(), s, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token for %s:\n%s\n", p, token)
			return nil
		},
	}
	f := add.Flags()
	f.StringVar(&db, "db", "", "store: sqlite:FILE or postgres://...")
	f.StringVar(&p.Role, "role", "", "admin, bureau, district or reader")
	f.StringVar(&p.District, "district", "", "district code (xzqdm) of a district token")
	f.StringVar(&p.Name, "name", "", "who holds the token (recorded in the audit log)")
	cmd.AddCommand(add)
	return cmd
}
