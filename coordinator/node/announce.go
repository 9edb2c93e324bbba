package node

import (
	"context"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

// announceInterval is how often a leader checks that the replicated
// state holds its own API address. The check is a read; it writes only
// when the address is missing or changed.
const announceInterval = 200 * time.Millisecond

// announceLoop makes a node that leads record its API address
// (Config.APIAddr) in the replicated state, so that followers know where
// to forward writes (APIAddrOf). It runs only when APIAddr is set.
func (n *Node) announceLoop(ctx context.Context) {
	defer n.loops.Done()
	t := time.NewTicker(announceInterval)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !n.IsLeader() || n.APIAddrOf(n.cfg.NodeID) == n.cfg.APIAddr {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, n.cfg.ApplyTimeout)
		resp, err := n.Apply(actx, &state.RegisterNode{Stamp: state.Stamp{At: n.cfg.Now().UTC(), Actor: n.cfg.NodeID},
			ID: n.cfg.NodeID, APIAddr: n.cfg.APIAddr})
		cancel()
		if err == nil && resp.Err != nil {
			err = resp.Err
		}
		switch {
		case err != nil && !warned:
			n.cfg.Logger.Warn("recording this node's API address failed; will retry", "error", err)
			warned = true
		case err == nil:
			n.cfg.Logger.Info("recorded this node's API address", "api_addr", n.cfg.APIAddr)
			warned = false
		}
	}
}

// APIAddrOf returns the API address node id last announced as leader,
// "" when it never did.
func (n *Node) APIAddrOf(id string) string {
	var addr string
	n.fsm.Read(func(st *state.State, _ uint64) { addr = st.NodeAPIAddr(id) })
	return addr
}
