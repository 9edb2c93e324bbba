package interop

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/softhsm-test/softhsm"
	"github.com/signet-dev/signet/softhsm-test/vaultdevtest"
)

const keystoreTemplate = `{
  "readme": "build signs with a SoftHSM key, package with a Vault transit key",
  "steps": [
    {"name": "build", "expected_materials": [], "expected_products": [["CREATE", "app"], ["DISALLOW", "*"]],
     "pubkeys": ["builder"], "expected_command": ["sh", "-c", "echo app > app"], "threshold": 1},
    {"name": "package", "expected_materials": [["MATCH", "app", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     "expected_products": [["CREATE", "app.tar"], ["DISALLOW", "*"]],
     "pubkeys": ["packager"], "expected_command": ["tar", "cf", "app.tar", "app"], "threshold": 1}
  ],
  "inspect": []
}`

// TestKeyStoreSupplyChain signs links inside SoftHSM (PKCS#11) and inside
// Vault transit through the drop-in in-toto-run's --key URI, with the
// functionaries' public keys exported by `signet key public`, and checks
// that the reference in-toto-verify and signet verify both accept the
// chain and refuse it after tampering.
func TestKeyStoreSupplyChain(t *testing.T) {
	requireReference(t)
	tok := softhsm.New(t).InitToken(t, "interop")
	srv := vaultdevtest.Start(t)
	t.Setenv("VAULT_ADDR", srv.Addr)
	t.Setenv("VAULT_TOKEN", srv.Token)
	dir := t.TempDir()
	hsmKey, vaultKey := tok.URI("builder"), "hashivault://transit/packager"

	for _, c := range []struct{ uri, kind, pub string }{
		{hsmKey, "ecdsa-p256", "builder.pub"},
		{vaultKey, "ed25519", "packager.pub"},
	} {
		must(t, "signet key generate "+c.kind, signet(t, dir, "signet", "key", "generate", c.uri, "--type", c.kind))
		must(t, "signet key public", signet(t, dir, "signet", "key", "public", c.uri, "-o", c.pub))
		must(t, "signet key test", signet(t, dir, "signet", "key", "test", c.uri, "-n", "3"))
	}
	must(t, "owner keygen", signet(t, dir, "signet", "keygen", "owner", "--type", "ed25519", "--no-passphrase", "--format", "securesystemslib"))
	writeFile(t, filepath.Join(dir, "template.json"), keystoreTemplate)
	must(t, "layout new", signet(t, dir, "signet", "layout", "new", "template.json",
		"--key", "builder=builder.pub", "--key", "packager=packager.pub", "-o", "root.layout"))
	must(t, "sign layout", signet(t, dir, "signet", "sign", "root.layout", "-k", "owner"))

	must(t, "build in SoftHSM", signet(t, dir, "in-toto-run", "--step-name", "build", "--key", hsmKey,
		"--products", "app", "--", "sh", "-c", "echo app > app"))
	must(t, "package in Vault", signet(t, dir, "in-toto-run", "--step-name", "package", "--key", vaultKey,
		"--materials", "app", "--products", "app.tar", "--", "tar", "cf", "app.tar", "app"))
	if links := glob(t, filepath.Join(dir, "*.link")); len(links) != 2 {
		t.Fatalf("want 2 links, got %v", links)
	}

	must(t, "reference in-toto-verify", reference(t, dir, "in-toto-verify", "--layout", "root.layout",
		"--layout-keys", "owner.pub", "--key-types", "ed25519"))
	must(t, "signet verify", signet(t, dir, "signet", "verify", "--layout", "root.layout", "--key", "owner.pub"))

	// The owner's key can also be named by URI: here a second owner
	// signature made in Vault, checked without exporting the key first.
	owner2 := "hashivault://transit/owner-2"
	must(t, "owner key in Vault", signet(t, dir, "signet", "key", "generate", owner2, "--type", "ecdsa-p256"))
	must(t, "second owner signs", signet(t, dir, "signet", "sign", "root.layout", "-k", owner2, "--append"))
	must(t, "verify with a key URI", signet(t, dir, "signet", "verify", "--layout", "root.layout", "--key", "owner.pub", "--key", owner2))

	// The builder's product changes after the build step.
	if err := os.WriteFile(filepath.Join(dir, "app"), []byte("evil\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, "package again", signet(t, dir, "in-toto-run", "--step-name", "package", "--key", vaultKey,
		"--materials", "app", "--products", "app.tar", "--", "tar", "cf", "app.tar", "app"))
	if r := reference(t, dir, "in-toto-verify", "--layout", "root.layout", "--layout-keys", "owner.pub", "--key-types", "ed25519"); r.code != 1 {
		t.Errorf("the reference accepted a tampered chain: %s", r)
	}
	if r := signet(t, dir, "signet", "verify", "--layout", "root.layout", "--key", "owner.pub"); r.code != 1 {
		t.Errorf("signet verify accepted a tampered chain: %s", r)
	}
}
