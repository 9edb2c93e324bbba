// Package vaultdevtest starts bin/vaultdev, the real Vault test server of
// softhsm-test/vaultdev, for tests: Start runs one for a test and stops it
// when the test ends; Launch runs one for a whole test binary (TestMain).
// Without the binary (`make vaultdev` builds it) Start fails the test when
// $CI or VAULT_REQUIRED=1 is set, and skips it otherwise.
package vaultdevtest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a running vaultdev.
type Server struct {
	Addr, Token string
}

// Path returns where bin/vaultdev is looked for: $SIGNET_BIN, else the
// repository's bin/.
func Path() string {
	if dir := os.Getenv("SIGNET_BIN"); dir != "" {
		return filepath.Join(dir, "vaultdev")
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "bin", "vaultdev")
}

// Required reports whether the environment says the real Vault path must
// run ($CI or VAULT_REQUIRED=1), so that a missing server fails tests.
func Required() bool {
	return os.Getenv("CI") != "" || os.Getenv("VAULT_REQUIRED") == "1"
}

// ErrNoServer means bin/vaultdev does not exist.
var ErrNoServer = errors.New("no Vault test server: run `make vaultdev` (the first build takes minutes)")

// Launch starts bin/vaultdev on a free loopback port with extra flags and
// waits for its ready line. stop terminates it (SIGTERM, then SIGKILL
// after 10 s).
func Launch(args ...string) (s Server, stop func(), err error) {
	bin := Path()
	if _, err := os.Stat(bin); err != nil {
		return Server{}, nil, fmt.Errorf("%w (looked for %s)", ErrNoServer, bin)
	}
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Server{}, nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return Server{}, nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	select {
	case l := <-line:
		s = parseReady(l)
	case <-time.After(60 * time.Second):
	}
	if s.Addr == "" || s.Token == "" {
		stop()
		return Server{}, nil, fmt.Errorf("%s did not print its ready line", bin)
	}
	return s, stop, nil
}

// parseReady reads "vaultdev ready addr=... token=...".
func parseReady(line string) Server {
	var s Server
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, "addr="); ok {
			s.Addr = v
		} else if v, ok := strings.CutPrefix(f, "token="); ok {
			s.Token = v
		}
	}
	return s
}

// Start starts a vaultdev for the test and stops it when the test ends.
func Start(tb testing.TB, args ...string) Server {
	tb.Helper()
	s, stop, err := Launch(args...)
	if errors.Is(err, ErrNoServer) && !Required() {
		tb.Skip(err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(stop)
	return s
}
