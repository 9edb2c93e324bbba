package state

import (
	"errors"
	"testing"
	"time"
)

func TestApplyPolicy(t *testing.T) {
	f := newFixture(t)
	f.mustApply(&RevokeKey{Stamp: f.stamp(admin), KeyID: f.id("f3")})
	base := func() Policy {
		return Policy{Name: "release", Kinds: []Kind{KindLayout}, Keys: f.ids("alice", "bob", "carol"), Threshold: 2,
			Requesters: []string{"ci@example.org"}, RequestTTL: time.Hour}
	}
	with := func(change func(*Policy)) Policy { p := base(); change(&p); return p }
	tests := []struct {
		name        string
		policy      Policy
		wantErr     error
		wantVersion uint64
	}{
		{"new", base(), nil, 1},
		{"same again", base(), nil, 1},
		{"threshold 3", with(func(p *Policy) { p.Threshold = 3 }), nil, 2},
		{"back to 2", base(), nil, 3},
		{"unknown key", with(func(p *Policy) { p.Keys = append(p.Keys, "feed") }), ErrUnknownKey, 3},
		{"revoked key", with(func(p *Policy) { p.Keys = f.ids("f3"); p.Threshold = 1 }), ErrKeyRevoked, 3},
		{"duplicate key", with(func(p *Policy) { p.Keys = f.ids("alice", "alice") }), ErrInvalid, 3},
		{"threshold 0", with(func(p *Policy) { p.Threshold = 0 }), ErrInvalid, 3},
		{"threshold above keys", with(func(p *Policy) { p.Threshold = 4 }), ErrInvalid, 3},
		{"no kinds", with(func(p *Policy) { p.Kinds = nil }), ErrInvalid, 3},
		{"bad kind", with(func(p *Policy) { p.Kinds = []Kind{"tarball"} }), ErrInvalid, 3},
		{"no requesters", with(func(p *Policy) { p.Requesters = nil }), ErrInvalid, 3},
		{"no ttl", with(func(p *Policy) { p.RequestTTL = 0 }), ErrInvalid, 3},
		{"ttl too long", with(func(p *Policy) { p.RequestTTL = MaxRequestTTL + 1 }), ErrInvalid, 3},
		{"version set by client", with(func(p *Policy) { p.Version = 7 }), ErrInvalid, 3},
		{"bad name", with(func(p *Policy) { p.Name = "a/b" }), ErrInvalid, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.st.Apply(&ApplyPolicy{Stamp: f.stamp(admin), Policy: tt.policy})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			p, ok := f.st.Policy("release")
			if !ok || p.Version != tt.wantVersion {
				t.Errorf("version = %d (present %v), want %d", p.Version, ok, tt.wantVersion)
			}
		})
	}
}

func TestRequestKeepsPolicyVersion(t *testing.T) {
	f := newFixture(t)
	f.policy("p", []Kind{KindStatement}, 1, "alice", "bob")
	f.mustApply(f.create("r1", KindStatement, statementPayload(t), "p"))
	f.policy("p", []Kind{KindStatement}, 2, "alice", "bob")
	if res := f.mustApply(f.sign("r1", "bob")); res.Phase != PhaseReleased {
		t.Fatalf("phase %s: the request must keep the threshold of the policy version it was created under", res.Phase)
	}
	r, _ := f.st.Request("r1")
	if r.Policy.Version != 1 {
		t.Errorf("request policy version = %d, want 1", r.Policy.Version)
	}
}
