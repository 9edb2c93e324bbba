package cli

import "github.com/spf13/cobra"

// coordinatorCommands are the commands that run and operate coordinator
// nodes (signet coordinator, signet operator).
func coordinatorCommands(Env) []*cobra.Command { return nil }
