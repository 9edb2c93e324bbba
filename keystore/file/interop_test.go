package file_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
	"github.com/signet-dev/signet/pkg/keys"
)

const referenceKeygen = "/usr/bin/in-toto-keygen"

// TestReferenceKeygenFiles opens private key files written by the
// reference in-toto-keygen 1.3.1: their mode (0600) passes the permission
// check, the key id matches the .pub file, and the conformance suite
// passes.
func TestReferenceKeygenFiles(t *testing.T) {
	reftest.Need(t, "the reference in-toto-keygen (apt-get install in-toto)", referenceKeygen)
	dir := t.TempDir()
	reg := newRegistry()
	for _, typ := range []string{keys.KeyTypeED25519, keys.KeyTypeECDSA, keys.KeyTypeRSA} {
		path := filepath.Join(dir, "key_"+typ)
		out, err := exec.CommandContext(t.Context(), referenceKeygen, "-t", typ, path).CombinedOutput()
		if err != nil {
			t.Fatalf("in-toto-keygen -t %s: %v\n%s", typ, err, out)
		}
		pubData, err := os.ReadFile(path + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		want, err := keys.ParsePublicKey(pubData)
		if err != nil {
			t.Fatalf("reading %s.pub: %v", path, err)
		}
		t.Run(typ, func(t *testing.T) {
			keystoretest.Run(t, func(t *testing.T) keystore.Signer {
				s, err := reg.Open(t.Context(), path, keystore.Options{})
				if err != nil {
					t.Fatalf("Open(%s): %v", path, err)
				}
				if s.Key().KeyID != want.KeyID {
					t.Fatalf("key id %s, the reference's .pub says %s", s.Key().KeyID, want.KeyID)
				}
				return s
			})
		})
	}
}
