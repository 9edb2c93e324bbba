package keys

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestGenerateKey(t *testing.T) {
	tests := []struct {
		keyType string
		bits    int
		want    string // %T of the key, or ""
		wantErr error
	}{
		{"ed25519", 0, "ed25519.PrivateKey", nil},
		{"ecdsa", 0, "*ecdsa.PrivateKey", nil},
		{"ecdsa", 384, "*ecdsa.PrivateKey", nil},
		{"rsa", 2048, "*rsa.PrivateKey", nil},
		{"rsa", 1024, "", ErrUnsupportedKey},
		{"ecdsa", 224, "", ErrUnsupportedKey},
		{"ed25519", 4096, "", ErrUnsupportedKey},
		{"dsa", 0, "", ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%d", tt.keyType, tt.bits), func(t *testing.T) {
			k, err := GenerateKey(tt.keyType, tt.bits)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err == nil && fmt.Sprintf("%T", k) != tt.want {
				t.Errorf("got %T, want %s", k, tt.want)
			}
		})
	}
	k, err := GenerateKey("ecdsa", 384)
	if err == nil && k.(*ecdsa.PrivateKey).Curve.Params().Name != "P-384" {
		t.Errorf("ecdsa 384 gave %s", k.(*ecdsa.PrivateKey).Curve.Params().Name)
	}
}

// TestMarshalRoundTrip writes every key type in every format, with and
// without a passphrase, and reads the files back.
func TestMarshalRoundTrip(t *testing.T) {
	ks := newTestKeys(t)
	privs := map[string]crypto.Signer{"ed25519": ks.ed, "ecdsa": ks.p256, "ecdsa384": ks.p384, "rsa": ks.rsa}
	for name, priv := range privs {
		for _, format := range []FileFormat{FormatSSLib, FormatPKCS8} {
			for _, pass := range []string{"", "s3cret passphrase"} {
				t.Run(fmt.Sprintf("%s/%d/%t", name, format, pass != ""), func(t *testing.T) {
					checkRoundTrip(t, priv, MarshalOptions{Format: format, Passphrase: []byte(pass), Iterations: 1000})
				})
			}
		}
	}
}

func checkRoundTrip(t *testing.T, priv crypto.Signer, opts MarshalOptions) {
	files, err := MarshalKeyFiles(priv, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts.Passphrase) > 0 {
		if !looksEncrypted(files.Private) {
			t.Errorf("encrypted file looks unencrypted: %.80q", files.Private)
		}
		if _, err := ParsePrivateKey(files.Private, nil); !errors.Is(err, ErrPassphraseRequired) {
			t.Errorf("without passphrase: %v, want ErrPassphraseRequired", err)
		}
	}
	s, err := ParsePrivateKey(files.Private, opts.Passphrase)
	if err != nil {
		t.Fatal(err)
	}
	if s.Key().KeyID != files.Key.KeyID {
		t.Errorf("private file key id %s, want %s", s.Key().KeyID, files.Key.KeyID)
	}
	pub, err := ParsePublicKey(files.Public)
	if err != nil || pub.KeyID != files.Key.KeyID {
		t.Errorf("public file: %v, key id %s, want %s", err, pub.KeyID, files.Key.KeyID)
	}
	sig, err := s.Sign(context.Background(), []byte("m"))
	if err != nil || pub.Verify([]byte("m"), sig) != nil {
		t.Errorf("sign/verify through the files failed: %v", err)
	}
}

func TestMarshalFormats(t *testing.T) {
	ks := newTestKeys(t)
	rsaFiles, err := MarshalKeyFiles(ks.rsa, MarshalOptions{Passphrase: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(rsaFiles.Private)
	if block == nil || block.Type != "RSA PRIVATE KEY" || block.Headers["Proc-Type"] != "4,ENCRYPTED" ||
		!strings.HasPrefix(block.Headers["DEK-Info"], "AES-256-CBC,") {
		t.Errorf("encrypted rsa file is not legacy AES-256-CBC PEM: %.120q", rsaFiles.Private)
	}
	if bytes.HasSuffix(rsaFiles.Public, []byte("\n")) {
		t.Error("legacy rsa .pub ends with a newline; in-toto-keygen writes none")
	}
	p8, err := MarshalKeyFiles(ks.rsa, MarshalOptions{Format: FormatPKCS8, Passphrase: []byte("pw"), Iterations: 10, Dialect: DialectModern})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(p8.Private, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")) || !bytes.HasSuffix(p8.Public, []byte("-----END PUBLIC KEY-----\n")) {
		t.Errorf("PKCS#8 files: %.60q / %.60q", p8.Private, p8.Public)
	}
	if p8.Key.Dialect() != DialectModern || p8.Key.KeyID == rsaFiles.Key.KeyID {
		t.Errorf("modern key %s has dialect %s", p8.Key.KeyID, p8.Key.Dialect())
	}
	modernPub, err := MarshalPublicKeyFile(p8.Key)
	if err != nil || !bytes.Equal(modernPub, p8.Public) {
		t.Errorf("MarshalPublicKeyFile(modern) = %q, %v", modernPub, err)
	}
	_, err = MarshalKeyFiles(faultySigner{ks.rsa}, MarshalOptions{})
	if !errors.Is(err, ErrUnsupportedKey) {
		t.Errorf("device key: err = %v, want ErrUnsupportedKey", err)
	}
	_, err = MarshalKeyFiles(ks.ed, MarshalOptions{Passphrase: []byte("pw"), Iterations: -1})
	if !errors.Is(err, ErrUnsupportedKey) {
		t.Errorf("negative iterations: err = %v, want ErrUnsupportedKey", err)
	}
	var _ *rsa.PrivateKey = ks.rsa
}

func looksEncrypted(data []byte) bool {
	if isSSLibEncrypted(data) {
		return true
	}
	block, _ := pem.Decode(data)
	return block != nil && (block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] == "4,ENCRYPTED")
}
