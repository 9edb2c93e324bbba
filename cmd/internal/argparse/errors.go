package argparse

import (
	"errors"
	"fmt"
	"io"
)

// Sentinel errors. Parse returns a *UsageError (errors.Is ErrUsage) for a
// bad command line, and an *EarlyExit (errors.Is ErrHelp or ErrVersion)
// when -h/--help or --version ended parsing.
var (
	// ErrUsage marks every *UsageError: argparse would print the usage and
	// "prog: error: ..." to stderr and exit with status 2.
	ErrUsage = errors.New("usage error")
	// ErrHelp means help was requested; the text belongs on stdout, status 0.
	ErrHelp = errors.New("help requested")
	// ErrVersion means --version was given; the text belongs on stdout, status 0.
	ErrVersion = errors.New("version requested")
	// ErrDeclaration means the parser itself was declared wrongly (a
	// programming mistake, e.g. the same option name twice).
	ErrDeclaration = errors.New("invalid argument declaration")
)

// UsageError is a command-line mistake, reported as argparse does.
type UsageError struct {
	// Prog is the program (or "prog subcommand") the error belongs to.
	Prog string
	// Usage is the usage text of that parser, "usage: ...\n".
	Usage string
	// Message is the text after "error: ", e.g. "the following arguments
	// are required: -n/--step-name".
	Message string
}

// Error returns the argparse error line without the usage:
// "in-toto-run: error: ...".
func (e *UsageError) Error() string { return e.Prog + ": error: " + e.Message }

// Is makes errors.Is(err, ErrUsage) true.
func (e *UsageError) Is(target error) bool { return target == ErrUsage }

// EarlyExit ends parsing successfully with Text for stdout.
type EarlyExit struct {
	// Reason is ErrHelp or ErrVersion.
	Reason error
	// Text is the help or version text, ending in a newline.
	Text string
}

func (e *EarlyExit) Error() string { return e.Reason.Error() }

// Unwrap returns Reason.
func (e *EarlyExit) Unwrap() error { return e.Reason }

// Errorf builds a usage error for this parser, for checks the tool makes
// after parsing (argparse's parser.error()).
func (p *Parser) Errorf(format string, args ...any) *UsageError {
	return &UsageError{Prog: p.cfg.Prog, Usage: p.FormatUsage(), Message: fmt.Sprintf(format, args...)}
}

// Report writes what argparse prints for err and returns the exit status:
// help and version text to stdout with status 0; usage errors as the usage
// followed by "prog: error: message" to stderr with status 2; any other
// error as "error: ..." on stderr with status 1. A nil err returns 0.
func Report(err error, stdout, stderr io.Writer) int {
	var early *EarlyExit
	var usage *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &early):
		_, _ = io.WriteString(stdout, early.Text)
		return 0
	case errors.As(err, &usage):
		_, _ = io.WriteString(stderr, usage.Usage+usage.Error()+"\n")
		return 2
	default:
		_, _ = fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
}
