package intoto

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"path/filepath"
	"testing"

	intotogo "github.com/in-toto/in-toto-golang/in_toto"

	"github.com/signet-dev/signet/pkg/keys"
)

// goKey returns the same ed25519 key as testSigner(t, seed) in
// in-toto-golang's form, with its private half.
func goKey(t *testing.T, seed byte) (intotogo.Key, keys.Key) {
	t.Helper()
	k := testSigner(t, seed).Key()
	priv := ed25519.NewKeyFromSeed(bytesOf(seed, ed25519.SeedSize))
	return intotogo.Key{
		KeyID: k.KeyID, KeyIDHashAlgorithms: k.KeyIDHashAlgorithms, KeyType: k.KeyType, Scheme: k.Scheme,
		KeyVal: intotogo.KeyVal{Public: k.KeyVal.Public, Private: hex.EncodeToString(priv)},
	}, k
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func goLink() intotogo.Link {
	return intotogo.Link{
		Type: "link", Name: "build",
		Materials:   map[string]intotogo.HashObj{"src/a.c": {"sha256": "aa"}},
		Products:    map[string]intotogo.HashObj{"a.out": {"sha256": "bb"}},
		ByProducts:  map[string]any{"return-value": 0, "stdout": "", "stderr": ""},
		Command:     []string{"cc", "src/a.c"},
		Environment: map[string]any{},
	}
}

// TestSignetDSSEVerifiesInInTotoGolang: a DSSE link made and signed by
// Signet loads and verifies in in-toto-golang.
func TestSignetDSSEVerifiesInInTotoGolang(t *testing.T) {
	gk, _ := goKey(t, 4)
	doc, err := NewDocument(FormatDSSE, sampleLink())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Sign(context.Background(), testSigner(t, 4)); err != nil {
		t.Fatal(err)
	}
	md := loadInTotoGolang(t, doc)
	env, ok := md.(*intotogo.Envelope)
	if !ok {
		t.Fatalf("in-toto-golang loaded a %T, want an envelope", md)
	}
	gk.KeyVal.Private = ""
	if err := env.VerifySignature(gk); err != nil {
		t.Fatalf("in-toto-golang: %v", err)
	}
	if l, ok := env.GetPayload().(intotogo.Link); !ok || l.Name != "build" || l.Products["a.out"]["sha256"] != "bb" {
		t.Fatalf("in-toto-golang payload = %#v", env.GetPayload())
	}
}

// TestSignetMetablockVerifiesInInTotoGolang: the same for a metablock.
func TestSignetMetablockVerifiesInInTotoGolang(t *testing.T) {
	gk, _ := goKey(t, 4)
	doc, err := NewDocument(FormatMetablock, sampleLink())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Sign(context.Background(), testSigner(t, 4)); err != nil {
		t.Fatal(err)
	}
	md := loadInTotoGolang(t, doc)
	gk.KeyVal.Private = ""
	if err := md.VerifySignature(gk); err != nil {
		t.Fatalf("in-toto-golang: %v", err)
	}
}

func loadInTotoGolang(t *testing.T, doc *Document) intotogo.Metadata {
	t.Helper()
	data, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "build.link")
	writeFile(t, path, data)
	md, err := intotogo.LoadMetadata(path)
	if err != nil {
		t.Fatalf("in-toto-golang LoadMetadata: %v\n%s", err, data)
	}
	return md
}

// TestInTotoGolangMetadataVerifiesInSignet: a DSSE envelope and a
// metablock made and signed by in-toto-golang decode strictly and verify
// in Signet.
func TestInTotoGolangMetadataVerifiesInSignet(t *testing.T) {
	gk, k := goKey(t, 6)
	tests := []struct {
		name   string
		md     intotogo.Metadata
		format Format
	}{
		{"dsse", &intotogo.Envelope{}, FormatDSSE},
		{"metablock", &intotogo.Metablock{}, FormatMetablock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			switch md := tt.md.(type) {
			case *intotogo.Envelope:
				if err := md.SetPayload(goLink()); err != nil {
					t.Fatal(err)
				}
			case *intotogo.Metablock:
				md.Signed = goLink()
			}
			if err := tt.md.Sign(gk); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "build.link")
			if err := tt.md.Dump(path); err != nil {
				t.Fatal(err)
			}
			doc, err := ReadDocument(readFile(t, path))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format() != tt.format || doc.Type() != TypeLink {
				t.Fatalf("read %v %q", doc.Format(), doc.Type())
			}
			if err := doc.VerifySignature(k); err != nil {
				t.Fatal(err)
			}
			l, err := doc.Link()
			if err != nil || l.Name != "build" || l.Materials["src/a.c"]["sha256"] != "aa" {
				t.Fatalf("Link() = %+v, %v", l, err)
			}
		})
	}
}
