package proctest

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/signet-dev/signet/coordinator/client"
)

// Options configure Start.
type Options struct {
	// Bin is the signet binary; Dir holds the nodes' data, the CA, the
	// admin token and the logs.
	Bin, Dir string
	// Nodes is the cluster size; 3 when zero.
	Nodes int
	// LogLevel of the nodes; "warn" when empty.
	LogLevel string
	// Timeout bounds the start of each node; 30 s when zero.
	Timeout time.Duration
	// NodeArgs, if set, returns more command-line arguments for node i
	// (0-based), such as --debug-addr.
	NodeArgs func(i int) []string
}

// Cluster is a running cluster.
type Cluster struct {
	URLs           []string
	CAFile         string
	AdminTokenFile string
	AdminToken     string
	nodes          []*Node
}

// Node is one coordinator process.
type Node struct {
	ID, URL string
	LogFile string
	cmd     *exec.Cmd
	done    chan struct{}
}

// Start starts the cluster and waits until every node is a voter.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.Nodes <= 0 {
		o.Nodes = 3
	}
	if o.LogLevel == "" {
		o.LogLevel = "warn"
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	c := &Cluster{CAFile: filepath.Join(o.Dir, "ca", "ca.crt"), AdminTokenFile: filepath.Join(o.Dir, "admin.token")}
	for i := range o.Nodes {
		extra := []string{"--bootstrap", "--admin-token-file", c.AdminTokenFile}
		if i > 0 {
			extra = []string{"--join", c.URLs[0], "--join-token-file", c.AdminTokenFile}
		}
		if o.NodeArgs != nil {
			extra = append(extra, o.NodeArgs(i)...)
		}
		n, err := startNode(ctx, o, fmt.Sprintf("n%d", i+1), extra)
		if err != nil {
			c.Stop()
			return nil, err
		}
		c.nodes = append(c.nodes, n)
		c.URLs = append(c.URLs, n.URL)
		if i == 0 {
			if c.AdminToken, err = waitToken(c.AdminTokenFile, o.Timeout); err != nil {
				c.Stop()
				return nil, errors.Join(err, n.tail())
			}
		}
	}
	if err := c.waitVoters(ctx, o.Nodes, o.Timeout); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func startNode(ctx context.Context, o Options, id string, extra []string) (*Node, error) {
	n := &Node{ID: id, LogFile: filepath.Join(o.Dir, id+".log"), done: make(chan struct{})}
	logf, err := os.Create(n.LogFile)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	args := append([]string{"coordinator", "--node-id", id, "--data-dir", filepath.Join(o.Dir, id),
		"--dev-ca", filepath.Join(o.Dir, "ca"), "--raft-addr", "127.0.0.1:0", "--api-addr", "127.0.0.1:0",
		"--log-level", o.LogLevel}, extra...)
	n.cmd = exec.Command(o.Bin, args...)
	n.cmd.Stderr = logf
	out, err := n.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := n.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s coordinator: %w", o.Bin, err)
	}
	go func() { _ = n.cmd.Wait(); close(n.done) }()
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
	}()
	select {
	case line := <-ready:
		if _, rest, ok := strings.Cut(line, " ready: api="); ok {
			n.URL = strings.Fields(rest)[0]
			return n, nil
		}
		n.Signal(syscall.SIGKILL)
		return nil, errors.Join(fmt.Errorf("node %s did not start", id), n.tail())
	case <-time.After(o.Timeout):
	case <-ctx.Done():
	}
	n.Signal(syscall.SIGKILL)
	return nil, errors.Join(fmt.Errorf("node %s did not start in %s", id, o.Timeout), n.tail())
}

func waitToken(path string, d time.Duration) (string, error) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b)), nil
		}
	}
	return "", fmt.Errorf("the admin token %s did not appear in %s", path, d)
}

func (c *Cluster) waitVoters(ctx context.Context, want int, d time.Duration) error {
	admin, err := c.Client(c.AdminToken)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		peers, err := admin.Peers(ctx)
		if err == nil && len(peers) == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the cluster did not reach %d voters (%d, %v)", want, len(peers), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Client returns a client for every node with token, trusting the
// cluster's CA, with up to conns connections per node (2 when zero).
func (c *Cluster) Client(token string, conns ...int) (*client.Client, error) {
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no certificate", c.CAFile)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13}}
	if len(conns) > 0 && conns[0] > 0 {
		tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost = conns[0], conns[0]
	}
	return client.New(client.Config{Endpoints: c.URLs, Token: token, HTTPClient: &http.Client{Transport: tr}, Wait: 2 * time.Second})
}

// Node returns node i (0-based).
func (c *Cluster) Node(i int) *Node { return c.nodes[i] }

// Stop stops every node (SIGTERM, then SIGKILL after 10 s).
func (c *Cluster) Stop() {
	for _, n := range c.nodes {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, n := range c.nodes {
		n.wait(10 * time.Second)
	}
}

// Signal sends sig to the node and, for SIGKILL and SIGTERM, waits until
// it has exited.
func (n *Node) Signal(sig syscall.Signal) {
	_ = n.cmd.Process.Signal(sig)
	if sig == syscall.SIGKILL || sig == syscall.SIGTERM {
		n.wait(10 * time.Second)
	}
}

func (n *Node) wait(d time.Duration) {
	select {
	case <-n.done:
	case <-time.After(d):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
}

// tail returns the end of the node's log as an error, for reports.
func (n *Node) tail() error {
	b, _ := os.ReadFile(n.LogFile)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return fmt.Errorf("%s log:\n%s", n.ID, b)
}
