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

// TestDSSELinkVerifiesWithInTotoGolang: a DSSE link made by Signet's
// in-toto-run --use-dsse with a PKCS#8 key loads and verifies in
// in-toto-golang, with the key in-toto-golang loads from the public PEM.
func TestDSSELinkVerifiesWithInTotoGolang(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"ed25519", "ecdsa-p256", "rsa-3072"} {
		t.Run(kind, func(t *testing.T) {
			must(t, "signet keygen", signet(t, dir, "signet", "keygen", "--no-passphrase", "-t", kind, kind))
			writeFile(t, filepath.Join(dir, "in.txt"), "material")
			must(t, "signet in-toto-run --use-dsse", signet(t, dir, "in-toto-run", "-n", "dsse-"+kind, "-m", "in.txt",
				"--signing-key", kind+".pem", "--use-dsse", "--", "true"))
			links := glob(t, filepath.Join(dir, "dsse-"+kind+".*.link"))
			if len(links) != 1 {
				t.Fatalf("want one link, found %v", links)
			}
			md, err := intotogo.LoadMetadata(links[0])
			if err != nil {
				t.Fatalf("in-toto-golang cannot load Signet's DSSE link: %v", err)
			}
			var key intotogo.Key
			if err := key.LoadKeyDefaults(filepath.Join(dir, kind+".pub.pem")); err != nil {
				t.Fatal(err)
			}
			if err := md.VerifySignature(key); err != nil {
				t.Fatalf("in-toto-golang does not verify Signet's DSSE link: %v", err)
			}
			link, ok := md.GetPayload().(intotogo.Link)
			if !ok || link.Name != "dsse-"+kind || link.Materials["in.txt"]["sha256"] == "" {
				t.Fatalf("in-toto-golang payload = %#v", md.GetPayload())
			}
		})
	}
}
