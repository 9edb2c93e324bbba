package signeragent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/signer-agent/journal"
	"github.com/signet-dev/signet/signer-agent/policy"
)

// Coordinator is what the agent needs from the coordinator's API
// (coordinator/client implements it).
type Coordinator interface {
	// WaitRequests blocks until requests newer than index that keyIDs may
	// sign are pending (or wait passes), and returns them with the new
	// index.
	WaitRequests(ctx context.Context, index uint64, keyIDs []string, wait time.Duration) ([]Request, uint64, error)
	// ReleasedLayout returns the project's last released layout, nil if
	// none.
	ReleasedLayout(ctx context.Context) (*intoto.Layout, error)
	// GetRequest returns one request (for decisions made while it waited).
	GetRequest(ctx context.Context, id string) (Request, error)
	// SubmitSignature and Reject send the agent's answer for one key.
	SubmitSignature(ctx context.Context, requestID string, sig Signature) error
	Reject(ctx context.Context, requestID, keyID, reason string) error
}

// Options configure an Agent.
type Options struct {
	Coordinator Coordinator
	Signers     []keys.Signer
	// ManualKeys are key ids whose requests always wait for a person.
	ManualKeys []string
	Policy     *policy.Policy
	Journal    *journal.Journal
	Approvals  *Approvals
	Logger     *slog.Logger
	Clock      func() time.Time
	Wait       time.Duration
	// Backoff bounds the wait after a failed call (doubling from 100 ms).
	Backoff time.Duration
}

// Agent watches the coordinator and answers requests for its keys.
type Agent struct {
	o     Options
	index uint64
}

// New checks the options and returns an Agent.
func New(o Options) (*Agent, error) {
	switch {
	case o.Coordinator == nil, o.Policy == nil, o.Journal == nil, o.Approvals == nil:
		return nil, errors.New("agent: Coordinator, Policy, Journal and Approvals are required")
	case len(o.Signers) == 0:
		return nil, errors.New("agent: no keys")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Wait == 0 {
		o.Wait = 30 * time.Second
	}
	if o.Backoff == 0 {
		o.Backoff = 30 * time.Second
	}
	return &Agent{o: o}, nil
}

// Run answers requests until ctx ends. Failed calls are retried with
// exponential backoff; the blocking query resumes from the last index.
func (a *Agent) Run(ctx context.Context) error {
	delay := 100 * time.Millisecond
	for ctx.Err() == nil {
		if err := a.Step(ctx); err != nil {
			if ctx.Err() != nil {
				break
			}
			a.o.Logger.WarnContext(ctx, "coordinator call failed; retrying", "err", err, "in", delay)
			select {
			case <-ctx.Done():
			case <-time.After(delay):
			}
			delay = min(delay*2, a.o.Backoff)
			continue
		}
		delay = 100 * time.Millisecond
	}
	return ctx.Err()
}

// Step acts on the decisions people made, then waits for requests once
// and answers them.
func (a *Agent) Step(ctx context.Context) error {
	decided, err := a.decided(ctx)
	if err != nil {
		return err
	}
	reqs, index, err := a.o.Coordinator.WaitRequests(ctx, a.index, a.keyIDs(), a.o.Wait)
	if err != nil {
		return err
	}
	a.index = index
	reqs = append(decided, reqs...)
	if len(reqs) == 0 {
		return nil
	}
	released, err := a.o.Coordinator.ReleasedLayout(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range reqs {
		for _, s := range a.o.Signers {
			if err := a.handle(ctx, r, s, released); err != nil {
				// One key's device error must not stop the others.
				a.o.Logger.ErrorContext(ctx, "request not answered", "request", r.ID, "keyid", s.Key().ShortID(), "err", err)
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// decided returns the requests a person decided on since they were listed
// as pending.
func (a *Agent) decided(ctx context.Context) ([]Request, error) {
	pending, err := a.o.Approvals.List()
	if err != nil {
		return nil, err
	}
	var out []Request
	seen := map[string]bool{}
	for _, p := range pending {
		if _, ok, _ := a.o.Approvals.Verdict(p.RequestID, p.KeyID); !ok || seen[p.RequestID] {
			continue
		}
		r, err := a.o.Coordinator.GetRequest(ctx, p.RequestID)
		if err != nil {
			return nil, err
		}
		seen[p.RequestID] = true
		out = append(out, r)
	}
	return out, nil
}

func (a *Agent) keyIDs() []string {
	out := make([]string, len(a.o.Signers))
	for i, s := range a.o.Signers {
		out[i] = s.Key().KeyID
	}
	return out
}

// handle answers one request for one key: prepare, decide, and sign,
// reject or wait for a person.
func (a *Agent) handle(ctx context.Context, r Request, s keys.Signer, released *intoto.Layout) error {
	keyID, now := s.Key().KeyID, a.o.Clock()
	p, err := Prepare(r, Context{KeyID: keyID, Now: now, Released: released})
	if err != nil {
		return a.o.Coordinator.Reject(ctx, r.ID, keyID, err.Error())
	}
	d := a.o.Policy.Evaluate(p.Input)
	log := a.o.Logger.With("request", r.ID, "kind", r.Kind, "keyid", s.Key().ShortID())
	if !d.Allow {
		log.InfoContext(ctx, "policy denies", "why", d.String())
		return a.o.Coordinator.Reject(ctx, r.ID, keyID, "local policy: "+d.String())
	}
	if d.Mode == policy.ModeManual || a.manual(keyID) {
		return a.manualDecision(ctx, r, s, p, d, released)
	}
	log.InfoContext(ctx, "signing", "rule", d.Rule)
	return a.sign(ctx, r, s, p)
}

func (a *Agent) manual(keyID string) bool {
	for _, k := range a.o.ManualKeys {
		if k == keyID {
			return true
		}
	}
	return false
}

// manualDecision signs or rejects if a person decided on exactly this
// payload, and otherwise lists the request as pending.
func (a *Agent) manualDecision(ctx context.Context, r Request, s keys.Signer, p *Prepared, d policy.Decision, released *intoto.Layout) error {
	keyID := s.Key().KeyID
	v, ok, err := a.o.Approvals.Verdict(r.ID, keyID)
	if err != nil {
		return err
	}
	if ok && v.Digest == p.Digest {
		defer a.o.Approvals.Done(r.ID, keyID)
		if !v.Approve {
			return a.o.Coordinator.Reject(ctx, r.ID, keyID, fmt.Sprintf("rejected by %s: %s", v.By, v.Reason))
		}
		return a.sign(ctx, r, s, p)
	}
	var desc strings.Builder
	if err := Describe(&desc, r, p, released); err != nil {
		return err
	}
	return a.o.Approvals.Add(Pending{RequestID: r.ID, KeyID: keyID, Kind: r.Kind, Digest: p.Digest, Rule: d.Rule,
		Since: a.o.Clock().UTC(), Description: desc.String()})
}

func (a *Agent) sign(ctx context.Context, r Request, s keys.Signer, p *Prepared) error {
	sig, err := Sign(ctx, a.o.Journal, s, r.ID, p, a.o.Clock())
	if err != nil {
		return err
	}
	return a.o.Coordinator.SubmitSignature(ctx, r.ID, sig)
}
