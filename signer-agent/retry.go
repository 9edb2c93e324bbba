package signeragent

import (
	"context"
	"time"

	"github.com/signet-dev/signet/pkg/keys"
)

// pair is one request and one of the agent's keys.
type pair struct{ requestID, keyID string }

// failure is a (request, key) whose key store failed: when to try again
// and the error last reported.
type failure struct {
	req   Request
	next  time.Time
	delay time.Duration
	msg   string
}

// firstRetry is the first wait after a key store failure; it doubles up
// to Options.Backoff.
const firstRetry = time.Second

// fail records a key store failure for r and s, reports it (once per
// distinct error, so a flapping device does not flood the log) and
// schedules the next attempt.
func (a *Agent) fail(ctx context.Context, r Request, s keys.Signer, err error) {
	a.o.Metrics.KeyError(err)
	k := pair{r.ID, s.Key().KeyID}
	f := a.failed[k]
	if f == nil {
		f = &failure{delay: firstRetry}
		a.failed[k] = f
	} else {
		f.delay = min(2*f.delay, max(a.o.Backoff, firstRetry))
	}
	f.req, f.next = r, a.o.Clock().Add(f.delay)
	if msg := err.Error(); msg != f.msg {
		f.msg = msg
		a.o.Logger.ErrorContext(ctx, "the key store could not sign; will try again", "request", r.ID, "keyid", s.Key().ShortID(),
			"class", ErrorClass(err), "err", err, "what_to_do", advice(err), "retry_in", f.delay.String())
	}
}

func (a *Agent) succeeded(requestID, keyID string) {
	k := pair{requestID, keyID}
	if f := a.failed[k]; f != nil {
		a.o.Logger.Info("the key store signs again", "request", requestID, "keyid", keyID[:min(8, len(keyID))])
		delete(a.failed, k)
	}
}

// waiting reports whether the pair failed and its backoff has not passed.
func (a *Agent) waiting(requestID, keyID string) bool {
	f := a.failed[pair{requestID, keyID}]
	return f != nil && a.o.Clock().Before(f.next)
}

// dueRetries returns the requests with a failed key whose backoff has
// passed, except those already in reqs.
func (a *Agent) dueRetries(reqs []Request) []Request {
	have := map[string]bool{}
	for _, r := range reqs {
		have[r.ID] = true
	}
	var out []Request
	now := a.o.Clock()
	for k, f := range a.failed {
		if !have[k.requestID] && !now.Before(f.next) {
			have[k.requestID] = true
			out = append(out, f.req)
		}
	}
	return out
}

// countPending updates the pending-approvals gauge.
func (a *Agent) countPending() {
	if list, err := a.o.Approvals.List(); err == nil {
		a.o.Metrics.pending.Set(float64(len(list)))
	}
}
