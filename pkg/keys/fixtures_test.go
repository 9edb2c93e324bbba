package keys

import (
	"bytes"
	"context"
	"encoding/hex"
	"sort"
	"strings"
	"testing"
)

// TestFixtures reads every key file the reference wrote into testdata and
// checks key id, public value and signatures against what the reference
// said about it.
func TestFixtures(t *testing.T) {
	fs, msg := loadFixtures(t)
	names := make([]string, 0, len(fs.Files))
	for n := range fs.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		f := fs.Files[name]
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			var k Key
			if f.Kind == "private" {
				k = checkPrivateFixture(t, data, f, msg)
			} else {
				var err error
				if k, err = ParsePublicKey(data); err != nil {
					t.Fatalf("ParsePublicKey: %v", err)
				}
			}
			if k.KeyID != f.KeyID || k.KeyType != f.KeyType || k.Scheme != f.Scheme {
				t.Errorf("key = %s %s %s, reference says %s %s %s", k.KeyID, k.KeyType, k.Scheme, f.KeyID, f.KeyType, f.Scheme)
			}
			if k.KeyVal.Public != f.Public {
				t.Errorf("public value = %q, reference has %q", k.KeyVal.Public, f.Public)
			}
			if err := k.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if f.Sig != "" {
				if err := k.Verify(msg, mustHex(t, f.Sig)); err != nil {
					t.Errorf("reference signature does not verify: %v", err)
				}
			}
			if strings.HasSuffix(name, ".pem") {
				checkModernFixture(t, data, f)
			}
		})
	}
}

func checkPrivateFixture(t *testing.T, data []byte, f fixture, msg []byte) Key {
	t.Helper()
	s, err := ParsePrivateKey(data, []byte(f.Password))
	if err != nil {
		t.Fatalf("ParsePrivateKey: %v", err)
	}
	sig, err := s.Sign(context.Background(), msg)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	if err := s.Key().Verify(msg, sig); err != nil {
		t.Errorf("own signature: %v", err)
	}
	if f.KeyType == KeyTypeED25519 && f.Sig != "" && hex.EncodeToString(sig) != f.Sig {
		t.Errorf("ed25519 signature differs from the reference's:\n got %x\nwant %s", sig, f.Sig)
	}
	return s.Key()
}

func checkModernFixture(t *testing.T, data []byte, f fixture) {
	t.Helper()
	opts := ParseOptions{Passphrase: []byte(f.Password), Dialect: DialectModern}
	var k Key
	if f.Kind == "private" {
		s, err := ParsePrivateKeyWithOptions(data, opts)
		if err != nil {
			t.Fatalf("modern ParsePrivateKeyWithOptions: %v", err)
		}
		k = s.Key()
	} else {
		var err error
		if k, err = ParsePublicKeyWithOptions(data, opts); err != nil {
			t.Fatalf("modern ParsePublicKeyWithOptions: %v", err)
		}
	}
	if k.KeyID != f.ModernKeyID || k.KeyIDHashAlgorithms != nil {
		t.Errorf("modern key id = %s (algs %v), want %s", k.KeyID, k.KeyIDHashAlgorithms, f.ModernKeyID)
	}
	if err := k.Validate(); err != nil {
		t.Errorf("modern Validate: %v", err)
	}
}

// TestMarshalReproducesKeygenFiles re-serialises the unencrypted keys
// in-toto-keygen wrote and expects the very same bytes.
func TestMarshalReproducesKeygenFiles(t *testing.T) {
	for _, name := range []string{"rsa", "ed25519", "ecdsa"} {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			priv, k, err := parsePrivate(data, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			files, err := MarshalKeyFiles(priv, MarshalOptions{Format: FormatSSLib})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(files.Private, data) {
				t.Errorf("private file differs:\n got %q\nwant %q", files.Private, data)
			}
			if pub := readTestdata(t, name+".pub"); !bytes.Equal(files.Public, pub) {
				t.Errorf("public file differs:\n got %q\nwant %q", files.Public, pub)
			}
			if pub, err := MarshalPublicKeyFile(k); err != nil || !bytes.Equal(pub, files.Public) {
				t.Errorf("MarshalPublicKeyFile = %q, %v; want %q", pub, err, files.Public)
			}
			if files.Key.KeyID != k.KeyID {
				t.Errorf("key id %s, want %s", files.Key.KeyID, k.KeyID)
			}
		})
	}
}
