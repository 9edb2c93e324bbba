package dsse

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/signet-dev/signet/pkg/keys"
)

func ed25519Signer(t *testing.T, seed byte) keys.Signer {
	t.Helper()
	s, err := keys.NewSigner(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32)), "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ecdsaSigner(t *testing.T) keys.Signer {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPAE(t *testing.T) {
	tests := []struct {
		typ, body, want string
	}{
		// The example of the DSSE protocol specification.
		{"http://example.com/HelloWorld", "hello world", "DSSEv1 29 http://example.com/HelloWorld 11 hello world"},
		{"", "", "DSSEv1 0  0 "},
		{"application/vnd.in-toto+json", "{}", "DSSEv1 28 application/vnd.in-toto+json 2 {}"},
		{"é", "☃", "DSSEv1 2 é 3 ☃"},
	}
	for _, tt := range tests {
		if got := string(PAE(tt.typ, []byte(tt.body))); got != tt.want {
			t.Errorf("PAE(%q, %q) = %q, want %q", tt.typ, tt.body, got, tt.want)
		}
	}
}

func TestSignVerify(t *testing.T) {
	ctx := context.Background()
	a, b, c := ed25519Signer(t, 1), ed25519Signer(t, 2), ecdsaSigner(t)
	e, err := Sign(ctx, PayloadTypeInToto, []byte(`{"a":1}`), a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	trusted := []keys.Key{a.Key(), b.Key(), c.Key()}
	got, err := Verify(e, trusted, 3)
	if err != nil || len(got) != 3 {
		t.Fatalf("Verify = %d keys, %v", len(got), err)
	}
	// Changing the payload type breaks every signature.
	bad := *e
	bad.PayloadType = "application/json"
	if got, err := Verify(&bad, trusted, 1); !errors.Is(err, ErrThresholdNotMet) || len(got) != 0 {
		t.Fatalf("changed payload type: %d keys, %v", len(got), err)
	}
	if _, err := Verify(e, trusted, 0); !errors.Is(err, ErrInvalidThreshold) {
		t.Fatalf("threshold 0: %v", err)
	}
	if _, err := Sign(ctx, PayloadTypeInToto, nil); !errors.Is(err, ErrNoSigner) {
		t.Fatalf("no signers: %v", err)
	}
}

// TestVerifyCountsDistinctKeys lists one public key under two key ids and
// signs twice: it must count once.
func TestVerifyCountsDistinctKeys(t *testing.T) {
	ctx := context.Background()
	a, b := ed25519Signer(t, 1), ed25519Signer(t, 2)
	e, err := Sign(ctx, "t", []byte("p"), a)
	if err != nil {
		t.Fatal(err)
	}
	// The same signature again under a second key id.
	alias := a.Key()
	alias.KeyIDHashAlgorithms = nil
	alias.KeyID, err = keys.ComputeKeyID(alias)
	if err != nil {
		t.Fatal(err)
	}
	e.Signatures = append(e.Signatures, Signature{KeyID: alias.KeyID, Sig: e.Signatures[0].Sig})
	trusted := []keys.Key{a.Key(), alias, b.Key()}
	got, err := Verify(e, trusted, 2)
	if !errors.Is(err, ErrThresholdNotMet) || len(got) != 1 {
		t.Fatalf("Verify = %d keys, %v; want 1 key and ErrThresholdNotMet", len(got), err)
	}
	if got, err := Verify(e, trusted, 1); err != nil || len(got) != 1 || got[0].KeyID != a.Key().KeyID {
		t.Fatalf("threshold 1: %v, %v", got, err)
	}
}

// TestVerifyKeyIDIsOnlyAHint checks that a signature filed under another
// key id, or none, still verifies.
func TestVerifyKeyIDIsOnlyAHint(t *testing.T) {
	a := ed25519Signer(t, 1)
	for _, keyid := range []string{"", "0000", "some-other-id"} {
		e, err := Sign(context.Background(), "t", []byte("p"), a)
		if err != nil {
			t.Fatal(err)
		}
		e.Signatures[0].KeyID = keyid
		if _, err := Verify(e, []keys.Key{a.Key()}, 1); err != nil {
			t.Errorf("keyid %q: %v", keyid, err)
		}
	}
}

func TestVerifyBadKey(t *testing.T) {
	e := New("t", []byte("p"))
	k := keys.Key{KeyID: "ab", KeyType: "ed25519", Scheme: "ed25519", KeyVal: keys.KeyVal{Public: "00"}}
	if _, err := Verify(e, []keys.Key{k}, 1); !errors.Is(err, ErrBadKey) {
		t.Fatalf("error = %v, want ErrBadKey", err)
	}
}

func TestAddSignatureReplaces(t *testing.T) {
	ctx := context.Background()
	a := ecdsaSigner(t) // randomised signatures: the second differs
	e := New("t", []byte("p"))
	for range 2 {
		if err := e.AddSignature(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if len(e.Signatures) != 1 {
		t.Fatalf("%d signatures, want 1", len(e.Signatures))
	}
}

func TestMarshalDecodeRoundTrip(t *testing.T) {
	e, err := Sign(context.Background(), PayloadTypeInToto, []byte("payload <&> \x00"), ed25519Signer(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `{"payloadType":"application/vnd.in-toto+json","payload":"`) {
		t.Fatalf("JSON = %s", data)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.PayloadType != e.PayloadType || !bytes.Equal(back.Payload, e.Payload) ||
		len(back.Signatures) != 1 || !bytes.Equal(back.Signatures[0].Sig, e.Signatures[0].Sig) {
		t.Fatalf("round trip changed the envelope: %+v", back)
	}
	var viaJSON Envelope
	if err := json.Unmarshal(data, &viaJSON); err != nil || !bytes.Equal(viaJSON.Payload, e.Payload) {
		t.Fatalf("json.Unmarshal: %v", err)
	}
}

func TestDecode(t *testing.T) {
	p := base64.StdEncoding.EncodeToString([]byte("hi?>"))
	tests := []struct {
		name    string
		in      string
		opts    DecodeOptions
		wantErr error
		wantMsg string
	}{
		{"minimal", `{"payloadType":"t","payload":"","signatures":[]}`, DecodeOptions{}, nil, ""},
		{"no keyid", `{"payloadType":"t","payload":"` + p + `","signatures":[{"sig":"AAAA"}]}`, DecodeOptions{}, nil, ""},
		{"url-safe unpadded", `{"payloadType":"t","payload":"aGk_Pg","signatures":[]}`, DecodeOptions{}, nil, ""},
		{"unknown field", `{"payloadType":"t","payload":"","signatures":[],"extra":1}`, DecodeOptions{}, ErrMalformed,
			`malformed DSSE envelope: unknown field "extra"`},
		{"unknown field allowed", `{"payloadType":"t","payload":"","signatures":[{"sig":"","x":{"y":[1]}}],"extra":1}`,
			DecodeOptions{AllowUnknownFields: true}, nil, ""},
		{"missing payload", `{"payloadType":"t","signatures":[]}`, DecodeOptions{}, ErrMalformed,
			`malformed DSSE envelope: missing required field "payload"`},
		{"missing sig", `{"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]}`, DecodeOptions{}, ErrMalformed,
			`malformed DSSE envelope: signatures[0]: missing required field "sig"`},
		{"duplicate", `{"payloadType":"t","payloadType":"u","payload":"","signatures":[]}`, DecodeOptions{}, ErrMalformed,
			`malformed DSSE envelope: duplicate field "payloadType"`},
		{"bad base64", `{"payloadType":"t","payload":"!!","signatures":[]}`, DecodeOptions{}, ErrMalformed,
			"malformed DSSE envelope: payload: not valid base64"},
		{"base64 line break", `{"payloadType":"t","payload":"aGk/\nPg==","signatures":[]}`, DecodeOptions{}, ErrMalformed, ""},
		{"wrong type", `{"payloadType":1,"payload":"","signatures":[]}`, DecodeOptions{}, ErrMalformed,
			"malformed DSSE envelope: payloadType: expected a string, got a number"},
		{"null signatures", `{"payloadType":"t","payload":"","signatures":null}`, DecodeOptions{}, ErrMalformed,
			"malformed DSSE envelope: signatures: expected an array, got null"},
		{"trailing", `{"payloadType":"t","payload":"","signatures":[]} x`, DecodeOptions{}, ErrMalformed, ""},
		{"too large", `{"payloadType":"t","payload":"","signatures":[]}`, DecodeOptions{MaxSize: 10}, ErrTooLarge, ""},
		{"invalid UTF-8", "{\"payloadType\":\"\xff\",\"payload\":\"\",\"signatures\":[]}", DecodeOptions{}, ErrMalformed, ""},
		{"array", `[]`, DecodeOptions{}, ErrMalformed, "malformed DSSE envelope: expected an object, got an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.opts.Decode([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Fatalf("error = %q\nwant        %q", err, tt.wantMsg)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"payloadType":"t","payload":"aGk=","signatures":[{"keyid":"k","sig":"AAAA"}]}`))
	f.Add([]byte(`{"payloadType":"t","payload":"","signatures":[],"x":[{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []DecodeOptions{{}, {AllowUnknownFields: true}} {
			e, err := opts.Decode(data)
			if err != nil {
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
					t.Fatalf("unexpected error type: %v", err)
				}
				continue
			}
			out, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Decode(out)
			if err != nil || !bytes.Equal(back.Payload, e.Payload) || back.PayloadType != e.PayloadType {
				t.Fatalf("re-decoding %s: %v", out, err)
			}
		}
	})
}
