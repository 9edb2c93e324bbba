package dropin

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/cmd/internal/version"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"golang.org/x/term"
)

// PasswordFileVar names the environment variable that points to a file
// holding the password of an encrypted key: the way to give a password
// without a prompt and without putting it in argv.
const PasswordFileVar = "SIGNET_PASSWORD_FILE"

// Env is everything a tool takes from the process it runs in. Tests fill it
// with buffers and a temporary directory; the binaries use OSEnv.
type Env struct {
	// Stdin is handed to wrapped commands and read by prompts that have no
	// terminal. Stdout and Stderr receive the tool's output.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Environ is the environment as os.Environ returns it (IN_TOTO_*
	// settings, COLUMNS, SIGNET_PASSWORD_FILE).
	Environ []string
	// Home is the user's home directory (for ~/.in_totorc); "" skips the
	// rc files there.
	Home string
	// Dir is the working directory relative paths are resolved against;
	// "" means the process's own, so that messages show paths as typed.
	Dir string
	// AskSecret asks a person for a secret, showing question; nil means
	// nobody can be asked.
	AskSecret func(question string) ([]byte, error)
	// StderrIsTerminal enables progress bars while recording.
	StderrIsTerminal bool
	// Columns is the terminal width help is wrapped for when $COLUMNS is
	// not set; 0 means 80.
	Columns int
	// Version is Signet's version, printed by --version.
	Version string
	// Keys opens signing keys named by key store URIs (pkcs11:...,
	// hashivault://...); nil refuses URIs.
	Keys *keyuri.Stores
}

// OSEnv returns the Env of the running process, with the key store
// backends bs besides key files.
func OSEnv(bs ...keyuri.Backend) Env {
	home, _ := os.UserHomeDir()
	env := Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Environ: os.Environ(), Home: home,
		StderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		AskSecret:        askSecret,
		Version:          version.String(),
		Keys:             keyuri.New(keyuri.Config{Getenv: os.Getenv, Backends: bs}),
	}
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		env.Columns = w
	}
	return env
}

// askSecret asks on the terminal like Python's getpass: when there is no
// terminal the question goes to stderr and a line is read from stdin.
func askSecret(question string) ([]byte, error) {
	if tty, err := os.Open("/dev/tty"); err == nil {
		_ = tty.Close()
	} else {
		fmt.Fprint(os.Stderr, question)
	}
	return prompt.Secret(question, os.Stdin)
}

// getenv returns the value of name in Environ.
func (e Env) getenv(name string) string {
	for _, kv := range e.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// path resolves a path given by the user against Dir.
// keyPath is path for a key argument: key store URIs stay as they are.
func (e Env) keyPath(p string) string {
	if keyuri.IsURI(p) {
		return p
	}
	return e.path(p)
}

func (e Env) path(p string) string {
	if e.Dir == "" || p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.Dir, p)
}

// display turns a path built from Dir back into the form the user would
// have typed.
func (e Env) display(p string) string {
	if e.Dir == "" {
		return p
	}
	if rel, err := filepath.Rel(e.Dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// columns is the help width: $COLUMNS, else the terminal's, else 80.
func (e Env) columns() int {
	if n, err := strconv.Atoi(e.getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if e.Columns > 0 {
		return e.Columns
	}
	return 80
}

// setup prepares a tool's parser for this environment.
func (e Env) setup(p *argparse.Parser) *argparse.Parser {
	p.SetColumns(e.columns())
	v := e.Version
	if v == "" {
		v = "devel"
	}
	p.SetVersion("%(prog)s " + argparse.ReferenceVersion + " (signet " + v + ")")
	return p
}

// Tool is the entry point of one drop-in tool.
type Tool func(ctx context.Context, args []string, env Env) int

// Main runs tool as the process's program and exits with its code. These
// are short-lived processes that allocate mostly while hashing and
// encoding a link once: unless GOGC says otherwise, the garbage collector
// runs less often (memory stays below the reference's; see make bench).
func Main(tool Tool, bs ...keyuri.Backend) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := OSEnv(bs...)
	code := tool(ctx, os.Args[1:], env)
	_ = env.Keys.Close()
	stop()
	os.Exit(code)
}
