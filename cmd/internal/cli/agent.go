package cli

import (
	"fmt"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	signeragent "github.com/signet-dev/signet/signer-agent"
)

// newAgentCmd is `signet agent`: `run` is the signer agent; the other
// subcommands are its manual-approval side, working on its state
// directory.
func newAgentCmd(env Env) *cobra.Command {
	var stateDir string
	cmd := &cobra.Command{
		Use:   "agent",
		Short: "Run a signer agent, and approve or reject what it holds for a person",
		Long: "A signer agent whose policy says manual does not sign on its own: it lists the request\n" +
			"in its state directory and waits. These commands show those requests and record a\n" +
			"person's decision, which the running agent then carries out.",
	}
	cmd.PersistentFlags().StringVar(&stateDir, "state-dir", "/var/lib/signet-agent", "the agent's state directory")
	open := approvalsAt(func() (*signeragent.Approvals, error) { return signeragent.NewApprovals(stateDir) })
	cmd.AddCommand(&cobra.Command{
		Use: "pending", Short: "List the requests waiting for a person", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			a, err := open()
			if err != nil {
				return err
			}
			list, err := a.List()
			if err != nil {
				return err
			}
			if len(list) == 0 {
				fmt.Fprintln(env.Stdout, "nothing is waiting")
			}
			for _, p := range list {
				fmt.Fprintf(env.Stdout, "%s\t%s\tdigest %s\trule %s\twaiting since %s\n", signeragent.PendingID(p.RequestID, p.KeyID),
					p.Kind, p.Digest[:12], p.Rule, p.Since.Format(time.RFC3339))
			}
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use: "show ID", Short: "Show exactly what a pending request would sign", Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			_, p, err := open.pending(args[0])
			if err != nil {
				return err
			}
			fmt.Fprint(env.Stdout, p.Description)
			fmt.Fprintf(env.Stdout, "\nto sign:   signet agent approve %s --digest %s\nto refuse: signet agent reject %s --digest %s --reason '...'\n",
				args[0], p.Digest[:16], args[0], p.Digest[:16])
			return nil
		},
	})
	cmd.AddCommand(decideCmd(env, open, true), decideCmd(env, open, false), newAgentRunCmd(env))
	return cmd
}

// approvalsAt opens the approvals of the agent's state directory.
type approvalsAt func() (*signeragent.Approvals, error)

// pending opens the approvals and returns the pending request id.
func (open approvalsAt) pending(id string) (*signeragent.Approvals, signeragent.Pending, error) {
	a, err := open()
	if err != nil {
		return nil, signeragent.Pending{}, err
	}
	p, err := a.Get(id)
	return a, p, err
}

func decideCmd(env Env, open approvalsAt, approve bool) *cobra.Command {
	var digest, reason string
	use, short := "approve ID --digest PREFIX", "Let the agent sign a pending request"
	if !approve {
		use, short = "reject ID --digest PREFIX --reason TEXT", "Make the agent refuse a pending request"
	}
	c := &cobra.Command{
		Use: use, Short: short, Args: cobra.ExactArgs(1),
		Long: "The --digest prefix (at least 12 hex digits, as `signet agent show` prints it) proves that\n" +
			"the decision is about the payload that was shown: if the request changed since, it is refused.",
		RunE: func(_ *cobra.Command, args []string) error {
			if len(digest) < 12 {
				return usageErr("--digest needs at least 12 hex digits of the digest `signet agent show %s` printed", args[0])
			}
			if !approve && strings.TrimSpace(reason) == "" {
				return usageErr("--reason is required: the requester sees it")
			}
			a, p, err := open.pending(args[0])
			if err != nil {
				return err
			}
			if !strings.HasPrefix(p.Digest, strings.ToLower(digest)) {
				return fmt.Errorf("the request's digest %s does not start with %s: it changed since you looked; run signet agent show %s again",
					p.Digest[:16], digest, args[0])
			}
			who := "unknown"
			if u, err := user.Current(); err == nil {
				who = u.Username
			}
			v := signeragent.Verdict{Approve: approve, Digest: p.Digest, Reason: reason, By: who, At: time.Now().UTC()}
			if err := a.Decide(args[0], v); err != nil {
				return err
			}
			verb := "approved"
			if !approve {
				verb = "rejected"
			}
			fmt.Fprintf(env.Stdout, "%s %s; the agent acts on it at its next step\n", verb, args[0])
			return nil
		},
	}
	c.Flags().StringVar(&digest, "digest", "", "the start of the digest shown by signet agent show")
	if !approve {
		c.Flags().StringVar(&reason, "reason", "", "why (sent to the coordinator)")
	}
	return c
}
