package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

var (
	// errNotReleased: request wait saw the request end without a release.
	errNotReleased = errors.New("request was not released")
	// errStillPending: request wait ran out of time.
	errStillPending = errors.New("request is still pending")
)

func newRequestCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "request",
		Short: "Ask the coordinator for threshold signatures and fetch the released metadata",
		Long: "A request asks for M-of-N signatures over a layout, a link, an in-toto statement,\n" +
			"or for k agreeing links of a step (step-collect), under a signing policy. Signer\n" +
			"agents sign it; once the threshold is met the coordinator releases the signed\n" +
			"metadata, which `signet request fetch` writes as files any in-toto verifier reads.",
	}
	cmd.AddCommand(newRequestCreateCmd(env), newRequestStatusCmd(env), newRequestWaitCmd(env),
		newRequestCancelCmd(env), newRequestFetchCmd(env))
	return cmd
}

func newRequestCreateCmd(env Env) *cobra.Command {
	var cf coordFlags
	var id, kind, policy, payload, step string
	cmd := &cobra.Command{
		Use:   "create --id ID --kind layout|link|statement|step-collect --policy P --payload FILE",
		Short: "Create a signing request",
		Long: "create submits a payload for signing. FILE is an unsigned (or signed: its\n" +
			"signatures are dropped) layout or link metablock, a DSSE envelope, or the bare\n" +
			"JSON payload; it must decode as the --kind. For step-collect give --step NAME\n" +
			"(or a payload file {\"step\": NAME}). Creating the same id with the same content\n" +
			"again is a no-op, so CI may retry.",
		Example: "  signet request create --id release-1.2.3-layout --kind layout --policy release-layout --payload root.layout\n" +
			"  signet request create --id build-1234 --kind link --policy build --payload build.link\n" +
			"  signet request create --id rebuild-1.2.3 --kind step-collect --policy rebuilders --step rebuild",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if id == "" || policy == "" {
				return usageErr("give --id and --policy")
			}
			b := api.CreateRequestBody{ID: id, Kind: api.Kind(kind), Policy: policy}
			pl, err := requestPayload(env, b.Kind, payload, step)
			if err != nil {
				return err
			}
			b.PayloadType, b.Payload = pl.payloadType, pl.data
			cl, err := cf.client()
			if err != nil {
				return err
			}
			res, err := cl.CreateRequest(cmd.Context(), b)
			if err != nil {
				return explainAPIError(err, "creating request "+id)
			}
			fmt.Fprintf(env.Stdout, "%s request %s (%s, policy %s): %s\n", changedWord(res.Changed, "created", "already exists:"), id, kind, policy, res.Phase)
			return nil
		},
	}
	cf.register(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&id, "id", "", "request id you choose, unique in the cluster (e.g. the CI build id)")
	fs.StringVar(&kind, "kind", "", "layout, link, statement or step-collect")
	fs.StringVar(&policy, "policy", "", "signing policy the request is made under")
	fs.StringVar(&payload, "payload", "", "file holding the layout, link or statement")
	fs.StringVar(&step, "step", "", "step-collect: the step whose links are collected")
	return cmd
}

func newRequestStatusCmd(env Env) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use:   "status ID",
		Short: "Show a request's phase and threshold status: signed, missing, rejected",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, asJSON, err := cf.open()
			if err != nil {
				return err
			}
			v, err := cl.GetRequest(cmd.Context(), args[0])
			if err != nil {
				return explainAPIError(err, "reading request "+args[0])
			}
			if asJSON {
				v.Request.Payload, v.Request.Released = nil, nil
				return printClientJSON(env, v)
			}
			return showStatus(env, v)
		},
	}
	cf.register(cmd.Flags())
	cf.registerOutput(cmd.Flags())
	return cmd
}

func showStatus(env Env, v api.RequestView) error {
	r, s := v.Request, v.Status
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "request:\t%s\nkind:\t%s\npolicy:\t%s (version %d)\nphase:\t%s\n", r.ID, r.Kind, r.Policy.Name, r.Policy.Version, r.Phase)
	if r.Reason != "" {
		fmt.Fprintf(tw, "reason:\t%s\n", r.Reason)
	}
	fmt.Fprintf(tw, "requester:\t%s\ncreated:\t%s\nexpires:\t%s\n", r.Requester, timeOrDash(r.Created), timeOrDash(r.Expires))
	fmt.Fprintf(tw, "threshold:\t%d of %d signed, %d needed\n", len(s.Signed), len(r.Policy.Keys), s.Threshold)
	for _, row := range []struct {
		name string
		ids  []string
	}{{"signed", s.Signed}, {"missing", s.Missing}, {"rejected", s.Rejected}, {"revoked", s.Revoked}, {"disagreeing", s.Disagreeing}} {
		if len(row.ids) > 0 {
			fmt.Fprintf(tw, "%s:\t%s\n", row.name, strings.Join(row.ids, ", "))
		}
	}
	for _, d := range s.Disagreements {
		fmt.Fprintf(tw, "disagreement:\t%+v\n", d)
	}
	if r.Phase == api.PhasePending && !s.Reachable {
		fmt.Fprintf(tw, "note:\tthe threshold can no longer be met\n")
	}
	return tw.Flush()
}

func newRequestWaitCmd(env Env) *cobra.Command {
	var cf coordFlags
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait ID [--timeout 1h]",
		Short: "Wait until a request is released; exit 1 if it is rejected, expires or is cancelled",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := cf.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			files, err := cl.WaitReleased(ctx, args[0])
			if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && cmd.Context().Err() == nil {
				// Out of time, whichever way the last call noticed it.
				err = errors.Join(err, context.DeadlineExceeded)
			}
			return waitOutcome(cmd.Context(), env, cl, args[0], files, err, timeout)
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().DurationVar(&timeout, "timeout", time.Hour, "give up after this long (0: wait for ever)")
	return cmd
}

// waitOutcome reports how a wait ended.
func waitOutcome(ctx context.Context, env Env, cl *client.Client, id string, files []api.File, err error, timeout time.Duration) error {
	switch {
	case err == nil:
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f.Name
		}
		fmt.Fprintf(env.Stdout, "request %s released: %s\n", id, strings.Join(names, ", "))
		return nil
	case errors.Is(err, client.ErrNotReleased):
		msg := err.Error()
		if v, gerr := cl.GetRequest(ctx, id); gerr == nil && v.Request.Reason != "" {
			msg += " (" + v.Request.Reason + ")"
		}
		return &exitError{code: 1, err: fmt.Errorf("%w: %s", errNotReleased, msg)}
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return &exitError{code: 1, err: fmt.Errorf("%w: request %s after %s (see `signet request status %s`)", errStillPending, id, timeout, id)}
	}
	return explainAPIError(err, "waiting for request "+id)
}

func newRequestCancelCmd(env Env) *cobra.Command {
	var cf coordFlags
	var reason string
	cmd := &cobra.Command{
		Use:   "cancel ID --reason TEXT",
		Short: "Cancel a pending request (its requester, or an admin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return usageErr("give --reason (it goes into the audit log)")
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			res, err := cl.Cancel(cmd.Context(), args[0], reason)
			if err != nil {
				return explainAPIError(err, "cancelling request "+args[0])
			}
			fmt.Fprintf(env.Stdout, "%s request %s: %s\n", changedWord(res.Changed, "cancelled", "unchanged:"), args[0], res.Phase)
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVar(&reason, "reason", "", "why the request is cancelled")
	return cmd
}
