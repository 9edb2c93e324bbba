package intoto

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/gpg/gpgtest"
)

func TestAddSignature(t *testing.T) {
	plain := Signature{KeyID: "aa", Sig: "0102"}
	g := Signature{KeyID: "bb", OtherHeaders: "0400", GPGSignature: "ff"}
	tests := []struct {
		name    string
		add     []Signature
		want    []string // key ids afterwards
		wantErr error
	}{
		{name: "plain and gpg", add: []Signature{plain, g}, want: []string{"aa", "bb"}},
		{name: "same key id replaces", add: []Signature{g, plain, {KeyID: "bb", OtherHeaders: "04", GPGSignature: "ee"}}, want: []string{"bb", "aa"}},
		{name: "key id not hex", add: []Signature{{KeyID: "x", Sig: "01"}}, wantErr: ErrInvalid},
		{name: "empty sig", add: []Signature{{KeyID: "aa"}}, wantErr: ErrInvalid},
		{name: "gpg and sig", add: []Signature{{KeyID: "aa", Sig: "01", OtherHeaders: "04", GPGSignature: "ff"}}, wantErr: ErrInvalid},
		{name: "gpg without signature", add: []Signature{{KeyID: "aa", OtherHeaders: "04"}}, wantErr: ErrInvalid},
		{name: "bad short key id", add: []Signature{{KeyID: "aa", OtherHeaders: "04", GPGSignature: "ff", ShortKeyID: "-"}}, wantErr: ErrInvalid},
		{name: "bad info", add: []Signature{{KeyID: "aa", OtherHeaders: "04", GPGSignature: "ff", Info: []byte("{")}}, wantErr: ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMetablock(sampleLink())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.add {
				err = errors.Join(err, m.AddSignature(s))
			}
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("AddSignature = %v, want %v", err, tt.wantErr)
			}
			if err == nil && strings.Join(m.KeyIDs(), ",") != strings.Join(tt.want, ",") {
				t.Errorf("key ids %v, want %v", m.KeyIDs(), tt.want)
			}
		})
	}
}

// gpgLink returns a metablock holding sampleLink signed by the default key
// of a new keyring, the keyring's options and the key.
func gpgLink(t *testing.T) (*Metablock, gpg.Options, *gpg.PublicKey) {
	t.Helper()
	kr := gpgtest.New(t)
	kr.Generate(t, "Ed <ed@example.invalid>", "ed25519")
	opts := gpg.Options{Home: kr.Home}
	doc, err := NewDocument(FormatMetablock, sampleLink())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := doc.SignedBytes()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sig, err := gpg.Sign(ctx, msg, "", opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.AddGPGSignature(sig); err != nil {
		t.Fatal(err)
	}
	k, err := gpg.Export(ctx, sig.KeyID, opts)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Metablock(), opts, k
}

func TestGPGSignatureRoundTrip(t *testing.T) {
	m, _, k := gpgLink(t)
	data, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	// The entry is written as the reference writes it: these three keys, sorted.
	shape := regexp.MustCompile(`"signatures": \[\n  \{\n   "keyid": "[0-9a-f]{40}",\n   "other_headers": "[0-9a-f]+",\n   "signature": "[0-9a-f]{128}"\n  \}\n \]`)
	if !shape.Match(data) {
		t.Errorf("signature entry not in the reference's shape:\n%s", data)
	}
	doc, err := ReadDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := doc.VerifyGPGSignature(k, now); err != nil {
		t.Errorf("VerifyGPGSignature after decoding: %v", err)
	}
	// A plain signature under the gpg key id is not a GPG signature.
	if err := doc.Metablock().AddSignature(Signature{KeyID: k.Fingerprint, Sig: "00"}); err != nil {
		t.Fatal(err)
	}
	if err := doc.VerifyGPGSignature(k, now); !errors.Is(err, gpg.ErrBadSignature) {
		t.Errorf("VerifyGPGSignature of a plain signature = %v, want gpg.ErrBadSignature", err)
	}
	doc.ClearSignatures()
	if err := doc.VerifyGPGSignature(k, now); !errors.Is(err, ErrNoSignature) {
		t.Errorf("VerifyGPGSignature without signatures = %v, want ErrNoSignature", err)
	}
}

func TestVerifyGPGSignatureTampered(t *testing.T) {
	m, _, k := gpgLink(t)
	m.Signed = []byte(strings.Replace(string(m.Signed), `"build"`, `"bUild"`, 1))
	if err := m.VerifyGPGSignature(k, time.Now()); !errors.Is(err, gpg.ErrBadSignature) {
		t.Errorf("VerifyGPGSignature of a changed link = %v, want gpg.ErrBadSignature", err)
	}
}

func TestGPGAndDSSE(t *testing.T) {
	doc, err := NewDocument(FormatDSSE, sampleLink())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.AddGPGSignature(gpg.Signature{KeyID: "aa", OtherHeaders: "04", Signature: "ff"}); !errors.Is(err, ErrUnsupportedSignature) {
		t.Errorf("AddGPGSignature to DSSE = %v, want ErrUnsupportedSignature", err)
	}
	if err := doc.VerifyGPGSignature(&gpg.PublicKey{Fingerprint: "aa"}, time.Now()); !errors.Is(err, ErrUnsupportedSignature) {
		t.Errorf("VerifyGPGSignature of DSSE = %v, want ErrUnsupportedSignature", err)
	}
}

// TestGPGSignatureReference: the reference's Metablock.verify_signature
// accepts the GPG signature Signet wrote.
func TestGPGSignatureReference(t *testing.T) {
	requireReference(t)
	m, opts, k := gpgLink(t)
	data, err := m.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "build.link")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	const script = `import sys
from in_toto.models.metadata import Metablock
from securesystemslib.gpg.functions import export_pubkey
m = Metablock.load(sys.argv[1])
m.verify_signature(export_pubkey(sys.argv[2], sys.argv[3]))
print("ok")`
	out := runCmd(t, "", referencePython, "-c", script, path, k.Fingerprint, opts.Home)
	if strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("reference said %q", out)
	}
}
