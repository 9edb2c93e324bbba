package client_test

import (
	"context"
	"errors"
	"testing"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/coordtest"
)

// TestAuditAllAndVerifyChain reads a real cluster's audit log in pages
// (more entries than one page) and checks that tampering is found.
func TestAuditAllAndVerifyChain(t *testing.T) {
	c := coordtest.Start(t, coordtest.Options{})
	tc, err := caTLS(c.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := client.New(client.Config{Endpoints: c.URLs, Token: c.AdminToken, TLS: tc})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{"a", "b", "c", "d"} {
		if _, err := cl.CreateToken(ctx, api.CreateTokenBody{Name: name, Scopes: []string{api.ScopeRead}}); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := cl.AuditAll(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Fatalf("%d entries, want 5 (bootstrap and 4 tokens)", len(entries))
	}
	for i, e := range entries {
		if e.Seq != uint64(i+1) {
			t.Fatalf("entry %d has seq %d", i, e.Seq)
		}
	}
	head, err := client.VerifyAuditChain(entries)
	if err != nil || head != entries[len(entries)-1].Hash {
		t.Fatalf("head %q, err %v", head, err)
	}
	tampered := append(entries[:0:0], entries...)
	tampered[0].Actor = "mallory"
	if _, err := client.VerifyAuditChain(tampered); !errors.Is(err, client.ErrAuditChain) {
		t.Errorf("altered entry: err = %v, want ErrAuditChain", err)
	}
	if h, err := client.VerifyAuditChain(nil); err != nil || len(h) != 64 {
		t.Errorf("empty log: %q %v", h, err)
	}
}
