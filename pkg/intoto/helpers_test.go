package intoto

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"

	"github.com/signet-dev/signet/pkg/keys"
)

const (
	referenceRun    = "/usr/bin/in-toto-run"
	referencePython = "/usr/bin/python3"
)

// requireReference skips the test when the in-toto reference
// implementation is not installed, or fails it when CI is set.
func requireReference(t *testing.T) {
	t.Helper()
	reftest.Need(t, "the in-toto reference implementation (apt-get install in-toto)", referenceRun, referencePython)
}

// runRef runs testdata/ref.py with the reference's Python and returns its
// standard output.
func runRef(t *testing.T, args ...string) []byte {
	t.Helper()
	script, err := filepath.Abs("testdata/ref.py")
	if err != nil {
		t.Fatal(err)
	}
	return runCmd(t, "", referencePython, append([]string{script}, args...)...)
}

// runCmd runs a command in dir and returns its standard output, failing
// the test with its standard error on a non-zero exit.
func runCmd(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

// testSigner returns an ed25519 signer whose key is derived from seed.
func testSigner(t *testing.T, seed byte) keys.Signer {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fixtureLinks lists the reference-made link fixtures.
func fixtureLinks(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("testdata/*.link")
	if err != nil || len(names) < 3 {
		t.Fatalf("link fixtures missing (%v); run testdata/gen_fixtures.sh", err)
	}
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	return names
}

// fixtureLayout decodes testdata/root.layout.
func fixtureLayout(t *testing.T) (*Metablock, *Layout) {
	t.Helper()
	m, err := DecodeMetablock(readFixture(t, "root.layout"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := m.Layout()
	if err != nil {
		t.Fatal(err)
	}
	return m, l
}

// sampleLink returns a valid link with some content.
func sampleLink() *Link {
	l := NewLink("build")
	l.Materials["src/a.c"] = DigestSet{"sha256": "aa"}
	l.Products["a.out"] = DigestSet{"sha256": "bb", "sha512": "cc"}
	l.Byproducts = map[string]any{"return-value": 0, "stdout": "ok\n", "stderr": ""}
	l.Command = []string{"cc", "src/a.c"}
	return l
}

// sampleLayout returns a valid layout whose only functionary is s.
func sampleLayout(s keys.Signer) *Layout {
	k := s.Key()
	l := &Layout{Type: TypeLayout, Expires: "2030-01-01T00:00:00Z", Keys: map[string]keys.Key{k.KeyID: k}}
	l.Steps = []Step{{
		Type: TypeStep, Name: "build", PubKeys: []string{k.KeyID}, Threshold: 1,
		ExpectedMaterials: [][]string{{"ALLOW", "*"}}, ExpectedCommand: []string{"make"},
	}}
	l.Inspect = []Inspection{{Type: TypeInspection, Name: "check", Run: []string{"true"},
		ExpectedMaterials: [][]string{{"MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"}}}}
	return l
}
