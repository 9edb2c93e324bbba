package state

import (
	"errors"
	"testing"

	"github.com/signet-dev/signet/pkg/intoto"
)

func TestStepCollect(t *testing.T) {
	f := newFixture(t)
	f.policy("rebuild", []Kind{KindStepCollect}, 2, "f1", "f2", "f3")
	f.mustApply(f.create("sc", KindStepCollect, []byte(`{"step":"build"}`), "rebuild"))
	submit := func(who string, doc []byte) *SubmitLink {
		return &SubmitLink{Stamp: f.stamp(who + "@example.org"), RequestID: "sc", Document: doc}
	}
	good := func(who string) []byte { return f.signedLink(who, newLink("build", "cc")) }

	tests := []struct {
		name    string
		op      *SubmitLink
		wantErr error
	}{
		{"wrong step", submit("f1", f.signedLink("f1", newLink("test", "cc"))), ErrConstraint},
		{"key not in policy", submit("alice", good("alice")), ErrUnauthorizedKey},
		{"unsigned", submit("f1", mustUnsigned(t, newLink("build", "cc"))), ErrInvalid},
		{"not a document", submit("f1", []byte("{}")), ErrInvalid},
		{"tampered", submit("f1", tamper(good("f1"))), ErrBadSignature},
		{"requester", &SubmitLink{Stamp: f.stamp("ci@example.org"), RequestID: "sc", Document: good("f1")}, ErrSelfApproval},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.st.Hash()
			if _, err := f.st.Apply(tt.op); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if after, _ := f.st.Hash(); after != before {
				t.Error("a failed submission changed the state")
			}
		})
	}

	f1 := good("f1")
	f.mustApply(submit("f1", f1))
	if res := f.mustApply(submit("f1", f1)); res.Changed {
		t.Error("resubmitting the same link changed the state")
	}
	if _, err := f.st.Apply(submit("f1", f.signedLink("f1", newLink("build", "dd")))); !errors.Is(err, ErrConflict) {
		t.Errorf("a second, different link by f1: err = %v, want ErrConflict", err)
	}
	if res := f.mustApply(submit("f2", f.signedLink("f2", newLink("build", "dd")))); res.Phase != PhasePending {
		t.Fatalf("two disagreeing links released: %s", res.Phase)
	}
	ts, _ := f.st.Status("sc")
	if len(ts.Disagreements) != 1 {
		t.Fatalf("disagreements = %+v", ts.Disagreements)
	}
	d := ts.Disagreements[0]
	if d.KeyID != f.id("f2") || d.Side != "products" || d.Path != "app" || d.Want == d.Got {
		t.Errorf("disagreement = %+v", d)
	}
	if len(ts.Signed) != 1 || len(ts.Disagreeing) != 1 || len(ts.Missing) != 1 || !ts.Reachable {
		t.Errorf("status = %+v", ts)
	}
	if _, err := f.st.Apply(f.sign("sc", "f3")); !errors.Is(err, ErrWrongKind) {
		t.Errorf("plain signature on step-collect: %v", err)
	}
	f3 := good("f3")
	if res := f.mustApply(submit("f3", f3)); res.Phase != PhaseReleased {
		t.Fatalf("two agreeing links: phase %s", res.Phase)
	}
	r, _ := f.st.Request("sc")
	got := files(r)
	if len(got) != 2 || string(got[LinkFileName("build", f.id("f1"))]) != string(f1) || string(got[LinkFileName("build", f.id("f3"))]) != string(f3) {
		t.Fatalf("released %v", r.Released)
	}
	doc, err := intoto.ReadDocument(got[LinkFileName("build", f.id("f3"))])
	if err != nil || doc.VerifySignature(f.key("f3")) != nil {
		t.Errorf("released link does not verify: %v", err)
	}
}

func TestStepCollectUnreachable(t *testing.T) {
	f := newFixture(t)
	f.policy("rebuild", []Kind{KindStepCollect}, 2, "f1", "f2")
	f.mustApply(f.create("sc", KindStepCollect, []byte(`{"step":"build"}`), "rebuild"))
	f.mustApply(&SubmitLink{Stamp: f.stamp("f1"), RequestID: "sc", Document: f.signedLink("f1", newLink("build", "cc"))})
	res := f.mustApply(&SubmitLink{Stamp: f.stamp("f2"), RequestID: "sc", Document: f.signedLink("f2", newLink("build", "dd"))})
	if res.Phase != PhaseRejected {
		t.Fatalf("2-of-2 with disagreeing links: phase %s, want rejected", res.Phase)
	}
}

func TestSubmitLinkToOtherKind(t *testing.T) {
	f := newFixture(t)
	f.policy("p", []Kind{KindLink}, 1, "f1", "f2")
	f.mustApply(f.create("l", KindLink, linkPayload(t, "build", "cc"), "p"))
	_, err := f.st.Apply(&SubmitLink{Stamp: f.stamp("f1"), RequestID: "l", Document: f.signedLink("f1", newLink("build", "cc"))})
	if !errors.Is(err, ErrWrongKind) {
		t.Fatalf("err = %v, want ErrWrongKind", err)
	}
}

func mustUnsigned(t *testing.T, l *intoto.Link) []byte {
	t.Helper()
	mb, err := intoto.NewMetablock(l)
	if err != nil {
		t.Fatal(err)
	}
	b, err := mb.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tamper re-signs nothing but changes the link's command inside the
// metablock, keeping it well-formed.
func tamper(doc []byte) []byte {
	d, err := intoto.ReadDocument(doc)
	if err != nil {
		return nil
	}
	mb := d.Metablock()
	l, err := mb.Link()
	if err != nil {
		return nil
	}
	l.Command = []string{"make", "all"}
	nm, err := intoto.NewMetablock(l)
	if err != nil {
		return nil
	}
	nm.Signatures = mb.Signatures
	out, _ := nm.MarshalIndent()
	return out
}
