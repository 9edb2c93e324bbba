package signeragent

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/coordinator/coordtest"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/pkcs11"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
	"github.com/signet-dev/signet/softhsm-test/softhsm"
)

// Benchmarks of the agent with real key stores against a real 3-node
// coordinator (raft, the TLS API; in one process):
//
//	go test -run '^$' -bench . -benchtime 200x ./signer-agent
//
// AgentRelease: requests created at a fixed rate (50/s), each signed by a
// running agent and released; reports create-to-release p50/p99.
// AgentThroughput: one agent facing b.N pending requests; reports
// signatures/s. RawSign: the key store alone, for the ratio.

// benchSigner returns a file-key (in memory) or SoftHSM signer.
func benchSigner(b *testing.B, backend string) keys.Signer {
	b.Helper()
	if backend == "file" {
		return newSigner(b)
	}
	hsm := softhsm.New(b)
	tok := hsm.InitToken(b, "bench")
	tok.GenerateKey(b, softhsm.KeySpec{Type: softhsm.ECDSAP256, Label: "agent", ID: []byte{1}})
	be, err := pkcs11.NewBackend(pkcs11.BackendOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = be.Close() })
	u, err := keystore.ParseURI(tok.URI("agent"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := be.Open(context.Background(), u, keystore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// benchWorld is a cluster, a policy for the signer's key and a CI client.
type benchWorld struct {
	ci    *client.Client
	agent *Agent
}

func newBenchWorld(b *testing.B, s keys.Signer) *benchWorld {
	b.Helper()
	ctx := context.Background()
	cluster := coordtest.Start(b, coordtest.Options{Nodes: 3})
	admin := coordClient(b, cluster, cluster.AdminToken)
	if _, err := admin.EnrollKey(ctx, api.EnrollKeyBody{Key: s.Key(), Identity: "builder", Role: api.RoleFunctionary}); err != nil {
		b.Fatal(err)
	}
	if _, err := admin.ApplyPolicy(ctx, api.Policy{Name: "build", Kinds: []api.Kind{api.KindLink}, Keys: []string{s.Key().KeyID},
		Threshold: 1, Requesters: []string{"ci"}, RequestTTL: time.Hour}); err != nil {
		b.Fatal(err)
	}
	w := &benchWorld{ci: coordClient(b, cluster, newToken(b, admin, "ci", "request:build", "read"))}
	pol, j, ap := localState(b, "version: 1\nrules:\n  - {name: build, kinds: [link], keys: ['*'], mode: auto, allow: 'request.step == \"build\"'}\n")
	var err error
	w.agent, err = New(Options{Coordinator: &ClientCoordinator{Client: coordClient(b, cluster, newToken(b, admin, "agent", "read", "sign:"+s.Key().KeyID))},
		Signers: []keys.Signer{s}, Policy: pol, Journal: j, Approvals: ap, Wait: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	return w
}

func (w *benchWorld) run(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.agent.Run(ctx); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
}

func (w *benchWorld) create(b *testing.B, id string) {
	l := intoto.NewLink("build")
	l.Command = []string{"make", id}
	if _, err := w.ci.CreateRequest(context.Background(), api.CreateRequestBody{ID: id, Kind: api.KindLink,
		PayloadType: dsse.PayloadTypeInToto, Payload: payload(b, l), Policy: "build"}); err != nil {
		b.Error(err)
	}
}

func backends() []string {
	if softhsm.Available() != nil && os.Getenv("CI") == "" {
		return []string{"file"}
	}
	return []string{"file", "softhsm"}
}

func BenchmarkAgentRelease(b *testing.B) {
	for _, be := range backends() {
		b.Run(be, func(b *testing.B) {
			w := newBenchWorld(b, benchSigner(b, be))
			w.run(b)
			const interval = 20 * time.Millisecond // 50 requests/s
			lat := make([]time.Duration, b.N)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
				wg.Go(func() {
					id := fmt.Sprintf("rel-%d", i)
					t0 := time.Now()
					w.create(b, id)
					if _, err := w.ci.WaitReleased(context.Background(), id); err != nil {
						b.Error(err)
					}
					lat[i] = time.Since(t0)
				})
			}
			wg.Wait()
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func BenchmarkAgentThroughput(b *testing.B) {
	for _, be := range backends() {
		b.Run(be, func(b *testing.B) {
			w := newBenchWorld(b, benchSigner(b, be))
			for i := range b.N {
				w.create(b, fmt.Sprintf("tp-%d", i))
			}
			b.ResetTimer()
			start := time.Now()
			w.run(b)
			if _, err := w.ci.WaitReleased(context.Background(), fmt.Sprintf("tp-%d", b.N-1)); err != nil {
				b.Fatal(err)
			}
			for i := range b.N {
				if _, err := w.ci.WaitReleased(context.Background(), fmt.Sprintf("tp-%d", i)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "signatures/s")
		})
	}
}

func BenchmarkRawSign(b *testing.B) {
	for _, be := range backends() {
		b.Run(be, func(b *testing.B) {
			s := benchSigner(b, be)
			msg := make([]byte, 512)
			b.ResetTimer()
			for b.Loop() {
				// A link request is two signatures (DSSE and metablock).
				for range 2 {
					if _, err := s.Sign(context.Background(), msg); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
		})
	}
}
