package cli

import "github.com/spf13/cobra"

// clientCommands are the commands that talk to a coordinator through its
// API (signet policy, token, request, audit).
func clientCommands(Env) []*cobra.Command { return nil }
