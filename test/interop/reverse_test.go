package interop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	intotogo "github.com/in-toto/in-toto-golang/in_toto"
)

// TestReferenceMetadataVerifiesInSignet: links (in-toto-run, in-toto-record)
// and a layout signed by two owners, all made by the reference, verify with
// Signet's in-toto-sign --verify and signet sign --verify-with; a tampered
// copy does not.
func TestReferenceMetadataVerifiesInSignet(t *testing.T) {
	requireReference(t)
	dir := t.TempDir()
	for _, kt := range []string{"rsa", "ed25519", "ecdsa"} {
		must(t, "reference keygen", reference(t, dir, "in-toto-keygen", "-t", kt, "key-"+kt))
	}
	writeFile(t, filepath.Join(dir, "src", "naïve file.txt"), "hello\r\n")
	var links []string
	for _, kt := range []string{"rsa", "ed25519", "ecdsa"} {
		must(t, "reference in-toto-run", reference(t, dir, "in-toto-run", "-n", "build-"+kt, "-m", "src", "-p", "src",
			"-k", "key-"+kt, "-t", kt, "-s", "--", "sh", "-c", "echo out; echo err >&2"))
		links = append(links, glob(t, filepath.Join(dir, "build-"+kt+".*.link"))...)
	}
	must(t, "reference record start", reference(t, dir, "in-toto-record", "start", "-n", "rec", "-m", "src", "-k", "key-ed25519", "-t", "ed25519"))
	must(t, "reference record stop", reference(t, dir, "in-toto-record", "stop", "-n", "rec", "-p", "src", "-k", "key-ed25519", "-t", "ed25519"))
	links = append(links, glob(t, filepath.Join(dir, "rec.*.link"))...)

	must(t, "signet layout new", signet(t, dir, "signet", "layout", "new", layoutTemplate(t),
		"--key", "bob=key-rsa.pub", "--key", "carl=key-ecdsa.pub", "-o", "root.layout"))
	must(t, "reference in-toto-sign", reference(t, dir, "in-toto-sign", "-f", "root.layout",
		"-k", "key-ed25519", "key-ecdsa", "-t", "ed25519", "ecdsa"))

	for _, link := range links {
		kt := keyTypeOfLink(link)
		must(t, "signet in-toto-sign --verify "+filepath.Base(link), signet(t, dir, "in-toto-sign", "--verify",
			"-f", link, "-k", "key-"+kt+".pub", "-t", kt))
		must(t, "signet sign --verify-with "+filepath.Base(link), signet(t, dir, "signet", "sign", link,
			"--verify-with", "key-"+kt+".pub"))
	}
	must(t, "signet in-toto-sign --verify layout", signet(t, dir, "in-toto-sign", "--verify", "-f", "root.layout",
		"-k", "key-ed25519.pub", "key-ecdsa.pub", "-t", "ed25519", "ecdsa"))

	// A signature by a key that did not sign fails with exit 1.
	if r := signet(t, dir, "in-toto-sign", "--verify", "-f", "root.layout", "-k", "key-rsa.pub", "-t", "rsa"); r.code != 1 {
		t.Fatalf("verify with a key that did not sign: exit %d, want 1: %s", r.code, r)
	}
	// A tampered layout fails with exit 1 (or 2 if it no longer parses).
	data, err := os.ReadFile(filepath.Join(dir, "root.layout"))
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(string(data), "foo-v", "foo-w", 1)
	tampered = strings.Replace(tampered, `"readme": "The in-toto`, `"readme": "THE in-toto`, 1)
	writeFile(t, filepath.Join(dir, "tampered.layout"), tampered)
	if r := signet(t, dir, "in-toto-sign", "--verify", "-f", "tampered.layout", "-k", "key-ed25519.pub", "-t", "ed25519"); r.code != 1 {
		t.Fatalf("tampered layout: exit %d, want 1: %s", r.code, r)
	}
}

func keyTypeOfLink(path string) string {
	base := filepath.Base(path)
	for _, kt := range []string{"rsa", "ed25519", "ecdsa"} {
		if strings.HasPrefix(base, "build-"+kt+".") {
			return kt
		}
	}
	return "ed25519" // the record start/stop link
}

// TestIdenticalLinksAndSignatures: for the same inputs and the same ed25519
// key, Signet's in-toto-run -x and the reference's produce byte-identical
// link files (ed25519 signatures are deterministic).
func TestIdenticalLinksAndSignatures(t *testing.T) {
	requireReference(t)
	ref, sig := t.TempDir(), t.TempDir()
	for _, dir := range []string{ref, sig} {
		writeFile(t, filepath.Join(dir, "tree", "b", "ünïcode ☃.txt"), "x")
		writeFile(t, filepath.Join(dir, "tree", "a file"), "y\r\n")
		writeFile(t, filepath.Join(dir, "tree", "skip.link"), "excluded by default")
		if err := os.Symlink("a file", filepath.Join(dir, "tree", "link to a")); err != nil {
			t.Fatal(err)
		}
	}
	must(t, "reference keygen", reference(t, ref, "in-toto-keygen", "-t", "ed25519", "key"))
	copyFiles(t, sig, filepath.Join(ref, "key"), filepath.Join(ref, "key.pub"))
	args := []string{"-n", "step", "-x", "-m", "tree", "-p", "tree/b", "--lstrip-paths", "tree/", "-k", "key", "-t", "ed25519"}
	must(t, "reference in-toto-run", reference(t, ref, "in-toto-run", args...))
	must(t, "signet in-toto-run", signet(t, sig, "in-toto-run", args...))
	refLinks, sigLinks := glob(t, filepath.Join(ref, "step.*.link")), glob(t, filepath.Join(sig, "step.*.link"))
	if len(refLinks) != 1 || len(sigLinks) != 1 || filepath.Base(refLinks[0]) != filepath.Base(sigLinks[0]) {
		t.Fatalf("link file names differ: reference %v, signet %v", refLinks, sigLinks)
	}
	a, _ := os.ReadFile(refLinks[0])
	b, _ := os.ReadFile(sigLinks[0])
	if string(a) != string(b) {
		t.Fatalf("link files differ:\nreference:\n%s\nsignet:\n%s", a, b)
	}
}

// TestDSSESupplyChainVerifiesWithInTotoGolang: a layout signed by Signet
// and DSSE links made by Signet's in-toto-run --use-dsse with ed25519,
// ecdsa and rsa PKCS#8 keys pass in-toto-golang's whole verification
// (InTotoVerify); a tampered product does not.
func TestDSSESupplyChainVerifiesWithInTotoGolang(t *testing.T) {
	dir := t.TempDir()
	kinds := []string{"ed25519", "ecdsa-p256", "rsa-3072"}
	tmpl := `{"steps": [`
	keyArgs := []string{"layout", "new", "template.json", "-o", "root.layout", "--expires", "1h"}
	for i, kind := range append([]string{"owner"}, kinds...) {
		kt := kind
		if kind == "owner" {
			kt = "ed25519"
		}
		must(t, "signet keygen", signet(t, dir, "signet", "keygen", "--no-passphrase", "-t", kt, kind))
		if kind == "owner" {
			continue
		}
		if i > 1 {
			tmpl += ","
		}
		tmpl += `{"name": "build-` + kind + `", "pubkeys": ["` + kind + `"], "expected_products": [["ALLOW", "out-` + kind + `.txt"], ["DISALLOW", "*"]]}`
		keyArgs = append(keyArgs, "--key", kind+"="+kind+".pub.pem")
	}
	writeFile(t, filepath.Join(dir, "template.json"), tmpl+"]}")
	must(t, "signet layout new", signet(t, dir, "signet", keyArgs...))
	must(t, "signet sign layout", signet(t, dir, "signet", "sign", "root.layout", "-k", "owner.pem"))
	for _, kind := range kinds {
		must(t, "in-toto-run --use-dsse", signet(t, dir, "in-toto-run", "-n", "build-"+kind, "-p", "out-"+kind+".txt",
			"-k", kind+".pem", "--use-dsse", "--", "sh", "-c", "echo "+kind+" > out-"+kind+".txt"))
	}
	verify := func() error {
		layout, err := intotogo.LoadMetadata(filepath.Join(dir, "root.layout"))
		if err != nil {
			t.Fatalf("in-toto-golang cannot load Signet's layout: %v", err)
		}
		var owner intotogo.Key
		if err := owner.LoadKeyDefaults(filepath.Join(dir, "owner.pub.pem")); err != nil {
			t.Fatal(err)
		}
		_, err = intotogo.InTotoVerify(layout, map[string]intotogo.Key{owner.KeyID: owner}, dir, "", nil, nil, false)
		return err
	}
	if err := verify(); err != nil {
		t.Fatalf("in-toto-golang refused Signet's supply chain: %v", err)
	}
	links := glob(t, filepath.Join(dir, "build-ed25519.*.link"))
	if len(links) != 1 {
		t.Fatalf("links = %v", links)
	}
	md, err := intotogo.LoadMetadata(links[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := md.(*intotogo.Envelope); !ok {
		t.Fatalf("in-toto-golang loaded a %T, want a DSSE envelope", md)
	}
	links = glob(t, filepath.Join(dir, "build-ed25519.*.link"))
	data, _ := os.ReadFile(links[0])
	writeFile(t, links[0], strings.Replace(string(data), `"sig":"`, `"sig":"AAAA`, 1))
	if err := verify(); err == nil {
		t.Fatal("in-toto-golang accepted a link with a forged signature")
	}
}
