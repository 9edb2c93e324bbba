package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"testing/fstest"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// now is the fixed time tests verify at.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newSigner(t testing.TB, keyType string) keys.Signer {
	t.Helper()
	priv, err := keys.GenerateKey(keyType, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func digest(content string) intoto.DigestSet {
	sum := sha256.Sum256([]byte(content))
	return intoto.DigestSet{"sha256": hex.EncodeToString(sum[:])}
}

func artifacts(m map[string]string) intoto.ArtifactMap {
	out := intoto.ArtifactMap{}
	for p, c := range m {
		out[p] = digest(c)
	}
	return out
}

func newLink(name string, mats, prods map[string]string, cmd ...string) *intoto.Link {
	l := intoto.NewLink(name)
	l.Materials, l.Products = artifacts(mats), artifacts(prods)
	if cmd != nil {
		l.Command = cmd
	}
	return l
}

// signDoc wraps v in a document of format, signed by each signer, and
// returns the file bytes.
func signDoc(t testing.TB, format intoto.Format, v any, signers ...keys.Signer) []byte {
	t.Helper()
	doc, err := intoto.NewDocument(format, v)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range signers {
		if err := doc.Sign(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	data, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readDoc(t testing.TB, data []byte) *intoto.Document {
	t.Helper()
	d, err := intoto.ReadDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func linkFile(step string, s keys.Signer) string {
	return step + "." + s.Key().KeyID[:8] + ".link"
}

func step(name string, threshold int, mats, prods [][]string, signers ...keys.Signer) intoto.Step {
	st := intoto.Step{Type: intoto.TypeStep, Name: name, Threshold: threshold,
		ExpectedMaterials: mats, ExpectedProducts: prods, ExpectedCommand: []string{}}
	for _, s := range signers {
		st.PubKeys = append(st.PubKeys, s.Key().KeyID)
	}
	return st
}

func newLayout(steps []intoto.Step, signers ...keys.Signer) *intoto.Layout {
	l := intoto.NewLayout(testNow.Add(24 * time.Hour))
	for _, s := range signers {
		l.Keys[s.Key().KeyID] = s.Key()
	}
	l.Steps = steps
	return l
}

// chainFixture is a two-step supply chain: "build" makes app from src;
// "package" turns app into app.tar. Links are in files.
type chainFixture struct {
	owner, alice, bob keys.Signer
	layout            *intoto.Layout
	links             fstest.MapFS
}

func newChain(t testing.TB) *chainFixture {
	f := &chainFixture{owner: newSigner(t, "ed25519"), alice: newSigner(t, "ed25519"), bob: newSigner(t, "ecdsa")}
	f.layout = newLayout([]intoto.Step{
		step("build", 1, [][]string{{"ALLOW", "src/*"}, {"DISALLOW", "*"}}, [][]string{{"CREATE", "app"}, {"DISALLOW", "*"}}, f.alice),
		step("package", 1, [][]string{{"MATCH", "app", "WITH", "PRODUCTS", "FROM", "build"}, {"DISALLOW", "*"}},
			[][]string{{"CREATE", "app.tar"}, {"DISALLOW", "*"}}, f.bob),
	}, f.alice, f.bob)
	f.links = fstest.MapFS{
		linkFile("build", f.alice): {Data: signDoc(t, intoto.FormatMetablock, newLink("build", map[string]string{"src/main.c": "int main"}, map[string]string{"app": "ELF"}), f.alice)},
		linkFile("package", f.bob): {Data: signDoc(t, intoto.FormatMetablock, newLink("package", map[string]string{"app": "ELF"}, map[string]string{"app.tar": "TAR"}), f.bob)},
	}
	return f
}

func (f *chainFixture) verify(t testing.TB, mutate func(*Options)) (*Report, error) {
	t.Helper()
	doc := readDoc(t, signDoc(t, intoto.FormatMetablock, f.layout, f.owner))
	opts := Options{Now: testNow, Keys: []keys.Key{f.owner.Key()}, Links: f.links}
	if mutate != nil {
		mutate(&opts)
	}
	return Verify(context.Background(), doc, opts)
}
