package state

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func hashOf(c byte) string { return strings.Repeat(string(c), TokenHashLen) }

func TestTokens(t *testing.T) {
	st := New()
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	stamp := Stamp{At: at, Actor: "admin"}
	boot := &BootstrapToken{Stamp: stamp, ID: "b00t", Identity: "admin", Hash: hashOf('a')}
	steps := []struct {
		name    string
		op      Op
		changed bool
		wantErr error
	}{
		{"bootstrap", boot, true, nil},
		{"bootstrap retried", boot, false, nil},
		{"bootstrap again with another token", &BootstrapToken{Stamp: stamp, ID: "b2", Identity: "admin", Hash: hashOf('b')}, false, ErrBootstrapped},
		{"create", &CreateToken{Stamp: stamp, ID: "t1", Name: "ci", Identity: "ci", Scopes: []string{"request:slsa", "read"}, Hash: hashOf('c')}, true, nil},
		{"create retried", &CreateToken{Stamp: Stamp{At: at.Add(time.Second), Actor: "admin"}, ID: "t1", Name: "ci", Identity: "ci", Scopes: []string{"request:slsa", "read"}, Hash: hashOf('c')}, false, nil},
		{"same id other content", &CreateToken{Stamp: stamp, ID: "t1", Name: "ci", Identity: "ci", Scopes: []string{"admin"}, Hash: hashOf('c')}, false, ErrConflict},
		{"same secret other id", &CreateToken{Stamp: stamp, ID: "t2", Name: "x", Identity: "x", Scopes: []string{"read"}, Hash: hashOf('c')}, false, ErrConflict},
		{"bootstrap after tokens", boot, false, ErrBootstrapped},
		{"unknown scope", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Scopes: []string{"root"}, Hash: hashOf('d')}, false, ErrInvalid},
		{"bad scope id", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Scopes: []string{"sign:a/b"}, Hash: hashOf('d')}, false, ErrInvalid},
		{"duplicate scope", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Scopes: []string{"read", "read"}, Hash: hashOf('d')}, false, ErrInvalid},
		{"no scopes", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Hash: hashOf('d')}, false, ErrInvalid},
		{"bad hash", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Scopes: []string{"read"}, Hash: "zz"}, false, ErrInvalid},
		{"upper-case hash", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Scopes: []string{"read"}, Hash: hashOf('D')}, false, ErrInvalid},
		{"bad id", &CreateToken{Stamp: stamp, ID: "a b", Identity: "x", Scopes: []string{"read"}, Hash: hashOf('d')}, false, ErrInvalid},
		{"no identity", &CreateToken{Stamp: stamp, ID: "t3", Scopes: []string{"read"}, Hash: hashOf('d')}, false, ErrInvalid},
		{"expired at creation", &CreateToken{Stamp: stamp, ID: "t3", Identity: "x", Scopes: []string{"read"}, Hash: hashOf('d'), Expires: at}, false, ErrInvalid},
		{"revoke", &RevokeToken{Stamp: stamp, ID: "t1", Reason: "leaked"}, true, nil},
		{"revoke again", &RevokeToken{Stamp: stamp, ID: "t1", Reason: "leaked"}, false, nil},
		{"revoke unknown", &RevokeToken{Stamp: stamp, ID: "nope"}, false, ErrUnknownToken},
		{"revoke bad reason", &RevokeToken{Stamp: stamp, ID: "b00t", Reason: "a\x00b"}, false, ErrInvalid},
	}
	for _, s := range steps {
		before, _ := st.Hash()
		res, err := st.Apply(s.op)
		if !errors.Is(err, s.wantErr) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
		after, _ := st.Hash()
		if res.Changed != s.changed || (before != after) != s.changed {
			t.Fatalf("%s: changed = %v, hash changed = %v, want %v", s.name, res.Changed, before != after, s.changed)
		}
	}
	tok, ok := st.Token("t1")
	if !ok || !tok.Revoked || tok.Reason != "leaked" || tok.CreatedBy != "admin" {
		t.Fatalf("token t1 = %+v", tok)
	}
	if l := st.TokenList(); len(l) != 2 || l[0].ID != "b00t" || l[1].ID != "t1" {
		t.Fatalf("TokenList = %+v", l)
	}
	if err := VerifyAudit(st.Audit); err != nil || len(st.Audit) != 3 {
		t.Fatalf("audit: %d entries, %v", len(st.Audit), err)
	}
}

func TestTokensSurviveMarshal(t *testing.T) {
	st := New()
	empty, _ := st.Hash()
	b, _ := st.Marshal()
	if strings.Contains(string(b), "tokens") {
		t.Fatalf("an empty token map must be omitted so earlier state hashes hold: %s", b)
	}
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	if _, err := st.Apply(&BootstrapToken{Stamp: Stamp{At: at, Actor: "admin"}, ID: "b", Identity: "admin", Hash: hashOf('a')}); err != nil {
		t.Fatal(err)
	}
	b, _ = st.Marshal()
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := st.Hash()
	h2, _ := back.Hash()
	if h1 != h2 || h1 == empty {
		t.Fatalf("hash after round trip %s, before %s", h2, h1)
	}
	// a state with "tokens": null must still accept token commands.
	nulled, err := Unmarshal([]byte(`{"keys":{},"policies":{},"requests":{},"used_sigs":{},"audit":[],"tokens":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nulled.Apply(&BootstrapToken{Stamp: Stamp{At: at, Actor: "admin"}, ID: "b", Identity: "admin", Hash: hashOf('a')}); err != nil {
		t.Fatalf("bootstrap on a null token map: %v", err)
	}
}

func TestNullTokenEntry(t *testing.T) {
	st, err := Unmarshal([]byte(`{"keys":{},"policies":{},"requests":{},"used_sigs":{},"audit":[],"tokens":{"x":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Token("x"); ok || len(st.TokenList()) != 0 {
		t.Fatal("a null token entry was returned")
	}
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	if _, err := st.Apply(&RevokeToken{Stamp: Stamp{At: at, Actor: "a"}, ID: "x"}); !errors.Is(err, ErrUnknownToken) {
		t.Fatalf("revoking a null entry: %v", err)
	}
}
