// Command clusterbench measures replicated-write throughput on a 3-node
// cluster of separate processes on 127.0.0.1, for the side-by-side
// comparison issue 5 asks for, in one run with the same concurrencies:
//
//   - Signet: three `signet coordinator` processes (dev TLS, raft log
//     fsynced on every append); (a) verified signature submissions per
//     second (ed25519, 2-of-3 policy, through the /v1 API and the Go
//     client), and (b) create-to-release latency at a fixed request rate;
//   - the anchor: etcd (Debian etcd-server) with fsync on, written through
//     its HTTP/JSON gateway (/v3/kv/put) with values of the same size;
//
// and prints (a)/(c) per concurrency. It is a measuring tool run by `make
// bench`, not part of Signet.
//
//	go run ./scripts/clusterbench [-duration 5s] [-concurrency 16,64,256] [-value-bytes 512] [-signet bin/signet] [-rate 500]
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type config struct {
	duration    time.Duration
	concurrency []int
	valueBytes  int
	etcd        string
	signet      string
	rate        int
	latencyOnly bool
	profileDir  string
}

func main() {
	var c config
	var conc string
	flag.DurationVar(&c.duration, "duration", 5*time.Second, "measuring time per concurrency level")
	flag.StringVar(&conc, "concurrency", "16,64,256", "comma-separated numbers of concurrent clients")
	flag.IntVar(&c.valueBytes, "value-bytes", 512, "bytes per write (a signature submission is about this size)")
	flag.StringVar(&c.etcd, "etcd", "/usr/bin/etcd", "etcd binary (Debian etcd-server)")
	flag.StringVar(&c.signet, "signet", "bin/signet", "signet binary (make build)")
	flag.IntVar(&c.rate, "rate", 500, "requests per second for the create-to-release latency")
	flag.BoolVar(&c.latencyOnly, "latency-only", false, "measure only Signet's create-to-release latency (no throughput levels, no etcd)")
	flag.StringVar(&c.profileDir, "profile", "", "write CPU profiles of every coordinator node during the latency run into this directory (nN.pprof)")
	flag.Parse()
	for _, s := range strings.Split(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 4096 {
			fmt.Fprintf(os.Stderr, "clusterbench: bad -concurrency value %q\n", s)
			os.Exit(2)
		}
		c.concurrency = append(c.concurrency, n)
	}
	if err := run(context.Background(), c); err != nil {
		fmt.Fprintln(os.Stderr, "clusterbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	for bin, hint := range map[string]string{c.etcd: "apt-get install etcd-server", c.signet: "make build"} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("%s not found: %s", bin, hint)
		}
	}
	dir, err := os.MkdirTemp("", "clusterbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sig, err := runSignet(ctx, c, filepath.Join(dir, "signet"))
	if err != nil || c.latencyOnly {
		return err
	}
	etcd, err := runEtcd(ctx, c, filepath.Join(dir, "etcd"))
	if err != nil {
		return err
	}
	fmt.Printf("\n%12s %22s %18s %10s\n", "clients", "Signet signatures/s", "etcd writes/s", "ratio")
	for i, n := range c.concurrency {
		fmt.Printf("%12d %22.0f %18.0f %9.2fx\n", n, sig[i].rate, etcd[i].rate, sig[i].rate/etcd[i].rate)
	}
	return nil
}

func printHeader() {
	fmt.Printf("%12s %14s %12s %12s\n", "clients", "ops/s", "p50", "p99")
}

func printRow(n int, r result) {
	fmt.Printf("%12d %14.0f %12s %12s\n", n, r.rate, r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond))
}

func runSignet(ctx context.Context, c config, dir string) ([]result, error) {
	var debugAddrs []string
	if c.profileDir != "" {
		ports, err := freePorts(3)
		if err != nil {
			return nil, err
		}
		for _, p := range ports {
			debugAddrs = append(debugAddrs, fmt.Sprintf("127.0.0.1:%d", p))
		}
	}
	cc, err := startCoordinators(ctx, c.signet, dir, debugAddrs)
	if err != nil {
		return nil, err
	}
	defer cc.stop()
	fmt.Printf("Signet coordinator, 3 nodes (separate processes, raft log fsynced), 2-of-3 ed25519 policy, ~%d-byte statements\n", c.valueBytes)
	fmt.Printf("(a) verified signature submissions, %s per level\n", c.duration)
	printHeader()
	var out []result
	for i, n := range c.concurrency {
		if c.latencyOnly {
			break
		}
		r, err := cc.submissions(ctx, i, n, c.duration, c.valueBytes)
		if err != nil {
			return nil, fmt.Errorf("signature submissions with %d clients: %w", n, err)
		}
		printRow(n, r)
		out = append(out, r)
	}
	profiled := profileNodes(ctx, debugAddrs, c.duration, c.profileDir)
	r, err := cc.releaseLatency(ctx, c.rate, c.duration, c.valueBytes)
	if perr := profiled(); perr != nil {
		fmt.Fprintln(os.Stderr, "clusterbench: profiles:", perr)
	}
	if err != nil {
		return nil, fmt.Errorf("release latency: %w", err)
	}
	fmt.Printf("(b) create-to-release latency at %d requests/s for %s (create, then two signatures at once)\n", c.rate, c.duration)
	fmt.Printf("%12s %14s %12s %12s\n", "requests/s", "released/s", "p50", "p99")
	printRow(c.rate, r)
	return out, nil
}

func runEtcd(ctx context.Context, c config, dir string) ([]result, error) {
	cl, err := startEtcd(ctx, c.etcd, dir)
	if err != nil {
		return nil, err
	}
	defer cl.stop()
	fmt.Printf("(c) etcd 3-node cluster (separate processes, fsync on), %d-byte values, %s per level\n", c.valueBytes, c.duration)
	printHeader()
	var out []result
	for _, n := range c.concurrency {
		r, err := load(ctx, cl.clientURLs, n, c.duration, c.valueBytes)
		if err != nil {
			return nil, err
		}
		printRow(n, r)
		out = append(out, r)
	}
	return out, nil
}

type cluster struct {
	procs      []*exec.Cmd
	clientURLs []string
}

func (c *cluster) stop() {
	for _, p := range c.procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	for _, p := range c.procs {
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func startEtcd(ctx context.Context, bin, dir string) (*cluster, error) {
	ports, err := freePorts(6)
	if err != nil {
		return nil, err
	}
	var initial []string
	for i := range 3 {
		initial = append(initial, fmt.Sprintf("n%d=http://127.0.0.1:%d", i, ports[2*i+1]))
	}
	cl := &cluster{}
	for i := range 3 {
		client, peer := fmt.Sprintf("http://127.0.0.1:%d", ports[2*i]), fmt.Sprintf("http://127.0.0.1:%d", ports[2*i+1])
		cmd := exec.CommandContext(ctx, bin, "--name", fmt.Sprintf("n%d", i), "--data-dir", filepath.Join(dir, fmt.Sprintf("n%d", i)),
			"--listen-client-urls", client, "--advertise-client-urls", client,
			"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
			"--initial-cluster", strings.Join(initial, ","), "--initial-cluster-state", "new",
			"--initial-cluster-token", "clusterbench", "--logger", "zap", "--log-outputs", "stderr", "--log-level", "error",
			// Two shared cores under 256 clients starve heartbeats at the
			// 1 s default; a longer election timeout keeps one leader.
			"--heartbeat-interval", "100", "--election-timeout", "2500")
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Start(); err != nil {
			cl.stop()
			return nil, fmt.Errorf("starting etcd: %w", err)
		}
		cl.procs = append(cl.procs, cmd)
		cl.clientURLs = append(cl.clientURLs, client)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, u := range cl.clientURLs {
		for {
			if put(ctx, http.DefaultClient, u, "warmup", []byte("x")) == nil {
				break
			}
			if time.Now().After(deadline) {
				cl.stop()
				return nil, errors.New("etcd did not become ready in 30 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return cl, nil
}

// put writes one key through etcd's gRPC gateway.
func put(ctx context.Context, hc *http.Client, base, key string, value []byte) error {
	body, _ := json.Marshal(map[string]string{
		"key": base64.StdEncoding.EncodeToString([]byte(key)), "value": base64.StdEncoding.EncodeToString(value)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v3/kv/put", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("put: HTTP %d", resp.StatusCode)
	}
	return nil
}

type result struct {
	rate     float64
	p50, p99 time.Duration
}

// load runs n clients, spread over the nodes, writing as fast as they can
// for d, and returns the rate of successful writes and their latencies.
func load(ctx context.Context, urls []string, n int, d time.Duration, size int) (result, error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	value := bytes.Repeat([]byte{'v'}, size)
	stop := time.Now().Add(d)
	var ok, failed atomic.Int64
	lat := make([][]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			base := urls[i%len(urls)]
			for j := 0; time.Now().Before(stop); j++ {
				t := time.Now()
				if err := put(ctx, hc, base, fmt.Sprintf("k/%d/%d", i, j), value); err != nil {
					failed.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t))
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() > ok.Load()/100 {
		return result{}, fmt.Errorf("%d of %d writes failed", failed.Load(), failed.Load()+ok.Load())
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return result{}, errors.New("no write succeeded")
	}
	slices.Sort(all)
	return result{rate: float64(ok.Load()) / d.Seconds(), p50: all[len(all)/2], p99: all[len(all)*99/100]}, nil
}
