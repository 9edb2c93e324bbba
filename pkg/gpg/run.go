package gpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// DefaultTimeout bounds one run of gpg when Options.Timeout is zero. It
// leaves time to type a passphrase into pinentry (the reference allows 3
// seconds, too little for that).
const DefaultTimeout = 60 * time.Second

// Output bounds: a signature packet is a few hundred bytes (an RSA-16384
// one about 2 KiB); an exported key with many certifications can be large.
const (
	maxSignatureOutput = 64 << 10
	maxExportOutput    = 16 << 20
	maxListOutput      = 1 << 20
	maxStderr          = 4 << 10
)

// Options say how gpg is run.
type Options struct {
	// Program is the gpg executable: a path, or a name looked up in the
	// PATH of Env. "" means gpg2, else gpg, as securesystemslib does.
	Program string
	// Home is passed as --homedir; "" leaves gpg to its default (GNUPGHOME
	// or ~/.gnupg).
	Home string
	// Env is gpg's environment; nil means this process's.
	Env []string
	// Timeout bounds each run; 0 means DefaultTimeout.
	Timeout time.Duration
}

// CheckKeyID checks that a key id is what the reference accepts: a
// non-empty string of hex digits (a key id or a fingerprint).
func CheckKeyID(keyID string) error {
	if keyID == "" {
		return fmt.Errorf("%w: empty key id", ErrBadKeyID)
	}
	for _, c := range keyID {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return fmt.Errorf("%w: '%s' is not hex; give the key's fingerprint or key id in hex digits", ErrBadKeyID, clip(keyID))
		}
	}
	return nil
}

// program resolves the gpg executable.
func (o Options) program() (string, error) {
	names := []string{"gpg2", "gpg"}
	if o.Program != "" {
		names = []string{o.Program}
	}
	for _, name := range names {
		if p, err := o.lookPath(name); err == nil {
			return p, nil
		}
	}
	if o.Program != "" {
		return "", fmt.Errorf("%w: %s is not an executable program", ErrNoGPG, o.Program)
	}
	return "", fmt.Errorf("%w: neither gpg2 nor gpg is in PATH; install GnuPG 2.1 or newer (Debian: apt-get install gnupg)", ErrNoGPG)
}

// lookPath finds name like exec.LookPath, but in the PATH of o.Env when
// an environment is given.
func (o Options) lookPath(name string) (string, error) {
	if o.Env == nil || strings.Contains(name, "/") {
		return exec.LookPath(name)
	}
	path := ""
	for _, kv := range o.Env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // like exec.ErrDot: never run a program found relative to the working directory
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// args appends --homedir when a home directory is set.
func (o Options) homeArgs(args []string) []string {
	if o.Home != "" {
		args = append(args, "--homedir", o.Home)
	}
	return args
}

// run runs gpg with args, stdin on its standard input, and returns its
// standard output (at most maxOut bytes).
func (o Options) run(ctx context.Context, stdin []byte, maxOut int, args ...string) ([]byte, error) {
	prog, err := o.program()
	if err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, prog, args...)
	cmd.Env = o.Env
	cmd.Stdin = bytes.NewReader(stdin)
	stdout, stderr := &capped{max: maxOut, strict: true}, &capped{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	argv := append([]string{filepath.Base(prog)}, args...)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case runCtx.Err() != nil:
		return nil, fmt.Errorf("%w: '%s' did not finish within %s", ErrTimeout, strings.Join(argv, " "), timeout)
	case stdout.over:
		return nil, fmt.Errorf("%w: '%s' wrote more than %d bytes", ErrOutputTooLarge, strings.Join(argv, " "), maxOut)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return nil, &CommandError{Args: argv, ExitCode: ee.ExitCode(), Stderr: oneLine(stderr.buf.Bytes())}
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%w: cannot run %s: %w", ErrNoGPG, prog, err)
	case err != nil:
		return nil, fmt.Errorf("running '%s': %w", strings.Join(argv, " "), err)
	}
	return stdout.buf.Bytes(), nil
}

// capped keeps the first max bytes written to it. A strict one fails the
// write beyond that (which ends the copy from the child); otherwise the
// rest is dropped.
type capped struct {
	buf    bytes.Buffer
	max    int
	strict bool
	over   bool
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(p) > room {
		c.over = true
		c.buf.Write(p[:max(room, 0)])
		if c.strict {
			return 0, ErrOutputTooLarge
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
