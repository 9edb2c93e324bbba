package signeragent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	// Backoff bounds the wait after a failed call (doubling from 100 ms)
	// and between attempts to sign with a key that failed (doubling from
	// 1 s).
	Backoff time.Duration
	// Metrics receives the agent's metrics; nil keeps them unexported.
	Metrics *Metrics
}

// Agent watches the coordinator and answers requests for its keys.
type Agent struct {
	o     Options
	index uint64
	// failed holds (request, key) pairs whose key store failed, to try
	// again after a backoff (see retry.go).
	failed map[pair]*failure
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
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	return &Agent{o: o, failed: map[pair]*failure{}}, nil
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
			a.o.Metrics.coordErrors.Inc()
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
// and answers them, and tries again the keys that failed earlier whose
// backoff has passed. A key store failure does not fail the step: it is
// reported, counted, and retried later; the error is the coordinator's.
func (a *Agent) Step(ctx context.Context) error {
	decided, err := a.decided(ctx)
	if err != nil {
		return err
	}
	reqs, index, err := a.o.Coordinator.WaitRequests(ctx, a.index, a.keyIDs(), a.o.Wait)
	if err != nil {
		return err
	}
	a.o.Metrics.lastPoll.SetToCurrentTime()
	reqs = append(decided, reqs...)
	reqs = append(reqs, a.dueRetries(reqs)...)
	defer a.countPending()
	if len(reqs) == 0 {
		a.index = index
		return nil
	}
	released, err := a.o.Coordinator.ReleasedLayout(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range reqs {
		for _, s := range a.o.Signers {
			if a.waiting(r.ID, s.Key().KeyID) {
				continue
			}
			err := a.handle(ctx, r, s, released)
			switch {
			case errors.Is(err, ErrSigning):
				a.fail(ctx, r, s, err)
			case err != nil:
				// A coordinator error: Run backs off and the next query
				// brings the request back.
				a.o.Logger.ErrorContext(ctx, "request not answered", "request", r.ID, "keyid", s.Key().ShortID(), "err", err)
				delete(a.failed, pair{r.ID, s.Key().KeyID})
				errs = append(errs, err)
			default:
				a.succeeded(r.ID, s.Key().KeyID)
			}
		}
	}
	if len(errs) > 0 {
		// Keep the old index: the next query lists every request still
		// waiting at once, including those not answered now.
		return errors.Join(errs...)
	}
	a.index = index
	return nil
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
	a.o.Metrics.seen.WithLabelValues(r.Kind).Inc()
	p, err := Prepare(r, Context{KeyID: keyID, Now: now, Released: released})
	if err != nil {
		a.o.Metrics.rejected.WithLabelValues("invalid").Inc()
		return a.o.Coordinator.Reject(ctx, r.ID, keyID, err.Error())
	}
	d := a.o.Policy.Evaluate(p.Input)
	log := a.o.Logger.With("request", r.ID, "kind", r.Kind, "keyid", s.Key().ShortID())
	if !d.Allow {
		log.InfoContext(ctx, "policy denies", "why", d.String())
		a.o.Metrics.rejected.WithLabelValues("policy").Inc()
		return a.o.Coordinator.Reject(ctx, r.ID, keyID, "local policy: "+d.String())
	}
	if d.Mode == policy.ModeManual || a.manual(keyID) {
		return a.manualDecision(ctx, r, s, p, d, released)
	}
	log.InfoContext(ctx, "signing", "rule", d.Rule)
	return a.sign(ctx, r, s, p)
}

func (a *Agent) manual(keyID string) bool { return slices.Contains(a.o.ManualKeys, keyID) }

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
			a.o.Metrics.rejected.WithLabelValues("person").Inc()
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
	start := time.Now()
	sig, err := Sign(ctx, a.o.Journal, s, r.ID, p, a.o.Clock())
	if err != nil {
		return err
	}
	if !sig.Reused {
		a.o.Metrics.observeSign(time.Since(start))
	}
	if err := a.o.Coordinator.SubmitSignature(ctx, r.ID, sig); err != nil {
		return err
	}
	if !sig.Reused { // a resubmission is not a new signature
		a.o.Metrics.signed.WithLabelValues(r.Kind).Inc()
	}
	return nil
}
