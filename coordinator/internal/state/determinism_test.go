package state

import (
	"errors"
	"testing"
	"time"
)

// scenario drives a fixture through every kind of operation, failures
// included, and returns it with its log.
func scenario(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	f.policy("owners", []Kind{KindLayout, KindStatement}, 2, "alice", "bob", "carol")
	f.policy("build", []Kind{KindLink, KindStepCollect}, 2, "f1", "f2", "f3")
	f.mustApply(f.create("layout", KindLayout, layoutPayload(t, f), "owners"))
	f.mustApply(f.create("link", KindLink, linkPayload(t, "build", "cc"), "build"))
	f.mustApply(f.create("stmt", KindStatement, statementPayload(t), "owners"))
	f.mustApply(f.create("sc", KindStepCollect, []byte(`{"step":"build"}`), "build"))
	f.mustApply(f.create("doomed", KindStatement, []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"ab"}}],"predicateType":"p"}`), "owners"))
	f.mustApply(f.create("gone", KindLink, linkPayload(t, "build", "ee"), "build"))
	f.now = f.now.Add(time.Minute)
	steps := []Op{
		f.sign("layout", "alice"), f.sign("layout", "bob"), f.sign("layout", "carol"),
		f.sign("link", "f1"), f.sign("link", "f3"),
		f.sign("stmt", "carol"),
		&Reject{Stamp: f.stamp("alice@example.org"), RequestID: "doomed", KeyID: f.id("alice"), Reason: "no"},
		&Reject{Stamp: f.stamp("bob@example.org"), RequestID: "doomed", KeyID: f.id("bob"), Reason: "no"},
		&SubmitLink{Stamp: f.stamp("f1"), RequestID: "sc", Document: f.signedLink("f1", newLink("build", "cc"))},
		&SubmitLink{Stamp: f.stamp("f2"), RequestID: "sc", Document: f.signedLink("f2", newLink("build", "dd"))},
		&Cancel{Stamp: f.stamp("ci@example.org"), RequestID: "gone", Reason: "superseded"},
		&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("carol"), Reason: "rotated"},
		f.sign("stmt", "alice"),
		&Expire{Stamp: Stamp{At: t0.Add(2 * time.Hour), Actor: "leader"}},
	}
	for _, op := range steps {
		_ = f.record(op) // some fail on purpose (signing a released layout)
	}
	return f
}

func TestIdempotentAndDeterministic(t *testing.T) {
	f := scenario(t)
	want, err := f.st.Hash()
	if err != nil {
		t.Fatal(err)
	}
	twice, once := New(), New()
	for i, op := range f.log {
		_, err1 := twice.Apply(op)
		res2, err2 := twice.Apply(op)
		if (err1 == nil) != (err2 == nil) {
			t.Errorf("op %d (%T): first %v, second %v", i, op, err1, err2)
		}
		if res2.Changed {
			t.Errorf("op %d (%T) changed the state when applied again", i, op)
		}
		_, _ = once.Apply(op)
	}
	for name, st := range map[string]*State{"twice": twice, "once": once} {
		if got, _ := st.Hash(); got != want {
			t.Errorf("%s: hash %s, want %s", name, got, want)
		}
	}
	for id, want := range map[string]Phase{"layout": PhaseReleased, "link": PhaseReleased, "stmt": PhaseExpired,
		"doomed": PhaseRejected, "sc": PhaseExpired, "gone": PhaseCancelled} {
		if got := f.phase(id); got != want {
			t.Errorf("%s: phase %s, want %s", id, got, want)
		}
	}
	if err := VerifyAudit(f.st.Audit); err != nil {
		t.Fatal(err)
	}
	if len(f.st.Audit) < len(people)+10 {
		t.Errorf("only %d audit entries", len(f.st.Audit))
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	f := scenario(t)
	data, err := f.st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := f.st.Hash()
	if h2, _ := back.Hash(); h1 != h2 {
		t.Fatalf("hash after round trip %s, want %s", h2, h1)
	}
	// The restored state keeps working and stays in step with the original.
	op := &Expire{Stamp: Stamp{At: t0.Add(3 * time.Hour), Actor: "leader"}}
	_, _ = f.st.Apply(op)
	_, _ = back.Apply(op)
	h1, _ = f.st.Hash()
	if h2, _ := back.Hash(); h1 != h2 {
		t.Fatal("states diverged after the round trip")
	}
}

func TestVerifyAudit(t *testing.T) {
	f := scenario(t)
	tests := []struct {
		name   string
		change func([]AuditEntry) []AuditEntry
	}{
		{"altered actor", func(l []AuditEntry) []AuditEntry { l[3].Actor = "mallory"; return l }},
		{"altered digest", func(l []AuditEntry) []AuditEntry { l[5].Digest = "sha256:00"; return l }},
		{"dropped entry", func(l []AuditEntry) []AuditEntry { return append(l[:2], l[3:]...) }},
		{"swapped entries", func(l []AuditEntry) []AuditEntry { l[1], l[2] = l[2], l[1]; return l }},
		{"rehashed entry", func(l []AuditEntry) []AuditEntry {
			l[4].Detail = "forged"
			l[4].Hash = l[4].computeHash()
			return l
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := tt.change(append([]AuditEntry(nil), f.st.Audit...))
			if err := VerifyAudit(log); !errors.Is(err, ErrAuditChain) {
				t.Fatalf("err = %v, want ErrAuditChain", err)
			}
		})
	}
	bad := append([]AuditEntry(nil), f.st.Audit...)
	bad[0].Actor = "mallory"
	data, _ := (&State{Keys: f.st.Keys, Policies: f.st.Policies, Requests: f.st.Requests, UsedSigs: f.st.UsedSigs, Audit: bad}).Marshal()
	if _, err := Unmarshal(data); !errors.Is(err, ErrAuditChain) {
		t.Errorf("Unmarshal of a state with a broken audit log: %v", err)
	}
}

func TestApplyUnknownOp(t *testing.T) {
	st := New()
	var nilOp *EnrollKey
	for _, op := range []Op{nil, nilOp, EnrollKey{Stamp: Stamp{At: t0, Actor: "a"}}} {
		if _, err := st.Apply(op); !errors.Is(err, ErrUnknownCommand) {
			t.Errorf("%#v: err = %v, want ErrUnknownCommand", op, err)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"keys":{},"policies":{},"requests":{},"used_sigs":{},"audit":[]}`))
	f.Add([]byte(`{"keys":{"a":null},"policies":{},"requests":{},"used_sigs":{},"audit":[{"seq":1}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Unmarshal(data)
		if err != nil {
			return
		}
		if _, err := st.Hash(); err != nil {
			t.Fatalf("a state Unmarshal accepted does not hash: %v", err)
		}
		for _, id := range st.RequestIDs() {
			_, _ = st.Status(id)
		}
		_, _ = st.Apply(&Expire{Stamp: Stamp{At: t0, Actor: "leader"}})
	})
}
