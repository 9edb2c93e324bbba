package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/pkg/atomicfile"
)

func newTokenCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, revoke and list API tokens (admin)",
		Long: "API tokens authenticate CI jobs, agents and people to the coordinator. A token\n" +
			"carries scopes: admin, read, request:POLICY (create requests under POLICY) and\n" +
			"sign:KEYID (submit signatures made with KEYID). The secret is shown once.",
	}
	cmd.AddCommand(newTokenCreateCmd(env), revokeCommand(env, "revoke ID [--reason TEXT]", "Revoke an API token", "token",
		"revoked with signet token revoke",
		func(ctx context.Context, cl *client.Client, id, reason string) (api.WriteResult, error) {
			return cl.RevokeToken(ctx, id, reason)
		}),
		listCommand(env, "List API tokens (never their secrets)", "tokens", "ID\tNAME\tIDENTITY\tSCOPES\tEXPIRES\tREVOKED",
			(*client.Client).Tokens, func(t api.TokenInfo) string {
				return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%t", t.ID, t.Name, t.Identity, strings.Join(t.Scopes, " "), timeOrDash(t.Expires), t.Revoked)
			}))
	return cmd
}

func newTokenCreateCmd(env Env) *cobra.Command {
	var cf coordFlags
	var name, identity, out string
	var scopes []string
	var expires time.Duration
	cmd := &cobra.Command{
		Use:   "create --name NAME --scope SCOPE... [--expires 720h] [-o FILE]",
		Short: "Create an API token and write its secret to a file",
		Example: "  signet token create --name ci-release --scope request:release-layout --scope read -o ci.token\n" +
			"  signet token create --name agent-1 --scope sign:0123abcd... --expires 2160h -o agent-1.token",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" || len(scopes) == 0 {
				return usageErr("give --name and at least one --scope (admin, read, request:POLICY, sign:KEYID)")
			}
			if expires < 0 {
				return usageErr("--expires must be positive (0: never)")
			}
			b := api.CreateTokenBody{Name: name, Identity: identity, Scopes: scopes}
			if expires > 0 {
				b.Expires = time.Now().Add(expires).UTC()
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			nt, err := cl.CreateToken(cmd.Context(), b)
			if err != nil {
				return explainAPIError(err, "creating token "+name)
			}
			return writeSecret(env, out, nt)
		},
	}
	cf.register(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&name, "name", "", "what the token is for (shown in lists and the audit log)")
	fs.StringVar(&identity, "identity", "", "identity the token acts as (default: its id); policies list requesters by it")
	fs.StringArrayVar(&scopes, "scope", nil, "admin, read, request:POLICY or sign:KEYID (repeatable)")
	fs.DurationVar(&expires, "expires", 720*time.Hour, "lifetime of the token (0: never expires)")
	fs.StringVarP(&out, "output-file", "o", "", "file to write the secret to, mode 0600 (default: print it once on stdout)")
	return cmd
}

// writeSecret writes the token secret to a 0600 file, or prints it once.
func writeSecret(env Env, out string, nt api.NewToken) error {
	if out == "" || out == "-" {
		fmt.Fprintf(env.Stderr, "created token %s (%s); the secret below is shown only this once: store it now\n", nt.Token.ID, strings.Join(nt.Token.Scopes, " "))
		fmt.Fprintln(env.Stdout, nt.Secret)
		return nil
	}
	data := []byte(nt.Secret + "\n")
	defer clear(data)
	if err := atomicfile.WriteFile(out, data, 0o600); err != nil {
		return fmt.Errorf("token %s was created but its secret could not be written (revoke it with `signet token revoke %s`): %w", nt.Token.ID, nt.Token.ID, err)
	}
	fmt.Fprintf(env.Stdout, "created token %s (%s), secret in %s\n", nt.Token.ID, strings.Join(nt.Token.Scopes, " "), out)
	return nil
}
