package keys

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// seedFiles adds every key file in testdata to the corpus.
func seedFiles(f *testing.F, add func(data []byte)) {
	f.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) == ".py" || e.Name() == "fixtures.json" {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		add(data)
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	seedFiles(f, func(data []byte) { f.Add(data, []byte(fixturePassword)) })
	f.Add([]byte("00@@@@1@@@@"+"00"+"@@@@00@@@@00"), []byte("x"))
	f.Add([]byte(`{"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"","private":""}}`), []byte(nil))
	f.Fuzz(func(t *testing.T, data, passphrase []byte) {
		s, err := ParsePrivateKey(data, passphrase)
		if err != nil {
			if s != nil {
				t.Fatal("signer returned with an error")
			}
			return
		}
		k := s.Key()
		if err := k.Validate(); err != nil {
			t.Fatalf("parsed key does not validate: %v", err)
		}
		sig, err := s.Sign(context.Background(), data)
		if err != nil {
			t.Fatalf("parsed key cannot sign: %v", err)
		}
		if err := k.Verify(data, sig); err != nil {
			t.Fatalf("own signature does not verify: %v", err)
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	seedFiles(f, func(data []byte) { f.Add(data, false) })
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"), true)
	f.Fuzz(func(t *testing.T, data []byte, modern bool) {
		opts := ParseOptions{}
		if modern {
			opts.Dialect = DialectModern
		}
		k, err := ParsePublicKeyWithOptions(data, opts)
		if err != nil {
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("parsed key does not validate: %v", err)
		}
		if _, err := MarshalPublicKeyFile(k); err != nil {
			t.Fatalf("parsed key cannot be written: %v", err)
		}
		_ = k.Verify(data, data) // must not panic
	})
}

func FuzzKeyVerify(f *testing.F) {
	fs, msg := loadFixtures(f)
	for _, fx := range fs.Files {
		if fx.Sig != "" {
			f.Add(fx.KeyType, fx.Scheme, fx.Public, msg, mustHex(f, fx.Sig))
		}
	}
	f.Fuzz(func(t *testing.T, keyType, scheme, public string, msg, sig []byte) {
		k := Key{KeyType: keyType, Scheme: scheme, KeyIDHashAlgorithms: LegacyKeyIDHashAlgorithms(), KeyVal: KeyVal{Public: public}}
		_ = k.Verify(msg, sig)
		_, _ = ComputeKeyID(k)
		_ = k.Validate()
	})
}
