package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/signet-dev/signet/pkg/intoto"
)

// A policy's condition is a CEL expression over the request that must be
// true for the request to be created (on top of step_name and
// expected_command). It is compiled and type-checked when the policy is
// applied, and evaluated in Apply on every node with a cost limit, so it
// is deterministic (its only clock is the command's stamp) and bounded.
// The variable `request` is a map with these members, always present:
//
//	kind         string: layout, link, statement, step-collect
//	id           string: the request id
//	requester    string: the identity that asked
//	policy       string: the policy's name
//	now          timestamp: when the leader stamped the request
//	step         string: a link's name, a step-collect request's step ("" otherwise)
//	command      list(string): a link's command
//	materials    list(string): a link's material paths, sorted
//	products     list(string): a link's product paths, sorted
//	layout       map: expires (timestamp), steps, inspections, keys (lists of names and key ids), readme
//	statement    map: predicate_type (string), subjects (list of names), predicate (the JSON predicate)
//
// For example: request.step == "build" && request.products.all(p, p.startsWith("dist/")).

const (
	// MaxConditionSize bounds a condition's source text.
	MaxConditionSize = 4096
	// conditionCostLimit bounds one evaluation (CEL cost units: about one
	// per operation and list element visited).
	conditionCostLimit = 1_000_000
	// maxCachedConditions bounds the compiled programs kept.
	maxCachedConditions = 1024
)

// condCache keeps compiled conditions by source text. It is not part of
// the replicated state: every node compiles what it applies.
type condCache struct {
	env  *cel.Env
	prgs map[string]cel.Program
}

func newCondCache() (*condCache, error) {
	env, err := cel.NewEnv(cel.Variable("request", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	return &condCache{env: env, prgs: map[string]cel.Program{}}, nil
}

// condition compiles (or finds) the condition src. Errors wrap ErrInvalid
// and say where the expression is wrong.
func (s *State) condition(src string) (cel.Program, error) {
	if s.conds == nil {
		c, err := newCondCache()
		if err != nil {
			return nil, err
		}
		s.conds = c
	}
	if prg, ok := s.conds.prgs[src]; ok {
		return prg, nil
	}
	if len(src) > MaxConditionSize {
		return nil, fmt.Errorf("%w: condition is %d bytes, more than %d", ErrInvalid, len(src), MaxConditionSize)
	}
	ast, iss := s.conds.env.Compile(src)
	if iss.Err() != nil {
		return nil, fmt.Errorf("%w: condition: %v", ErrInvalid, iss.Err())
	}
	if ast.OutputType() != cel.BoolType {
		return nil, fmt.Errorf("%w: condition must be a boolean expression, not %v", ErrInvalid, ast.OutputType())
	}
	prg, err := s.conds.env.Program(ast, cel.CostLimit(conditionCostLimit))
	if err != nil {
		return nil, fmt.Errorf("%w: condition: %v", ErrInvalid, err)
	}
	if len(s.conds.prgs) >= maxCachedConditions {
		clear(s.conds.prgs)
	}
	s.conds.prgs[src] = prg
	return prg, nil
}

// checkCondition evaluates p's condition for a request being created.
// A false condition, or one that fails (a missing map key, the cost
// limit), refuses the request with ErrConstraint.
func (s *State) checkCondition(p *Policy, o *CreateRequest, factsOf factsFunc) error {
	if p.Condition == "" {
		return nil
	}
	prg, err := s.condition(p.Condition)
	if err != nil {
		return fmt.Errorf("policy %s: %w", p.Name, err)
	}
	facts, err := factsOf()
	if err != nil {
		return fmt.Errorf("policy %s: condition: %w", p.Name, err)
	}
	in := map[string]any{
		"kind": string(o.Kind), "id": o.ID, "requester": o.Actor, "policy": p.Name, "now": o.At.UTC(),
		"step": "", "command": []string{}, "materials": []string{}, "products": []string{},
		"layout": map[string]any{}, "statement": map[string]any{},
	}
	maps.Copy(in, facts)
	out, _, err := prg.Eval(map[string]any{"request": in})
	if err != nil {
		return fmt.Errorf("%w: policy %s: the condition could not be evaluated for this request: %v", ErrConstraint, p.Name, err)
	}
	if ok, isBool := out.Value().(bool); !isBool || !ok {
		return fmt.Errorf("%w: policy %s: the condition is false for this request: %s", ErrConstraint, p.Name, p.Condition)
	}
	return nil
}

// linkFacts, layoutFacts and statementFacts are the payload's members of
// the condition's `request`.
func linkFacts(l *intoto.Link) map[string]any {
	return map[string]any{
		"step": l.Name, "command": nonNil(l.Command),
		"materials": slices.Sorted(maps.Keys(l.Materials)), "products": slices.Sorted(maps.Keys(l.Products)),
	}
}

func layoutFacts(l *intoto.Layout) map[string]any {
	steps := make([]string, 0, len(l.Steps))
	for _, st := range l.Steps {
		steps = append(steps, st.Name)
	}
	insp := make([]string, 0, len(l.Inspect))
	for _, in := range l.Inspect {
		insp = append(insp, in.Name)
	}
	expires, err := time.Parse(time.RFC3339, l.Expires)
	if err != nil {
		expires = time.Time{} // DecodeLayout checked it; the zero time is never reached
	}
	return map[string]any{"layout": map[string]any{
		"expires": expires.UTC(), "steps": steps, "inspections": insp,
		"keys": slices.Sorted(maps.Keys(l.Keys)), "readme": l.Readme,
	}}
}

func statementFacts(st *intoto.Statement) (map[string]any, error) {
	subjects := make([]string, 0, len(st.Subject))
	for _, sub := range st.Subject {
		subjects = append(subjects, sub.Name)
	}
	var pred any = map[string]any{}
	if len(st.Predicate) > 0 {
		if err := json.Unmarshal(st.Predicate, &pred); err != nil {
			return nil, errors.Join(ErrInvalid, fmt.Errorf("predicate: %w", err))
		}
	}
	return map[string]any{"statement": map[string]any{
		"predicate_type": st.PredicateType, "subjects": subjects, "predicate": pred,
	}}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
