package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/signet-dev/signet/cmd/internal/version"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/cmd/internal/keyuri/backends"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/progress"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/pkg/intoto/record"
)

// Env is the process environment a command runs in.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StderrIsTerminal enables progress bars.
	StderrIsTerminal bool
	// AskSecret asks a person for a secret; nil means none can be asked.
	AskSecret func(question string) ([]byte, error)
	// Keys opens keys named by key store URIs; nil refuses URIs.
	Keys *keyuri.Stores
}

// OSEnv returns the Env of the running process.
func OSEnv() Env {
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		StderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		AskSecret:        func(q string) ([]byte, error) { return prompt.Secret(q, os.Stdin) },
		Keys:             keyuri.New(keyuri.Config{Getenv: os.Getenv, Backends: backends.All()}),
	}
}

// exitError carries an exit code for Main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs the signet command line and returns the exit code: 0 success,
// 1 failure, 2 usage error.
func Main(ctx context.Context, args []string, env Env) int {
	root := NewRoot(env)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if env.Keys != nil {
		err = errors.Join(err, env.Keys.Close())
	}
	if err == nil {
		return 0
	}
	fmt.Fprintf(env.Stderr, "signet: %v\n", err)
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, ops.ErrUsage), isFlagError(err):
		return 2
	}
	return 1
}

// NewRoot builds the command tree.
func NewRoot(env Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "signet",
		Short: "Multi-party signing of in-toto supply-chain metadata",
		Long: "Signet records, signs and verifies in-toto supply-chain metadata, and collects\n" +
			"M-of-N signatures from keys held in HSMs, YubiKeys, Vault or key files.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.String(),
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
	root.AddCommand(newRunCmd(env), newRecordCmd(env), newMockCmd(env), newSignCmd(env), newKeygenCmd(env), newLayoutCmd(env), newVerifyCmd(env), newKeyCmd(env), newAgentCmd(env))
	root.AddCommand(coordinatorCommands(env)...)
	root.AddCommand(clientCommands(env)...)
	return root
}

type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() + " (see --help)" }
func (e *flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe *flagError
	if errors.As(err, &fe) || errors.Is(err, errArgs) {
		return true
	}
	// cobra reports these usage errors as plain errors.
	msg := err.Error()
	for _, p := range []string{"required flag(s) ", "accepts ", "requires at least ", "unknown command ", "if any flags in the group "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

var errArgs = errors.New("wrong arguments")

func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errArgs, fmt.Sprintf(format, a...))
}

// progressFunc draws one bar per label on a terminal.
func progressFunc(env Env) func(string, record.Progress) {
	return progress.Recording(env.Stderr, env.StderrIsTerminal)
}

// wrote reports the file an operation wrote, or passes its error on.
func wrote(env Env) func(path string, err error) error {
	return func(path string, err error) error {
		if err == nil {
			fmt.Fprintf(env.Stderr, "wrote %s\n", path)
		}
		return err
	}
}
