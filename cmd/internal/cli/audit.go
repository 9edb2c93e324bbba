package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

func newAuditCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read and verify the coordinator's hash-chained audit log",
	}
	cmd.AddCommand(newAuditVerifyCmd(env), newAuditListCmd(env))
	return cmd
}

// auditView is the JSON output of audit verify.
type auditView struct {
	Entries  []api.AuditEntry `json:"entries"`
	Head     string           `json:"head"`
	Verified bool             `json:"verified"`
	Error    string           `json:"error,omitempty"`
}

func newAuditVerifyCmd(env Env) *cobra.Command {
	var cf coordFlags
	var quiet bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Fetch the whole audit log and verify its hash chain",
		Long: "verify fetches every audit entry, checks sequence numbers, each entry's hash and\n" +
			"its link to the entry before, and prints the entries and the head hash. Record the\n" +
			"head hash somewhere else: a later verify whose log does not extend it shows the log\n" +
			"was rewritten. Exit status 1 when the chain is broken.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, asJSON, err := cf.open()
			if err != nil {
				return err
			}
			entries, err := cl.AuditAll(cmd.Context(), 0)
			if err != nil {
				return explainAPIError(err, "reading the audit log")
			}
			head, verr := client.VerifyAuditChain(entries)
			if asJSON {
				v := auditView{Entries: entries, Head: head, Verified: verr == nil}
				if verr != nil {
					v.Error = verr.Error()
				}
				if err := printClientJSON(env, v); err != nil {
					return err
				}
			} else if !quiet {
				if err := printAudit(env, entries); err != nil {
					return err
				}
			}
			if verr != nil {
				return &exitError{code: 1, err: verr}
			}
			if !asJSON {
				fmt.Fprintf(env.Stdout, "audit log verified: %d entries, head %s\n", len(entries), head)
			}
			return nil
		},
	}
	cf.register(cmd.Flags())
	cf.registerOutput(cmd.Flags())
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the result and head hash")
	return cmd
}

func newAuditListCmd(env Env) *cobra.Command {
	var cf coordFlags
	var after uint64
	var limit int
	cmd := &cobra.Command{
		Use:   "list [--after SEQ] [--limit N]",
		Short: "List audit entries (unverified; see audit verify)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asJSON, err := cf.json()
			if err != nil {
				return err
			}
			if limit < 1 || limit > api.MaxListLimit {
				return usageErr("--limit must be 1 to %d", api.MaxListLimit)
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			page, err := cl.Audit(cmd.Context(), after, limit)
			if err != nil {
				return explainAPIError(err, "reading the audit log")
			}
			if asJSON {
				return printClientJSON(env, page)
			}
			if err := printAudit(env, page.Entries); err != nil {
				return err
			}
			if page.Truncated && len(page.Entries) > 0 {
				fmt.Fprintf(env.Stderr, "more entries follow: --after %d\n", page.Entries[len(page.Entries)-1].Seq)
			}
			return nil
		},
	}
	cf.register(cmd.Flags())
	cf.registerOutput(cmd.Flags())
	cmd.Flags().Uint64Var(&after, "after", 0, "list entries after this sequence number")
	cmd.Flags().IntVar(&limit, "limit", 100, "at most this many entries")
	return cmd
}

func printAudit(env Env, entries []api.AuditEntry) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tAT\tACTOR\tACTION\tSUBJECT\tDETAIL")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, timeOrDash(e.At), e.Actor, e.Action, e.Subject, e.Detail)
	}
	return tw.Flush()
}
