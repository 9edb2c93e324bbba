package intoto

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"testing"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/keys"
)

// TestLinkCanonicalFastPath: the direct encoder gives the same bytes as the
// general canonical encoder, and NewMetablock's fast path signs them.
func TestLinkCanonicalFastPath(t *testing.T) {
	links := []*Link{NewLink("empty"), sampleLink()}
	odd := NewLink("odd \"name\" \\ ☃")
	odd.Materials = ArtifactMap{"z": {"sha256": "aa", "sha512": "bb"}, "a \"q\"": {"sha256": "cc"}, "é": {"sha256": "dd"}}
	odd.Byproducts = map[string]any{"return-value": 1, "stdout": "line\n", "stderr": ""}
	odd.Command = []string{"sh", "-c", "echo \"hi\""}
	odd.Environment = map[string]any{"workdir": "/x"}
	links = append(links, odd)
	for _, l := range links {
		fast, err := l.canonicalJSON()
		if err != nil {
			t.Fatal(err)
		}
		slow, err := cjson.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Fatalf("link %q:\nfast %s\nslow %s", l.Name, fast, slow)
		}
		m, err := NewMetablock(l)
		if err != nil {
			t.Fatal(err)
		}
		c, err := m.CanonicalSigned()
		if err != nil || !bytes.Equal(c, slow) || m.PayloadType() != TypeLink {
			t.Fatalf("metablock of %q: canonical %s (%v), type %q", l.Name, c, err, m.PayloadType())
		}
	}
}

// TestLinkFileFastPath: the file bytes written from the link itself equal
// those written by re-parsing its JSON.
func TestLinkFileFastPath(t *testing.T) {
	for _, stdout := range []string{"no control characters é ☃ \\ \"", "a\nb \u00e9"} {
		l := sampleLink()
		l.Byproducts = map[string]any{"return-value": -15, "stdout": stdout, "stderr": ""}
		l.Materials["dir/ünï \"q\".txt"] = DigestSet{"sha256": "ab", "sha512": "cd"}
		checkFileFastPath(t, l)
	}
}

func checkFileFastPath(t *testing.T, l *Link) {
	t.Helper()
	m, err := NewMetablock(l)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Sign(context.Background(), testSigner(t, 3)); err != nil {
		t.Fatal(err)
	}
	fast, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	slow, err := (&Metablock{Signed: m.Signed, Signatures: m.Signatures}).MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fast, slow) {
		t.Fatalf("file bytes differ:\nfast %s\nslow %s", fast, slow)
	}
}

// lyingSigner returns signatures by another key than the one it reports,
// and does not claim to verify them: Sign must catch it.
type lyingSigner struct{ reported, actual keys.Signer }

func (l lyingSigner) Key() keys.Key            { return l.reported.Key() }
func (l lyingSigner) Public() crypto.PublicKey { return l.reported.Public() }
func (l lyingSigner) Sign(ctx context.Context, msg []byte) ([]byte, error) {
	return l.actual.Sign(ctx, msg)
}

func TestSignCatchesWrongSignatures(t *testing.T) {
	liar := lyingSigner{reported: testSigner(t, 1), actual: testSigner(t, 2)}
	for _, format := range []Format{FormatMetablock, FormatDSSE} {
		doc, err := NewDocument(format, sampleLink())
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Sign(context.Background(), liar); !errors.Is(err, keys.ErrBadSignature) {
			t.Fatalf("%v: signing with a signer whose signatures do not verify: err = %v, want ErrBadSignature", format, err)
		}
		if len(doc.KeyIDs()) != 0 {
			t.Fatalf("%v: a bad signature was recorded", format)
		}
	}
}
