package dropin

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// signedLink makes step.e811ca13.link in dir.
func signedLink(t *testing.T, dir string) {
	t.Helper()
	call{dir: dir, args: []string{"-n", "step", "-x", "-m", "foo.txt", "-k", "ed25519"}}.run(t, Run).check(t, 0, "")
}

func TestSign(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		answers []string
		environ []string
		code    int
		stderr  string
		help    bool     // the full help must be on stdout
		output  string   // file to check afterwards
		keyids  []string // its signatures, in order
	}{
		{name: "layout", args: []string{"-f", "unsigned.layout", "-k", "ed25519", "-t", "ed25519"},
			output: "unsigned.layout", keyids: []string{idED25519}},
		{name: "layout, two keys, output", args: []string{"-f", "unsigned.layout", "-k", "rsa", "ecdsa", "-t", "rsa", "ecdsa", "-o", "root.layout"},
			output: "root.layout", keyids: []string{idRSA, idECDSA}},
		{name: "layout, types from the files", args: []string{"-f", "unsigned.layout", "-k", "rsa", "ecdsa", "-o", "root.layout"},
			output: "root.layout", keyids: []string{idRSA, idECDSA}},
		{name: "layout, append", args: []string{"-f", "signed.layout", "-k", "ecdsa", "-t", "ecdsa", "-a"},
			output: "signed.layout", keyids: []string{idED25519, idECDSA}},
		{name: "layout, replace", args: []string{"-f", "signed.layout", "-k", "ecdsa", "-t", "ecdsa"},
			output: "signed.layout", keyids: []string{idECDSA}},
		{name: "link, re-signed and renamed", args: []string{"-f", "step.e811ca13.link", "-k", "rsa"},
			output: "step.a80a059e.link", keyids: []string{idRSA}},
		{name: "encrypted key, prompt", args: []string{"-f", "unsigned.layout", "-k", "ed25519_enc", "-p"}, answers: []string{"pw"},
			output: "unsigned.layout"},
		{name: "encrypted key, password file", args: []string{"-f", "unsigned.layout", "-k", "rsa_enc"},
			environ: []string{PasswordFileVar + "=pwfile"}, output: "unsigned.layout"},
		{name: "verify", args: []string{"-f", "signed.layout", "-k", "ed25519.pub", "--verify"}},
		{name: "verify, typed", args: []string{"-f", "signed.layout", "-k", "ed25519.pub", "-t", "ed25519", "--verify", "-v"},
			stderr: "Signature verification passed for keyid '" + idED25519 + "'"},

		{name: "usage: link with two keys", args: []string{"-f", "step.e811ca13.link", "-k", "rsa", "ecdsa"}, code: 2, help: true,
			stderr: "in-toto-sign: error: too many arguments: link metadata is associated with a single functionary and is usually namespaced accordingly: '<name>.<keyid prefix>.link'. Hence signing Link metadata with multiple keys is not allowed.\n"},
		{name: "usage: link with two keys, verify", args: []string{"-f", "step.e811ca13.link", "-k", "rsa.pub", "ecdsa.pub", "--verify"}, code: 2, help: true,
			stderr: "in-toto-sign: error: too many arguments:"},
		{name: "usage: append to a link", args: []string{"-f", "step.e811ca13.link", "-k", "rsa", "-a"}, code: 2, help: true,
			stderr: "in-toto-sign: error: wrong arguments: link metadata is associated with a single functionary and is usually namespaced accordingly: '<name>.<keyid prefix>.link'.. Hence adding signatures to existing signatures on link metadata is not allowed.\n"},
		{name: "usage: verify and append", args: []string{"-f", "signed.layout", "-k", "rsa.pub", "--verify", "-a"}, code: 2, help: true,
			stderr: "in-toto-sign: error: conflicting arguments: don't specify any of 'append' or 'output' when verifying signatures\n"},
		{name: "usage: no key", args: []string{"-f", "signed.layout"}, code: 2, help: true,
			stderr: "in-toto-sign: error: wrong arguments: specify either '--key PATH [PATH ...]' or '--gpg [KEYID [KEYID ...]]'\n"},
		{name: "usage: verify with the default gpg key", args: []string{"-f", "signed.layout", "-g", "--verify"}, code: 2, help: true,
			stderr: "in-toto-sign: error: missing arguments: specify at least one keyid for GPG signature verification ('--gpg KEYID ...')\n"},
		{name: "usage: no file", args: []string{"-k", "rsa"}, code: 2,
			stderr: "in-toto-sign: error: the following arguments are required: -f/--file\n"},

		{name: "missing file", args: []string{"-f", "missing.link", "-k", "rsa"}, code: 2,
			stderr: "The following error occurred while loading the file 'missing.link': "},
		{name: "not metadata", args: []string{"-f", "foo.txt", "-k", "rsa"}, code: 2,
			stderr: "The following error occurred while loading the file 'foo.txt': "},
		{name: "key types do not match keys", args: []string{"-f", "unsigned.layout", "-k", "rsa", "ecdsa", "-t", "rsa"}, code: 2,
			stderr: "The following error occurred while signing: each --key needs its --key-type: got 2 --key files and 1 --key-type values"},
		{name: "missing key", args: []string{"-f", "unsigned.layout", "-k", "missing"}, code: 2,
			stderr: "The following error occurred while signing: cannot read key file missing"},
		{name: "encrypted key without -p", args: []string{"-f", "unsigned.layout", "-k", "ed25519_enc"}, code: 2,
			stderr: "The following error occurred while signing: key file ed25519_enc is encrypted: give -p/--prompt to be asked for its password"},
		{name: "wrong password", args: []string{"-f", "unsigned.layout", "-k", "ecdsa_enc", "-p"}, answers: []string{"nope"}, code: 2,
			stderr: "The following error occurred while signing: cannot load key file ecdsa_enc"},
		{name: "verify fails", args: []string{"-f", "signed.layout", "-k", "rsa.pub", "--verify"}, code: 1,
			stderr: "Signature verification failed: signed.layout: key " + idRSA},
		{name: "verify fails, quiet", args: []string{"-f", "signed.layout", "-k", "rsa.pub", "--verify", "-q"}, code: 1,
			stderr: "Signature verification failed: "},
		{name: "verify with a private key", args: []string{"-f", "signed.layout", "-k", "rsa", "--verify"}, code: 2,
			stderr: "The following error occurred while verifying signatures: cannot load public key file rsa"},
		{name: "verify, type count", args: []string{"-f", "signed.layout", "-k", "rsa.pub", "ed25519.pub", "-t", "rsa", "--verify"}, code: 2,
			stderr: "The following error occurred while verifying signatures: each --key needs its --key-type"},
		{name: "gpg key id not hex", args: []string{"-f", "unsigned.layout", "-g", "ABCDEF", "nothex"}, code: 2,
			stderr: "The following error occurred while signing: bad gpg key id: 'nothex' is not hex"},
		{name: "gpg verify, key id not hex", args: []string{"-f", "signed.layout", "-g", "nothex", "--verify"}, code: 2,
			stderr: "The following error occurred while verifying signatures: bad gpg key id: 'nothex' is not hex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := workspace(t)
			writeFile(t, filepath.Join(dir, "pwfile"), "pw")
			signedLink(t, dir)
			call{dir: dir, args: []string{"-f", "unsigned.layout", "-k", "ed25519", "-o", "signed.layout"}}.run(t, Sign).check(t, 0, "")
			r := call{dir: dir, args: tc.args, answers: tc.answers, environ: tc.environ}.run(t, Sign)
			r.check(t, tc.code, tc.stderr)
			if tc.help != strings.HasPrefix(r.stdout, "usage: in-toto-sign [-h] -f <path>") {
				t.Errorf("stdout = %q, want help: %v", r.stdout, tc.help)
			}
			if tc.help && !strings.Contains(r.stdout, "Options:") {
				t.Errorf("stdout has the usage only, want the full help: %q", r.stdout)
			}
			if len(r.questions) != len(tc.answers) {
				t.Errorf("questions %q for answers %q", r.questions, tc.answers)
			}
			if tc.output != "" {
				doc := readDoc(t, filepath.Join(dir, tc.output))
				if tc.keyids != nil && !slices.Equal(doc.KeyIDs(), tc.keyids) {
					t.Errorf("%s signed by %v, want %v", tc.output, doc.KeyIDs(), tc.keyids)
				}
			}
		})
	}
}

// The reference 1.3.1 prints a private key given to --verify by mistake.
func TestSignNeverPrintsKeyMaterial(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	call{dir: dir, args: []string{"-f", "unsigned.layout", "-k", "ed25519", "-o", "signed.layout"}}.run(t, Sign).check(t, 0, "")
	for _, key := range []string{"rsa", "ed25519", "ecdsa", "ed25519_pkcs8.pem", "rsa_enc"} {
		data, err := os.ReadFile(filepath.Join(dir, key))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range [][]string{{"--verify"}, {"--verify", "-t", "rsa"}, {"--verify", "-t", "ed25519"}} {
			r := call{dir: dir, args: append([]string{"-f", "signed.layout", "-k", key}, tt...)}.run(t, Sign)
			if r.code == 0 {
				t.Errorf("%s %v: verified with a private key", key, tt)
			}
			for _, tok := range keyTokens(string(data)) {
				if strings.Contains(r.stderr, tok) {
					t.Errorf("%s %v: stderr contains key material %q: %q", key, tt, tok, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "PRIVATE KEY") {
				t.Errorf("%s %v: stderr shows a PEM block: %q", key, tt, r.stderr)
			}
		}
	}
}

func TestSignVerboseLog(t *testing.T) {
	t.Parallel()
	dir := workspace(t)
	signedLink(t, dir)
	r := call{dir: dir, args: []string{"-f", "step.e811ca13.link", "-k", "ecdsa", "-v"}}.run(t, Sign)
	r.check(t, 0, "Dumping link to 'step.8c216abc.link'...\n")
	r = call{dir: dir, args: []string{"-f", "unsigned.layout", "-k", "ecdsa", "-v"}}.run(t, Sign)
	r.check(t, 0, "Dumping layout to 'unsigned.layout'...\n")
}

// keyTokens are the runs of 20 or more hex or base64 characters of a key
// file: key material.
func keyTokens(data string) []string {
	isKeyChar := func(r rune) bool {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '+' || r == '/' || r == '='
	}
	var toks []string
	for _, f := range strings.FieldsFunc(data, func(r rune) bool { return !isKeyChar(r) }) {
		if len(f) >= 20 {
			toks = append(toks, f)
		}
	}
	return toks
}
