package state

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Node limits.
const (
	MaxNodeIDLen   = 63
	MaxAPIAddrLen  = 256
	actionNodeAddr = "node.api-addr"
)

// NodeInfo is what the cluster knows about one coordinator node: the API
// base URL it announced the last time it became leader. Followers forward
// writes to the leader's APIAddr.
type NodeInfo struct {
	ID      string    `json:"id"`
	APIAddr string    `json:"api_addr"`
	Since   time.Time `json:"since"`
}

// RegisterNode records a node's API address. A node applies it for
// itself on becoming leader; the same address again is a no-op, so the
// log grows only when an address changes.
type RegisterNode struct {
	Stamp
	ID      string `json:"id"`
	APIAddr string `json:"api_addr"`
}

// CheckNodeID checks a coordinator node id: 1 to 63 letters, digits, '.',
// '-' or '_'.
func CheckNodeID(id string) error {
	if id == "" || len(id) > MaxNodeIDLen {
		return fmt.Errorf("%w: node id %q must be 1 to %d characters", ErrInvalid, id, MaxNodeIDLen)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return fmt.Errorf("%w: node id %q: only letters, digits, '.', '-' and '_' are allowed", ErrInvalid, id)
		}
	}
	return nil
}

// CheckAPIAddr checks a node's API base URL: https:// (or http://) and a
// host:port, nothing else.
func CheckAPIAddr(addr string) error {
	if addr == "" || len(addr) > MaxAPIAddrLen {
		return fmt.Errorf("%w: API address %q must be 1 to %d characters", ErrInvalid, addr, MaxAPIAddrLen)
	}
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Port() == "" ||
		u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%w: API address %q: want https://host:port", ErrInvalid, addr)
	}
	return nil
}

func (s *State) registerNode(o *RegisterNode) (Result, error) {
	if err := CheckNodeID(o.ID); err != nil {
		return Result{}, err
	}
	if err := CheckAPIAddr(o.APIAddr); err != nil {
		return Result{}, err
	}
	if old, ok := s.Nodes[o.ID]; ok && old.APIAddr == o.APIAddr {
		return Result{Subject: o.ID}, nil
	}
	if s.Nodes == nil {
		s.Nodes = map[string]*NodeInfo{}
	}
	s.Nodes[o.ID] = &NodeInfo{ID: o.ID, APIAddr: o.APIAddr, Since: o.At.UTC()}
	s.record(o.Stamp, actionNodeAddr, o.ID, "", o.APIAddr)
	return Result{Changed: true, Subject: o.ID}, nil
}

// NodeAPIAddr returns the API address node id announced, "" if none.
func (s *State) NodeAPIAddr(id string) string {
	if n, ok := s.Nodes[id]; ok {
		return n.APIAddr
	}
	return ""
}
