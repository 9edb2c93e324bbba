package signeragent

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/signer-agent/policy"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func payload(t testing.TB, v any) []byte {
	t.Helper()
	data, err := intoto.EncodePayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func released() *intoto.Layout {
	priv, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		panic(err)
	}
	k, err := keys.NewKey(priv.Public(), "")
	if err != nil {
		panic(err)
	}
	l := intoto.NewLayout(now.Add(24 * time.Hour))
	l.Keys[k.KeyID] = k
	l.Steps = []intoto.Step{{Type: intoto.TypeStep, Name: "build", Threshold: 1, PubKeys: []string{k.KeyID},
		ExpectedCommand: []string{"make", "app"}}}
	return l
}

// TestPrepareAndShippedPolicy runs links through Prepare and the shipped
// build-functionary policy: the expected command comes from the released
// layout, never from the request.
func TestPrepareAndShippedPolicy(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "policies", "build-functionary", "policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	link := func(cmd ...string) []byte {
		l := intoto.NewLink("build")
		l.Command = cmd
		l.Products = intoto.ArtifactMap{"app": {"sha256": "ab"}}
		return payload(t, l)
	}
	for _, tc := range []struct {
		name     string
		payload  []byte
		released *intoto.Layout
		allow    bool
	}{
		{"expected command", link("make", "app"), released(), true},
		{"another command", link("make", "evil"), released(), false},
		{"no released layout: no expected command", link("make", "app"), nil, false},
	} {
		p, err := Prepare(Request{ID: "r1", Kind: "link", PayloadType: dsse.PayloadTypeInToto, Payload: tc.payload},
			Context{KeyID: "k", Now: now, Released: tc.released})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(p.Canonical) == 0 || len(p.PAE) == 0 || len(p.Digest) != 64 {
			t.Errorf("%s: nothing to sign: %+v", tc.name, p)
		}
		if d := pol.Evaluate(p.Input); d.Allow != tc.allow {
			t.Errorf("%s: %s; want allow=%v", tc.name, d, tc.allow)
		}
	}
}

func TestPrepareRefuses(t *testing.T) {
	lay := payload(t, released())
	tests := []struct {
		name string
		req  Request
	}{
		{"wrong payload type", Request{Kind: "layout", PayloadType: "text/plain", Payload: lay}},
		{"layout request carrying a link", Request{Kind: "layout", PayloadType: dsse.PayloadTypeInToto, Payload: payload(t, intoto.NewLink("x"))}},
		{"link with an unknown field", Request{Kind: "link", PayloadType: dsse.PayloadTypeInToto,
			Payload: []byte(`{"_type":"link","name":"x","materials":{},"products":{},"byproducts":{},"command":[],"environment":{},"extra":1}`)}},
		{"unknown kind", Request{Kind: "tarball", PayloadType: dsse.PayloadTypeInToto, Payload: lay}},
		{"statement that is not one", Request{Kind: "statement", PayloadType: dsse.PayloadTypeInToto, Payload: []byte(`{}`)}},
	}
	for _, tt := range tests {
		if _, err := Prepare(tt.req, Context{KeyID: "k", Now: now}); !errors.Is(err, ErrPayload) {
			t.Errorf("%s: %v; want ErrPayload", tt.name, err)
		}
	}
}

func TestPrepareLayoutFacts(t *testing.T) {
	next := released()
	next.Steps = append(next.Steps, intoto.Step{Type: intoto.TypeStep, Name: "test", Threshold: 1, PubKeys: next.Steps[0].PubKeys})
	p, err := Prepare(Request{Kind: "layout", PayloadType: dsse.PayloadTypeInToto, Payload: payload(t, next)},
		Context{KeyID: "k", Now: now, Released: released()})
	if err != nil {
		t.Fatal(err)
	}
	f := p.Input.Layout
	if f == nil || !f.Previous || len(f.AddedSteps) != 1 || f.AddedSteps[0] != "test" {
		t.Errorf("layout facts = %+v", f)
	}
	var v map[string]any
	if json.Unmarshal(p.Canonical, &v) != nil {
		t.Errorf("canonical layout is not JSON: %s", p.Canonical)
	}
}

// newSigner returns a signer over a new ed25519 key.
func newSigner(t testing.TB) keys.Signer {
	t.Helper()
	priv, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
