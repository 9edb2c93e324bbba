package signeragent

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/signer-agent/journal"
)

func TestSignOncePerRequest(t *testing.T) {
	s := newSigner(t)
	dir := t.TempDir()
	j, err := journal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	prep := func(name string) *Prepared {
		p, err := Prepare(Request{ID: "r1", Kind: "link", PayloadType: dsse.PayloadTypeInToto, Payload: payload(t, intoto.NewLink(name))},
			Context{KeyID: s.Key().KeyID, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := prep("build")
	first, err := Sign(context.Background(), j, s, "r1", p, now)
	if err != nil || first.Reused {
		t.Fatalf("first signature: %+v, %v", first, err)
	}
	if err := s.Key().Verify(p.PAE, first.Sig); err != nil {
		t.Fatalf("sig: %v", err)
	}
	if err := s.Key().Verify(p.Canonical, first.MetaSig); err != nil {
		t.Fatalf("meta sig: %v", err)
	}
	j.Close()

	// After a restart: the same request is answered from the journal, a
	// different payload for it is refused.
	j, err = journal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	again, err := Sign(context.Background(), j, s, "r1", p, now)
	if err != nil || !again.Reused || !bytes.Equal(again.Sig, first.Sig) || !bytes.Equal(again.MetaSig, first.MetaSig) {
		t.Fatalf("retry: %+v, %v; want the journal's signature", again, err)
	}
	if _, err := Sign(context.Background(), j, s, "r1", prep("evil"), now); !errors.Is(err, journal.ErrConflictingPayload) {
		t.Fatalf("a second payload for r1: %v; want ErrConflictingPayload", err)
	}
}
