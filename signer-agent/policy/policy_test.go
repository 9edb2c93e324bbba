package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func loadShipped(t *testing.T, name string) *Policy {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "policies", name, "policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(data)
	if err != nil {
		t.Fatalf("policies/%s: %v", name, err)
	}
	return p
}

func TestShippedPolicies(t *testing.T) {
	build := []string{"make", "app"}
	lay := func(days int, removed ...string) *LayoutFacts {
		return &LayoutFacts{Expires: now.Add(time.Duration(days) * 24 * time.Hour), Steps: []string{"build"}, Previous: true, RemovedSteps: removed}
	}
	tests := []struct {
		policy string
		in     Input
		allow  bool
		mode   string
	}{
		{"owner", Input{Kind: "layout", KeyID: "k", Now: now, Layout: lay(300)}, true, ModeManual},
		{"owner", Input{Kind: "layout", KeyID: "k", Now: now, Layout: lay(400)}, false, ""},
		{"owner", Input{Kind: "layout", KeyID: "k", Now: now, Layout: lay(-1)}, false, ""},
		{"owner", Input{Kind: "layout", KeyID: "k", Now: now, Layout: lay(30, "test")}, false, ""},
		{"owner", Input{Kind: "link", KeyID: "k", Now: now, Step: "build"}, false, ""},
		{"build-functionary", Input{Kind: "link", KeyID: "k", Now: now, Step: "build", Command: build, ExpectedCommand: build, Products: []string{"app"}}, true, ModeAuto},
		{"build-functionary", Input{Kind: "link", KeyID: "k", Now: now, Step: "build", Command: []string{"make", "evil"}, ExpectedCommand: build, Products: []string{"app"}}, false, ""},
		{"build-functionary", Input{Kind: "link", KeyID: "k", Now: now, Step: "build", Command: build, Products: []string{"app"}}, false, ""},
		{"build-functionary", Input{Kind: "link", KeyID: "k", Now: now, Step: "package", Command: build, ExpectedCommand: build, Products: []string{"app"}}, false, ""},
		{"build-functionary", Input{Kind: "layout", KeyID: "k", Now: now, Layout: lay(30)}, false, ""},
		{"rebuilder", Input{Kind: "step-collect", KeyID: "k", Now: now, Step: "build", Command: build, ExpectedCommand: build, Products: []string{"app"}}, true, ModeAuto},
		{"rebuilder", Input{Kind: "statement", KeyID: "k", Now: now, Statement: &StatementFacts{PredicateType: "https://slsa.dev/provenance/v1", Subjects: []string{"app"}}}, true, ModeAuto},
		{"rebuilder", Input{Kind: "statement", KeyID: "k", Now: now, Statement: &StatementFacts{PredicateType: "https://example.com/other", Subjects: []string{"app"}}}, false, ""},
		{"rebuilder", Input{Kind: "statement", KeyID: "k", Now: now}, false, ""},
	}
	for _, tt := range tests {
		p := loadShipped(t, tt.policy)
		d := p.Evaluate(tt.in)
		if d.Allow != tt.allow || d.Mode != tt.mode {
			t.Errorf("%s %+v: %s; want allow=%v mode=%q", tt.policy, tt.in, d, tt.allow, tt.mode)
		}
		if !d.Allow && d.String() == "" {
			t.Errorf("a denial without a reason")
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "version: 1\nrules:\n  - name: a\n    kinds: [link]\n    keys: ['*']\n    mode: auto\n    allow: 'true'\n    typo: 1\n", "field typo not found"},
		{"wrong version", "version: 2\nrules: []\n", "version 2"},
		{"no rules", "version: 1\nrules: []\n", "1 to 256 rules"},
		{"bad kind", "version: 1\nrules:\n  - {name: a, kinds: [tarball], keys: ['*'], mode: auto, allow: 'true'}\n", `kind "tarball"`},
		{"bad mode", "version: 1\nrules:\n  - {name: a, kinds: [link], keys: ['*'], mode: sometimes, allow: 'true'}\n", `mode "sometimes"`},
		{"syntax error", "version: 1\nrules:\n  - {name: a, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step =='}\n", `rule "a": allow:`},
		{"not boolean", "version: 1\nrules:\n  - {name: a, kinds: [link], keys: ['*'], mode: auto, allow: '1 + 2'}\n", "must be a boolean"},
		{"duplicate names", "version: 1\nrules:\n  - {name: a, kinds: [link], keys: ['*'], mode: auto, allow: 'true'}\n  - {name: a, kinds: [link], keys: ['*'], mode: auto, allow: 'true'}\n", "two rules"},
		{"no keys", "version: 1\nrules:\n  - {name: a, kinds: [link], mode: auto, allow: 'true'}\n", "keys is empty"},
		{"too large", strings.Repeat("#", MaxPolicyBytes+1), "more than"},
	}
	for _, tt := range tests {
		_, err := Load([]byte(tt.yaml))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v; want ErrInvalid containing %q", tt.name, err, tt.want)
		}
	}
}

func TestKeysAndEvalErrors(t *testing.T) {
	p, err := Load([]byte("version: 1\nrules:\n" +
		"  - {name: only-k1, kinds: [link], keys: [k1], mode: auto, allow: 'true'}\n" +
		"  - {name: missing-field, kinds: [statement], keys: ['*'], mode: auto, allow: 'request.nothing == 1'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Evaluate(Input{Kind: "link", KeyID: "k1", Now: now}); !d.Allow || d.Rule != "only-k1" {
		t.Errorf("k1: %s", d)
	}
	if d := p.Evaluate(Input{Kind: "link", KeyID: "k2", Now: now}); d.Allow || !strings.Contains(d.String(), "no rule covers") {
		t.Errorf("k2: %s", d)
	}
	if d := p.Evaluate(Input{Kind: "statement", KeyID: "k2", Now: now}); d.Allow || !strings.Contains(d.String(), "policy expression failed") {
		t.Errorf("an expression error must deny with its reason: %s", d)
	}
}

func TestDescribeLayout(t *testing.T) {
	mk := func(steps ...string) *intoto.Layout {
		l := intoto.NewLayout(now.Add(24 * time.Hour))
		for _, s := range steps {
			l.Steps = append(l.Steps, intoto.Step{Type: intoto.TypeStep, Name: s, Threshold: 1})
		}
		return l
	}
	f, err := DescribeLayout(mk("build", "package"), mk("build", "test"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Previous || strings.Join(f.AddedSteps, ",") != "package" || strings.Join(f.RemovedSteps, ",") != "test" {
		t.Errorf("facts = %+v", f)
	}
	if f, _ := DescribeLayout(mk("build"), nil); f.Previous || f.RemovedSteps != nil {
		t.Errorf("first layout: %+v", f)
	}
}

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"owner", "build-functionary", "rebuilder"} {
		if data, err := os.ReadFile(filepath.Join("..", "..", "policies", name, "policy.yaml")); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("version: 1\nrules:\n  - {name: a, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step.size() > 2'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// A loaded policy always decides, and never allows a kind no rule covers.
		d := p.Evaluate(Input{Kind: "nothing", KeyID: "k", Now: now})
		if d.Allow {
			t.Fatalf("a request of an unknown kind was allowed by %q", d.Rule)
		}
	})
}
