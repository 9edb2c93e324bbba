package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/pkg/keys"
)

// keyAdminCommands are the key commands that talk to a coordinator.
func keyAdminCommands(env Env) []*cobra.Command {
	return []*cobra.Command{newKeyEnrollCmd(env), revokeCommand(env, "revoke KEYID --reason TEXT",
		"Revoke an enrolled key: its signatures never count again (admin)", "key", "",
		func(ctx context.Context, cl *client.Client, id, reason string) (api.WriteResult, error) {
			return cl.RevokeKey(ctx, id, reason)
		}),
		listCommand(env, "List the keys enrolled with the coordinator", "keys", "KEYID\tTYPE\tROLE\tIDENTITY\tSTATUS\tVALID UNTIL",
			(*client.Client).Keys, func(k api.EnrolledKey) string {
				return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", k.Key.KeyID, k.Key.KeyType, k.Role, k.Identity, k.Status, timeOrDash(k.ValidUntil))
			})}
}

func newKeyEnrollCmd(env Env) *cobra.Command {
	var cf coordFlags
	var role, identity, validUntil string
	cmd := &cobra.Command{
		Use:   "enroll PUBKEY|URI --role owner|functionary|agent --identity NAME [--valid-until TIME]",
		Short: "Enrol a public key with the coordinator (admin)",
		Long: "enroll registers a public key so that its signatures count on requests whose\n" +
			"policy lists its key id. PUBKEY is a public key file (PEM or securesystemslib);\n" +
			"a key URI (pkcs11:, hashivault://, file:) enrols that key's public half.",
		Example: "  signet key enroll alice.pub --role owner --identity alice@example.org --coordinator https://coord-1:8443 --token-file admin.token\n" +
			"  signet key enroll 'pkcs11:token=release;object=owner-1?module-path=...' --role owner --identity release-hsm",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b := api.EnrollKeyBody{Identity: identity, Role: api.Role(role)}
			switch b.Role {
			case api.RoleOwner, api.RoleFunctionary, api.RoleAgent:
			default:
				return usageErr("--role must be owner, functionary or agent")
			}
			if identity == "" {
				return usageErr("give --identity, the person or machine that holds the key")
			}
			if validUntil != "" {
				t, err := parseUntil(validUntil, time.Now())
				if err != nil {
					return usageErr("--valid-until: %v", err)
				}
				b.ValidUntil = t
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			if b.Key, err = enrollKey(cmd, env, args[0]); err != nil {
				return err
			}
			res, err := cl.EnrollKey(cmd.Context(), b)
			if err != nil {
				return explainAPIError(err, "enrolling key "+b.Key.KeyID)
			}
			fmt.Fprintf(env.Stdout, "%s key %s (%s %s) for %s as %s\n", changedWord(res.Changed, "enrolled", "already enrolled:"),
				b.Key.KeyID, b.Key.KeyType, b.Key.Scheme, identity, role)
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVar(&role, "role", "", "owner (signs layouts), functionary (links, statements) or agent")
	cmd.Flags().StringVar(&identity, "identity", "", "who holds the key (a person, host or CI job)")
	cmd.Flags().StringVar(&validUntil, "valid-until", "", "last moment the key's signatures count: an RFC 3339 time, or a duration from now such as 8760h (a retry with a duration is a different enrolment: prefer a time in scripts)")
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

// enrollKey loads the public key to enrol from a file or a key URI.
func enrollKey(cmd *cobra.Command, env Env, arg string) (keys.Key, error) {
	if keyuri.IsURI(arg) {
		s, err := openKey(cmd.Context(), env, arg, false)
		if err != nil {
			return keys.Key{}, err
		}
		return s.Key(), nil
	}
	return ops.LoadPublicKey(arg, "", keys.DialectLegacy)
}

// parseUntil reads an RFC 3339 time or a duration from now.
func parseUntil(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("duration %s must be positive", s)
		}
		return now.Add(d).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time (2027-01-31T00:00:00Z) nor a duration (720h)", s)
	}
	return t.UTC(), nil
}

func changedWord(changed bool, yes, no string) string {
	if changed {
		return yes
	}
	return no
}

func timeOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
