package signeragent

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestApprovals(t *testing.T) {
	a, err := NewApprovals(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := Pending{RequestID: "r1", KeyID: "abcdef0123456789", Kind: "layout", Digest: strings.Repeat("a", 64), Since: now, Description: "layout ..."}
	if err := a.Add(p); err != nil {
		t.Fatal(err)
	}
	list, err := a.List()
	if err != nil || len(list) != 1 || list[0].RequestID != "r1" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	id := PendingID("r1", p.KeyID)
	if err := a.Decide(id, Verdict{Approve: true, Digest: strings.Repeat("b", 64), By: "alice", At: now}); err == nil || !strings.Contains(err.Error(), "look at it again") {
		t.Fatalf("a verdict on another digest must be refused: %v", err)
	}
	if _, ok, _ := a.Verdict("r1", p.KeyID); ok {
		t.Fatal("a refused verdict was recorded")
	}
	if err := a.Decide(id, Verdict{Approve: true, Digest: p.Digest, By: "alice", At: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	v, ok, err := a.Verdict("r1", p.KeyID)
	if err != nil || !ok || !v.Approve || v.By != "alice" {
		t.Fatalf("Verdict = %+v, %v, %v", v, ok, err)
	}
	a.Done("r1", p.KeyID)
	if _, err := a.Get(id); !errors.Is(err, ErrNoSuchPending) {
		t.Fatalf("after Done: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", strings.Repeat("x", 200), "a/b"} {
		if _, err := a.Get(bad); !errors.Is(err, ErrNoSuchPending) {
			t.Errorf("Get(%q) = %v; want ErrNoSuchPending", bad, err)
		}
	}
}
