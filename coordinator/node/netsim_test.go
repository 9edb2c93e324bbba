package node

import (
	"io"
	"net"
	"sync"
	"testing"
)

// netsim puts a TCP proxy in front of every node's raft listener. Each
// node dials its peers from its own loopback address (Config.DialSource),
// so a proxy knows which node a connection comes from and can cut any
// link between two nodes, in both directions, without touching the
// processes. TLS passes through the proxies untouched.
type netsim struct {
	mu      sync.Mutex
	nodeOf  map[string]string // source IP -> node id
	blocked map[[2]string]bool
	conns   map[[2]string][]net.Conn
	lns     []net.Listener
}

func newNetsim() *netsim {
	return &netsim{nodeOf: map[string]string{}, blocked: map[[2]string]bool{}, conns: map[[2]string][]net.Conn{}}
}

// link is an unordered pair of node ids.
func link(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// addNode registers node id dialling from source and returns the address
// of a proxy that forwards to target, to be the node's advertised
// address.
func (ns *netsim) addNode(t *testing.T, id, source, target string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ns.mu.Lock()
	ns.nodeOf[source] = id
	ns.lns = append(ns.lns, ln)
	ns.mu.Unlock()
	t.Cleanup(func() { ln.Close() })
	go ns.serve(ln, id, target)
	return ln.Addr().String()
}

func (ns *netsim) serve(ln net.Listener, dst, target string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go ns.forward(c, dst, target)
	}
}

func (ns *netsim) forward(c net.Conn, dst, target string) {
	host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
	ns.mu.Lock()
	src, known := ns.nodeOf[host]
	l := link(src, dst)
	if !known || ns.blocked[l] {
		ns.mu.Unlock()
		c.Close()
		return
	}
	ns.mu.Unlock()
	up, err := net.Dial("tcp", target)
	if err != nil {
		c.Close()
		return
	}
	ns.mu.Lock()
	if ns.blocked[l] { // cut while dialling
		ns.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	ns.conns[l] = append(ns.conns[l], c, up)
	ns.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

// isolate cuts every link between id and the other nodes.
func (ns *netsim) isolate(id string, others ...string) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	for _, o := range others {
		if o == id {
			continue
		}
		l := link(id, o)
		ns.blocked[l] = true
		for _, c := range ns.conns[l] {
			c.Close()
		}
		delete(ns.conns, l)
	}
}

// heal restores every link.
func (ns *netsim) heal() {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	clear(ns.blocked)
}
