// Package gpgtest makes throw-away GnuPG keyrings for tests that run the
// real gpg. A keyring lives in a short temporary directory under /tmp
// (gpg-agent's socket path must stay short), and its gpg-agent is stopped
// when the test ends.
package gpgtest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
)

// Keyring is a temporary GnuPG home directory.
type Keyring struct {
	// Home is the directory, for --homedir or GNUPGHOME.
	Home string
	// GPG is the path of the gpg program.
	GPG string
}

// Require returns the path of gpg. Without it the test fails when the
// environment variable CI is set, and is skipped otherwise.
func Require(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"gpg2", "gpg"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	reftest.Missing(t, "gpg (apt-get install gnupg)", exec.ErrNotFound)
	return ""
}

// New returns an empty keyring whose gpg-agent is killed in t.Cleanup.
func New(t testing.TB) *Keyring {
	t.Helper()
	gpg := Require(t)
	home, err := os.MkdirTemp("/tmp", "g.")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	k := &Keyring{Home: home, GPG: gpg}
	t.Cleanup(func() {
		// The agent starts on first use; stopping one that never ran is harmless.
		_ = exec.Command("gpgconf", "--homedir", home, "--kill", "gpg-agent").Run()
		_ = os.RemoveAll(home)
	})
	return k
}

// Run runs gpg on this keyring in batch mode and returns its stdout; a
// failure fails the test.
func (k *Keyring) Run(t testing.TB, stdin []byte, args ...string) []byte {
	t.Helper()
	full := append([]string{"--homedir", k.Home, "--batch", "--quiet", "--passphrase", "", "--pinentry-mode", "loopback"}, args...)
	cmd := exec.Command(k.GPG, full...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("gpg %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

// Generate creates a key without passphrase that never expires, for
// signing, and returns its fingerprint (uppercase hex, as gpg prints it).
// algo is what gpg --quick-gen-key takes: rsa3072, ed25519, ...
func (k *Keyring) Generate(t testing.TB, uid, algo string) string {
	t.Helper()
	k.Run(t, nil, "--quick-gen-key", uid, algo, "sign", "never")
	return k.Fingerprint(t, uid)
}

// Fingerprint returns the primary key fingerprint of the key with this
// user id.
func (k *Keyring) Fingerprint(t testing.TB, uid string) string {
	t.Helper()
	for line := range strings.SplitSeq(string(k.Run(t, nil, "--with-colons", "--list-keys", uid)), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	t.Fatalf("no fingerprint for %s in keyring %s", uid, k.Home)
	return ""
}
