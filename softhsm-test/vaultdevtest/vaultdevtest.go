// Package vaultdevtest starts bin/vaultdev, the real Vault test server of
// softhsm-test/vaultdev, for tests outside keystore/vault: Start returns
// its address and root token and stops it when the test ends. Without the
// binary (`make vaultdev` builds it) the test fails when $CI or
// VAULT_REQUIRED=1 is set, and is skipped otherwise.
package vaultdevtest

import (
	"bufio"
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

// Start starts a vaultdev on a free loopback port for the test.
func Start(tb testing.TB) Server {
	tb.Helper()
	bin := Path()
	if _, err := os.Stat(bin); err != nil {
		msg := "no Vault test server at " + bin + ": run `make vaultdev`"
		if os.Getenv("CI") != "" || os.Getenv("VAULT_REQUIRED") == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", bin, err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
	}()
	var s Server
	select {
	case l := <-line:
		for _, f := range strings.Fields(l) {
			if v, ok := strings.CutPrefix(f, "addr="); ok {
				s.Addr = v
			} else if v, ok := strings.CutPrefix(f, "token="); ok {
				s.Token = v
			}
		}
	case <-time.After(60 * time.Second):
	}
	if s.Addr == "" || s.Token == "" {
		tb.Fatalf("%s did not print its ready line", bin)
	}
	return s
}
