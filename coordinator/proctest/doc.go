// Package proctest starts coordinator clusters of real `signet
// coordinator` processes on 127.0.0.1, for end-to-end tests and
// benchmarks that must not share a process with the cluster: the first
// node bootstraps and writes the admin token, the others join through its
// API, all with a development CA in the cluster's directory.
//
//	c, err := proctest.Start(ctx, proctest.Options{Bin: "bin/signet", Dir: dir})
//	defer c.Stop()
//	admin, err := c.Client(c.AdminToken)
//	c.Node(0).Signal(syscall.SIGKILL)   // the bootstrap node, usually the leader
//
// It is test infrastructure, not part of Signet's commands.
package proctest
