package signeragent

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/signer-agent/journal"
	"github.com/signet-dev/signet/signer-agent/policy"
)

// ErrPayload: a request's payload is not what its kind says, or not
// valid in-toto metadata; the agent refuses to sign it.
var ErrPayload = errors.New("request payload refused")

// Request is a signing request as the coordinator describes it. Only
// Payload and PayloadType are signed; everything the policy decides on is
// recomputed from them.
type Request struct {
	ID, Kind, Requester, PayloadType string
	Payload                          []byte
}

// Context is what the agent knows besides the request.
type Context struct {
	KeyID string
	Now   time.Time
	// Released is the last released layout of the project (nil if none):
	// the expected commands of steps and the baseline for layout diffs.
	Released *intoto.Layout
}

// Prepared is what the agent would sign for a request, and the facts its
// policy decides on.
type Prepared struct {
	Input policy.Input
	// PAE is DSSE PAE(payload_type, payload), signed for every kind.
	PAE []byte
	// Canonical is the canonical JSON of a layout or link payload, which
	// legacy metablock signatures cover; nil for other kinds.
	Canonical []byte
	// Digest identifies the exact bytes for the journal.
	Digest string
}

// Prepare decodes and checks the payload strictly and computes the bytes
// to sign and the policy input from it.
func Prepare(r Request, c Context) (*Prepared, error) {
	if r.PayloadType != dsse.PayloadTypeInToto {
		return nil, fmt.Errorf("%w: payload type %q: the agent signs in-toto payloads (%s) only", ErrPayload, clip(r.PayloadType), dsse.PayloadTypeInToto)
	}
	p := &Prepared{Input: policy.Input{Kind: r.Kind, ID: r.ID, Requester: r.Requester, KeyID: c.KeyID, Now: c.Now},
		PAE: dsse.PAE(r.PayloadType, r.Payload)}
	p.Digest = journal.Digest(p.PAE)
	var err error
	switch r.Kind {
	case "layout":
		err = p.layout(r.Payload, c)
	case "link":
		err = p.link(r.Payload, c)
	case "statement":
		err = p.statement(r.Payload)
	default:
		err = fmt.Errorf("%w: request kind %q is not one the agent signs payloads for", ErrPayload, clip(r.Kind))
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Prepared) layout(payload []byte, c Context) error {
	lay, err := intoto.DecodeLayout(payload)
	if err != nil {
		return fmt.Errorf("%w: not a valid layout: %w", ErrPayload, err)
	}
	if p.Input.Layout, err = policy.DescribeLayout(lay, c.Released); err != nil {
		return fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return p.canonical(payload)
}

func (p *Prepared) link(payload []byte, c Context) error {
	l, err := intoto.DecodeLink(payload)
	if err != nil {
		return fmt.Errorf("%w: not a valid link: %w", ErrPayload, err)
	}
	p.Input.Step, p.Input.Command = l.Name, l.Command
	p.Input.Materials, p.Input.Products = paths(l.Materials), paths(l.Products)
	if c.Released != nil {
		if s := c.Released.StepByName(l.Name); s != nil {
			p.Input.ExpectedCommand = s.ExpectedCommand
		}
	}
	return p.canonical(payload)
}

func (p *Prepared) statement(payload []byte) error {
	st, err := intoto.DecodeStatement(payload)
	if err != nil {
		return fmt.Errorf("%w: not a valid in-toto Statement: %w", ErrPayload, err)
	}
	f := &policy.StatementFacts{PredicateType: st.PredicateType}
	for _, s := range st.Subject {
		f.Subjects = append(f.Subjects, s.Name)
	}
	p.Input.Statement = f
	return nil
}

func (p *Prepared) canonical(payload []byte) error {
	c, err := cjson.Canonicalize(payload)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPayload, err)
	}
	p.Canonical = c
	return nil
}

func paths(m intoto.ArtifactMap) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
