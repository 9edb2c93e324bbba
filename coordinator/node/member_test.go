package node

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/devca"
)

func nodeCert(t *testing.T, ca *devca.CA, id string) *x509.Certificate {
	t.Helper()
	p, err := ca.EnsureNode(id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Cert
}

// TestPeerBinding: a certificate speaks raft only for a member of the
// configuration, and only at that member's address.
func TestPeerBinding(t *testing.T) {
	ca, err := devca.Open(t.TempDir(), devca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n1, n2, gone := nodeCert(t, ca, "n1"), nodeCert(t, ca, "n2"), nodeCert(t, ca, "gone")
	servers := []raft.Server{{ID: "n1", Address: "127.0.0.1:7301"}, {ID: "n2", Address: "127.0.0.1:7302"}}
	tests := []struct {
		name    string
		err     error
		wantErr error
	}{
		{"member", checkMember(n2, servers), nil},
		{"removed node", checkMember(gone, servers), ErrPeerRefused},
		{"no configuration yet", checkMember(gone, nil), nil},
		{"dialled member", checkDialed(n2, "127.0.0.1:7302", servers), nil},
		{"another member's address", checkDialed(n1, "127.0.0.1:7302", servers), ErrPeerRefused},
		{"address not configured", checkDialed(gone, "127.0.0.1:9999", servers), nil},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.wantErr) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.wantErr)
		}
	}
	if id, ok := nodeIDOf(n2); !ok || id != "n2" {
		t.Errorf("nodeIDOf = %q, %v", id, ok)
	}
}
