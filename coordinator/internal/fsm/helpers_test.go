package fsm

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/keys"
)

var t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

// workload builds encoded commands: three owner keys, a 2-of-3 statement
// policy, n requests each signed by two owners (released) and a bad
// signature per request (refused).
type workload struct {
	signers []keys.Signer
}

func newWorkload(t testing.TB) *workload {
	t.Helper()
	w := &workload{}
	for range 3 {
		cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, err := keys.NewSigner(cs, keys.SchemeED25519)
		if err != nil {
			t.Fatal(err)
		}
		w.signers = append(w.signers, s)
	}
	return w
}

func stampAt(i int, actor string) state.Stamp {
	return state.Stamp{At: t0.Add(time.Duration(i) * time.Second), Actor: actor}
}

func (w *workload) setup(t testing.TB) [][]byte {
	t.Helper()
	var ops []state.Op
	var ids []string
	for i, s := range w.signers {
		ops = append(ops, &state.EnrollKey{Stamp: stampAt(0, "admin"), Key: s.Key(), Identity: fmt.Sprintf("owner%d", i), Role: state.RoleOwner})
		ids = append(ids, s.Key().KeyID)
	}
	ops = append(ops, &state.ApplyPolicy{Stamp: stampAt(0, "admin"), Policy: state.Policy{Name: "slsa",
		Kinds: []state.Kind{state.KindStatement}, Keys: ids, Threshold: 2, Requesters: []string{"ci"}, RequestTTL: time.Hour}})
	return encodeAll(t, ops)
}

func payload(i int) []byte {
	st := map[string]any{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
		"subject": []any{map[string]any{"name": fmt.Sprintf("app-%d", i), "digest": map[string]string{"sha256": fmt.Sprintf("%064x", i)}}}}
	b, _ := json.Marshal(st)
	return b
}

// request returns the commands of request i: create, a bad signature, two
// good ones.
func (w *workload) request(t testing.TB, i int) [][]byte {
	t.Helper()
	id := fmt.Sprintf("req-%d", i)
	p := payload(i)
	ops := []state.Op{&state.CreateRequest{Stamp: stampAt(i, "ci"), ID: id, Kind: state.KindStatement,
		PayloadType: dsse.PayloadTypeInToto, Payload: p, Policy: "slsa"}}
	for j, s := range w.signers[:2] {
		sig, err := s.Sign(context.Background(), dsse.PAE(dsse.PayloadTypeInToto, p))
		if err != nil {
			t.Fatal(err)
		}
		if j == 0 {
			bad := append([]byte(nil), sig...)
			bad[0] ^= 1
			ops = append(ops, &state.AddSignature{Stamp: stampAt(i, "agent"), RequestID: id, KeyID: s.Key().KeyID, Sig: bad})
		}
		ops = append(ops, &state.AddSignature{Stamp: stampAt(i, "agent"), RequestID: id, KeyID: s.Key().KeyID, Sig: sig})
	}
	return encodeAll(t, ops)
}

func encodeAll(t testing.TB, ops []state.Op) [][]byte {
	t.Helper()
	out := make([][]byte, len(ops))
	for i, op := range ops {
		b, err := command.Encode(op)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}
