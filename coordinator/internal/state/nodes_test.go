package state

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRegisterNode(t *testing.T) {
	st := New()
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	stamp := Stamp{At: at, Actor: "node1"}
	steps := []struct {
		name    string
		op      *RegisterNode
		changed bool
		wantErr error
	}{
		{"register", &RegisterNode{Stamp: stamp, ID: "node1", APIAddr: "https://127.0.0.1:8301"}, true, nil},
		{"again, later", &RegisterNode{Stamp: Stamp{At: at.Add(time.Hour), Actor: "node1"}, ID: "node1", APIAddr: "https://127.0.0.1:8301"}, false, nil},
		{"moved", &RegisterNode{Stamp: stamp, ID: "node1", APIAddr: "https://10.0.0.1:8301"}, true, nil},
		{"second node", &RegisterNode{Stamp: stamp, ID: "node-2.eu_west", APIAddr: "http://[::1]:8302/"}, true, nil},
		{"empty id", &RegisterNode{Stamp: stamp, APIAddr: "https://a:1"}, false, ErrInvalid},
		{"bad id", &RegisterNode{Stamp: stamp, ID: "node 1", APIAddr: "https://a:1"}, false, ErrInvalid},
		{"long id", &RegisterNode{Stamp: stamp, ID: strings.Repeat("n", 64), APIAddr: "https://a:1"}, false, ErrInvalid},
		{"no scheme", &RegisterNode{Stamp: stamp, ID: "n", APIAddr: "127.0.0.1:8301"}, false, ErrInvalid},
		{"no port", &RegisterNode{Stamp: stamp, ID: "n", APIAddr: "https://a"}, false, ErrInvalid},
		{"path", &RegisterNode{Stamp: stamp, ID: "n", APIAddr: "https://a:1/v1"}, false, ErrInvalid},
		{"credentials", &RegisterNode{Stamp: stamp, ID: "n", APIAddr: "https://u:p@a:1"}, false, ErrInvalid},
		{"other scheme", &RegisterNode{Stamp: stamp, ID: "n", APIAddr: "ftp://a:1"}, false, ErrInvalid},
		{"no actor", &RegisterNode{Stamp: Stamp{At: at}, ID: "n", APIAddr: "https://a:1"}, false, ErrInvalid},
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
	if got := st.NodeAPIAddr("node1"); got != "https://10.0.0.1:8301" {
		t.Errorf("NodeAPIAddr(node1) = %q", got)
	}
	if got := st.NodeAPIAddr("node9"); got != "" {
		t.Errorf("NodeAPIAddr(node9) = %q, want empty", got)
	}
	if err := VerifyAudit(st.Audit); err != nil || len(st.Audit) != 3 {
		t.Fatalf("audit: %d entries, %v", len(st.Audit), err)
	}
	b, _ := st.Marshal()
	back, err := Unmarshal(b)
	if err != nil || back.NodeAPIAddr("node-2.eu_west") != "http://[::1]:8302/" {
		t.Fatalf("after Unmarshal: %v %+v", err, back.Nodes)
	}
}
