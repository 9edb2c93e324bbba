package policy

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"cel.dev/cel-go/cel"
	"go.yaml.in/yaml/v3"
)

// Errors of Load and Evaluate.
var (
	// ErrInvalid: the policy file is malformed or a rule is invalid; the
	// message names the rule and the field.
	ErrInvalid = errors.New("invalid signing policy")
	// ErrEval: an expression failed at run time (cost limit, a missing
	// field); the request is denied.
	ErrEval = errors.New("policy expression failed")
)

// Limits.
const (
	// MaxPolicyBytes bounds a policy file.
	MaxPolicyBytes = 256 << 10
	// MaxRules bounds the rules of a policy.
	MaxRules = 256
	// costLimit bounds the work of one expression evaluation.
	costLimit = 1_000_000
)

// Modes of a rule.
const (
	ModeAuto   = "auto"
	ModeManual = "manual"
)

// Kinds of requests.
var kinds = []string{"layout", "link", "statement", "step-collect"}

// Rule is one rule of a policy file.
type Rule struct {
	Name  string   `yaml:"name"`
	Kinds []string `yaml:"kinds"`
	// Keys are the key ids the rule covers; "*" covers all the agent's keys.
	Keys  []string `yaml:"keys"`
	Mode  string   `yaml:"mode"`
	Allow string   `yaml:"allow"`

	prg cel.Program
}

// Policy is a loaded, compiled policy.
type Policy struct {
	Version int    `yaml:"version"`
	Rules   []Rule `yaml:"rules"`
}

// Load parses and compiles a policy file strictly (unknown fields are
// errors).
func Load(data []byte) (*Policy, error) {
	if len(data) > MaxPolicyBytes {
		return nil, fmt.Errorf("%w: the file is %d bytes, more than %d", ErrInvalid, len(data), MaxPolicyBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := p.compile(); err != nil {
		return nil, err
	}
	return &p, nil
}

func (p *Policy) compile() error {
	if p.Version != 1 {
		return fmt.Errorf("%w: version %d: this agent reads version 1", ErrInvalid, p.Version)
	}
	if len(p.Rules) == 0 || len(p.Rules) > MaxRules {
		return fmt.Errorf("%w: a policy needs 1 to %d rules, got %d", ErrInvalid, MaxRules, len(p.Rules))
	}
	env, err := newEnv()
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		if err := r.check(names); err != nil {
			return fmt.Errorf("%w: rule %d (%q): %v", ErrInvalid, i, r.Name, err)
		}
		ast, iss := env.Compile(r.Allow)
		if iss.Err() != nil {
			return fmt.Errorf("%w: rule %q: allow: %v", ErrInvalid, r.Name, iss.Err())
		}
		if ast.OutputType() != cel.BoolType {
			return fmt.Errorf("%w: rule %q: allow must be a boolean expression, not %v", ErrInvalid, r.Name, ast.OutputType())
		}
		if r.prg, err = env.Program(ast, cel.CostLimit(costLimit)); err != nil {
			return fmt.Errorf("%w: rule %q: %v", ErrInvalid, r.Name, err)
		}
	}
	return nil
}

func (r *Rule) check(names map[string]bool) error {
	switch {
	case r.Name == "":
		return errors.New("name is empty")
	case names[r.Name]:
		return errors.New("two rules have this name")
	case len(r.Kinds) == 0:
		return fmt.Errorf("kinds is empty: list some of %v", kinds)
	case len(r.Keys) == 0:
		return errors.New(`keys is empty: list key ids or "*"`)
	case r.Mode != ModeAuto && r.Mode != ModeManual:
		return fmt.Errorf("mode %q: use auto or manual", r.Mode)
	case r.Allow == "":
		return errors.New(`allow is empty: write an expression, or "true"`)
	}
	names[r.Name] = true
	for _, k := range r.Kinds {
		if !slices.Contains(kinds, k) {
			return fmt.Errorf("kind %q: use %v", k, kinds)
		}
	}
	return nil
}

// covers reports whether the rule applies to a request kind and key.
func (r *Rule) covers(kind, keyID string) bool {
	return slices.Contains(r.Kinds, kind) && (slices.Contains(r.Keys, "*") || slices.Contains(r.Keys, keyID))
}

// newEnv declares the variable expressions see.
func newEnv() (*cel.Env, error) {
	env, err := cel.NewEnv(cel.Variable("request", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		return nil, fmt.Errorf("policy: CEL environment: %w", err)
	}
	return env, nil
}
