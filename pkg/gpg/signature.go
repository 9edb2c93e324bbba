package gpg

import (
	"bytes"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Algorithm is an OpenPGP public-key algorithm (RFC 4880 §9.1).
type Algorithm byte

// The algorithms the reference supports, and this package.
const (
	AlgorithmRSA   Algorithm = 1
	AlgorithmDSA   Algorithm = 17
	AlgorithmEdDSA Algorithm = 22
)

// String names the algorithm as securesystemslib's key "type" does.
func (a Algorithm) String() string {
	switch a {
	case AlgorithmRSA:
		return "rsa"
	case AlgorithmDSA:
		return "dsa"
	case AlgorithmEdDSA:
		return "eddsa"
	}
	return fmt.Sprintf("algorithm %d", byte(a))
}

func (a Algorithm) supported() bool {
	return a == AlgorithmRSA || a == AlgorithmDSA || a == AlgorithmEdDSA
}

// Hash algorithm ids (RFC 4880 §9.4).
const (
	HashSHA1   byte = 2
	HashSHA256 byte = 8
	HashSHA384 byte = 9
	HashSHA512 byte = 10
	HashSHA224 byte = 11
)

// Signature types (RFC 4880 §5.2.1).
const (
	SigTypeBinary           byte = 0x00
	sigTypeCertGeneric      byte = 0x10
	sigTypeCertPositive     byte = 0x13
	sigTypeSubkeyBinding    byte = 0x18
	sigTypeKeyRevocation    byte = 0x20
	sigTypeSubkeyRevocation byte = 0x28
)

// SignaturePacket is a parsed version 4 signature packet.
type SignaturePacket struct {
	Type      byte
	Algorithm Algorithm
	Hash      byte
	// Hashed is the packet from its version octet to the end of the
	// hashed subpackets: what the signature covers besides the data, and
	// what the reference calls other_headers.
	Hashed []byte
	// Created is the Signature Creation Time (hashed subpacket 2).
	Created time.Time
	// IssuerFingerprint is the Issuer Fingerprint subpacket (33) as
	// lowercase hex, "" if absent (gpg before 2.1).
	IssuerFingerprint string
	// IssuerKeyID is the Issuer subpacket (16) as lowercase hex, "" if
	// absent.
	IssuerKeyID string
	// KeyLifetime is the hashed Key Expiration Time subpacket (9) in
	// seconds after the key's creation; 0 means none.
	KeyLifetime uint32
	// PrimaryUserID is the hashed Primary User ID flag (25).
	PrimaryUserID bool
	// Signature is the algorithm-specific value in the reference's form:
	// RSA the MPI's bytes, EdDSA R||S (32 bytes each), DSA a DER
	// SEQUENCE of r and s.
	Signature []byte
}

// ParseSignature parses data holding exactly one OpenPGP signature packet
// (header included), as gpg --detach-sign writes it.
func ParseSignature(data []byte) (*SignaturePacket, error) {
	p, rest, err := readPacket(data)
	if err != nil {
		return nil, err
	}
	if p.tag != tagSignature {
		return nil, fmt.Errorf("%w: expected a signature packet (tag 2), got tag %d", ErrMalformed, p.tag)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the signature packet", ErrMalformed, len(rest))
	}
	return parseSignatureBody(p.body)
}

// parseSignatureBody parses the body of a signature packet (RFC 4880
// §5.2.3).
func parseSignatureBody(body []byte) (*SignaturePacket, error) {
	r := &reader{d: body, what: "signature packet"}
	if v := r.byte("version"); r.err == nil && v != 4 {
		return nil, fmt.Errorf("%w: signature packet version %d (only version 4 is supported)", ErrUnsupported, v)
	}
	s := &SignaturePacket{Type: r.byte("type"), Algorithm: Algorithm(r.byte("algorithm")), Hash: r.byte("hash algorithm")}
	hashed := r.bytes(r.uint16("hashed subpacket length"), "hashed subpackets")
	if r.err != nil {
		return nil, r.err
	}
	s.Hashed = bytes.Clone(body[:6+len(hashed)])
	unhashed := r.bytes(r.uint16("unhashed subpacket length"), "unhashed subpackets")
	r.bytes(2, "hash prefix")
	if r.err != nil {
		return nil, r.err
	}
	if !s.Algorithm.supported() {
		return nil, fmt.Errorf("%w: signature made with %v; RSA, DSA and EdDSA are supported", ErrUnsupported, s.Algorithm)
	}
	if err := s.readSubpackets(hashed, unhashed); err != nil {
		return nil, err
	}
	var err error
	if s.Signature, err = signatureValue(r, s.Algorithm); err != nil {
		return nil, err
	}
	return s, nil
}

// readSubpackets fills the fields taken from subpackets. As in the
// reference, issuer ids may come from either area and the last one wins,
// hashed ones over unhashed ones; everything else must be hashed.
func (s *SignaturePacket) readSubpackets(hashed, unhashed []byte) error {
	hs, err := parseSubpackets(hashed, "hashed subpackets")
	if err != nil {
		return err
	}
	us, err := parseSubpackets(unhashed, "unhashed subpackets")
	if err != nil {
		return err
	}
	for i, sp := range append(us, hs...) {
		if err := s.subpacket(sp, i >= len(us)); err != nil {
			return err
		}
	}
	switch {
	case s.Created.IsZero():
		return fmt.Errorf("%w: signature has no hashed creation time (subpacket 2)", ErrMalformed)
	case s.IssuerFingerprint == "" && s.IssuerKeyID == "":
		return fmt.Errorf("%w: signature names no issuer (subpacket 16 or 33)", ErrMalformed)
	case s.IssuerFingerprint != "" && !strings.HasSuffix(s.IssuerFingerprint, s.IssuerKeyID):
		return fmt.Errorf("%w: issuer key id %s is not the end of issuer fingerprint %s", ErrMalformed, s.IssuerKeyID, s.IssuerFingerprint)
	}
	return nil
}

func (s *SignaturePacket) subpacket(sp subpacket, hashed bool) error {
	switch {
	case sp.typ == subIssuerFingerprint:
		if len(sp.data) != 21 || sp.data[0] != 4 {
			return fmt.Errorf("%w: issuer fingerprint subpacket is not a version 4 fingerprint (%d bytes)", ErrMalformed, len(sp.data))
		}
		s.IssuerFingerprint = hex.EncodeToString(sp.data[1:])
	case sp.typ == subIssuer:
		if len(sp.data) != 8 {
			return fmt.Errorf("%w: issuer subpacket of %d bytes (want 8)", ErrMalformed, len(sp.data))
		}
		s.IssuerKeyID = hex.EncodeToString(sp.data)
	case !hashed:
	case sp.typ == subCreationTime || sp.typ == subKeyExpiration:
		if len(sp.data) != 4 {
			return fmt.Errorf("%w: time subpacket %d of %d bytes (want 4)", ErrMalformed, sp.typ, len(sp.data))
		}
		v := binary.BigEndian.Uint32(sp.data)
		if sp.typ == subKeyExpiration {
			s.KeyLifetime = v
		} else if v != 0 {
			s.Created = time.Unix(int64(v), 0).UTC()
		}
	case sp.typ == subPrimaryUserID:
		s.PrimaryUserID = len(sp.data) > 0 && sp.data[0] != 0
	}
	return nil
}

// signatureValue reads the algorithm-specific MPIs that end the packet.
func signatureValue(r *reader, algo Algorithm) ([]byte, error) {
	var out []byte
	switch algo {
	case AlgorithmRSA:
		out = bytes.Clone(r.mpi("RSA signature"))
	case AlgorithmEdDSA:
		rr, ss := r.mpi("EdDSA R"), r.mpi("EdDSA S")
		if r.err == nil && (len(rr) > 32 || len(ss) > 32) {
			r.fail("EdDSA R or S longer than 32 bytes")
		}
		out = make([]byte, 0, 64)
		out = append(append(out, leftPad(rr, 32)...), leftPad(ss, 32)...)
	case AlgorithmDSA:
		rr, ss := r.mpi("DSA r"), r.mpi("DSA s")
		if r.err == nil {
			var err error
			out, err = asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(rr), new(big.Int).SetBytes(ss)})
			if err != nil {
				r.fail("DSA signature: %v", err)
			}
		}
	}
	r.end()
	if r.err != nil {
		return nil, r.err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: signature packet: empty signature value", ErrMalformed)
	}
	return out, nil
}

// leftPad returns a copy of b left-padded with zeros to n bytes (b
// itself if it is not shorter).
func leftPad(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	out := make([]byte, n)
	copy(out[n-len(b):], b)
	return out
}
