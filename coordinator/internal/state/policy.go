package state

import (
	"encoding/json"
	"fmt"
	"slices"
)

func (s *State) applyPolicy(o *ApplyPolicy) (Result, error) {
	p := clonePolicy(o.Policy)
	if err := s.checkPolicy(&p); err != nil {
		return Result{}, err
	}
	old, ok := s.Policies[p.Name]
	if ok {
		p.Version = old.Version
		if samePolicy(*old, p) {
			return Result{Subject: p.Name}, nil
		}
	}
	p.Version++
	s.Policies[p.Name] = &p
	b, _ := json.Marshal(p) // a Policy always marshals
	s.record(o.Stamp, "policy.apply", p.Name, digestOf(b), fmt.Sprintf("version=%d threshold=%d", p.Version, p.Threshold))
	return Result{Changed: true, Subject: p.Name}, nil
}

func samePolicy(a, b Policy) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// checkPolicy validates a policy, naming the field that is wrong.
func (s *State) checkPolicy(p *Policy) error {
	if err := checkID("policy name", p.Name); err != nil {
		return err
	}
	if p.Version != 0 {
		return fmt.Errorf("%w: policy %s: version is assigned by the coordinator; leave it 0", ErrInvalid, p.Name)
	}
	if err := checkKinds(p); err != nil {
		return err
	}
	if err := s.checkPolicyKeys(p); err != nil {
		return err
	}
	if len(p.Requesters) == 0 || len(p.Requesters) > MaxRequesters {
		return fmt.Errorf("%w: policy %s: requesters must list 1 to %d identities", ErrInvalid, p.Name, MaxRequesters)
	}
	for _, r := range p.Requesters {
		if err := checkIdentity("policy "+p.Name+" requester", r); err != nil {
			return err
		}
	}
	if p.RequestTTL <= 0 || p.RequestTTL > MaxRequestTTL {
		return fmt.Errorf("%w: policy %s: request_ttl must be above 0 and at most %s", ErrInvalid, p.Name, MaxRequestTTL)
	}
	if p.StepName != "" {
		if err := checkID("policy "+p.Name+" step_name", p.StepName); err != nil {
			return err
		}
	}
	if len(p.ExpectedCommand) > MaxCommandWords {
		return fmt.Errorf("%w: policy %s: expected_command has more than %d words", ErrInvalid, p.Name, MaxCommandWords)
	}
	if p.Condition != "" {
		if _, err := s.condition(p.Condition); err != nil {
			return fmt.Errorf("policy %s: %w", p.Name, err)
		}
	}
	return nil
}

func checkKinds(p *Policy) error {
	if len(p.Kinds) == 0 {
		return fmt.Errorf("%w: policy %s: kinds must list at least one of layout, link, statement, step-collect", ErrInvalid, p.Name)
	}
	for i, k := range p.Kinds {
		switch k {
		case KindLayout, KindLink, KindStatement, KindStepCollect:
		default:
			return fmt.Errorf("%w: policy %s: kind %q: want layout, link, statement or step-collect", ErrInvalid, p.Name, k)
		}
		if slices.Contains(p.Kinds[:i], k) {
			return fmt.Errorf("%w: policy %s: kind %q listed twice", ErrInvalid, p.Name, k)
		}
	}
	return nil
}

func (s *State) checkPolicyKeys(p *Policy) error {
	if len(p.Keys) == 0 || len(p.Keys) > MaxPolicyKeys {
		return fmt.Errorf("%w: policy %s: keys must list 1 to %d key ids", ErrInvalid, p.Name, MaxPolicyKeys)
	}
	for i, id := range p.Keys {
		k, ok := s.Keys[id]
		if !ok {
			return fmt.Errorf("%w: policy %s lists key %q, which is not enrolled", ErrUnknownKey, p.Name, id)
		}
		if k.Status == KeyRevoked {
			return fmt.Errorf("%w: policy %s lists revoked key %s", ErrKeyRevoked, p.Name, id)
		}
		if slices.Contains(p.Keys[:i], id) {
			return fmt.Errorf("%w: policy %s lists key %s twice", ErrInvalid, p.Name, id)
		}
	}
	if p.Threshold < 1 || p.Threshold > len(p.Keys) {
		return fmt.Errorf("%w: policy %s: threshold %d must be between 1 and the number of keys (%d)", ErrInvalid, p.Name, p.Threshold, len(p.Keys))
	}
	return nil
}
