package intoto

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/keys"
)

// TestReferenceFixtures decodes the files in testdata, made by the
// reference with gen_fixtures.sh, checks their signatures, and checks that
// Signet writes them back byte for byte.
func TestReferenceFixtures(t *testing.T) {
	_, layout := fixtureLayout(t)
	if len(layout.Keys) != 3 {
		t.Fatalf("fixture layout has %d keys, want 3", len(layout.Keys))
	}
	for _, name := range append(fixtureLinks(t), "root.layout") {
		t.Run(name, func(t *testing.T) {
			data := readFixture(t, name)
			doc, err := ReadDocument(data)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format() != FormatMetablock {
				t.Errorf("Format = %v", doc.Format())
			}
			wantType := TypeLink
			if strings.HasSuffix(name, ".layout") {
				wantType = TypeLayout
			}
			if doc.Type() != wantType {
				t.Errorf("Type = %q, want %q", doc.Type(), wantType)
			}
			out, err := doc.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, data) {
				t.Errorf("Marshal differs from the reference's file:\n%s", out)
			}
			checkFixtureSignatures(t, doc, layout)
			checkModelCanonical(t, doc)
		})
	}
}

// checkFixtureSignatures verifies with every layout key: exactly the signer
// verifies, the others have no signature.
func checkFixtureSignatures(t *testing.T, doc *Document, layout *Layout) {
	t.Helper()
	signer := doc.KeyIDs()[0]
	for id, k := range layout.Keys {
		err := doc.VerifySignature(k)
		switch {
		case id == signer && err != nil:
			t.Errorf("signature of %s does not verify: %v", id[:8], err)
		case id != signer && !errors.Is(err, ErrNoSignature):
			t.Errorf("key %s: error = %v, want ErrNoSignature", id[:8], err)
		}
	}
}

// checkModelCanonical checks that re-encoding the decoded model gives the
// bytes the signature covers.
func checkModelCanonical(t *testing.T, doc *Document) {
	t.Helper()
	signed, err := doc.SignedBytes()
	if err != nil {
		t.Fatal(err)
	}
	var model any
	if doc.Type() == TypeLink {
		model, err = doc.Link()
	} else {
		model, err = doc.Layout()
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := cjson.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, signed) {
		t.Errorf("canonical JSON of the model differs from the signed bytes:\n got %s\nwant %s", got, signed)
	}
}

// TestFixturePublicKeyFiles verifies the fixtures with keys read from the
// reference's .pub files rather than from the layout.
func TestFixturePublicKeyFiles(t *testing.T) {
	byID := map[string]keys.Key{}
	for _, name := range []string{"alice.pub", "bob.pub", "carol.pub"} {
		k, err := keys.ParsePublicKey(readFixture(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		byID[k.KeyID] = k
	}
	for _, name := range append(fixtureLinks(t), "root.layout") {
		doc, err := ReadDocument(readFixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		k, ok := byID[doc.KeyIDs()[0]]
		if !ok {
			t.Fatalf("%s: signed by unknown key %s", name, doc.KeyIDs()[0])
		}
		if err := doc.VerifySignature(k); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestFixtureTampering changes one signed byte and expects the signature
// to fail.
func TestFixtureTampering(t *testing.T) {
	m, layout := fixtureLayout(t)
	data := readFixture(t, "root.layout")
	tampered := bytes.Replace(data, []byte(`"threshold": 2`), []byte(`"threshold": 1`), 1)
	if bytes.Equal(tampered, data) {
		t.Fatal("fixture does not contain the text to tamper with")
	}
	tm, err := DecodeMetablock(tampered)
	if err != nil {
		t.Fatal(err)
	}
	k := layout.Keys[m.KeyIDs()[0]]
	if err := tm.VerifySignature(k); !errors.Is(err, keys.ErrBadSignature) {
		t.Fatalf("tampered layout: error = %v, want keys.ErrBadSignature", err)
	}
	if err := m.VerifySignature(k); err != nil {
		t.Fatalf("original layout: %v", err)
	}
}
