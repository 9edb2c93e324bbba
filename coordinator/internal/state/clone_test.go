package state

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestCloneIsIndependent replays every kind of transition and clones the
// state after each one: a clone encodes as the state did when it was
// taken, and still does after all the later transitions (snapshots encode
// their clone while applies go on).
func TestCloneIsIndependent(t *testing.T) {
	f := scenario(t)
	ops := append([]Op(nil), f.log...)
	ops = append(ops,
		&CreateToken{Stamp: f.stamp(admin), ID: "t1", Name: "ci", Identity: "ci@example.org", Scopes: []string{"read"}, Hash: strings.Repeat("a", 64)},
		&RevokeToken{Stamp: f.stamp(admin), ID: "t1", Reason: "rotated"},
		&RegisterNode{Stamp: f.stamp("leader"), ID: "n1", APIAddr: "https://127.0.0.1:8301"},
		&RegisterNode{Stamp: f.stamp("leader"), ID: "n1", APIAddr: "https://127.0.0.1:8302"},
		&RevokeKey{Stamp: Stamp{At: t0.Add(3 * time.Hour), Actor: admin}, KeyID: f.id("f1"), Reason: "lost"},
	)
	st := New()
	type taken struct {
		clone *State
		want  []byte
	}
	var clones []taken
	for i, op := range ops {
		_, _ = st.Apply(op)
		want, err := st.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		c := st.Clone()
		got, err := c.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("op %d (%T): the clone encodes differently from the state", i, op)
		}
		clones = append(clones, taken{c, want})
	}
	for i, c := range clones {
		got, err := c.clone.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, c.want) {
			t.Errorf("the clone taken after op %d (%T) changed with later transitions", i, ops[i])
		}
	}
	if len(st.Tokens) == 0 || len(st.Nodes) == 0 || st.Keys[f.id("f1")].Status != KeyRevoked {
		t.Fatal("the extra operations did not apply; the test covers less than it says")
	}
}
