package fastverify

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// MinBatch is the smallest batch Ed25519.Verify checks as a batch;
// smaller ones are checked one signature at a time, which is as fast.
const MinBatch = 4

// ErrBatch means the batch check failed although every signature
// verified on its own. It cannot happen unless this package has a bug; it
// is an error so that a bug fails closed.
var ErrBatch = errors.New("ed25519 batch check failed although each signature verifies")

// BadSignatureError names the first signature of a batch that does not
// verify.
type BadSignatureError struct {
	Index int
}

func (e *BadSignatureError) Error() string {
	return fmt.Sprintf("signature %d does not verify", e.Index)
}

// Ed25519 checks signatures by one ed25519 public key.
type Ed25519 struct {
	pub ed25519.PublicKey
	a   *edwards25519.Point // the decoded public key
	// rand supplies the batch's random coefficients; crypto/rand unless a
	// test sets it.
	rand io.Reader
	// primeOrder: A has no small-order component. Honest keys never
	// have one; for others the batch equation, which reduces Σ zᵢkᵢ
	// mod L, would not be exact, so they are checked one at a time.
	primeOrder bool
}

// NewEd25519 decodes pub once for every later batch. It refuses a key that
// crypto/ed25519 could never verify with.
func NewEd25519(pub ed25519.PublicKey) (*Ed25519, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("ed25519 public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	a, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return nil, fmt.Errorf("ed25519 public key is not a curve point: %w", err)
	}
	return &Ed25519{pub: pub, a: a, rand: rand.Reader, primeOrder: primeOrder(a)}, nil
}

// primeOrder reports whether [L]p is the identity, computed as
// [L−1]p + p: Scalar holds L−1 but not L.
func primeOrder(p *edwards25519.Point) bool {
	lMinus1 := edwards25519.NewScalar().Subtract(edwards25519.NewScalar(), scalarOne())
	q := new(edwards25519.Point).ScalarMult(lMinus1, p)
	return q.Add(q, p).Equal(edwards25519.NewIdentityPoint()) == 1
}

func scalarOne() *edwards25519.Scalar {
	var one [32]byte
	one[0] = 1
	s, _ := edwards25519.NewScalar().SetCanonicalBytes(one[:])
	return s
}

// Verify checks sigs[i] over msgs[i] for every i. It returns nil when the
// batch passes, a *BadSignatureError naming the first signature that
// crypto/ed25519 refuses, or ErrBatch.
//
// The batch equation is the sum over i of zᵢ(Rᵢ + [kᵢ]A − [sᵢ]B) = 0 with
// random 128-bit zᵢ, where kᵢ = SHA-512(Rᵢ‖A‖Mᵢ): the cofactorless RFC 8032
// equation of each signature, combined. Each sᵢ must be below the group
// order and each Rᵢ a canonical point encoding, as crypto/ed25519
// requires.
func (v *Ed25519) Verify(msgs, sigs [][]byte) error {
	if len(msgs) != len(sigs) {
		return fmt.Errorf("%d messages but %d signatures", len(msgs), len(sigs))
	}
	if len(sigs) < MinBatch || !v.primeOrder {
		return v.each(msgs, sigs)
	}
	if !v.batch(msgs, sigs) {
		if err := v.each(msgs, sigs); err != nil {
			return err
		}
		return ErrBatch
	}
	return nil
}

// each checks the signatures one at a time with crypto/ed25519.
func (v *Ed25519) each(msgs, sigs [][]byte) error {
	for i := range sigs {
		if len(sigs[i]) != ed25519.SignatureSize || !ed25519.Verify(v.pub, msgs[i], sigs[i]) {
			return &BadSignatureError{Index: i}
		}
	}
	return nil
}

// batch reports whether the combined equation holds; false for any
// malformed signature.
func (v *Ed25519) batch(msgs, sigs [][]byte) bool {
	n := len(sigs)
	random := make([]byte, 16*n)
	if _, err := io.ReadFull(v.rand, random); err != nil {
		return false // each() then decides
	}
	scalars := make([]*edwards25519.Scalar, n+2)
	points := make([]*edwards25519.Point, n+2)
	rs := make([]edwards25519.Point, n)
	zs := make([]edwards25519.Scalar, n)
	sumS := edwards25519.NewScalar() // Σ zᵢsᵢ, the coefficient of B
	sumK := edwards25519.NewScalar() // Σ zᵢkᵢ, of A
	var s, k edwards25519.Scalar
	var zb [32]byte
	var digest [sha512.Size]byte
	h := sha512.New()
	for i, sig := range sigs {
		if len(sig) != ed25519.SignatureSize {
			return false
		}
		if _, err := s.SetCanonicalBytes(sig[32:]); err != nil {
			return false
		}
		if !canonicalPoint(&rs[i], sig[:32]) {
			return false
		}
		h.Reset()
		h.Write(sig[:32])
		h.Write(v.pub)
		h.Write(msgs[i])
		if _, err := k.SetUniformBytes(h.Sum(digest[:0])); err != nil {
			return false
		}
		copy(zb[:16], random[16*i:])
		if _, err := zs[i].SetCanonicalBytes(zb[:]); err != nil {
			return false // 128-bit values are always canonical
		}
		sumS.MultiplyAdd(&zs[i], &s, sumS)
		sumK.MultiplyAdd(&zs[i], &k, sumK)
		scalars[i], points[i] = &zs[i], &rs[i]
	}
	// Σ zᵢRᵢ + [Σ zᵢkᵢ]A − [Σ zᵢsᵢ]B. The zᵢ are not reduced mod L, so
	// the small-order part of each Rᵢ is multiplied by zᵢ itself; the
	// sums are, which is harmless as A and B have prime order.
	scalars[n], points[n] = sumK, v.a
	scalars[n+1], points[n+1] = sumS.Negate(sumS), edwards25519.NewGeneratorPoint()
	sum := new(edwards25519.Point).VarTimeMultiScalarMult(scalars, points)
	return sum.Equal(edwards25519.NewIdentityPoint()) == 1
}

// canonicalPoint decodes enc into p and reports whether enc is the
// encoding crypto/ed25519 itself would produce for p: y below 2²⁵⁵−19, and
// no sign bit on x = 0. crypto/ed25519 compares R byte for byte with the
// encoding of the point it computes, so it refuses other encodings;
// edwards25519.Point.SetBytes accepts them.
func canonicalPoint(p *edwards25519.Point, enc []byte) bool {
	if !reducedY(enc) {
		return false
	}
	if _, err := p.SetBytes(enc); err != nil {
		return false
	}
	if enc[31]&0x80 != 0 {
		x, _, _, _ := p.ExtendedCoordinates()
		if x.Equal(new(field.Element)) == 1 {
			return false
		}
	}
	return true
}

// reducedY reports whether the little-endian y of enc (sign bit cleared)
// is below p = 2²⁵⁵−19: it is not when bytes 31..1 are 0x7f, 0xff, ...,
// 0xff and byte 0 is at least 0xed.
func reducedY(enc []byte) bool {
	if enc[31]&0x7f != 0x7f {
		return true
	}
	for i := 30; i > 0; i-- {
		if enc[i] != 0xff {
			return true
		}
	}
	return enc[0] < 0xed
}
