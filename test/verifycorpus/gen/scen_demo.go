package main

import (
	"os"
	"path/filepath"
)

// demoOpts varies the in-toto demo supply chain (clone, update-version,
// package; inspection untar).
type demoOpts struct {
	owner, bob, carl string
	linkDir          string // "" : the working directory
	tamperBetween    bool   // foo.py changes between update-version and package
	tamperFinal      bool   // the shipped tarball is not the packaged one
}

// demo builds the demo supply chain into b.out.
func demo(b *builder, o demoOpts) {
	linkDir := o.linkDir
	if linkDir == "" {
		linkDir = "."
	}
	b.write(b.work, "upstream/foo.py", "VERSION = \"foo-v0\"\n")
	b.run("clone", o.bob, linkDir, nil, []string{"demo-project"}, "cp", "-r", "upstream", "demo-project")
	start := append([]string{"start", "-n", "update-version"}, b.signArgs(o.carl)...)
	b.tool(b.work, "", "in-toto-record", append(start, "-m", "demo-project")...)
	b.write(b.work, "demo-project/foo.py", "VERSION = \"foo-v1\"\n")
	stop := append([]string{"stop", "-n", "update-version"}, b.signArgs(o.carl)...)
	b.tool(b.work, "", "in-toto-record", append(stop, "-p", "demo-project", "-d", b.mkdir(linkDir))...)
	if o.tamperBetween {
		b.write(b.work, "demo-project/foo.py", "VERSION = \"foo-v1\"\nimport os; os.system('evil')\n")
	}
	b.run("package", o.bob, linkDir, []string{"demo-project"}, []string{"demo-project.tar.gz"},
		"tar", "--exclude", ".git", "-zcf", "demo-project.tar.gz", "demo-project")
	if o.tamperFinal {
		b.write(b.work, "demo-project/foo.py", "VERSION = \"foo-v1\"\nimport os; os.system('evil')\n")
		b.exec("tar", "--exclude", ".git", "-zcf", "demo-project.tar.gz", "demo-project")
	}
	b.copyOut("demo-project.tar.gz", "demo-project.tar.gz")
	b.layout("root.layout", demoLayout(o.bob, o.carl), o.owner)
	b.pub(o.owner)
}

func demoLayout(bob, carl string) map[string]any {
	return layoutDoc(future, []any{
		step("clone", []string{bob}, 1, rules(), rules("CREATE demo-project/foo.py", "DISALLOW *"),
			"cp", "-r", "upstream", "demo-project"),
		step("update-version", []string{carl}, 1,
			rules("MATCH demo-project/* WITH PRODUCTS FROM clone", "DISALLOW *"),
			rules("ALLOW demo-project/foo.py", "DISALLOW *")),
		step("package", []string{bob}, 1,
			rules("MATCH demo-project/* WITH PRODUCTS FROM update-version", "DISALLOW *"),
			rules("CREATE demo-project.tar.gz", "DISALLOW *"),
			"tar", "--exclude", ".git", "-zcf", "demo-project.tar.gz", "demo-project"),
	}, []any{
		inspection("untar", []string{"tar", "xzf", "demo-project.tar.gz"},
			rules(withVerifierFiles([]string{"MATCH demo-project.tar.gz WITH PRODUCTS FROM package"}, "DISALLOW *")...),
			rules(withVerifierFiles([]string{"MATCH demo-project/foo.py WITH PRODUCTS FROM update-version",
				"ALLOW demo-project.tar.gz"}, "DISALLOW *")...)),
	})
}

func demoScenarios() []scenario {
	ok := func(name, owner, bob, carl, why string) scenario {
		return scenario{name, func(b *builder) {
			demo(b, demoOpts{owner: owner, bob: bob, carl: carl})
			b.expect(b.verifyArgs(owner), 0, 0, why)
		}}
	}
	return []scenario{
		ok("demo-ed25519", "alice", "bob", "carl",
			"the in-toto demo (clone, update-version, package; inspection untar) with ed25519 keys verifies"),
		ok("demo-rsa", "alice-rsa", "bob-rsa", "carl-rsa",
			"the demo with RSA keys (PEM public keys, rsassa-pss-sha256) verifies"),
		ok("demo-ecdsa", "alice-ecdsa", "bob-ecdsa", "carl-ecdsa",
			"the demo with ecdsa-sha2-nistp256 keys verifies"),
		ok("demo-encrypted-keys", "alice-enc", "bob-enc", "carl-enc",
			"the demo signed with encrypted private keys (ed25519 owner, RSA and ecdsa functionaries) verifies with their public keys"),
		{"demo-link-dir", func(b *builder) {
			demo(b, demoOpts{owner: "alice", bob: "bob", carl: "carl", linkDir: "links"})
			b.expect(append(b.verifyArgs("alice"), "--link-dir", "links"), 0, 0,
				"links are read from --link-dir; the inspection still runs in the working directory")
		}},
		{"demo-link-dir-missing", func(b *builder) {
			demo(b, demoOpts{owner: "alice", bob: "bob", carl: "carl", linkDir: "links"})
			b.expect(b.verifyArgs("alice"), 1, 1,
				"without --link-dir the links in links/ are not found: fewer links than the threshold")
		}},
		{"demo-tampered-between-steps", func(b *builder) {
			demo(b, demoOpts{owner: "alice", bob: "bob", carl: "carl", tamperBetween: true})
			b.expect(b.verifyArgs("alice"), 1, 1,
				"foo.py changed between update-version and package: package's MATCH demo-project/* fails, DISALLOW * fires")
		}},
		{"demo-tampered-final-product", func(b *builder) {
			demo(b, demoOpts{owner: "alice", bob: "bob", carl: "carl", tamperFinal: true})
			b.expect(b.verifyArgs("alice"), 1, 1,
				"the shipped tarball is not the packaged one: the untar inspection's MATCH fails")
		}},
	}
}

// mini builds a one-step chain: step build by functionary, owner-signed
// layout with optional inspections, the product app shipped.
func mini(b *builder, owner, functionary string, inspect ...any) {
	b.write(b.work, "src.c", "int main(void) { return 0; }\n")
	b.run("build", functionary, ".", []string{"src.c"}, []string{"src.c", "app"}, "sh", "-c", "cat src.c > app")
	b.copyOut("app", "app")
	b.layout("root.layout", miniLayout(functionary, inspect...), owners(owner)...)
	if _, isFile := b.env.keys[owner]; isFile {
		b.pub(owner)
	}
}

func owners(o string) []string {
	if o == "" {
		return nil
	}
	return []string{o}
}

func miniLayout(functionary string, inspect ...any) map[string]any {
	return layoutDoc(future, []any{miniStep(functionary)}, inspect)
}

func miniStep(functionary string) map[string]any {
	return step("build", []string{functionary}, 1, rules("ALLOW src.c", "DISALLOW *"),
		rules("CREATE app", "ALLOW src.c", "DISALLOW *"), "sh", "-c", "cat src.c > app")
}

func keyScenarios() []scenario {
	return []scenario{
		{"key-types-omitted", func(b *builder) {
			mini(b, "alice", "bob")
			b.expect([]string{"--layout", "root.layout", "--layout-keys", "alice.pub"}, 1, 1,
				"without --key-types the reference reads alice.pub (ed25519 JSON) as an RSA PEM key and fails")
			b.deviate(0, "Signet detects the key type from the file when --key-types is omitted (issue 3) and says so; the reference assumes rsa and fails")
		}},
		{"key-types-wrong", func(b *builder) {
			mini(b, "alice", "bob")
			b.expect([]string{"--layout", "root.layout", "--layout-keys", "alice.pub", "--key-types", "ecdsa"}, 0, 0,
				"--key-types ecdsa for an ed25519 JSON key: the reference's ecdsa loader reads the securesystemslib JSON without checking its keytype, so the key is used as what it is; Signet detects the type and says so")
		}},
		{"key-rsa-given-as-ed25519", func(b *builder) {
			mini(b, "alice-rsa", "bob")
			b.expect([]string{"--layout", "root.layout", "--layout-keys", "alice-rsa.pub", "--key-types", "ed25519"}, 1, 1,
				"--key-types ed25519 for an RSA PEM key: the reference cannot load the key")
			b.deviate(0, "Signet detects the real key type (PEM RSA) when --key-types is wrong and says so")
		}},
		pemScenario("pem-ed25519-verification-keys", "ed25519", false),
		pemScenario("pem-rsa-verification-keys", "rsa", false),
		pemScenario("pem-ecdsa-verification-keys", "ecdsa", false),
		pemScenario("pem-wrong-verification-key", "ed25519", true),
		{"gpg-layout", func(b *builder) {
			mini(b, "gpg:owner", "bob")
			b.gnupg()
			b.expect([]string{"--layout", "root.layout", "--gpg", b.env.gpg["gpg:owner"], "--gpg-home", "gnupg"}, 0, 0,
				"a layout signed with gpg (in-toto-sign -g) verifies with --gpg KEYID --gpg-home DIR (public keyring only)")
		}},
		{"gpg-layout-wrong-key", func(b *builder) {
			mini(b, "gpg:owner", "bob")
			b.gnupg()
			b.expect([]string{"--layout", "root.layout", "--gpg", b.env.gpg["gpg:func"], "--gpg-home", "gnupg"}, 1, 1,
				"--gpg names a keyring key that did not sign the layout")
		}},
		{"gpg-layout-and-file-key", func(b *builder) {
			mini(b, "alice", "bob")
			b.layout("root.layout", miniLayout("bob"), "alice", "gpg:owner")
			b.gnupg()
			b.expect([]string{"--layout", "root.layout", "--layout-keys", "alice.pub", "--key-types", "ed25519",
				"--gpg", b.env.gpg["gpg:owner"], "--gpg-home", "gnupg"}, 0, 0,
				"a layout signed by a file key and a gpg key verifies when both are required")
		}},
		{"gpg-link", func(b *builder) {
			mini(b, "alice", "gpg:func")
			b.expect(b.verifyArgs("alice"), 0, 0,
				"a link signed with gpg (in-toto-run -g) by a functionary whose gpg key is in the layout verifies")
		}},
	}
}

// pemScenario: a layout signed with a PKCS#8 key under its in-toto 2.x key
// id, verified with --verification-keys (a flag 1.3.1 lacks).
func pemScenario(name, typ string, wrongKey bool) scenario {
	return scenario{name, func(b *builder) {
		mini(b, "", "bob")
		priv := filepath.Join(b.work, "owner-key.pem")
		b.py(map[string]any{"op": "pemkey", "type": typ, "priv": priv, "pub": filepath.Join(b.out, "owner.pem")}, nil)
		if wrongKey {
			priv = filepath.Join(b.work, "other-key.pem")
			b.py(map[string]any{"op": "pemkey", "type": typ, "priv": priv, "pub": filepath.Join(b.work, "other.pem")}, nil)
		}
		b.py(map[string]any{"op": "signmodern", "file": filepath.Join(b.out, "root.layout"), "priv": priv, "type": typ}, nil)
		args := []string{"--layout", "root.layout", "--verification-keys", "owner.pem"}
		if wrongKey {
			b.expect(args, 2, 1, "the layout is signed by another PEM key than the one given with --verification-keys")
		} else {
			b.expect(args, 2, 0, "a layout signed with a PKCS#8 "+typ+" key (in-toto 2.x key id) verifies with its SPKI PEM public key via --verification-keys")
		}
		b.c.SignetOnly = true
		b.c.Deviation = "--verification-keys is a newer upstream flag: in-toto 1.3.1 exits 2 (usage error)"
	}}
}

// gnupg writes the public keyring (both throw-away OpenPGP keys) into the
// scenario's gnupg/ directory.
func (b *builder) gnupg() {
	dir := b.mkdir("gnupg")
	if b.err != nil {
		return
	}
	_, err := gpgRun(b.ctx, dir, "--import", b.env.gpgPub)
	b.fail(err)
	entries, err := os.ReadDir(dir)
	b.fail(err)
	for _, e := range entries {
		if e.Name() != "pubring.kbx" && e.Name() != "trustdb.gpg" {
			b.fail(os.RemoveAll(filepath.Join(dir, e.Name())))
		}
	}
}
