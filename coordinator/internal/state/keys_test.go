package state

import (
	"errors"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/keys"
)

func TestEnrollKey(t *testing.T) {
	f := newFixture(t)
	extra := newSigner(t)
	pub := f.signers["alice"].Public()
	modern, err := keys.NewKeyWithOptions(pub, keys.KeyOptions{Dialect: keys.DialectModern})
	if err != nil {
		t.Fatal(err)
	}
	badID := extra.Key()
	badID.KeyID = "ab" + badID.KeyID[2:]
	if badID.KeyID == extra.Key().KeyID {
		badID.KeyID = "cd" + badID.KeyID[2:]
	}
	tests := []struct {
		name        string
		op          *EnrollKey
		wantErr     error
		wantChanged bool
	}{
		{"new key", &EnrollKey{Stamp: f.stamp(admin), Key: extra.Key(), Identity: "dan@example.org", Role: RoleAgent}, nil, true},
		{"same again is a no-op", &EnrollKey{Stamp: f.stamp(admin), Key: f.key("bob"), Identity: "bob@example.org", Role: RoleOwner}, nil, false},
		{"same id, other identity", &EnrollKey{Stamp: f.stamp(admin), Key: f.key("bob"), Identity: "mallory@example.org", Role: RoleOwner}, ErrConflict, false},
		{"same public key, other key id", &EnrollKey{Stamp: f.stamp(admin), Key: modern, Identity: "alice@example.org", Role: RoleOwner}, ErrConflict, false},
		{"bad role", &EnrollKey{Stamp: f.stamp(admin), Key: extra.Key(), Identity: "dan@example.org", Role: "boss"}, ErrInvalid, false},
		{"key id mismatch", &EnrollKey{Stamp: f.stamp(admin), Key: badID, Identity: "dan@example.org", Role: RoleAgent}, ErrInvalid, false},
		{"no identity", &EnrollKey{Stamp: f.stamp(admin), Key: extra.Key(), Role: RoleAgent}, ErrInvalid, false},
		{"no time", &EnrollKey{Stamp: Stamp{Actor: admin}, Key: extra.Key(), Identity: "d", Role: RoleAgent}, ErrInvalid, false},
		{"no actor", &EnrollKey{Stamp: Stamp{At: t0}, Key: extra.Key(), Identity: "d", Role: RoleAgent}, ErrInvalid, false},
		{"until before from", &EnrollKey{Stamp: f.stamp(admin), Key: newSigner(t).Key(), Identity: "d", Role: RoleAgent,
			ValidFrom: t0, ValidUntil: t0.Add(-time.Hour)}, ErrInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.st.Hash()
			res, err := f.st.Apply(tt.op)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if res.Changed != tt.wantChanged {
				t.Errorf("Changed = %v, want %v", res.Changed, tt.wantChanged)
			}
			if after, _ := f.st.Hash(); !tt.wantChanged && after != before {
				t.Error("state changed although nothing should have")
			}
		})
	}
}

func TestRevokeKey(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.Apply(&RevokeKey{Stamp: f.stamp(admin), KeyID: "nope"}); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown key: err = %v", err)
	}
	res := f.mustApply(&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("bob"), Reason: "lost token"})
	if !res.Changed {
		t.Fatal("revocation did not change the state")
	}
	if res := f.mustApply(&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("bob")}); res.Changed {
		t.Error("revoking twice changed the state")
	}
	k, _ := f.st.Key(f.id("bob"))
	if k.Status != KeyRevoked || k.Version != 2 || k.Reason != "lost token" {
		t.Errorf("key after revocation = %+v", k)
	}
	_, err := f.st.Apply(&EnrollKey{Stamp: f.stamp(admin), Key: f.key("bob"), Identity: "bob@example.org", Role: RoleOwner})
	if !errors.Is(err, ErrKeyRevoked) {
		t.Errorf("re-enrolling a revoked key: err = %v, want ErrKeyRevoked", err)
	}
}

func TestKeyValidityWindow(t *testing.T) {
	f := newFixture(t)
	late := newSigner(t)
	f.signers["late"] = late
	f.mustApply(&EnrollKey{Stamp: f.stamp(admin), Key: late.Key(), Identity: "late@example.org", Role: RoleOwner,
		ValidFrom: t0.Add(time.Minute), ValidUntil: t0.Add(30 * time.Minute)})
	f.policy("p", []Kind{KindStatement}, 1, "late", "bob")
	f.mustApply(f.create("r1", KindStatement, statementPayload(t), "p"))
	if _, err := f.st.Apply(f.sign("r1", "late")); !errors.Is(err, ErrKeyNotValid) {
		t.Fatalf("before valid_from: err = %v, want ErrKeyNotValid", err)
	}
	f.now = t0.Add(31 * time.Minute)
	if _, err := f.st.Apply(f.sign("r1", "late")); !errors.Is(err, ErrKeyNotValid) {
		t.Fatalf("after valid_until: err = %v, want ErrKeyNotValid", err)
	}
	f.now = t0.Add(10 * time.Minute)
	if res := f.mustApply(f.sign("r1", "late")); res.Phase != PhaseReleased {
		t.Fatalf("inside the window: phase %s, want released", res.Phase)
	}
}
