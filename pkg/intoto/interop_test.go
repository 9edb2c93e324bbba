package intoto

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/keys"
)

// refKeys makes reference key pairs (in-toto-keygen) in dir and returns
// their public keys and signers, read with pkg/keys.
func refKeys(t *testing.T, dir string) (map[string]keys.Key, map[string]keys.Signer) {
	t.Helper()
	pubs, signers := map[string]keys.Key{}, map[string]keys.Signer{}
	for name, typ := range map[string]string{"alice": "ed25519", "bob": "rsa", "carol": "ecdsa"} {
		runCmd(t, dir, "/usr/bin/in-toto-keygen", "-t", typ, name)
		pub, err := keys.ParsePublicKey(readFile(t, filepath.Join(dir, name+".pub")))
		if err != nil {
			t.Fatalf("%s.pub: %v", name, err)
		}
		s, err := keys.ParsePrivateKey(readFile(t, filepath.Join(dir, name)), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pubs[name], signers[name] = pub, s
	}
	return pubs, signers
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestReferenceMadeMetadataVerifiesInSignet runs in-toto-run with an
// ed25519, an rsa and an ecdsa key and builds and signs a layout with the
// reference's models; Signet decodes everything strictly, verifies every
// signature and writes the files back byte for byte.
func TestReferenceMadeMetadataVerifiesInSignet(t *testing.T) {
	requireReference(t)
	dir := t.TempDir()
	pubs, _ := refKeys(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "src ☃.txt"), []byte("x\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]string{"alice": "ed25519", "bob": "rsa", "carol": "ecdsa"} {
		runCmd(t, dir, referenceRun, "-n", "step-"+name, "-k", name, "-t", typ, "-s",
			"-m", "src ☃.txt", "-p", "src ☃.txt", "--", "sh", "-c", "echo out; echo err >&2")
	}
	runRef(t, "layout", dir, filepath.Join(dir, "root.layout"))

	files, err := filepath.Glob(filepath.Join(dir, "*.l*"))
	if err != nil || len(files) != 4 {
		t.Fatalf("reference wrote %v (%v), want 3 links and a layout", files, err)
	}
	for _, path := range files {
		data := readFile(t, path)
		doc, err := ReadDocument(data)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		verified := 0
		for _, k := range pubs {
			if doc.VerifySignature(k) == nil {
				verified++
			}
		}
		if verified != 1 {
			t.Errorf("%s: %d keys verify, want 1", filepath.Base(path), verified)
		}
		if out, err := doc.Marshal(); err != nil || !bytes.Equal(out, data) {
			t.Errorf("%s: Signet's file differs from the reference's (%v):\n%s", filepath.Base(path), err, out)
		}
	}
}

// TestSignetMetablocksVerifyInReference signs links and layouts in Go,
// with Go keys and with the reference's own keys, and has the reference
// load them, verify the signature and write them back: the bytes must be
// the ones Signet wrote.
func TestSignetMetablocksVerifyInReference(t *testing.T) {
	requireReference(t)
	dir := t.TempDir()
	_, refSigners := refKeys(t, dir)
	signers := []keys.Signer{testSigner(t, 5), refSigners["alice"], refSigners["bob"], refSigners["carol"]}
	for i, s := range signers {
		for _, v := range []any{trickyLink(), trickyLayout(t, signers)} {
			m, err := NewMetablock(v)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Sign(context.Background(), s); err != nil {
				t.Fatal(err)
			}
			file, err := m.MarshalIndent()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "signet.json")
			keyPath := filepath.Join(dir, "key.json")
			writeFile(t, path, file)
			writeJSON(t, keyPath, s.Key())
			out := runRef(t, "verify", path, keyPath)
			if !bytes.Equal(out, file) {
				t.Errorf("signer %d, %s: the reference writes\n%s\nSignet wrote\n%s", i, m.PayloadType(), out, file)
			}
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, data)
}

// trickyLink has content that stresses escaping and ordering.
func trickyLink() *Link {
	l := NewLink("build ☃")
	l.Materials["a/é.txt"] = DigestSet{"sha256": "0a"}
	l.Materials["\U0001F600/z"] = DigestSet{"sha256": "0b", "sha512": "0c"}
	l.Materials["ｚ"] = DigestSet{"sha256": "0d"}
	l.Products["q\"uote\\back\tslash\n\x01\x7f"] = DigestSet{"sha256": "AB"}
	l.Byproducts = map[string]any{"return-value": -1, "stdout": "line1\nline2 \u2028", "stderr": ""}
	l.Command = []string{"sh", "-c", "echo \"$HOME\" > /dev/null"}
	l.Environment = map[string]any{"nested": map[string]any{"list": []any{1, "two", true, nil}}}
	return l
}

// trickyLayout has steps, inspections, several key types and unicode.
func trickyLayout(t *testing.T, signers []keys.Signer) *Layout {
	t.Helper()
	l := NewLayout(mustParseExpires(t, "2031-12-31T23:59:59Z"))
	l.Readme = "readme \U0001F600 \"quoted\"\n"
	ids := []string{}
	for _, s := range signers {
		k := s.Key()
		l.Keys[k.KeyID] = k
		ids = append(ids, k.KeyID)
	}
	l.Steps = append(l.Steps, Step{Type: TypeStep, Name: "build ☃", PubKeys: ids, Threshold: 2,
		ExpectedCommand:   []string{"make", "-j"},
		ExpectedMaterials: [][]string{{"match", "*", "in", "src", "with", "materials", "from", "fetch"}, {"DISALLOW", "*"}},
		ExpectedProducts:  [][]string{{"CREATE", "é"}}})
	l.Inspect = append(l.Inspect, Inspection{Type: TypeInspection, Name: "untar", Run: []string{"tar", "xf", "a.tgz"}})
	return l
}

func mustParseExpires(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := parseExpires(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// TestCanonicalMatchesReference compares the bytes Signet signs with the
// bytes the reference signs for the same content.
func TestCanonicalMatchesReference(t *testing.T) {
	requireReference(t)
	dir := t.TempDir()
	s := testSigner(t, 9)

	// A layout built independently on both sides with the same content.
	k := s.Key()
	l := NewLayout(mustParseExpires(t, "2031-02-03T04:05:06Z"))
	l.Readme = "café ÿ \U00010000"
	l.Keys[k.KeyID] = k
	l.Steps = append(l.Steps, Step{Type: TypeStep, Name: "sé", PubKeys: []string{k.KeyID}, Threshold: 1,
		ExpectedCommand: []string{"make", "☃"}, ExpectedMaterials: [][]string{{"ALLOW", "é*"}, {"DISALLOW", "*"}}})
	l.Inspect = append(l.Inspect, Inspection{Type: TypeInspection, Name: "i", Run: []string{"sh", "-c", `echo "x\y"`}})
	want := runRef(t, "fixed-layout", k.KeyVal.Public)
	if got := mustCanonical(t, l); !bytes.Equal(got, want) {
		t.Errorf("fixed layout:\nSignet    %s\nreference %s", got, want)
	}

	// Signet's JSON of a model, read into the reference's model, gives
	// back the same canonical bytes: no field is missing or extra.
	for _, v := range []any{trickyLink(), trickyLayout(t, []keys.Signer{s, testSigner(t, 10)})} {
		path := filepath.Join(dir, "signed.json")
		writeJSON(t, path, v)
		if got, want := mustCanonical(t, v), runRef(t, "model", path); !bytes.Equal(got, want) {
			t.Errorf("%T:\nSignet    %s\nreference %s", v, got, want)
		}
	}
}

func mustCanonical(t *testing.T, v any) []byte {
	t.Helper()
	data, err := cjson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
