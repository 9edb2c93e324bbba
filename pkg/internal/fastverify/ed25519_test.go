package fastverify

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"filippo.io/edwards25519"
)

// testKey is a fixed ed25519 key with its secret scalar, for crafting
// signatures that crypto/ed25519.Sign would never make.
type testKey struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	a    *edwards25519.Scalar
}

func newTestKey(t testing.TB, seed byte) testKey {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	h := sha512.Sum512(priv.Seed())
	a, err := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	if err != nil {
		t.Fatal(err)
	}
	return testKey{priv: priv, pub: priv.Public().(ed25519.PublicKey), a: a}
}

// craft returns R‖s with s = r + k·a for the given R bytes and r (the
// discrete log of R's prime-order part): valid by the cofactorless
// equation exactly when R is [r]B encoded canonically.
func (k testKey) craft(t testing.TB, rEnc []byte, r *edwards25519.Scalar, msg []byte) []byte {
	t.Helper()
	h := sha512.New()
	h.Write(rEnc)
	h.Write(k.pub)
	h.Write(msg)
	kk, err := new(edwards25519.Scalar).SetUniformBytes(h.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	s := new(edwards25519.Scalar).MultiplyAdd(kk, k.a, r)
	return append(bytes.Clone(rEnc), s.Bytes()...)
}

func signAll(k testKey, n int) (msgs, sigs [][]byte) {
	for i := range n {
		m := fmt.Appendf(nil, `{"_type":"link","i":%d}`, i)
		msgs = append(msgs, m)
		sigs = append(sigs, ed25519.Sign(k.priv, m))
	}
	return msgs, sigs
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEd25519ValidBatches(t *testing.T) {
	k := newTestKey(t, 1)
	v, err := NewEd25519(k.pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, MinBatch - 1, MinBatch, 32, 64, 65} {
		msgs, sigs := signAll(k, n)
		if err := v.Verify(msgs, sigs); err != nil {
			t.Errorf("batch of %d valid signatures: %v", n, err)
		}
	}
}

func TestEd25519BadSignatures(t *testing.T) {
	k := newTestKey(t, 2)
	other := newTestKey(t, 3)
	v, err := NewEd25519(k.pub)
	if err != nil {
		t.Fatal(err)
	}
	l := mustHex(t, "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010") // the group order, little-endian
	tests := []struct {
		name  string
		index int
		spoil func(msgs, sigs [][]byte, i int)
	}{
		{"flipped bit in R", 0, func(_, sigs [][]byte, i int) { sigs[i][3] ^= 1 }},
		{"flipped bit in s", 31, func(_, sigs [][]byte, i int) { sigs[i][40] ^= 0x10 }},
		{"other message", 63, func(msgs, _ [][]byte, i int) { msgs[i] = []byte("something else") }},
		{"other key", 17, func(msgs, sigs [][]byte, i int) { sigs[i] = ed25519.Sign(other.priv, msgs[i]) }},
		{"short signature", 5, func(_, sigs [][]byte, i int) { sigs[i] = sigs[i][:63] }},
		{"long signature", 6, func(_, sigs [][]byte, i int) { sigs[i] = append(sigs[i], 0) }},
		{"s plus the group order", 9, func(_, sigs [][]byte, i int) {
			// crypto/ed25519 refuses s ≥ L although the equation holds.
			s, _ := new(edwards25519.Scalar).SetCanonicalBytes(sigs[i][32:])
			var carry uint16
			sb := s.Bytes()
			for j := range 32 {
				sum := uint16(sb[j]) + uint16(l[j]) + carry
				sigs[i][32+j], carry = byte(sum), sum>>8
			}
		}},
		{"R not a point", 2, func(_, sigs [][]byte, i int) {
			copy(sigs[i][:32], mustHex(t, "0200000000000000000000000000000000000000000000000000000000000000"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, sigs := signAll(k, 64)
			tt.spoil(msgs, sigs, tt.index)
			if ed25519.Verify(k.pub, msgs[tt.index], sigs[tt.index]) && len(sigs[tt.index]) == 64 {
				t.Fatal("test case does not spoil the signature")
			}
			err := v.Verify(msgs, sigs)
			var bad *BadSignatureError
			if !errors.As(err, &bad) || bad.Index != tt.index {
				t.Fatalf("Verify = %v, want signature %d named", err, tt.index)
			}
		})
	}
}

// TestEd25519NonCanonicalR crafts signatures whose R is the identity
// point, encoded canonically and in the two non-canonical ways.
// crypto/ed25519 accepts only the first; so must the batch.
func TestEd25519NonCanonicalR(t *testing.T) {
	k := newTestKey(t, 4)
	v, err := NewEd25519(k.pub)
	if err != nil {
		t.Fatal(err)
	}
	zero := edwards25519.NewScalar()
	tests := []struct {
		name string
		r    string
		want bool
	}{
		{"canonical identity", "0100000000000000000000000000000000000000000000000000000000000000", true},
		{"identity with y = p+1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false},
		{"identity with the sign bit", "0100000000000000000000000000000000000000000000000000000000000080", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, sigs := signAll(k, 8)
			sigs[4] = k.craft(t, mustHex(t, tt.r), zero, msgs[4])
			if got := ed25519.Verify(k.pub, msgs[4], sigs[4]); got != tt.want {
				t.Fatalf("crypto/ed25519 says %v, test expects %v", got, tt.want)
			}
			err := v.Verify(msgs, sigs)
			if (err == nil) != tt.want {
				t.Fatalf("Verify = %v, want accepted = %v", err, tt.want)
			}
			// The batch itself, not only the fallback, must refuse it.
			if got := v.batch(msgs, sigs); got != tt.want {
				t.Fatalf("batch = %v, want %v", got, tt.want)
			}
		})
	}
}

// Points of small order: (0, −1) of order 2 and one of order 8.
const (
	order2 = "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
	order8 = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
)

// torsionSig returns a signature with R = [r]B + T for the small-order
// point T: crypto/ed25519 refuses it; a cofactored check would accept it.
func torsionSig(t *testing.T, k testKey, torsion string, msg []byte) []byte {
	t.Helper()
	T, err := new(edwards25519.Point).SetBytes(mustHex(t, torsion))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := new(edwards25519.Scalar).SetUniformBytes(bytes.Repeat([]byte{7}, 64))
	R := new(edwards25519.Point).Add(new(edwards25519.Point).ScalarBaseMult(r), T)
	sig := k.craft(t, R.Bytes(), r, msg)
	if ed25519.Verify(k.pub, msg, sig) {
		t.Fatal("crypto/ed25519 accepts a signature with a small-order R component")
	}
	return sig
}

// TestEd25519SmallOrderComponent documents the one difference from
// crypto/ed25519: a planted small-order component in R escapes the batch
// when zᵢ happens to kill it. For a component of order 8 the batch
// catches it unless zᵢ ≡ 0 (mod 8); for order 2, unless zᵢ is even.
func TestEd25519SmallOrderComponent(t *testing.T) {
	k := newTestKey(t, 5)
	v, err := NewEd25519(k.pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		torsion string
		min     int // of 64 runs with crypto/rand, at least this many refuse
	}{
		// Expected 56 and 32; the bounds fail with probability < 2⁻²⁰.
		{"order 8", order8, 40},
		{"order 2", order2, 12},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msgs, sigs := signAll(k, 16)
			sigs[3] = torsionSig(t, k, tt.torsion, msgs[3])
			refused := 0
			for range 64 {
				if !v.batch(msgs, sigs) {
					refused++
				}
				// Verify names the signature whenever the batch refuses.
				var bad *BadSignatureError
				if err := v.Verify(msgs, sigs); err != nil && (!errors.As(err, &bad) || bad.Index != 3) {
					t.Fatalf("Verify = %v, want signature 3 named", err)
				}
			}
			if refused < tt.min {
				t.Errorf("batch refused %d of 64 runs, want at least %d", refused, tt.min)
			}
		})
	}
	t.Run("escapes with even coefficients", func(t *testing.T) {
		msgs, sigs := signAll(k, 16)
		sigs[3] = torsionSig(t, k, order2, msgs[3])
		even := *v
		even.rand = bytes.NewReader(bytes.Repeat([]byte{2}, 16*16))
		if !even.batch(msgs, sigs) {
			t.Fatal("batch with even zᵢ refused an order-2 component; the documented bound is wrong")
		}
	})
}

func TestEd25519ReducedY(t *testing.T) {
	for _, tt := range []struct {
		enc  string
		want bool
	}{
		{"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", true},  // p−1
		{"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false}, // p
		{"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false}, // p, sign bit
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false}, // 2²⁵⁵−1
		{"ecfffffffffffffffffffffffffffffffffffffffffffffffffffffffeffff7f", true},
		{"0000000000000000000000000000000000000000000000000000000000000000", true},
	} {
		if got := reducedY(mustHex(t, tt.enc)); got != tt.want {
			t.Errorf("reducedY(%s) = %v, want %v", tt.enc, got, tt.want)
		}
	}
}

func TestNewEd25519(t *testing.T) {
	if _, err := NewEd25519(make([]byte, 31)); err == nil {
		t.Error("31-byte key accepted")
	}
	// y = 2 is not on the curve.
	if _, err := NewEd25519(mustHex(t, "0200000000000000000000000000000000000000000000000000000000000000")); err == nil {
		t.Error("a key that is not a curve point accepted")
	}
	if _, err := NewEd25519(make([]byte, 33)); err == nil {
		t.Error("33-byte key accepted")
	}
	k := newTestKey(t, 6)
	v, err := NewEd25519(k.pub)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Verify(make([][]byte, 2), make([][]byte, 3)); err == nil {
		t.Error("2 messages with 3 signatures accepted")
	}
}

// FuzzEd25519 spoils bytes of a valid batch and checks that the batch
// accepts exactly when crypto/ed25519 accepts every signature, and names
// the first one it refuses.
func FuzzEd25519(f *testing.F) {
	f.Add(uint8(8), []byte{0, 0, 1})
	f.Add(uint8(33), []byte{32, 40, 0x80})
	f.Add(uint8(5), []byte{})
	f.Add(uint8(64), []byte{63, 63, 0xff, 1, 0, 2})
	k := newTestKey(f, 9)
	v, err := NewEd25519(k.pub)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, n uint8, spoil []byte) {
		msgs, sigs := signAll(k, int(n%80))
		if len(sigs) == 0 {
			return
		}
		// spoil is (signature, byte, xor) triples; byte ≥ 64 spoils the message.
		for ; len(spoil) >= 3; spoil = spoil[3:] {
			i, at := int(spoil[0])%len(sigs), int(spoil[1])
			if at < 64 {
				sigs[i][at] ^= spoil[2]
			} else {
				msgs[i] = append(msgs[i], spoil[2])
			}
		}
		want := -1
		for i := range sigs {
			if !ed25519.Verify(k.pub, msgs[i], sigs[i]) {
				want = i
				break
			}
		}
		err := v.Verify(msgs, sigs)
		var bad *BadSignatureError
		switch {
		case want < 0 && err != nil:
			t.Fatalf("valid batch refused: %v", err)
		case want >= 0 && (!errors.As(err, &bad) || bad.Index != want):
			t.Fatalf("Verify = %v, want signature %d named", err, want)
		case len(sigs) >= MinBatch && v.batch(msgs, sigs) != (want < 0):
			t.Fatalf("batch disagrees with crypto/ed25519 (first bad %d)", want)
		}
	})
}

// TestEd25519KeyWithSmallOrderComponent uses a public key A = [a]B + T
// with T of order 8, and signatures crypto/ed25519 accepts (ground so that
// kᵢ ≡ 0 mod 8). The batch equation would not be exact for such a key, so
// Verify must check its signatures one at a time and accept them.
func TestEd25519KeyWithSmallOrderComponent(t *testing.T) {
	k := newTestKey(t, 10)
	T, err := new(edwards25519.Point).SetBytes(mustHex(t, order8))
	if err != nil {
		t.Fatal(err)
	}
	A := new(edwards25519.Point).Add(new(edwards25519.Point).ScalarBaseMult(k.a), T)
	k.pub = A.Bytes()
	v, err := NewEd25519(k.pub)
	if err != nil {
		t.Fatal(err)
	}
	if v.primeOrder {
		t.Fatal("a key with an order-8 component counted as prime order")
	}
	var msgs, sigs [][]byte
	for i := 0; len(sigs) < 2*MinBatch; i++ {
		r, _ := new(edwards25519.Scalar).SetUniformBytes(bytes.Repeat([]byte{byte(i), 1}, 32))
		R := new(edwards25519.Point).ScalarBaseMult(r).Bytes()
		msg := fmt.Appendf(nil, "message %d", i)
		sig := k.craft(t, R, r, msg)
		if ed25519.Verify(k.pub, msg, sig) {
			msgs, sigs = append(msgs, msg), append(sigs, sig)
		}
	}
	if err := v.Verify(msgs, sigs); err != nil {
		t.Fatalf("signatures crypto/ed25519 accepts were refused: %v", err)
	}
	if honest, _ := NewEd25519(newTestKey(t, 10).pub); !honest.primeOrder {
		t.Fatal("an honest key counted as having a small-order component")
	}
}
