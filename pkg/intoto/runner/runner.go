package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"
)

// Errors returned (wrapped, with details) by Run.
var (
	// ErrEmptyCommand: Run was given no command.
	ErrEmptyCommand = errors.New("no command to run")
	// ErrCommandNotFound: the program does not exist (or is not in PATH).
	ErrCommandNotFound = errors.New("command not found")
	// ErrStart: the program exists but could not be started.
	ErrStart = errors.New("command could not be started")
	// ErrTimeout: RunOptions.Timeout passed and the command was killed.
	ErrTimeout = errors.New("command timed out")
	// ErrStreamTooLarge: a recorded stream exceeded MaxStreamBytes.
	ErrStreamTooLarge = errors.New("command output exceeds the capture limit")
	// ErrInvalidUTF8: a recorded stream is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("command output is not valid UTF-8")
)

const (
	// DefaultTimeout is the reference's default LINK_CMD_EXEC_TIMEOUT.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxStreamBytes bounds each recorded stream when
	// RunOptions.MaxStreamBytes is zero.
	DefaultMaxStreamBytes = 64 << 20
	// drainGrace is how long output is still read after the command exits
	// while its children keep the streams open.
	drainGrace = 500 * time.Millisecond
)

// RunOptions configure Run. The zero value runs the command in the current
// directory with no timeout, no input, and nothing recorded or echoed.
type RunOptions struct {
	// Dir is the working directory; "" means the current one.
	Dir string
	// Env is the environment; nil means the current process's.
	Env []string
	// Stdin is the command's input; nil means none (/dev/null).
	Stdin io.Reader
	// Timeout kills the command after this long; <= 0 means no timeout.
	Timeout time.Duration
	// RecordStreams keeps stdout and stderr in the Result.
	RecordStreams bool
	// MaxStreamBytes bounds each kept stream: 0 means
	// DefaultMaxStreamBytes, < 0 means no bound.
	MaxStreamBytes int64
	// Stdout and Stderr receive a copy of the command's output as it runs
	// (nil: not shown). Writes to them are serialised; their errors are
	// ignored (the output is still recorded).
	Stdout, Stderr io.Writer
	// ReplaceInvalidUTF8 records invalid UTF-8 as U+FFFD instead of
	// failing with ErrInvalidUTF8.
	ReplaceInvalidUTF8 bool
	// InheritProcessGroup runs the command in the caller's process group;
	// on timeout only the command itself is killed.
	InheritProcessGroup bool
}

// Result is what the reference records about a command.
type Result struct {
	ReturnValue    int
	Stdout, Stderr string
}

// Byproducts returns the link's byproducts exactly as the reference builds
// them: {"return-value": n, "stderr": s, "stdout": s}.
func (r Result) Byproducts() map[string]any {
	return map[string]any{"return-value": r.ReturnValue, "stderr": r.Stderr, "stdout": r.Stdout}
}

// errTimeoutCause tells a timeout apart from the caller's cancellation.
var errTimeoutCause = errors.New("runner timeout")

// Run runs cmd and waits for it. See the package documentation.
func Run(ctx context.Context, cmd []string, opts RunOptions) (Result, error) {
	if len(cmd) == 0 {
		return Result{}, ErrEmptyCommand
	}
	runCtx, cancel := ctx, context.CancelFunc(func() {})
	if opts.Timeout > 0 {
		runCtx, cancel = context.WithTimeoutCause(ctx, opts.Timeout, errTimeoutCause)
	}
	defer cancel()
	c := exec.CommandContext(runCtx, cmd[0], cmd[1:]...)
	if c.Err != nil {
		return Result{}, lookupError(cmd[0], c.Err)
	}
	c.Dir, c.Env, c.Stdin = opts.Dir, opts.Env, opts.Stdin
	c.WaitDelay = drainGrace
	var killed atomic.Bool
	setProcessGroup(c, !opts.InheritProcessGroup, &killed)
	out, errOut := newStreams(opts)
	if out != nil {
		c.Stdout, c.Stderr = out, errOut
	}
	if err := c.Start(); err != nil {
		return Result{}, startError(cmd[0], err)
	}
	waitErr := c.Wait()
	if killed.Load() { // the context ended before the command did
		if context.Cause(runCtx) == errTimeoutCause && ctx.Err() == nil {
			return Result{}, fmt.Errorf("%w after %s: %q was killed; raise the timeout if it needs longer",
				ErrTimeout, opts.Timeout, cmd[0])
		}
		return Result{}, fmt.Errorf("running %q: %w", cmd[0], ctx.Err())
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return Result{}, fmt.Errorf("running %q: %w", cmd[0], waitErr)
	}
	res := Result{ReturnValue: returnValue(c)}
	if !opts.RecordStreams {
		return res, nil
	}
	return finishStreams(res, cmd[0], out, errOut, opts.ReplaceInvalidUTF8)
}

func lookupError(name string, err error) error {
	if errors.Is(err, exec.ErrDot) {
		return fmt.Errorf("%w: %q was found only relative to the current directory (PATH contains \".\"); run it as \"./%s\": %w",
			ErrCommandNotFound, name, name, err)
	}
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %q is not in PATH and is not a file: %w", ErrCommandNotFound, name, err)
	}
	return fmt.Errorf("%w: %q: %w", ErrStart, name, err)
}

func startError(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %q does not exist: %w", ErrCommandNotFound, name, err)
	}
	return fmt.Errorf("%w: %q: %w (is it an executable file?)", ErrStart, name, err)
}

// returnValue is the exit status, or minus the signal that killed the
// command, like Python's Popen.returncode.
func returnValue(c *exec.Cmd) int {
	if ws, ok := c.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return c.ProcessState.ExitCode()
}
