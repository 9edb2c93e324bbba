package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
)

func runKeyCLI(t *testing.T, secret string, args ...string) out {
	t.Helper()
	return runCLIEnv(t, Env{Keys: keyuri.New(keyuri.Config{})}, secret, args...)
}

func TestKeyCommandsFileBackend(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "alice.pem")
	pp := filepath.Join(dir, "pp")
	if err := os.WriteFile(pp, []byte("correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runKeyCLI(t, "", "key", "generate", key, "--type", "ecdsa-p384", "--passphrase-file", pp)
	if r.code != 0 || !strings.Contains(r.stdout, "created ecdsa-p384 key ") {
		t.Fatalf("key generate: %+v", r)
	}
	keyID := strings.Fields(r.stdout)[3]
	if r := runKeyCLI(t, "", "key", "generate", key, "--type", "ed25519", "--passphrase-file", pp); r.code == 0 {
		t.Fatalf("key generate replaced an existing key: %+v", r)
	}
	data, err := os.ReadFile(key)
	if err != nil || !bytes.Contains(data, []byte("ENCRYPTED PRIVATE KEY")) {
		t.Fatalf("the key file is not encrypted PKCS#8: %v\n%s", err, data)
	}
	uri := "file://" + key + "?passphrase-source=" + pp
	pub := filepath.Join(dir, "alice.pub")
	if r := runKeyCLI(t, "", "key", "public", uri, "-o", pub); r.code != 0 || !strings.Contains(r.stderr, keyID) {
		t.Fatalf("key public: %+v (want key id %s)", r, keyID)
	}
	if r := runKeyCLI(t, "", "key", "public", uri, "--format", "pem"); r.code != 0 || !strings.HasPrefix(r.stdout, "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("key public --format pem: %+v", r)
	}
	if r := runKeyCLI(t, "", "key", "test", uri, "-n", "2"); r.code != 0 || !strings.Contains(r.stdout, "2 signature(s) verified") {
		t.Fatalf("key test: %+v", r)
	}
	// Without the passphrase source and nobody to ask, opening fails
	// with a message, not a prompt.
	if r := runKeyCLI(t, "", "key", "test", key); r.code == 0 || !strings.Contains(r.stderr, "passphrase") {
		t.Fatalf("key test without a passphrase: %+v", r)
	}
	// A URI that carries a secret is refused without echoing it.
	if r := runKeyCLI(t, "", "key", "test", "file://"+key+"?passphrase=hunter2"); r.code == 0 || strings.Contains(r.stderr, "hunter2") {
		t.Fatalf("secret in URI: %+v", r)
	}
	if r := runKeyCLI(t, "", "key", "generate", key+"2", "--type", "dsa"); r.code != 2 {
		t.Fatalf("bad --type: %+v", r)
	}
}

// TestKeyPublicPlainPath: a plain key file path, relative and with
// characters that mean something in a URI, names the file as it is.
func TestKeyPublicPlainPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "odd dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "k#1;x?y")
	if r := runKeyCLI(t, "", "keygen", "--no-passphrase", "-t", "ed25519", key); r.code != 0 {
		t.Fatalf("keygen: %+v", r)
	}
	key += ".pem" // PEM keys are written as NAME.pem
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, key)
	if err != nil {
		t.Fatal(err)
	}
	r := runKeyCLI(t, "", "key", "public", rel, "-o", filepath.Join(dir, "k.pub"))
	if r.code != 0 || !strings.Contains(r.stderr, "key id ") {
		t.Fatalf("key public %s: %+v", rel, r)
	}
}
