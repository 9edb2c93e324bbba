package cli

import "github.com/spf13/cobra"

// clientCommands are the commands that talk to a coordinator through its
// API (signet policy, token, request, audit). The key commands that do
// (enroll, revoke, list) hang under signet key.
func clientCommands(env Env) []*cobra.Command {
	return []*cobra.Command{newPolicyCmd(env), newTokenCmd(env), newRequestCmd(env), newAuditCmd(env)}
}
