// Package cli is the `signet` command line: cobra commands with Signet's
// own flag set, wired to cmd/internal/ops. It reads flags and the
// environment it is handed (Env) and nothing else, so commands are tested
// in-process without touching the real process state.
package cli
