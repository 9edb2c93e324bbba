package node

import (
	"context"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// expireLoop runs on every node and acts only while it leads: every
// ExpireInterval, if some pending request's time to live has passed on
// the leader's clock, it applies state.Expire stamped with that time, so
// that every node expires the same requests at the same log position.
func (n *Node) expireLoop(ctx context.Context) {
	defer n.loops.Done()
	t := time.NewTicker(n.cfg.ExpireInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !n.IsLeader() {
			continue
		}
		now := n.cfg.Now().UTC()
		if !n.anyDue(now) {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, n.cfg.ApplyTimeout)
		resp, err := n.Apply(actx, &state.Expire{Stamp: state.Stamp{At: now, Actor: ExpireActor}})
		cancel()
		switch {
		case err != nil:
			n.cfg.Logger.Warn("expiring requests failed; will retry", "error", err)
		case resp.Err != nil:
			n.cfg.Logger.Warn("expiring requests refused", "error", resp.Err)
		default:
			n.cfg.Logger.Info("expired requests", "count", resp.Result.Count)
		}
	}
}

// anyDue reports whether a pending request's time to live has passed at
// now, so that an idle cluster does not grow its log.
func (n *Node) anyDue(now time.Time) bool {
	due := false
	n.fsm.Read(func(st *state.State, _ uint64) {
		for _, r := range st.Requests {
			if r.Phase == state.PhasePending && !now.Before(r.Expires) {
				due = true
				return
			}
		}
	})
	return due
}
