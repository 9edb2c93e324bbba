package signeragent

import (
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
)

func TestDescribeLayoutDiff(t *testing.T) {
	old := released()
	next := released()
	next.Keys = old.Keys
	next.Steps = []intoto.Step{old.Steps[0], {Type: intoto.TypeStep, Name: "test", Threshold: 1, PubKeys: old.Steps[0].PubKeys}}
	next.Steps[0].ExpectedCommand = []string{"make", "all"}
	old.Steps = append(old.Steps, intoto.Step{Type: intoto.TypeStep, Name: "scan", Threshold: 1, PubKeys: old.Steps[0].PubKeys})
	req := Request{ID: "r9", Kind: "layout", Requester: "ci", PayloadType: dsse.PayloadTypeInToto, Payload: payload(t, next)}
	p, err := Prepare(req, Context{KeyID: "k", Now: now, Released: old})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Describe(&b, req, p, old); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{p.Digest, `~ step "build"`, `expected command was ["make" "app"]`, `+ step "test"`, `- step "scan" REMOVED`} {
		if !strings.Contains(out, want) {
			t.Errorf("description lacks %q:\n%s", want, out)
		}
	}
}

func TestDescribeLink(t *testing.T) {
	l := intoto.NewLink("build")
	l.Command = []string{"make", "evil"}
	req := Request{ID: "r1", Kind: "link", PayloadType: dsse.PayloadTypeInToto, Payload: payload(t, l)}
	p, err := Prepare(req, Context{KeyID: "k", Now: now, Released: released()})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := Describe(&b, req, p, released()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<- DIFFERENT") {
		t.Errorf("a command that differs from the expected one must stand out:\n%s", b.String())
	}
}
