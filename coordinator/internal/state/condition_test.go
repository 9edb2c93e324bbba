package state

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestPolicyConditions: a policy's CEL condition decides whether a
// request may be created, over the facts of each kind of payload; bad
// conditions are refused when the policy is applied.
func TestPolicyConditions(t *testing.T) {
	tests := []struct {
		name      string
		kind      Kind
		payload   func(*testing.T, *fixture) []byte
		condition string
		wantErr   error // from CreateRequest
	}{
		{"link step and products", KindLink, func(t *testing.T, _ *fixture) []byte { return linkPayload(t, "build", "cc") },
			`request.step == "build" && request.products == ["app"] && request.materials.all(m, m.endsWith(".c"))`, nil},
		{"link command", KindLink, func(t *testing.T, _ *fixture) []byte { return linkPayload(t, "build", "cc") },
			`request.command == ["make", "install"]`, ErrConstraint},
		{"link requester and id", KindLink, func(t *testing.T, _ *fixture) []byte { return linkPayload(t, "build", "cc") },
			`request.requester == "ci@example.org" && request.id.startsWith("r-") && request.kind == "link" && request.policy == "p"`, nil},
		{"statement predicate", KindStatement, func(t *testing.T, _ *fixture) []byte { return statementPayload(t) },
			`request.statement.predicate_type == "https://slsa.dev/provenance/v1" && request.statement.predicate.builder.id == "ci" && "app" in request.statement.subjects`, nil},
		{"statement with another builder", KindStatement, func(t *testing.T, _ *fixture) []byte { return statementPayload(t) },
			`request.statement.predicate.builder.id == "laptop"`, ErrConstraint},
		{"missing member fails closed", KindStatement, func(t *testing.T, _ *fixture) []byte { return statementPayload(t) },
			`request.statement.predicate.nowhere == "x"`, ErrConstraint},
		{"layout steps and expiry", KindLayout, layoutPayload,
			`request.layout.steps == ["build"] && request.layout.expires > request.now + duration("720h") && size(request.layout.keys) == 1`, nil},
		{"layout expiring too soon", KindLayout, layoutPayload,
			`request.layout.expires < request.now + duration("24h")`, ErrConstraint},
		{"step-collect step", KindStepCollect, func(*testing.T, *fixture) []byte { return []byte(`{"step":"rebuild"}`) },
			`request.step == "rebuild" && request.products == []`, nil},
		{"too costly", KindLink, func(t *testing.T, _ *fixture) []byte { return linkPayload(t, "build", "cc") },
			`[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(g, a+b+c+d+e+g > 0))))))`, ErrConstraint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			kinds := []Kind{tt.kind}
			f.mustApply(&ApplyPolicy{Stamp: f.stamp(admin), Policy: Policy{
				Name: "p", Kinds: kinds, Keys: f.ids("f1", "f2"), Threshold: 1, Condition: tt.condition,
				Requesters: []string{"ci@example.org"}, RequestTTL: time.Hour,
			}})
			_, err := f.st.Apply(f.create("r-1", tt.kind, tt.payload(t, f), "p"))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("CreateRequest = %v, want %v", err, tt.wantErr)
			}
			if _, ok := f.st.Request("r-1"); ok != (tt.wantErr == nil) {
				t.Errorf("request stored: %v, want %v", ok, tt.wantErr == nil)
			}
			if err != nil && !strings.Contains(err.Error(), "policy p") {
				t.Errorf("the error does not name the policy: %v", err)
			}
		})
	}
}

func TestPolicyConditionRefusedWhenApplied(t *testing.T) {
	tests := []struct {
		name, condition, wantMsg string
	}{
		{"syntax", `request.step ==`, "condition"},
		{"not boolean", `request.step`, "boolean"},
		{"unknown variable", `step == "build"`, "undeclared"},
		{"too long", `request.step == "` + strings.Repeat("a", MaxConditionSize) + `"`, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.st.Apply(&ApplyPolicy{Stamp: f.stamp(admin), Policy: Policy{
				Name: "p", Kinds: []Kind{KindLink}, Keys: f.ids("f1"), Threshold: 1, Condition: tt.condition,
				Requesters: []string{"ci@example.org"}, RequestTTL: time.Hour,
			}})
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("ApplyPolicy = %v, want ErrInvalid saying %q", err, tt.wantMsg)
			}
			if _, ok := f.st.Policies["p"]; ok {
				t.Error("the policy was stored")
			}
		})
	}
}

// TestPolicyConditionAfterRestore: a state decoded from a snapshot (no
// compiled conditions) evaluates conditions as the original did.
func TestPolicyConditionAfterRestore(t *testing.T) {
	f := newFixture(t)
	f.mustApply(&ApplyPolicy{Stamp: f.stamp(admin), Policy: Policy{
		Name: "p", Kinds: []Kind{KindLink}, Keys: f.ids("f1"), Threshold: 1, Condition: `request.step == "build"`,
		Requesters: []string{"ci@example.org"}, RequestTTL: time.Hour,
	}})
	snap, err := f.st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	restored, err := Unmarshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := restored.Apply(f.create("ok", KindLink, linkPayload(t, "build", "cc"), "p")); err != nil {
		t.Errorf("a request meeting the condition after restore: %v", err)
	}
	if _, err := restored.Apply(f.create("no", KindLink, linkPayload(t, "test", "cc"), "p")); !errors.Is(err, ErrConstraint) {
		t.Errorf("a request breaking the condition after restore: %v, want ErrConstraint", err)
	}
}
