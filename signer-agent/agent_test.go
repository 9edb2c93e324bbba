package signeragent

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/signer-agent/journal"
	"github.com/signet-dev/signet/signer-agent/policy"
)

// fakeCoordinator is an in-memory stand-in for the coordinator's API, for
// fast unit tests of the agent's decisions; the agent's end-to-end tests
// run against a real coordinator cluster.
type fakeCoordinator struct {
	mu       sync.Mutex
	requests []Request
	released *intoto.Layout
	signed   map[string]Signature
	rejected map[string]string
	fail     error
}

func (f *fakeCoordinator) WaitRequests(_ context.Context, index uint64, _ []string, _ time.Duration) ([]Request, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, index, f.fail
	}
	if int(index) >= len(f.requests) {
		return nil, index, nil
	}
	return f.requests[index:], uint64(len(f.requests)), nil
}

func (f *fakeCoordinator) ReleasedLayout(context.Context) (*intoto.Layout, error) {
	return f.released, nil
}

func (f *fakeCoordinator) GetRequest(_ context.Context, id string) (Request, error) {
	for _, r := range f.requests {
		if r.ID == id {
			return r, nil
		}
	}
	return Request{}, errors.New("no such request")
}

func (f *fakeCoordinator) SubmitSignature(_ context.Context, id string, sig Signature) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signed[id] = sig
	return nil
}

func (f *fakeCoordinator) Reject(_ context.Context, id, _, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rejected[id] = reason
	return nil
}

func newTestAgent(t *testing.T, policyYAML string, fc *fakeCoordinator) (*Agent, *Approvals, keys.Signer) {
	t.Helper()
	s := newSigner(t)
	pol, err := policy.Load([]byte(policyYAML))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	j, err := journal.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	ap, err := NewApprovals(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Options{Coordinator: fc, Signers: []keys.Signer{s}, Policy: pol, Journal: j, Approvals: ap,
		Clock: func() time.Time { return now }, Wait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return a, ap, s
}

func linkRequest(t *testing.T, id string, cmd ...string) Request {
	l := intoto.NewLink("build")
	l.Command = cmd
	l.Products = intoto.ArtifactMap{"app": {"sha256": "ab"}}
	return Request{ID: id, Kind: "link", Requester: "ci", PayloadType: dsse.PayloadTypeInToto, Payload: payload(t, l)}
}

const autoBuild = "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step == \"build\" && request.command == request.expected_command'}\n"

func TestAgentSignsWhatPolicyAllowsAndRejectsTheRest(t *testing.T) {
	fc := &fakeCoordinator{released: released(), signed: map[string]Signature{}, rejected: map[string]string{}}
	fc.requests = []Request{linkRequest(t, "ok", "make", "app"), linkRequest(t, "evil", "make", "evil"),
		{ID: "junk", Kind: "link", PayloadType: dsse.PayloadTypeInToto, Payload: []byte("{")}}
	a, _, s := newTestAgent(t, autoBuild, fc)
	if err := a.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	sig, ok := fc.signed["ok"]
	if !ok {
		t.Fatalf("the allowed request was not signed; rejected: %v", fc.rejected)
	}
	p, _ := Prepare(fc.requests[0], Context{KeyID: s.Key().KeyID, Now: now, Released: fc.released})
	if s.Key().Verify(p.PAE, sig.Sig) != nil || s.Key().Verify(p.Canonical, sig.MetaSig) != nil {
		t.Fatal("the submitted signatures do not verify over the payload the agent checked")
	}
	if !strings.Contains(fc.rejected["evil"], "local policy") || !strings.Contains(fc.rejected["junk"], "not a valid link") {
		t.Fatalf("rejections = %v", fc.rejected)
	}
	if _, signedEvil := fc.signed["evil"]; signedEvil {
		t.Fatal("a request the policy denies was signed")
	}
	// Nothing new: the next step signs nothing again.
	fc.signed = map[string]Signature{}
	if err := a.Step(context.Background()); err != nil || len(fc.signed) != 0 {
		t.Fatalf("second step: %v, signed %v", err, fc.signed)
	}
}

func TestAgentManualApproval(t *testing.T) {
	fc := &fakeCoordinator{released: released(), signed: map[string]Signature{}, rejected: map[string]string{}}
	fc.requests = []Request{linkRequest(t, "r1", "make", "app")}
	a, ap, s := newTestAgent(t, strings.Replace(autoBuild, "mode: auto", "mode: manual", 1), fc)
	if err := a.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	pending, _ := ap.List()
	if len(pending) != 1 || len(fc.signed) != 0 || !strings.Contains(pending[0].Description, "signing digest") {
		t.Fatalf("a manual request must wait for a person: pending %+v, signed %v", pending, fc.signed)
	}
	id := PendingID("r1", s.Key().KeyID)
	if err := ap.Decide(id, Verdict{Approve: true, Digest: pending[0].Digest, By: "alice", At: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := fc.signed["r1"]; !ok {
		t.Fatal("an approved request was not signed")
	}
	if left, _ := ap.List(); len(left) != 0 {
		t.Fatalf("pending after signing: %+v", left)
	}
}

func TestAgentRunBacksOff(t *testing.T) {
	fc := &fakeCoordinator{fail: errors.New("connection refused"), signed: map[string]Signature{}, rejected: map[string]string{}}
	a, _, _ := newTestAgent(t, autoBuild, fc)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := a.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run = %v; want the context's error after retrying", err)
	}
}
