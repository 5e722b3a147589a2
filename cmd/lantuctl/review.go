package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"lantu/layers"
	"lantu/layers/conflict"
)

func init() { root.AddCommand(reviewCmd()) }

func reviewCmd() *cobra.Command {
	var id int64
	var status, comment, reviewer string
	cmd := &cobra.Command{
		Use:   "review FILE --id N --status open|confirmed|waived|resolved [--comment TEXT] [--reviewer NAME]",
		Short: "Record a review decision on a conflict patch (waived needs a --comment)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if id <= 0 || status == "" {
				return usagef("review needs --id and --status")
			}
			bp, err := layers.Open(args[0], layers.OpenOptions{User: reviewer})
			if err != nil {
				return err
			}
			defer bp.Close()
			if reviewer == "" {
				reviewer = bp.User()
			}
			err = conflict.SetReview(cmd.Context(), bp, id, status, reviewer, comment)
			if errors.Is(err, conflict.ErrStatus) {
				return usagef("%v", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: patch %d %s by %s\n", args[0], id, status, reviewer)
			return nil
		},
	}
	f := cmd.Flags()
	f.Int64Var(&id, "id", 0, "patch id (fid in lantu_conflicts)")
	f.StringVar(&status, "status", "", "open, confirmed, waived or resolved")
	f.StringVar(&comment, "comment", "", "reason (required to waive)")
	f.StringVar(&reviewer, "reviewer", "", "reviewer name (default: the blueprint user)")
	return cmd
}
