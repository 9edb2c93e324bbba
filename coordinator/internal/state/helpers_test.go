package state

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/signet-dev/signet/pkg/cjson"
	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

var t0 = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)

const admin = "admin@example.org"

// fixture is a state with six enrolled ed25519 keys: owners alice, bob,
// carol and functionaries f1, f2, f3, each with identity "<name>@example.org".
type fixture struct {
	t       *testing.T
	st      *State
	now     time.Time
	signers map[string]keys.Signer
	log     []Op // every operation applied through mustApply or record
}

var people = []struct {
	name string
	role Role
}{
	{"alice", RoleOwner}, {"bob", RoleOwner}, {"carol", RoleOwner},
	{"f1", RoleFunctionary}, {"f2", RoleFunctionary}, {"f3", RoleFunctionary},
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, st: New(), now: t0, signers: map[string]keys.Signer{}}
	for _, p := range people {
		f.signers[p.name] = newSigner(t)
		f.mustApply(&EnrollKey{Stamp: f.stamp(admin), Key: f.key(p.name), Identity: p.name + "@example.org", Role: p.role})
	}
	return f
}

func newSigner(t *testing.T) keys.Signer {
	t.Helper()
	cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(cs, keys.SchemeED25519)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) stamp(actor string) Stamp { return Stamp{At: f.now, Actor: actor} }
func (f *fixture) key(name string) keys.Key { return f.signers[name].Key() }
func (f *fixture) id(name string) string    { return f.signers[name].Key().KeyID }

func (f *fixture) ids(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = f.id(n)
	}
	return out
}

func (f *fixture) mustApply(op Op) Result {
	f.t.Helper()
	f.log = append(f.log, op)
	res, err := f.st.Apply(op)
	if err != nil {
		f.t.Fatalf("%T: %v", op, err)
	}
	return res
}

// policy applies a policy named name for the kinds, signers and threshold,
// requested by ci@example.org.
func (f *fixture) policy(name string, kinds []Kind, m int, signers ...string) {
	f.t.Helper()
	f.mustApply(&ApplyPolicy{Stamp: f.stamp(admin), Policy: Policy{
		Name: name, Kinds: kinds, Keys: f.ids(signers...), Threshold: m,
		Requesters: []string{"ci@example.org", "alice@example.org"}, RequestTTL: time.Hour,
	}})
}

func (f *fixture) create(id string, kind Kind, payload []byte, policy string) *CreateRequest {
	pt := dsse.PayloadTypeInToto
	if kind == KindStepCollect {
		pt = PayloadTypeStepCollect
	}
	return &CreateRequest{Stamp: f.stamp("ci@example.org"), ID: id, Kind: kind, PayloadType: pt, Payload: payload, Policy: policy}
}

// sign returns the AddSignature of signer name for request id, made as a
// signer agent does: PAE always, canonical JSON for layouts and links.
func (f *fixture) sign(id, name string) *AddSignature {
	f.t.Helper()
	r, ok := f.st.Request(id)
	if !ok {
		f.t.Fatalf("no request %s", id)
	}
	ctx := context.Background()
	s := f.signers[name]
	sig, err := s.Sign(ctx, dsse.PAE(r.PayloadType, r.Payload))
	if err != nil {
		f.t.Fatal(err)
	}
	op := &AddSignature{Stamp: f.stamp(name + "@example.org"), RequestID: id, KeyID: s.Key().KeyID, Sig: sig}
	if r.Kind == KindLayout || r.Kind == KindLink {
		c, err := cjson.Canonicalize(r.Payload)
		if err != nil {
			f.t.Fatal(err)
		}
		if op.MetaSig, err = s.Sign(ctx, c); err != nil {
			f.t.Fatal(err)
		}
	}
	return op
}

func layoutPayload(t *testing.T, f *fixture) []byte {
	t.Helper()
	l := intoto.NewLayout(t0.Add(365 * 24 * time.Hour))
	l.Keys = map[string]keys.Key{f.id("f1"): f.key("f1")}
	l.Steps = []intoto.Step{{Type: intoto.TypeStep, Name: "build", PubKeys: []string{f.id("f1")}, Threshold: 1,
		ExpectedMaterials: [][]string{}, ExpectedProducts: [][]string{{"ALLOW", "*"}}, ExpectedCommand: []string{"make"}}}
	return encode(t, l)
}

func linkPayload(t *testing.T, name string, product string) []byte {
	t.Helper()
	return encode(t, newLink(name, product))
}

func newLink(name, product string) *intoto.Link {
	l := intoto.NewLink(name)
	l.Command = []string{"make"}
	l.Materials = intoto.ArtifactMap{"src.c": {"sha256": "aa" + zeros(62)}}
	l.Products = intoto.ArtifactMap{"app": {"sha256": product + zeros(64-len(product))}}
	return l
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func statementPayload(t *testing.T) []byte {
	t.Helper()
	st := &intoto.Statement{Type: intoto.StatementTypeV1, PredicateType: "https://slsa.dev/provenance/v1",
		Subject:   []intoto.Subject{{Name: "app", Digest: intoto.DigestSet{"sha256": "bb" + zeros(62)}}},
		Predicate: json.RawMessage(`{"builder":{"id":"ci"}}`)}
	return encode(t, st)
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := intoto.EncodePayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signedLink returns a metablock link file signed by signer name.
func (f *fixture) signedLink(name string, l *intoto.Link) []byte {
	f.t.Helper()
	mb, err := intoto.NewMetablock(l)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := mb.Sign(context.Background(), f.signers[name]); err != nil {
		f.t.Fatal(err)
	}
	b, err := mb.MarshalIndent()
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *fixture) phase(id string) Phase {
	r, _ := f.st.Request(id)
	return r.Phase
}

// record applies op, keeps it in the log and returns its error.
func (f *fixture) record(op Op) error {
	f.log = append(f.log, op)
	_, err := f.st.Apply(op)
	return err
}
