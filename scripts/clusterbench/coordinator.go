package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
func startCoordinators(ctx context.Context, bin, dir string) (*coordCluster, error) {
	pc, err := proctest.Start(ctx, proctest.Options{Bin: bin, Dir: dir, LogLevel: "error"})
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

// pending is a created request and what its signers sign.
type pending struct {
	id  string
	pae []byte
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
				p, err := cc.createOne(ctx, fmt.Sprintf("%s-%d", prefix, i), size)
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

func (cc *coordCluster) createOne(ctx context.Context, id string, size int) (pending, error) {
	payload, err := statement(id, size)
	if err != nil {
		return pending{}, err
	}
	if _, err := cc.ci.CreateRequest(ctx, api.CreateRequestBody{ID: id, Kind: api.KindStatement, PayloadType: dsse.PayloadTypeInToto,
		Payload: payload, Policy: "bench"}); err != nil {
		return pending{}, fmt.Errorf("creating %s: %w", id, err)
	}
	return pending{id: id, pae: dsse.PAE(dsse.PayloadTypeInToto, payload)}, nil
}

// sign submits key k's signature on p and returns the new phase.
func (cc *coordCluster) sign(ctx context.Context, p pending, k int) (api.Phase, error) {
	s := cc.keys[k]
	sig, err := s.Sign(ctx, p.pae)
	if err != nil {
		return "", err
	}
	res, err := cc.signer.AddSignature(ctx, p.id, api.SignatureBody{KeyID: s.Key().KeyID, Sig: sig})
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
func (cc *coordCluster) releaseLatency(ctx context.Context, rate int, d time.Duration, size int) (result, error) {
	interval := time.Second / time.Duration(rate)
	total := int(d / interval)
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
			if err := cc.createAndRelease(ctx, fmt.Sprintf("lat%d-%d", rate, i), size); err != nil {
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

func (cc *coordCluster) createAndRelease(ctx context.Context, id string, size int) error {
	p, err := cc.createOne(ctx, id, size)
	if err != nil {
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
		return fmt.Errorf("%s not released after two signatures (%s, %s)", id, phases[0], phases[1])
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
