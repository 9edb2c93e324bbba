package gpg

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// packetOf wraps body in a new-format header with a five-octet length.
func packetOf(tag byte, body []byte) []byte {
	out := []byte{0xc0 | tag, 0xff}
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

func sigBody(typ, algo, hash byte, hashed, unhashed, value []byte) []byte {
	body := []byte{4, typ, algo, hash}
	body = binary.BigEndian.AppendUint16(body, uint16(len(hashed)))
	body = append(body, hashed...)
	body = binary.BigEndian.AppendUint16(body, uint16(len(unhashed)))
	body = append(body, unhashed...)
	body = append(body, 0xab, 0xcd)
	return append(body, value...)
}

func sub(typ byte, data ...byte) []byte { return append([]byte{byte(len(data) + 1), typ}, data...) }

var (
	fpr20     = bytes.Repeat([]byte{0x11}, 20)
	created   = sub(subCreationTime, 0x60, 0, 0, 0)
	issuerFpr = sub(subIssuerFingerprint, append([]byte{4}, fpr20...)...)
	rsaValue  = []byte{0, 9, 0x01, 0x02} // a 9-bit MPI
	edValue   = append(append([]byte{0, 8, 0x07}, 0, 16), bytes.Repeat([]byte{1}, 2)...)
)

func TestParseSignature(t *testing.T) {
	good := sigBody(0, 1, 8, append(created, issuerFpr...), sub(subIssuer, fpr20[:8]...), rsaValue)
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{name: "new format", data: packetOf(2, good)},
		{name: "old format, two-octet length", data: append([]byte{0x89, 0, byte(len(good))}, good...)},
		{name: "eddsa", data: packetOf(2, sigBody(0, 22, 8, append(created, issuerFpr...), nil, edValue))},
		{name: "issuer key id only", data: packetOf(2, sigBody(0, 1, 8, created, sub(subIssuer, fpr20[:8]...), rsaValue))},
		{name: "empty", data: nil, wantErr: ErrMalformed},
		{name: "armor", data: []byte("-----BEGIN PGP SIGNATURE-----\n"), wantErr: ErrMalformed},
		{name: "not a signature", data: packetOf(6, good), wantErr: ErrMalformed},
		{name: "trailing bytes after packet", data: append(packetOf(2, good), 0), wantErr: ErrMalformed},
		{name: "trailing bytes in packet", data: packetOf(2, append(bytes.Clone(good), 0)), wantErr: ErrMalformed},
		{name: "truncated packet", data: packetOf(2, good)[:20], wantErr: ErrMalformed},
		{name: "partial length", data: append([]byte{0xc2, 0xe1}, good...), wantErr: ErrUnsupported},
		{name: "indeterminate length", data: append([]byte{0x8b}, good...), wantErr: ErrUnsupported},
		{name: "version 3", data: packetOf(2, append([]byte{3}, good[1:]...)), wantErr: ErrUnsupported},
		{name: "version 5", data: packetOf(2, append([]byte{5}, good[1:]...)), wantErr: ErrUnsupported},
		{name: "ecdsa", data: packetOf(2, sigBody(0, 19, 8, append(created, issuerFpr...), nil, rsaValue)), wantErr: ErrUnsupported},
		{name: "no creation time", data: packetOf(2, sigBody(0, 1, 8, issuerFpr, nil, rsaValue)), wantErr: ErrMalformed},
		{name: "creation time unhashed", data: packetOf(2, sigBody(0, 1, 8, issuerFpr, created, rsaValue)), wantErr: ErrMalformed},
		{name: "no issuer", data: packetOf(2, sigBody(0, 1, 8, created, nil, rsaValue)), wantErr: ErrMalformed},
		{name: "issuers disagree", data: packetOf(2, sigBody(0, 1, 8, append(created, issuerFpr...), sub(subIssuer, 1, 2, 3, 4, 5, 6, 7, 8), rsaValue)), wantErr: ErrMalformed},
		{name: "v5 issuer fingerprint", data: packetOf(2, sigBody(0, 1, 8, append(created, sub(subIssuerFingerprint, append([]byte{5}, fpr20...)...)...), nil, rsaValue)), wantErr: ErrMalformed},
		{name: "subpacket overruns area", data: packetOf(2, sigBody(0, 1, 8, append(created, 9, subIssuer), nil, rsaValue)), wantErr: ErrMalformed},
		{name: "zero-length subpacket", data: packetOf(2, sigBody(0, 1, 8, append(created, 0), nil, rsaValue)), wantErr: ErrMalformed},
		{name: "hashed length overruns packet", data: packetOf(2, []byte{4, 0, 1, 8, 0xff, 0xff}), wantErr: ErrMalformed},
		{name: "mpi truncated", data: packetOf(2, sigBody(0, 1, 8, append(created, issuerFpr...), nil, []byte{0x10, 0, 1})), wantErr: ErrMalformed},
		{name: "eddsa R too long", data: packetOf(2, sigBody(0, 22, 8, append(created, issuerFpr...), nil, append([]byte{1, 8}, make([]byte, 33)...))), wantErr: ErrMalformed},
		{name: "empty value", data: packetOf(2, sigBody(0, 1, 8, append(created, issuerFpr...), nil, []byte{0, 0})), wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseSignature(tt.data)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParseSignature = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (p.IssuerFingerprint == "" && p.IssuerKeyID != "1111111111111111" || p.Created.Unix() != 0x60000000) {
				t.Errorf("parsed %+v", p)
			}
		})
	}
}

func TestParseSignatureValues(t *testing.T) {
	p, err := ParseSignature(packetOf(2, sigBody(0, 22, 8, append(created, issuerFpr...), nil, edValue)))
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(make([]byte, 31), 7), append(make([]byte, 30), 1, 1)...)
	if !bytes.Equal(p.Signature, want) {
		t.Errorf("EdDSA value %x, want R and S padded to 32 bytes: %x", p.Signature, want)
	}
	p, err = ParseSignature(packetOf(2, sigBody(0, 17, 8, append(created, issuerFpr...), nil, []byte{0, 8, 0x80, 0, 1, 1})))
	if err != nil {
		t.Fatal(err)
	}
	// DER SEQUENCE { INTEGER 0x0080, INTEGER 1 }, as pyca's encode_dss_signature.
	if want := []byte{0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x01}; !bytes.Equal(p.Signature, want) {
		t.Errorf("DSA value %x, want %x", p.Signature, want)
	}
	if want := "04001108"; !strings.HasPrefix(hex.EncodeToString(p.Hashed), want) {
		t.Errorf("hashed part %x", p.Hashed)
	}
}

func TestParsePublicKeyErrors(t *testing.T) {
	fxs := loadFixtures(t)
	rsa, ed := fxs["rsa"].pub, fxs["ed25519"].pub
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{name: "empty", data: nil, wantErr: ErrMalformed},
		{name: "two keys", data: append(bytes.Clone(rsa), ed...), wantErr: ErrMalformed},
		{name: "starts with a signature", data: fxs["rsa"].sig, wantErr: ErrMalformed},
		{name: "truncated", data: rsa[:len(rsa)-3], wantErr: ErrMalformed},
		{name: "version 5 key", data: packetOf(6, append([]byte{5}, make([]byte, 10)...)), wantErr: ErrUnsupported},
		{name: "ecdsa key", data: packetOf(6, []byte{4, 0, 0, 0, 0, 19, 1, 2}), wantErr: ErrUnsupported},
		{name: "eddsa on another curve", data: packetOf(6, []byte{4, 0, 0, 0, 0, 22, 1, 0x2b, 0, 0}), wantErr: ErrMalformed},
		{name: "rsa without exponent", data: packetOf(6, []byte{4, 0, 0, 0, 0, 1, 0, 8, 0xff}), wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePublicKey(tt.data)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParsePublicKey = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestCheckKeyID(t *testing.T) {
	tests := []struct {
		id      string
		wantErr error
	}{
		{id: "7855A06D"}, {id: "e77aea49269f2deaf66c9c0f3c055cb968c9a669"},
		{id: "", wantErr: ErrBadKeyID}, {id: "nothex", wantErr: ErrBadKeyID},
		{id: "abc\n", wantErr: ErrBadKeyID}, {id: "--homedir", wantErr: ErrBadKeyID},
	}
	for _, tt := range tests {
		if err := CheckKeyID(tt.id); !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("CheckKeyID(%q) = %v, want %v", tt.id, err, tt.wantErr)
		}
	}
}

func TestOneLine(t *testing.T) {
	got := oneLine([]byte("gpg: skipped \"X\": No secret key\r\n\ngpg: \x1b[31msigning\xff failed\n"))
	want := "gpg: skipped \"X\": No secret key; gpg:  [31msigning\uFFFD failed"
	if got != want {
		t.Errorf("oneLine = %q, want %q", got, want)
	}
}
