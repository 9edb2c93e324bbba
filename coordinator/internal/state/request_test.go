package state

import (
	"errors"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/dsse"
)

func TestCreateRequest(t *testing.T) {
	f := newFixture(t)
	f.policy("owners", []Kind{KindLayout, KindStatement}, 2, "alice", "bob", "carol")
	f.mustApply(&ApplyPolicy{Stamp: f.stamp(admin), Policy: Policy{Name: "build", Kinds: []Kind{KindLink, KindStepCollect},
		Keys: f.ids("f1", "f2", "f3"), Threshold: 2, StepName: "build", ExpectedCommand: []string{"make"},
		Requesters: []string{"ci@example.org"}, RequestTTL: time.Hour}})
	f.policy("owners3", []Kind{KindStatement}, 3, "alice", "bob", "carol")
	layout := layoutPayload(t, f)
	f.mustApply(f.create("r1", KindLayout, layout, "owners"))
	with := func(op *CreateRequest, change func(*CreateRequest)) *CreateRequest { change(op); return op }
	tests := []struct {
		name        string
		op          *CreateRequest
		wantErr     error
		wantChanged bool
	}{
		{"statement", f.create("r2", KindStatement, statementPayload(t), "owners"), nil, true},
		{"link", f.create("r3", KindLink, linkPayload(t, "build", "cc"), "build"), nil, true},
		{"step-collect", f.create("r4", KindStepCollect, []byte(`{"step":"build"}`), "build"), nil, true},
		{"retry is a no-op", f.create("r1", KindLayout, layout, "owners"), nil, false},
		{"retry later is a no-op", with(f.create("r1", KindLayout, layout, "owners"), func(o *CreateRequest) { o.At = t0.Add(time.Minute) }), nil, false},
		{"same id, other payload", f.create("r1", KindLayout, layoutPayload(t, f)[:10], "owners"), ErrConflict, false},
		{"same id, other requester", with(f.create("r1", KindLayout, layout, "owners"), func(o *CreateRequest) { o.Actor = "alice@example.org" }), ErrConflict, false},
		{"unknown policy", f.create("x", KindLayout, layout, "nope"), ErrUnknownPolicy, false},
		{"kind not allowed", f.create("x", KindLink, linkPayload(t, "build", "cc"), "owners"), ErrKindNotAllowed, false},
		{"requester not allowed", with(f.create("x", KindLayout, layout, "owners"), func(o *CreateRequest) { o.Actor = "eve@example.org" }), ErrRequesterNotAllowed, false},
		{"not a layout", f.create("x", KindLayout, statementPayload(t), "owners"), ErrInvalid, false},
		{"not JSON", f.create("x", KindStatement, []byte("{"), "owners"), ErrInvalid, false},
		{"empty payload", f.create("x", KindStatement, nil, "owners"), ErrInvalid, false},
		{"too large", f.create("x", KindStatement, make([]byte, MaxPayloadSize+1), "owners"), ErrInvalid, false},
		{"wrong payload type", with(f.create("x", KindLayout, layout, "owners"), func(o *CreateRequest) { o.PayloadType = "text/plain" }), ErrInvalid, false},
		{"threshold needs the requester's own key", with(f.create("x", KindStatement, statementPayload(t), "owners3"), func(o *CreateRequest) { o.Actor = "alice@example.org" }), ErrSelfApproval, false},
		{"bad id", f.create("../x", KindLayout, layout, "owners"), ErrInvalid, false},
		{"wrong step", f.create("x", KindLink, linkPayload(t, "test", "cc"), "build"), ErrConstraint, false},
		{"wrong command", f.create("x", KindLink, encode(t, func() any { l := newLink("build", "cc"); l.Command = []string{"rm"}; return l }()), "build"), ErrConstraint, false},
		{"wrong collected step", f.create("x", KindStepCollect, []byte(`{"step":"test"}`), "build"), ErrConstraint, false},
		{"step-collect extra field", f.create("x", KindStepCollect, []byte(`{"step":"build","x":1}`), "build"), ErrInvalid, false},
		{"step-collect bad name", f.create("x", KindStepCollect, []byte(`{"step":"a/b"}`), "build"), ErrInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.st.Hash()
			res, err := f.st.Apply(tt.op)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			after, _ := f.st.Hash()
			if res.Changed != tt.wantChanged || (after != before) != tt.wantChanged {
				t.Errorf("Changed = %v, state changed %v, want %v", res.Changed, after != before, tt.wantChanged)
			}
		})
	}
	r, _ := f.st.Request("r1")
	if !r.Expires.Equal(t0.Add(time.Hour)) || r.Phase != PhasePending || r.Requester != "ci@example.org" {
		t.Errorf("request = %+v", r)
	}
}

func TestAddSignatureErrors(t *testing.T) {
	f := newFixture(t)
	f.policy("owners", []Kind{KindLayout, KindStatement, KindStepCollect}, 2, "alice", "bob", "carol")
	f.policy("other", []Kind{KindStatement}, 1, "f1")
	f.mustApply(f.create("r1", KindLayout, layoutPayload(t, f), "owners"))
	f.mustApply(f.create("st1", KindStatement, statementPayload(t), "owners"))
	f.mustApply(f.create("st2", KindStatement, statementPayload(t), "owners"))
	f.mustApply(f.create("sc", KindStepCollect, []byte(`{"step":"build"}`), "owners"))
	selfReq := f.create("self", KindStatement, statementPayload(t), "owners")
	selfReq.Actor = "alice@example.org"
	f.mustApply(selfReq)
	f.mustApply(f.sign("st1", "bob"))
	f.mustApply(&EnrollKey{Stamp: f.stamp(admin), Key: newSigner(t).Key(), Identity: "x", Role: RoleOwner})

	mod := func(op *AddSignature, change func(*AddSignature)) *AddSignature { change(op); return op }
	flip := func(b []byte) []byte { c := append([]byte(nil), b...); c[0] ^= 1; return c }
	tests := []struct {
		name    string
		op      *AddSignature
		wantErr error
	}{
		{"unknown request", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.RequestID = "nope" }), ErrUnknownRequest},
		{"unknown key", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.KeyID = "feed" }), ErrUnknownKey},
		{"key not in policy", f.sign("r1", "f1"), ErrUnauthorizedKey},
		{"bad PAE signature", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.Sig = flip(o.Sig) }), ErrBadSignature},
		{"bad metablock signature", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.MetaSig = flip(o.MetaSig) }), ErrBadSignature},
		{"metablock signature missing", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.MetaSig = nil }), ErrInvalid},
		{"metablock signature on a statement", mod(f.sign("st2", "bob"), func(o *AddSignature) { o.MetaSig = o.Sig }), ErrInvalid},
		{"signature of another key", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.KeyID = f.id("carol") }), ErrBadSignature},
		{"signature over another request", mod(f.sign("st1", "carol"), func(o *AddSignature) { o.RequestID = "r1" }), ErrBadSignature},
		{"replayed onto an identical request", mod(f.sign("st1", "bob"), func(o *AddSignature) { o.RequestID = "st2" }), ErrReplay},
		{"empty signature", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.Sig = nil }), ErrInvalid},
		{"oversized signature", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.Sig = make([]byte, MaxSigSize+1) }), ErrInvalid},
		{"requester approves", mod(f.sign("r1", "bob"), func(o *AddSignature) { o.Actor = "ci@example.org" }), ErrSelfApproval},
		{"requester's own key", f.sign("self", "alice"), ErrSelfApproval},
		{"step-collect takes links", f.sign("sc", "bob"), ErrWrongKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.st.Hash()
			_, err := f.st.Apply(tt.op)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if after, _ := f.st.Hash(); after != before {
				t.Error("a failed command changed the state")
			}
		})
	}

	t.Run("revoked key", func(t *testing.T) {
		op := f.sign("r1", "carol")
		f.mustApply(&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("carol")})
		if _, err := f.st.Apply(op); !errors.Is(err, ErrKeyRevoked) {
			t.Fatalf("err = %v, want ErrKeyRevoked", err)
		}
	})
	t.Run("after expiry", func(t *testing.T) {
		op := f.sign("r1", "bob")
		op.At = t0.Add(time.Hour)
		if _, err := f.st.Apply(op); !errors.Is(err, ErrExpired) {
			t.Fatalf("err = %v, want ErrExpired", err)
		}
	})
	t.Run("duplicate is a no-op", func(t *testing.T) {
		res, err := f.st.Apply(f.sign("st2", "alice"))
		if err != nil || !res.Changed {
			t.Fatalf("first signature: %v %+v", err, res)
		}
		before, _ := f.st.Hash()
		res, err = f.st.Apply(f.sign("st2", "alice"))
		if after, _ := f.st.Hash(); err != nil || res.Changed || after != before {
			t.Fatalf("second signature: err %v, changed %v, state changed %v", err, res.Changed, after != before)
		}
	})
}

func TestRejectCancelExpire(t *testing.T) {
	f := newFixture(t)
	f.policy("owners", []Kind{KindStatement}, 2, "alice", "bob", "carol")
	for _, id := range []string{"a", "b", "c", "d"} {
		f.mustApply(f.create(id, KindStatement, statementPayload(t), "owners"))
	}
	reject := func(id, who string) *Reject {
		return &Reject{Stamp: f.stamp(who + "@example.org"), RequestID: id, KeyID: f.id(who), Reason: "not today"}
	}
	f.mustApply(reject("a", "alice"))
	if res := f.mustApply(reject("a", "alice")); res.Changed {
		t.Error("a second rejection by the same key changed the state")
	}
	if f.phase("a") != PhasePending {
		t.Fatalf("one rejection of 2-of-3: phase %s, want pending", f.phase("a"))
	}
	ts, _ := f.st.Status("a")
	if len(ts.Rejected) != 1 || len(ts.Missing) != 2 || ts.Met || !ts.Reachable {
		t.Errorf("status = %+v", ts)
	}
	if res := f.mustApply(reject("a", "bob")); res.Phase != PhaseRejected {
		t.Fatalf("two rejections of 2-of-3: phase %s, want rejected", res.Phase)
	}
	if _, err := f.st.Apply(f.sign("a", "carol")); !errors.Is(err, ErrTerminal) {
		t.Errorf("signing a rejected request: err = %v, want ErrTerminal", err)
	}
	f.mustApply(f.sign("b", "bob"))
	if _, err := f.st.Apply(reject("b", "bob")); !errors.Is(err, ErrConflict) {
		t.Errorf("rejecting after signing: err = %v, want ErrConflict", err)
	}
	self := reject("b", "carol")
	self.Actor = "ci@example.org"
	if _, err := f.st.Apply(self); !errors.Is(err, ErrSelfApproval) {
		t.Errorf("requester rejecting: err = %v, want ErrSelfApproval", err)
	}

	if _, err := f.st.Apply(&Cancel{Stamp: f.stamp("bob@example.org"), RequestID: "c"}); !errors.Is(err, ErrNotRequester) {
		t.Errorf("cancel by another: err = %v, want ErrNotRequester", err)
	}
	if res := f.mustApply(&Cancel{Stamp: f.stamp("ci@example.org"), RequestID: "c", Reason: "wrong build"}); res.Phase != PhaseCancelled {
		t.Fatalf("cancel: phase %s", res.Phase)
	}
	if res := f.mustApply(&Cancel{Stamp: f.stamp("ci@example.org"), RequestID: "c"}); res.Changed {
		t.Error("cancelling twice changed the state")
	}
	if _, err := f.st.Apply(&Cancel{Stamp: f.stamp("root"), RequestID: "a", Admin: true}); !errors.Is(err, ErrTerminal) {
		t.Errorf("cancelling a rejected request: err = %v, want ErrTerminal", err)
	}

	early := f.mustApply(&Expire{Stamp: Stamp{At: t0.Add(59 * time.Minute), Actor: "leader"}})
	if early.Changed || f.phase("d") != PhasePending {
		t.Fatal("Expire before the TTL changed something")
	}
	res := f.mustApply(&Expire{Stamp: Stamp{At: t0.Add(time.Hour), Actor: "leader"}})
	if res.Count != 2 || f.phase("b") != PhaseExpired || f.phase("d") != PhaseExpired || f.phase("c") != PhaseCancelled {
		t.Fatalf("Expire: %+v, phases b=%s c=%s d=%s", res, f.phase("b"), f.phase("c"), f.phase("d"))
	}
	if _, err := f.st.Apply(&Expire{Stamp: f.stamp("leader"), RequestID: "zz"}); !errors.Is(err, ErrUnknownRequest) {
		t.Errorf("expire unknown: err = %v", err)
	}
}

func TestRevocationStopsCounting(t *testing.T) {
	f := newFixture(t)
	f.policy("owners", []Kind{KindStatement}, 2, "alice", "bob", "carol")
	f.mustApply(f.create("r", KindStatement, statementPayload(t), "owners"))
	f.mustApply(f.create("s", KindStatement, []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"ab"}}],"predicateType":"p"}`), "owners"))
	f.mustApply(f.sign("r", "alice"))
	f.mustApply(&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("alice")})
	ts, _ := f.st.Status("r")
	if len(ts.Signed) != 0 || len(ts.Revoked) != 1 || !ts.Reachable {
		t.Fatalf("after revocation: %+v", ts)
	}
	if res := f.mustApply(f.sign("r", "bob")); res.Phase != PhasePending {
		t.Fatalf("a revoked key's signature counted: phase %s", res.Phase)
	}
	if res := f.mustApply(f.sign("r", "carol")); res.Phase != PhaseReleased {
		t.Fatalf("phase %s, want released", res.Phase)
	}
	r, _ := f.st.Request("r")
	env, err := dsse.Decode(r.Released[0].Data)
	if err != nil || len(env.Signatures) != 2 {
		t.Fatalf("released envelope: %v, %d signatures", err, len(env.Signatures))
	}
	for _, s := range env.Signatures {
		if s.KeyID == f.id("alice") {
			t.Error("the revoked key's signature was released")
		}
	}

	f.mustApply(&Reject{Stamp: f.stamp("bob@example.org"), RequestID: "s", KeyID: f.id("bob")})
	f.mustApply(&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("carol")})
	if f.phase("s") != PhaseRejected {
		t.Errorf("threshold unreachable after revocation: phase %s, want rejected", f.phase("s"))
	}
}
