package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
)

// stepCollect is the payload of a step-collect request.
type stepCollect struct {
	Step string `json:"step"`
}

// factsFunc computes what a policy condition sees of a payload (see
// checkCondition); it runs only for policies that have a condition.
type factsFunc func() (map[string]any, error)

// checkPayload validates a request's payload for its kind and the policy's
// constraints, and returns its facts for a policy condition. Errors wrap
// ErrInvalid or ErrConstraint.
func checkPayload(kind Kind, payloadType string, payload []byte, p *Policy) (factsFunc, error) {
	if len(payload) == 0 || len(payload) > MaxPayloadSize {
		return nil, fmt.Errorf("%w: payload must be 1 to %d bytes", ErrInvalid, MaxPayloadSize)
	}
	want := dsse.PayloadTypeInToto
	if kind == KindStepCollect {
		want = PayloadTypeStepCollect
	}
	if payloadType != want {
		return nil, fmt.Errorf("%w: payload_type %q: a %s request needs %q", ErrInvalid, payloadType, kind, want)
	}
	return checkKindPayload(kind, payload, p)
}

func checkKindPayload(kind Kind, payload []byte, p *Policy) (factsFunc, error) {
	switch kind {
	case KindLayout:
		l, err := intoto.DecodeLayout(payload)
		if err != nil {
			return nil, fmt.Errorf("%w: payload is not a valid layout: %w", ErrInvalid, err)
		}
		return func() (map[string]any, error) { return layoutFacts(l), nil }, checkCanonical(payload)
	case KindLink:
		l, err := intoto.DecodeLink(payload)
		if err != nil {
			return nil, fmt.Errorf("%w: payload is not a valid link: %w", ErrInvalid, err)
		}
		if err := checkLinkConstraints(l, p); err != nil {
			return nil, err
		}
		return func() (map[string]any, error) { return linkFacts(l), nil }, checkCanonical(payload)
	case KindStatement:
		st, err := intoto.DecodeStatement(payload)
		if err != nil {
			return nil, fmt.Errorf("%w: payload is not a valid in-toto statement: %w", ErrInvalid, err)
		}
		return func() (map[string]any, error) { return statementFacts(st) }, nil
	case KindStepCollect:
		sc, err := decodeStepCollect(payload)
		if err != nil {
			return nil, err
		}
		if p.StepName != "" && sc.Step != p.StepName {
			return nil, fmt.Errorf("%w: step %q: policy %s allows only step %q", ErrConstraint, sc.Step, p.Name, p.StepName)
		}
		return func() (map[string]any, error) { return map[string]any{"step": sc.Step}, nil }, nil
	}
	return nil, fmt.Errorf("%w: kind %q: want layout, link, statement or step-collect", ErrInvalid, kind)
}

func checkCanonical(payload []byte) error {
	if _, err := cjson.Canonicalize(payload); err != nil {
		return fmt.Errorf("%w: payload has no canonical JSON form: %w", ErrInvalid, err)
	}
	return nil
}

func checkLinkConstraints(l *intoto.Link, p *Policy) error {
	if p.StepName != "" && l.Name != p.StepName {
		return fmt.Errorf("%w: link name %q: policy %s allows only step %q", ErrConstraint, l.Name, p.Name, p.StepName)
	}
	if len(p.ExpectedCommand) > 0 && !slices.Equal(l.Command, p.ExpectedCommand) {
		return fmt.Errorf("%w: link command %q: policy %s expects %q", ErrConstraint, l.Command, p.Name, p.ExpectedCommand)
	}
	return nil
}

func decodeStepCollect(payload []byte) (stepCollect, error) {
	var sc stepCollect
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return sc, fmt.Errorf(`%w: step-collect payload must be {"step": "<name>"}: %v`, ErrInvalid, err)
	}
	if dec.More() {
		return sc, fmt.Errorf("%w: step-collect payload has data after the object", ErrInvalid)
	}
	if err := intoto.ValidateName(sc.Step); err != nil {
		return sc, fmt.Errorf("%w: step-collect payload: %w", ErrInvalid, err)
	}
	return sc, nil
}

// signedBytes returns the messages a signer signs for r: DSSE PAE of the
// payload, and for layouts and links the canonical JSON of the payload.
func signedBytes(r *Request) (pae, canonical []byte, err error) {
	pae = dsse.PAE(r.PayloadType, r.Payload)
	if r.Kind == KindLayout || r.Kind == KindLink {
		canonical, err = cjson.Canonicalize(r.Payload)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: request %s: canonical JSON: %w", ErrInvalid, r.ID, err)
		}
	}
	return pae, canonical, nil
}
