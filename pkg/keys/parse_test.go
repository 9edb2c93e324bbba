package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePrivateKeyErrors(t *testing.T) {
	ed := readTestdata(t, "ed25519")
	edPub := readTestdata(t, "ed25519.pub")
	tests := []struct {
		name    string
		data    []byte
		opts    ParseOptions
		wantErr error
	}{
		{"sslib encrypted, no passphrase", readTestdata(t, "ed25519_enc"), ParseOptions{}, ErrPassphraseRequired},
		{"sslib encrypted, wrong passphrase", readTestdata(t, "ecdsa_enc"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrWrongPassphrase},
		{"rsa PEM encrypted, no passphrase", readTestdata(t, "rsa_enc"), ParseOptions{}, ErrPassphraseRequired},
		{"rsa PEM encrypted, wrong passphrase", readTestdata(t, "rsa_enc"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrWrongPassphrase},
		{"3DES PEM, wrong passphrase", readTestdata(t, "rsa_des3.pem"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrWrongPassphrase},
		{"PKCS#8 encrypted, no passphrase", readTestdata(t, "ecdsa_pkcs8_enc.pem"), ParseOptions{}, ErrPassphraseRequired},
		{"PKCS#8 encrypted, wrong passphrase", readTestdata(t, "ed25519_pkcs8_enc.pem"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrWrongPassphrase},
		{"public JSON", edPub, ParseOptions{}, ErrMalformedKey},
		{"public PEM", readTestdata(t, "rsa.pub"), ParseOptions{}, ErrMalformedKey},
		{"garbage", []byte("hello"), ParseOptions{}, ErrMalformedKey},
		{"empty", nil, ParseOptions{}, ErrMalformedKey},
		{"too large", bytes.Repeat([]byte(" "), MaxKeyFileSize+1), ParseOptions{}, ErrFileTooLarge},
		{"key type hint", ed, ParseOptions{KeyType: "rsa"}, ErrKeyTypeMismatch},
		{"unknown key type hint", ed, ParseOptions{KeyType: "dsa"}, ErrUnsupportedKey},
		{"scheme hint on JSON", ed, ParseOptions{Scheme: SchemeECDSAP256}, ErrUnsupportedScheme},
		{"DSA PEM", []byte("-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n"), ParseOptions{}, ErrUnsupportedKey},
		{"broken RSA PEM", []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), ParseOptions{}, ErrMalformedKey},
		{"JSON wrong keyid", replace(ed, `"keyid": "`, `"keyid": "00`), ParseOptions{}, ErrKeyIDMismatch},
		{"JSON public/private mismatch", swapPublic(t, ed), ParseOptions{}, ErrKeyMismatch},
		{"JSON bad seed", replace(ed, `"private": "`, `"private": "zz`), ParseOptions{}, ErrMalformedKey},
		{"JSON no keytype", replace(ed, `"keytype"`, `"kt"`), ParseOptions{}, ErrMalformedKey},
		{"JSON keytype not a string", replace(ed, `"keytype": "ed25519"`, `"keytype": 1`), ParseOptions{}, ErrMalformedKey},
		{"JSON unsupported scheme", replace(ed, `"scheme": "ed25519"`, `"scheme": "sphincs-shake-128s"`), ParseOptions{}, ErrUnsupportedScheme},
		{"sslib encrypted, bad iterations", []byte("00@@@@0@@@@00@@@@00@@@@00"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrMalformedKey},
		{"sslib encrypted, huge iterations", []byte("00@@@@99999999999@@@@00@@@@00@@@@00"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrMalformedKey},
		{"sslib encrypted, not hex", []byte("zz@@@@1@@@@00@@@@00@@@@00"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrMalformedKey},
		{"unknown DEK-Info", replace(readTestdata(t, "rsa_enc"), "AES-256-CBC", "CAMELLIA-256-CBC"), ParseOptions{Passphrase: []byte("Tr0ub4dor&3")}, ErrUnsupportedKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePrivateKeyWithOptions(tt.data, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if pw := string(tt.opts.Passphrase); pw != "" && strings.Contains(err.Error(), pw) {
				t.Errorf("error contains the passphrase: %v", err)
			}
		})
	}
}

// TestErrorsKeepSecretsOut feeds files whose private parts are damaged and
// checks that no fragment of the private value appears in the error.
func TestErrorsKeepSecretsOut(t *testing.T) {
	ed := string(readTestdata(t, "ed25519"))
	start := strings.Index(ed, `"private": "`) + len(`"private": "`)
	secret := ed[start : start+64]
	for _, data := range []string{
		strings.Replace(ed, secret, secret[:63]+"x", 1),
		strings.Replace(ed, secret, secret+`"x`, 1),
		strings.Replace(ed, `"private": "`, `"private": `, 1),
	} {
		_, err := ParsePrivateKey([]byte(data), nil)
		if err == nil {
			t.Fatal("damaged key accepted")
		}
		if strings.Contains(err.Error(), secret[:16]) {
			t.Errorf("error leaks the private key: %v", err)
		}
	}
}

func TestPassphraseIgnoredForPlainFiles(t *testing.T) {
	for _, name := range []string{"ed25519", "rsa", "ecdsa_pkcs8.pem"} {
		if _, err := ParsePrivateKey(readTestdata(t, name), []byte("unused")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParsePublicKey(t *testing.T) {
	fs, _ := loadFixtures(t)
	rsaPub := readTestdata(t, "rsa.pub")
	crlf := bytes.ReplaceAll(rsaPub, []byte("\n"), []byte("\r\n"))
	tests := []struct {
		name      string
		data      []byte
		opts      ParseOptions
		wantKeyID string
		wantErr   error
	}{
		{"rsa pub with CRLF", crlf, ParseOptions{}, fs.Files["rsa.pub"].KeyID, nil},
		{"rsa pub with text around", append(append([]byte("comment\n"), rsaPub...), "\ntrailer\n"...), ParseOptions{}, fs.Files["rsa.pub"].KeyID, nil},
		{"rsa pub, pkcs1v15 scheme", rsaPub, ParseOptions{Scheme: SchemeRSAPKCS1v15SHA256}, "", nil},
		{"rsa pub, type hint", rsaPub, ParseOptions{KeyType: "ecdsa"}, "", ErrKeyTypeMismatch},
		{"PKCS#1 public", pkcs1Public(t, rsaPub), ParseOptions{Dialect: DialectModern}, fs.Files["rsa.pub"].ModernKeyID, nil},
		{"private JSON", readTestdata(t, "ecdsa"), ParseOptions{}, "", ErrMalformedKey},
		{"encrypted sslib", readTestdata(t, "ecdsa_enc"), ParseOptions{}, "", ErrMalformedKey},
		{"private PEM", readTestdata(t, "rsa"), ParseOptions{}, "", ErrMalformedKey},
		{"encrypted private PEM", readTestdata(t, "rsa_enc"), ParseOptions{}, "", ErrMalformedKey},
		{"no END line", rsaPub[:len(rsaPub)-10], ParseOptions{}, "", ErrMalformedKey},
		{"garbage", []byte("ssh-ed25519 AAAA"), ParseOptions{}, "", ErrMalformedKey},
		{"JSON with empty private", replace(readTestdata(t, "ed25519.pub"), `"public"`, `"private": "", "public"`), ParseOptions{}, fs.Files["ed25519.pub"].KeyID, nil},
		{"JSON with stated keyid", replace(readTestdata(t, "ed25519.pub"), `{`, `{"keyid": "`+fs.Files["ed25519.pub"].KeyID+`", `), ParseOptions{}, fs.Files["ed25519.pub"].KeyID, nil},
		{"JSON with wrong keyid", replace(readTestdata(t, "ed25519.pub"), `{`, `{"keyid": "abcd", `), ParseOptions{}, "", ErrKeyIDMismatch},
		{"too large", bytes.Repeat([]byte("{"), MaxKeyFileSize+1), ParseOptions{}, "", ErrFileTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParsePublicKeyWithOptions(tt.data, tt.opts)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if tt.wantKeyID != "" && k.KeyID != tt.wantKeyID {
				t.Errorf("key id = %s, want %s", k.KeyID, tt.wantKeyID)
			}
			if err := k.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

// TestParseModernJSONPublicKey reads a JSON key that carries a modern key
// id and no keyid_hash_algorithms (SSlibKey.to_dict plus keyid).
func TestParseModernJSONPublicKey(t *testing.T) {
	fs, _ := loadFixtures(t)
	f := fs.Files["ed25519.pub"]
	data := []byte(`{"keyid": "` + f.ModernKeyID + `", "keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": "` + f.Public + `"}}`)
	k, err := ParsePublicKey(data)
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyID != f.ModernKeyID || k.Dialect() != DialectModern {
		t.Errorf("got %s (%s), want modern %s", k.KeyID, k.Dialect(), f.ModernKeyID)
	}
}

func TestReadKeyFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "k")
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(small, []byte("key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, make([]byte, MaxKeyFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadKeyFile(small); err != nil || string(data) != "key" {
		t.Errorf("ReadKeyFile(small) = %q, %v", data, err)
	}
	if _, err := ReadKeyFile(big); !errors.Is(err, ErrFileTooLarge) {
		t.Errorf("ReadKeyFile(big) = %v, want ErrFileTooLarge", err)
	}
	if _, err := ReadKeyFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadKeyFile(missing) = %v, want ErrNotExist", err)
	}
}

func replace(data []byte, old, new string) []byte {
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// swapPublic puts a different ed25519 public key into a private JSON file
// and fixes up its keyid, so only the public/private check can object.
func swapPublic(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := decodeSSLibJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(nil)
	other, err := NewKey(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	out := replace(data, *f.KeyVal.Public, other.KeyVal.Public)
	return replace(out, *f.KeyID, other.KeyID)
}

func pkcs1Public(t *testing.T, spki []byte) []byte {
	t.Helper()
	block, _ := pem.Decode(spki)
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(pub.(*rsa.PublicKey))})
}
