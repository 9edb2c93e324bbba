package dropin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestKeygen(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		answers  []string
		environ  []string
		code     int
		stderr   string
		stdout   string
		keyType  string
		password string // the key must load with it ("" = unencrypted)
		file     string // private key file; "" = the last argument
	}{
		{name: "rsa default", args: []string{"k"}, keyType: "rsa"},
		{name: "rsa encrypted", args: []string{"-p", "-b", "2048", "k"}, answers: []string{"pw", "pw"}, keyType: "rsa", password: "pw"},
		{name: "ed25519", args: []string{"-t", "ed25519", "k"}, keyType: "ed25519"},
		{name: "ed25519 encrypted", args: []string{"-t", "ed25519", "-p", "k"}, answers: []string{"pw", "pw"}, keyType: "ed25519", password: "pw"},
		{name: "ecdsa", args: []string{"-t", "ecdsa", "k"}, keyType: "ecdsa"},
		{name: "ecdsa ignores bits", args: []string{"-t", "ecdsa", "-b", "384", "k"}, keyType: "ecdsa"},
		{name: "ecdsa encrypted", args: []string{"-t", "ecdsa", "-p", "k"}, answers: []string{"pw", "pw"}, keyType: "ecdsa", password: "pw"},
		{name: "mismatch asks again", args: []string{"-t", "ed25519", "-p", "k"}, answers: []string{"pw", "px", "pw", "pw"},
			stdout: "Mismatch; try again.\n", keyType: "ed25519", password: "pw"},
		{name: "empty password means unencrypted", args: []string{"-t", "ed25519", "-p", "k"}, answers: []string{"", ""}, keyType: "ed25519"},
		{name: "password file", args: []string{"-t", "ed25519", "k"}, environ: []string{PasswordFileVar + "=pwfile"},
			keyType: "ed25519", password: "pw"},
		{name: "parent directories are created", args: []string{"-t", "ed25519", "sub/dir/k"}, keyType: "ed25519"},
		{name: "existing files are replaced", args: []string{"-t", "ed25519", "foo.txt"}, keyType: "ed25519"},

		{name: "usage: no file name", args: []string{"-t", "ed25519"}, code: 2,
			stderr: "in-toto-keygen: error: the following arguments are required: <filename>"},
		{name: "usage: bad bits", args: []string{"-b", "x", "k"}, code: 2, stderr: "in-toto-keygen: error: argument -b/--bits: invalid int value: 'x'"},
		{name: "usage: bad type", args: []string{"-t", "dsa", "k"}, code: 2,
			stderr: "in-toto-keygen: error: argument -t/--type: invalid choice: 'dsa' (choose from 'rsa', 'ed25519', 'ecdsa')"},
		{name: "small rsa key", args: []string{"-b", "1024", "k"}, code: 1,
			stderr: "(in-toto-keygen) ValueError: -b/--bits 1024 is too small: rsa keys need at least 2048 bits"},
		{name: "empty file name", args: []string{""}, code: 1, stderr: "(in-toto-keygen) ValueError: the key file name is empty"},
		{name: "prompt fails", args: []string{"-t", "ed25519", "-p", "k"}, answers: []string{"pw"}, code: 1, stderr: "(in-toto-keygen) "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := workspace(t)
			writeFile(t, filepath.Join(dir, "pwfile"), "pw\n")
			r := call{dir: dir, args: tc.args, answers: tc.answers, environ: tc.environ}.run(t, Keygen)
			r.check(t, tc.code, tc.stderr)
			if r.stdout != tc.stdout {
				t.Errorf("stdout = %q, want %q", r.stdout, tc.stdout)
			}
			if tc.code != 0 {
				if exists(filepath.Join(dir, "k")) || exists(filepath.Join(dir, "k.pub")) {
					t.Errorf("key files written although the tool failed")
				}
				return
			}
			checkKeyPair(t, filepath.Join(dir, tc.args[len(tc.args)-1]), tc.keyType, tc.password)
			for i, q := range r.questions {
				want := confirmPrompt
				if i%2 == 0 {
					want = "enter password to encrypt private key file 'k' (leave empty if key should not be encrypted): "
				}
				if q != want {
					t.Errorf("question %d = %q, want %q", i, q, want)
				}
			}
		})
	}
}

// checkKeyPair loads both files of a key pair and checks that they belong
// together, have the type asked for and the reference's permissions.
func checkKeyPair(t *testing.T, path, keyType, password string) {
	t.Helper()
	asked := false
	s, err := ops.LoadSigner(context.Background(), ops.KeyRequest{Path: path, KeyType: keyType, Passphrase: func() ([]byte, error) {
		asked = true
		return []byte(password), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if asked != (password != "") {
		t.Errorf("key encrypted: %v, want %v", asked, password != "")
	}
	pub, err := ops.LoadPublicKey(path+".pub", keyType, keys.DialectLegacy)
	if err != nil {
		t.Fatal(err)
	}
	if pub.KeyID != s.Key().KeyID {
		t.Errorf("public key id %s, private %s", pub.KeyID, s.Key().KeyID)
	}
	if keyType == "ecdsa" && s.Key().Scheme != "ecdsa-sha2-nistp256" {
		t.Errorf("ecdsa scheme %s, want ecdsa-sha2-nistp256", s.Key().Scheme)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", fi.Mode().Perm())
	}
	// The reference ends only encrypted rsa files with a newline.
	wantNL := keyType == "rsa" && password != ""
	if data, _ := os.ReadFile(path); strings.HasSuffix(string(data), "\n") != wantNL {
		t.Errorf("private key file ends with a newline: %v, want %v", !wantNL, wantNL)
	}
}
