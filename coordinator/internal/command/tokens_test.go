package command

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/state"
)

func TestTokenCommandsRoundTrip(t *testing.T) {
	st := state.Stamp{At: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC), Actor: "admin"}
	hash := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		op   state.Op
		want Type
	}{
		{&state.CreateToken{Stamp: st, ID: "t1", Name: "ci", Identity: "ci", Scopes: []string{"read"}, Hash: hash, Expires: st.At.Add(time.Hour)}, TypeCreateToken},
		{&state.BootstrapToken{Stamp: st, ID: "b", Identity: "admin", Hash: hash}, TypeBootstrapToken},
		{&state.RevokeToken{Stamp: st, ID: "t1", Reason: "leaked"}, TypeRevokeToken},
	} {
		b, err := Encode(tc.op)
		if err != nil {
			t.Fatal(err)
		}
		if Type(b[0]) != tc.want {
			t.Fatalf("%T: type byte %d, want %d", tc.op, b[0], tc.want)
		}
		op, typ, err := Decode(b)
		if err != nil || typ != tc.want || !reflect.DeepEqual(op, tc.op) {
			t.Fatalf("%T: decoded %#v, %d, %v", tc.op, op, typ, err)
		}
	}
	if _, _, err := Decode([]byte("\x0a{\"at\":\"2026-11-22T08:00:00Z\",\"actor\":\"a\",\"secret\":\"x\"}")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unknown field in a token command: %v, want ErrMalformed", err)
	}
}
