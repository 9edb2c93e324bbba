package policy

import (
	"fmt"
	"strings"
	"time"
)

// Input is the request as the agent checked it. Expressions see it as the
// map `request` with these members:
//
//	kind             string: layout, link, statement, step-collect
//	id               string: the request id
//	requester        string: who asked for the signature
//	key_id           string: the agent's key asked to sign
//	now              timestamp: the agent's clock
//	step             string: the step (link, step-collect)
//	command          list(string): the command the link records
//	expected_command list(string): the layout's expected command for the step ([] if unknown)
//	materials        list(string): artifact paths the link records
//	products         list(string)
//	layout           map: expires (timestamp), expires_in_days (int), steps, keys,
//	                      previous (bool: a released layout exists),
//	                      added_steps, removed_steps, added_keys, removed_keys (lists)
//	statement        map: predicate_type (string), subjects (list(string))
type Input struct {
	Kind, ID, Requester, KeyID string
	Now                        time.Time
	Step                       string
	Command, ExpectedCommand   []string
	Materials, Products        []string
	Layout                     *LayoutFacts
	Statement                  *StatementFacts
}

// StatementFacts describe an in-toto attestation Statement.
type StatementFacts struct {
	PredicateType string
	Subjects      []string
}

// values is the CEL form of the input.
func (in Input) values() map[string]any {
	list := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	m := map[string]any{
		"kind": in.Kind, "id": in.ID, "requester": in.Requester, "key_id": in.KeyID, "now": in.Now,
		"step": in.Step, "command": list(in.Command), "expected_command": list(in.ExpectedCommand),
		"materials": list(in.Materials), "products": list(in.Products),
		"layout": map[string]any{}, "statement": map[string]any{},
	}
	if l := in.Layout; l != nil {
		m["layout"] = map[string]any{
			"expires": l.Expires, "expires_in_days": int64(l.Expires.Sub(in.Now).Hours() / 24),
			"steps": list(l.Steps), "keys": list(l.Keys), "previous": l.Previous,
			"added_steps": list(l.AddedSteps), "removed_steps": list(l.RemovedSteps),
			"added_keys": list(l.AddedKeys), "removed_keys": list(l.RemovedKeys),
		}
	}
	if s := in.Statement; s != nil {
		m["statement"] = map[string]any{"predicate_type": s.PredicateType, "subjects": list(s.Subjects)}
	}
	return m
}

// Decision is what the policy says about one request and key.
type Decision struct {
	Allow bool
	// Mode is the allowing rule's mode: auto signs, manual waits for a
	// person.
	Mode string
	// Rule is the allowing rule's name, "" when denied.
	Rule string
	// Reasons say, when denied, why each covering rule did not allow.
	Reasons []string
}

// String says the decision in one line.
func (d Decision) String() string {
	if d.Allow {
		return fmt.Sprintf("allowed by rule %q (%s)", d.Rule, d.Mode)
	}
	if len(d.Reasons) == 0 {
		return "denied: no rule covers this kind of request and key"
	}
	return "denied: " + strings.Join(d.Reasons, "; ")
}

// Evaluate decides on in. Expression errors deny (and are in Reasons).
func (p *Policy) Evaluate(in Input) Decision {
	vars := map[string]any{"request": in.values()}
	var reasons []string
	for i := range p.Rules {
		r := &p.Rules[i]
		if !r.covers(in.Kind, in.KeyID) {
			continue
		}
		out, _, err := r.prg.Eval(vars)
		if err != nil {
			reasons = append(reasons, fmt.Sprintf("rule %q: %v: %v", r.Name, ErrEval, err))
			continue
		}
		if ok, isBool := out.Value().(bool); isBool && ok {
			return Decision{Allow: true, Mode: r.Mode, Rule: r.Name}
		}
		reasons = append(reasons, fmt.Sprintf("rule %q: allow is false", r.Name))
	}
	return Decision{Reasons: reasons}
}
