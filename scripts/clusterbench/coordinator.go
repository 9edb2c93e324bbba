package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/proctest"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// coordCluster is three `signet coordinator` processes with their
// clients: admin, requester and signer.
type coordCluster struct {
	*proctest.Cluster
	admin, ci, signer *client.Client
	keys              []keys.Signer
}

// startCoordinators starts a 3-node coordinator cluster (dev TLS, raft
// log fsynced on every append) and sets up a 2-of-3 statement policy.
// debugAddrs, if any, are the nodes' --debug-addr (profiling) addresses.
func startCoordinators(ctx context.Context, bin, dir string, debugAddrs []string) (*coordCluster, error) {
	o := proctest.Options{Bin: bin, Dir: dir, LogLevel: "error"}
	if len(debugAddrs) > 0 {
		o.NodeArgs = func(i int) []string { return []string{"--debug-addr", debugAddrs[i]} }
	}
	pc, err := proctest.Start(ctx, o)
	if err != nil {
		return nil, err
	}
	cc := &coordCluster{Cluster: pc}
	if err := cc.setup(ctx); err != nil {
		pc.Stop()
		return nil, err
	}
	return cc, nil
}

func (cc *coordCluster) stop() { cc.Stop() }

// setup enrols three ed25519 keys, a 2-of-3 policy for statements, and
// tokens for a requester and for the signers.
func (cc *coordCluster) setup(ctx context.Context) error {
	var err error
	if cc.admin, err = cc.Client(cc.AdminToken); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for len(cc.keys) < 3 {
		cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
		if err != nil {
			return err
		}
		s, err := keys.NewSigner(cs, keys.SchemeED25519)
		if err != nil {
			return err
		}
		if _, err := cc.admin.EnrollKey(ctx, api.EnrollKeyBody{Key: s.Key(), Identity: fmt.Sprintf("owner%d", len(cc.keys)), Role: api.RoleOwner}); err != nil {
			return fmt.Errorf("enrolling a key: %w", err)
		}
		cc.keys = append(cc.keys, s)
	}
	ids := []string{cc.keys[0].Key().KeyID, cc.keys[1].Key().KeyID, cc.keys[2].Key().KeyID}
	if _, err := cc.admin.ApplyPolicy(ctx, api.Policy{Name: "bench", Kinds: []api.Kind{api.KindStatement}, Keys: ids,
		Threshold: 2, Requesters: []string{"bench-ci"}, RequestTTL: time.Hour}); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	ciTok, err := cc.admin.CreateToken(ctx, api.CreateTokenBody{Name: "bench-ci", Identity: "bench-ci", Scopes: []string{"request:bench", "read"}})
	if err != nil {
		return err
	}
	scopes := []string{"read"}
	for _, id := range ids {
		scopes = append(scopes, "sign:"+id)
	}
	sigTok, err := cc.admin.CreateToken(ctx, api.CreateTokenBody{Name: "bench-signer", Identity: "bench-signer", Scopes: scopes})
	if err != nil {
		return err
	}
	if cc.ci, err = cc.Client(ciTok.Secret, 256); err != nil {
		return err
	}
	cc.signer, err = cc.Client(sigTok.Secret, 256)
	return err
}

// statement returns a statement payload of about size bytes.
func statement(id string, size int) ([]byte, error) {
	pad := max(size-300, 16)
	st := &intoto.Statement{Type: intoto.StatementTypeV1, PredicateType: "https://slsa.dev/provenance/v1",
		Subject:   []intoto.Subject{{Name: id, Digest: intoto.DigestSet{"sha256": strings.Repeat("ab", 32)}}},
		Predicate: json.RawMessage(fmt.Sprintf(`{"builder":{"id":%q}}`, strings.Repeat("b", pad)))}
	return intoto.EncodePayload(st)
}

// pending is a request and its signers' signatures, prepared before the
// timed part: on a real deployment signers sign on their own hosts, so the
// benchmark spends this machine's two cores on the coordinator, not on
// ed25519 signing in the load generator.
type pending struct {
	id      string
	payload []byte
	sigs    [][]byte // by key index
}

// prepare builds the statement for id and every key's signature on it.
func (cc *coordCluster) prepare(id string, size int) (pending, error) {
	payload, err := statement(id, size)
	if err != nil {
		return pending{}, err
	}
	pae := dsse.PAE(dsse.PayloadTypeInToto, payload)
	p := pending{id: id, payload: payload}
	for _, k := range cc.keys {
		sig, err := k.Sign(context.Background(), pae)
		if err != nil {
			return pending{}, err
		}
		p.sigs = append(p.sigs, sig)
	}
	return p, nil
}

// create makes n requests with conc clients (not measured).
func (cc *coordCluster) create(ctx context.Context, prefix string, n, conc, size int) ([]pending, error) {
	out := make([]pending, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				p, err := cc.prepare(fmt.Sprintf("%s-%d", prefix, i), size)
				if err == nil {
					err = cc.createOne(ctx, p)
				}
				if err != nil {
					errs <- err
					return
				}
				out[i] = p
			}
		})
	}
	wg.Wait()
	close(errs)
	return out, <-errs
}

func (cc *coordCluster) createOne(ctx context.Context, p pending) error {
	if _, err := cc.ci.CreateRequest(ctx, api.CreateRequestBody{ID: p.id, Kind: api.KindStatement, PayloadType: dsse.PayloadTypeInToto,
		Payload: p.payload, Policy: "bench"}); err != nil {
		return fmt.Errorf("creating %s: %w", p.id, err)
	}
	return nil
}

// sign submits key k's signature on p and returns the new phase.
func (cc *coordCluster) sign(ctx context.Context, p pending, k int) (api.Phase, error) {
	res, err := cc.signer.AddSignature(ctx, p.id, api.SignatureBody{KeyID: cc.keys[k].Key().KeyID, Sig: p.sigs[k]})
	return res.Phase, err
}

// submissions measures verified signature submissions per second with n
// clients: each request gets two signatures (the second releases it).
func (cc *coordCluster) submissions(ctx context.Context, level, n int, d time.Duration, size int) (result, error) {
	reqs, err := cc.create(ctx, fmt.Sprintf("sub%d", level), max(2000, n*20), 64, size)
	if err != nil {
		return result{}, err
	}
	type job struct {
		p pending
		k int
	}
	jobs := make(chan job, 2*len(reqs))
	for _, p := range reqs {
		jobs <- job{p, 0}
	}
	for _, p := range reqs {
		jobs <- job{p, 1}
	}
	close(jobs)
	start := time.Now()
	stop := start.Add(d)
	var ok, failed atomic.Int64
	lat := make([][]time.Duration, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for j := range jobs {
				if time.Now().After(stop) {
					return
				}
				t := time.Now()
				if _, err := cc.sign(ctx, j.p, j.k); err != nil {
					failed.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t))
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	return summarize(ok.Load(), failed.Load(), time.Since(start), lat)
}

// releaseLatency creates requests at rate per second for d and has two
// signers answer each at once; it returns create-to-release latencies.
// One second of the same load comes first, unmeasured, so that clients
// and nodes have their connections open (a steady state, as a service
// under constant load is).
func (cc *coordCluster) releaseLatency(ctx context.Context, rate int, d time.Duration, size int) (result, error) {
	if _, err := cc.releaseLoad(ctx, "warm", rate, time.Second, size); err != nil {
		return result{}, fmt.Errorf("warm-up: %w", err)
	}
	return cc.releaseLoad(ctx, "lat", rate, d, size)
}

func (cc *coordCluster) releaseLoad(ctx context.Context, prefix string, rate int, d time.Duration, size int) (result, error) {
	interval := time.Second / time.Duration(rate)
	total := int(d / interval)
	reqs := make([]pending, total)
	for i := range reqs {
		p, err := cc.prepare(fmt.Sprintf("%s%d-%d", prefix, rate, i), size)
		if err != nil {
			return result{}, err
		}
		reqs[i] = p
	}
	lat := make([][]time.Duration, total)
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range total {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Go(func() {
			t := time.Now()
			if err := cc.createAndRelease(ctx, reqs[i]); err != nil {
				failed.Add(1)
				return
			}
			lat[i] = []time.Duration{time.Since(t)}
			ok.Add(1)
		})
	}
	wg.Wait()
	return summarize(ok.Load(), failed.Load(), time.Since(start), lat)
}

func (cc *coordCluster) createAndRelease(ctx context.Context, p pending) error {
	if err := cc.createOne(ctx, p); err != nil {
		return err
	}
	phases := make([]api.Phase, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for k := range 2 {
		wg.Go(func() { phases[k], errs[k] = cc.sign(ctx, p, k) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if phases[0] != api.PhaseReleased && phases[1] != api.PhaseReleased {
		return fmt.Errorf("%s not released after two signatures (%s, %s)", p.id, phases[0], phases[1])
	}
	return nil
}

func summarize(ok, failed int64, elapsed time.Duration, lat [][]time.Duration) (result, error) {
	if failed > ok/100 {
		return result{}, fmt.Errorf("%d of %d operations failed", failed, failed+ok)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return result{}, errors.New("no operation succeeded")
	}
	slices.Sort(all)
	return result{rate: float64(ok) / elapsed.Seconds(), p50: all[len(all)/2], p99: all[len(all)*99/100]}, nil
}

// profileNodes starts taking a CPU profile of length d from each debug
// address and writes them to dir as n1.pprof, n2.pprof...; wait waits for
// them.
func profileNodes(ctx context.Context, addrs []string, d time.Duration, dir string) (wait func() error) {
	if len(addrs) == 0 {
		return func() error { return nil }
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return func() error { return err }
	}
	errs := make([]error, len(addrs))
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Go(func() {
			url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", a, max(1, int(d.Seconds())))
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				errs[i] = err
				return
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("%s: %s", url, resp.Status)
			}
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("n%d.pprof", i+1)), data, 0o644)
			}
			errs[i] = err
		})
	}
	return func() error {
		wg.Wait()
		return errors.Join(errs...)
	}
}
