package command

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
	"github.com/signet-dev/signet/pkg/keys"
)

var stamp = state.Stamp{At: time.Date(2026, 11, 22, 8, 0, 0, 123, time.UTC), Actor: "ci@example.org"}

func allOps(t testing.TB) []state.Op {
	cs, err := keys.GenerateKey(keys.KeyTypeED25519, 0)
	if err != nil {
		t.Fatal(err)
	}
	k, err := keys.NewKey(cs.Public(), keys.SchemeED25519)
	if err != nil {
		t.Fatal(err)
	}
	return []state.Op{
		&state.EnrollKey{Stamp: stamp, Key: k, Identity: "alice", Role: state.RoleOwner, ValidFrom: stamp.At},
		&state.RevokeKey{Stamp: stamp, KeyID: k.KeyID, Reason: "lost"},
		&state.ApplyPolicy{Stamp: stamp, Policy: state.Policy{Name: "p", Kinds: []state.Kind{state.KindLink}, Keys: []string{k.KeyID},
			Threshold: 1, Requesters: []string{"ci"}, RequestTTL: time.Hour, ExpectedCommand: []string{"make"}}},
		&state.CreateRequest{Stamp: stamp, ID: "r1", Kind: state.KindLink, PayloadType: "application/vnd.in-toto+json", Payload: []byte(`{"a":1}`), Policy: "p"},
		&state.AddSignature{Stamp: stamp, RequestID: "r1", KeyID: k.KeyID, Sig: []byte{1, 2, 3}, MetaSig: []byte{4}},
		&state.SubmitLink{Stamp: stamp, RequestID: "r1", Document: []byte("{}")},
		&state.Reject{Stamp: stamp, RequestID: "r1", KeyID: k.KeyID, Reason: "no"},
		&state.Cancel{Stamp: stamp, RequestID: "r1", Admin: true},
		&state.Expire{Stamp: stamp},
		&state.RegisterNode{Stamp: stamp, ID: "node1", APIAddr: "https://127.0.0.1:8301"},
	}
}

func TestRoundTrip(t *testing.T) {
	seen := map[Type]bool{}
	for _, op := range allOps(t) {
		data, err := Encode(op)
		if err != nil {
			t.Fatalf("%T: %v", op, err)
		}
		got, typ, err := Decode(data)
		if err != nil {
			t.Fatalf("%T: %v", op, err)
		}
		if seen[typ] {
			t.Errorf("type %d used twice", typ)
		}
		seen[typ] = true
		if !reflect.DeepEqual(got, op) {
			t.Errorf("%T: decoded %+v, want %+v", op, got, op)
		}
		again, _ := Encode(got)
		if !bytes.Equal(again, data) {
			t.Errorf("%T: re-encoding differs", op)
		}
	}
	if len(seen) != 10 {
		t.Errorf("%d command types, want 10", len(seen))
	}
}

func TestDecodeErrors(t *testing.T) {
	good, err := Encode(&state.Cancel{Stamp: stamp, RequestID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	body := string(good[1:])
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"empty", nil, ErrMalformed},
		{"type only", []byte{byte(TypeCancel)}, ErrMalformed},
		{"unknown type", append([]byte{42}, good[1:]...), ErrUnknownType},
		{"type zero", append([]byte{0}, good[1:]...), ErrUnknownType},
		{"ignorable unknown type", append([]byte{0x80 | 42}, good[1:]...), ErrIgnorable},
		{"unknown field", append([]byte{byte(TypeCancel)}, strings.Replace(body, "{", `{"extra":1,`, 1)...), ErrMalformed},
		{"trailing data", append(append([]byte(nil), good...), " {}"...), ErrMalformed},
		{"trailing garbage", append(append([]byte(nil), good...), "x"...), ErrMalformed},
		{"not an object", append([]byte{byte(TypeCancel)}, `[1]`...), ErrMalformed},
		{"null", append([]byte{byte(TypeCancel)}, `null`...), ErrMalformed},
		{"no time", append([]byte{byte(TypeCancel)}, `{"actor":"a","request_id":"r"}`...), ErrMalformed},
		{"no actor", append([]byte{byte(TypeCancel)}, `{"at":"2026-01-01T00:00:00Z","request_id":"r"}`...), ErrMalformed},
		{"bad time", append([]byte{byte(TypeCancel)}, `{"at":"yesterday","actor":"a"}`...), ErrMalformed},
		{"wrong field type", append([]byte{byte(TypeCancel)}, `{"at":"2026-01-01T00:00:00Z","actor":"a","admin":"yes"}`...), ErrMalformed},
		{"too large", append([]byte{byte(TypeCancel)}, make([]byte, MaxCommandSize)...), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(tt.data)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

type foreignOp struct{ state.Stamp }

func TestEncodeErrors(t *testing.T) {
	var nilOp *state.Cancel
	tests := []struct {
		name    string
		op      state.Op
		wantErr error
	}{
		{"foreign type", foreignOp{stamp}, ErrUnknownType},
		{"nil pointer", nilOp, ErrUnknownType},
		{"value instead of pointer", state.Cancel{Stamp: stamp}, ErrUnknownType},
		{"no stamp", &state.Cancel{RequestID: "r"}, ErrMalformed},
		{"too large", &state.SubmitLink{Stamp: stamp, Document: make([]byte, MaxCommandSize)}, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Encode(tt.op); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, op := range allOps(f) {
		data, err := Encode(op)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{byte(TypeApplyPolicy), '{', '}'})
	f.Add([]byte{0x81, 'x'})
	f.Fuzz(func(t *testing.T, data []byte) {
		op, _, err := Decode(data)
		if err != nil {
			return
		}
		again, err := Encode(op)
		if err != nil {
			t.Fatalf("a decoded command does not encode: %v", err)
		}
		op2, _, err := Decode(again)
		if err != nil {
			t.Fatalf("a re-encoded command does not decode: %v", err)
		}
		j1, _ := json.Marshal(op)
		j2, _ := json.Marshal(op2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("round trip changed the command:\n%s\n%s", j1, j2)
		}
		_, _ = state.New().Apply(op) // must not panic on any decoded command
	})
}
