package fastverify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"math/big"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// p256Key is a fixed P-256 key (d = 0x1234...), so failures reproduce.
func p256Key(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	d := make([]byte, 32)
	for i := range d {
		d[i] = byte(0x12 + i)
	}
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), d)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func derSig(r, s *big.Int) []byte {
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(r)
		b.AddASN1BigInt(s)
	})
	return b.BytesOrPanic()
}

func signP256(t testing.TB, k *ecdsa.PrivateKey, digest []byte) []byte {
	t.Helper()
	sig, err := ecdsa.SignASN1(nil, k, digest)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// TestP256AgreesWithCryptoECDSA: valid signatures over digests of every
// length crypto/ecdsa takes, and signatures spoiled in each way it
// refuses, get crypto/ecdsa's answer.
func TestP256AgreesWithCryptoECDSA(t *testing.T) {
	k := p256Key(t)
	v, err := NewP256(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	n := elliptic.P256().Params().N
	d256 := sha256.Sum256([]byte("message"))
	d512 := sha512.Sum512([]byte("message"))
	good := signP256(t, k, d256[:])
	r, s, _ := parseASN1(good)
	one := big.NewInt(1)

	// An R at infinity: e = −r·d mod N makes u₁G + u₂Q = [w(e + r·d)]G = O.
	priv, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	infE := new(big.Int).Mul(r, new(big.Int).SetBytes(priv))
	infE.Neg(infE).Mod(infE, n)
	infDigest := infE.FillBytes(make([]byte, 32))

	tests := []struct {
		name           string
		digest, sig    []byte
		wantCryptoSays bool
	}{
		{"sha-256 digest", d256[:], good, true},
		{"sha-512 digest, truncated", d512[:], signP256(t, k, d512[:]), true},
		{"short digest", d256[:20], signP256(t, k, d256[:20]), true},
		{"empty digest", nil, signP256(t, k, nil), true},
		{"other digest", d512[:32], good, false},
		{"r = 0", d256[:], derSig(new(big.Int), s), false},
		{"s = 0", d256[:], derSig(r, new(big.Int)), false},
		{"r = N", d256[:], derSig(n, s), false},
		{"s + N", d256[:], derSig(r, new(big.Int).Add(s, n)), false},
		{"r + 1", d256[:], derSig(new(big.Int).Add(r, one), s), false},
		{"negative s", d256[:], derSig(r, new(big.Int).Neg(s)), false},
		{"N − s", d256[:], derSig(r, new(big.Int).Sub(n, s)), true}, // ECDSA's malleability
		{"trailing byte", d256[:], append(append([]byte(nil), good...), 0), false},
		{"truncated", d256[:], good[:len(good)-1], false},
		{"empty", d256[:], nil, false},
		{"R at infinity", infDigest, derSig(r, s), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ecdsa.VerifyASN1(&k.PublicKey, tt.digest, tt.sig); got != tt.wantCryptoSays {
				t.Fatalf("crypto/ecdsa says %v, test expects %v", got, tt.wantCryptoSays)
			}
			if got := v.VerifyASN1(tt.digest, tt.sig); got != tt.wantCryptoSays {
				t.Fatalf("VerifyASN1 = %v, crypto/ecdsa says %v", got, tt.wantCryptoSays)
			}
		})
	}
}

// TestP256ScalarMultiples checks the table's [k]Q against crypto/ecdsa's
// arithmetic for scalars whose signed digits carry through every window.
func TestP256ScalarMultiples(t *testing.T) {
	k := p256Key(t)
	v, err := NewP256(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	v.once.Do(v.build)
	n := elliptic.P256().Params().N
	c := elliptic.P256()
	for _, hexK := range []string{
		"1", "20", "21", "3f", "40", "7ff", "fff", "ffffffff",
		"8000000000000000000000000000000000000000000000000000000000000000",
		"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550", // N − 1
		"fbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbefbe",
	} {
		kk, _ := new(big.Int).SetString(hexK, 16)
		kk.Mod(kk, n)
		got := v.mulQ(kk.FillBytes(make([]byte, 32)))
		//lint:ignore SA1019 elliptic's ScalarMult is the independent reference here.
		wx, wy := c.ScalarMult(k.X, k.Y, kk.Bytes())
		want := append([]byte{4}, append(wx.FillBytes(make([]byte, 32)), wy.FillBytes(make([]byte, 32))...)...)
		if fmt.Sprintf("%x", got.Bytes()) != fmt.Sprintf("%x", want) {
			t.Errorf("[%s]Q differs from elliptic's", hexK)
		}
	}
}

func TestNewP256(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P384(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewP256(&k.PublicKey); err == nil {
		t.Fatal("P-384 key accepted")
	}
}

// FuzzP256 spoils bytes of a valid signature and its digest and checks
// that VerifyASN1 agrees with crypto/ecdsa.
func FuzzP256(f *testing.F) {
	f.Add([]byte("msg"), []byte{}, []byte{})
	f.Add([]byte("msg"), []byte{5, 1}, []byte{})
	f.Add([]byte("msg"), []byte{}, []byte{0, 1})
	f.Add([]byte("msg"), []byte{1, 0x80}, []byte{31, 0xff})
	k := p256Key(f)
	v, err := NewP256(&k.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg, spoilSig, spoilDigest []byte) {
		d := sha256.Sum256(msg)
		sig := signP256(t, k, d[:])
		digest := d[:]
		// spoil* are (offset, xor) pairs; an offset past the end appends.
		for ; len(spoilSig) >= 2; spoilSig = spoilSig[2:] {
			if at := int(spoilSig[0]); at < len(sig) {
				sig[at] ^= spoilSig[1]
			} else {
				sig = append(sig, spoilSig[1])
			}
		}
		for ; len(spoilDigest) >= 2; spoilDigest = spoilDigest[2:] {
			if at := int(spoilDigest[0]); at < len(digest) {
				digest[at] ^= spoilDigest[1]
			} else if len(digest) > 0 {
				digest = digest[:at%len(digest)]
			}
		}
		if got, want := v.VerifyASN1(digest, sig), ecdsa.VerifyASN1(&k.PublicKey, digest, sig); got != want {
			t.Fatalf("VerifyASN1 = %v, crypto/ecdsa says %v (sig %x, digest %x)", got, want, sig, digest)
		}
	})
}
