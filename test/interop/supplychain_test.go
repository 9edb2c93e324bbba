package interop

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// party is one key holder in a supply chain test.
type party struct {
	name     string
	keyType  string // rsa, ed25519, ecdsa
	password string // "" = unencrypted key file
	maker    string // "reference" or "signet": who generates the key files
}

// keyArgs are the legacy signing flags for this party's key.
func (p party) keyArgs(keyDir string) []string {
	args := []string{"-k", filepath.Join(keyDir, p.name), "-t", p.keyType}
	if p.password != "" {
		args = append(args, "-P", p.password)
	}
	return args
}

// makeKey writes keyDir/<name> and keyDir/<name>.pub in the securesystemslib
// file formats of in-toto-keygen.
func makeKey(t *testing.T, keyDir string, p party) {
	t.Helper()
	path := filepath.Join(keyDir, p.name)
	switch {
	case p.maker == "reference" && p.password == "":
		must(t, "reference in-toto-keygen", reference(t, keyDir, "in-toto-keygen", "-t", p.keyType, path))
	case p.maker == "reference":
		script := `import sys
from securesystemslib import interface as i
gen = {"rsa": i.generate_and_write_rsa_keypair, "ed25519": i.generate_and_write_ed25519_keypair,
       "ecdsa": i.generate_and_write_ecdsa_keypair}[sys.argv[1]]
gen(password=sys.argv[3], filepath=sys.argv[2])`
		must(t, "reference keygen with password", run(t, keyDir, "/usr/bin/python3", "-c", script, p.keyType, path, p.password))
	default:
		kind := map[string]string{"rsa": "rsa-3072", "ed25519": "ed25519", "ecdsa": "ecdsa-p256"}[p.keyType]
		args := []string{"keygen", "--format", "securesystemslib", "-t", kind, path}
		if p.password == "" {
			args = append(args, "--no-passphrase")
		} else {
			pw := filepath.Join(keyDir, p.name+".passphrase")
			writeFile(t, pw, p.password+"\n")
			args = append(args, "--passphrase-file", pw)
		}
		must(t, "signet keygen", signet(t, keyDir, "signet", args...))
	}
}

type chain struct {
	owners    []party
	bob, carl party
	// updateWithMock records update-version with in-toto-mock + in-toto-sign
	// instead of in-toto-record start/stop.
	updateWithMock bool
}

func layoutTemplate(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "policies", "demo", "root.layout.template.json")
}

// build runs the demo supply chain with Signet's tools and returns the
// directory holding the final product, the layout, the owners' public keys
// and the links.
func (c chain) build(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	keyDir, work, final := filepath.Join(root, "keys"), filepath.Join(root, "work"), filepath.Join(root, "final")
	for _, d := range []string{keyDir, work, final} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range append([]party{c.bob, c.carl}, c.owners...) {
		makeKey(t, keyDir, p)
	}
	// Owners: build the layout from the template and sign it with Signet's in-toto-sign.
	must(t, "signet layout new", signet(t, root, "signet", "layout", "new", layoutTemplate(t),
		"--key", "bob="+filepath.Join(keyDir, "bob.pub"), "--key", "carl="+filepath.Join(keyDir, "carl.pub"),
		"--expires", "24h", "-o", filepath.Join(final, "root.layout")))
	signArgs := []string{"-f", filepath.Join(final, "root.layout"), "-k"}
	types := []string{"-t"}
	for _, o := range c.owners {
		signArgs = append(signArgs, filepath.Join(keyDir, o.name))
		types = append(types, o.keyType)
	}
	signArgs = append(signArgs, types...)
	if pw := c.owners[0].password; pw != "" {
		t.Fatal("test setup: owner keys are signed without a prompt; give owners no password")
	}
	must(t, "signet in-toto-sign layout", signet(t, root, "in-toto-sign", signArgs...))

	// bob: clone, then update the version.
	must(t, "clone", signet(t, work, "in-toto-run", append(append([]string{"-n", "clone", "-p", "demo-project/foo.py"},
		c.bob.keyArgs(keyDir)...), "--", "sh", "-c", `mkdir demo-project && printf 'VERSION = "foo-v0"\n' > demo-project/foo.py`)...))
	if c.updateWithMock {
		must(t, "mock update-version", signet(t, work, "in-toto-mock", "-n", "update-version", "--",
			"sed", "-i", "s/v0/v1/", "demo-project/foo.py"))
		pwFile := filepath.Join(keyDir, "bob.password")
		writeFile(t, pwFile, c.bob.password)
		must(t, "sign mocked link", runEnv(t, work, []string{"SIGNET_PASSWORD_FILE=" + pwFile}, filepath.Join(binDir, "in-toto-sign"),
			append([]string{"-f", "update-version.link"}, signKeyArgs(keyDir, c.bob)...)...))
		if err := os.Remove(filepath.Join(work, "update-version.link")); err != nil {
			t.Fatal(err)
		}
	} else {
		must(t, "record start", signet(t, work, "in-toto-record", append([]string{"start", "-n", "update-version",
			"-m", "demo-project/foo.py"}, c.bob.keyArgs(keyDir)...)...))
		writeFile(t, filepath.Join(work, "demo-project", "foo.py"), "VERSION = \"foo-v1\"\n")
		must(t, "record stop", signet(t, work, "in-toto-record", append([]string{"stop", "-n", "update-version",
			"-p", "demo-project/foo.py"}, c.bob.keyArgs(keyDir)...)...))
	}
	// carl: package.
	must(t, "package", signet(t, work, "in-toto-run", append(append([]string{"-n", "package", "-m", "demo-project",
		"-p", "demo-project.tar.gz"}, c.carl.keyArgs(keyDir)...), "--", "tar", "--exclude", ".git", "-zcf",
		"demo-project.tar.gz", "demo-project")...))

	copyFiles(t, final, filepath.Join(work, "demo-project.tar.gz"))
	copyFiles(t, final, glob(t, filepath.Join(work, "*.link"))...)
	for _, o := range c.owners {
		copyFiles(t, final, filepath.Join(keyDir, o.name+".pub"))
	}
	return final
}

// signKeyArgs are in-toto-sign's flags for a party's key.
func signKeyArgs(keyDir string, p party) []string {
	return []string{"-k", filepath.Join(keyDir, p.name), "-t", p.keyType}
}

// referenceVerify runs the reference in-toto-verify on a final product.
func referenceVerify(t *testing.T, final string, owners []party) result {
	t.Helper()
	args := []string{"--layout", "root.layout", "--layout-keys"}
	types := []string{"--key-types"}
	for _, o := range owners {
		args = append(args, o.name+".pub")
		types = append(types, o.keyType)
	}
	return reference(t, final, "in-toto-verify", append(append(args, types...), "-v")...)
}

func TestSupplyChainMadeBySignetVerifiesWithReference(t *testing.T) {
	requireReference(t)
	chains := map[string]chain{
		"one owner, record start/stop, mixed key makers": {
			owners: []party{{name: "alice", keyType: "ed25519", maker: "signet"}},
			bob:    party{name: "bob", keyType: "rsa", maker: "reference"},
			carl:   party{name: "carl", keyType: "ecdsa", password: "carl pw ☃", maker: "signet"},
		},
		"two owners, mock and sign, encrypted reference keys": {
			owners:         []party{{name: "alice", keyType: "rsa", maker: "reference"}, {name: "dave", keyType: "ecdsa", maker: "signet"}},
			bob:            party{name: "bob", keyType: "ed25519", password: "bob-pw", maker: "reference"},
			carl:           party{name: "carl", keyType: "rsa", password: "carl-pw", maker: "signet"},
			updateWithMock: true,
		},
	}
	for name, c := range chains {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			final := c.build(t)
			r := referenceVerify(t, final, c.owners)
			if r.code != 0 {
				t.Fatalf("reference in-toto-verify refused Signet's metadata: %s", r)
			}
			if !strings.Contains(r.stderr, "Verifying Inspection rules...") {
				t.Fatalf("reference in-toto-verify did not get to the inspection rules: %s", r)
			}
			// Tampering with the product between package and verification is caught.
			writeFile(t, filepath.Join(final, "demo-project.tar.gz"), "not the package")
			if r := referenceVerify(t, final, c.owners); r.code != 1 {
				t.Fatalf("tampered product: reference in-toto-verify exit = %d, want 1: %s", r.code, r)
			}
		})
	}
}
