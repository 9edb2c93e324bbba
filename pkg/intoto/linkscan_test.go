package intoto

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/signet-dev/signet/pkg/keys"
)

// FuzzLinkScanner checks the fast link decoder against the general one:
// whatever the fast path accepts, the general path accepts too, with the
// same link, signed bytes and signatures.
func FuzzLinkScanner(f *testing.F) {
	priv, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		f.Fatal(err)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		f.Fatal(err)
	}
	l := NewLink("build")
	l.Materials = ArtifactMap{"src/a.c": {"sha256": "aa"}, "src/b.c": {"sha256": "bb"}}
	l.Products = ArtifactMap{"a.out": {"sha256": "cc"}, "src/a.c": {"sha256": "aa"}}
	l.Command = []string{"cc", "-o", "a.out"}
	l.Byproducts = map[string]any{"return-value": 0, "stdout": "", "stderr": ""}
	doc, err := NewDocument(FormatMetablock, l)
	if err != nil {
		f.Fatal(err)
	}
	if err := doc.Sign(context.Background(), s); err != nil {
		f.Fatal(err)
	}
	good, err := doc.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"src/a.c"`), []byte(`"src/\u0061.c"`), 1))
	f.Add(bytes.Replace(good, []byte(`"_type"`), []byte(`"_typo"`), 1))
	f.Add([]byte(`{"signatures": [], "signed": {"_type": "link", "name": "x", "materials": {}, "products": {}, "byproducts": {}, "command": [], "environment": {}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ok := readLinkMetablockFast(bytes.Clone(data), false)
		if !ok {
			return
		}
		d, err := readDocumentGeneral(bytes.Clone(data), false)
		if err != nil {
			t.Fatalf("the fast path accepted what the general decoder refuses (%v): %q", err, data)
		}
		gl, err := d.Link()
		if err != nil {
			t.Fatalf("general decoder: %v", err)
		}
		if !reflect.DeepEqual(m.cache.link, gl) {
			t.Fatalf("links differ:\nfast    %#v\ngeneral %#v", m.cache.link, gl)
		}
		gc, _ := d.SignedBytes()
		fc, _ := m.CanonicalSigned()
		if !bytes.Equal(gc, fc) || !reflect.DeepEqual(m.Signatures, d.Metablock().Signatures) {
			t.Fatalf("signed bytes or signatures differ for %q", data)
		}
	})
}

func TestLinkScannerTakesTheFastPath(t *testing.T) {
	l := NewLink("build")
	l.Products = ArtifactMap{"a": {"sha256": "aa"}}
	doc, err := NewDocument(FormatMetablock, l)
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := readLinkMetablockFast(data, false); !ok {
		t.Fatalf("the fast path refused a plain link: %s", data)
	}
}
