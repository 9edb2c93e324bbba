package pkcs11

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/miekg/pkcs11"
	pkgerrors "github.com/pkg/errors"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestLoginError(t *testing.T) {
	tests := []struct {
		name    string
		code    uint
		flags   uint
		wantErr error
		want    string
	}{
		{"wrong, no counter", pkcs11.CKR_PIN_INCORRECT, 0, keystore.ErrWrongPIN, "does not report how many tries"},
		{"wrong, count low", pkcs11.CKR_PIN_INCORRECT, pkcs11.CKF_USER_PIN_COUNT_LOW, keystore.ErrWrongPIN, "few tries are left"},
		{"wrong, final try", pkcs11.CKR_PIN_INCORRECT, pkcs11.CKF_USER_PIN_FINAL_TRY, keystore.ErrWrongPIN, "1 try is left"},
		{"wrong, now locked", pkcs11.CKR_PIN_INCORRECT, pkcs11.CKF_USER_PIN_LOCKED, keystore.ErrPINLocked, "unblock"},
		{"length", pkcs11.CKR_PIN_LEN_RANGE, 0, keystore.ErrWrongPIN, "CKR_PIN_LEN_RANGE"},
		{"locked", pkcs11.CKR_PIN_LOCKED, 0, keystore.ErrPINLocked, "too many wrong attempts"},
		{"expired", pkcs11.CKR_PIN_EXPIRED, 0, keystore.ErrWrongPIN, "expired"},
		{"removed", pkcs11.CKR_DEVICE_REMOVED, 0, keystore.ErrUnavailable, "CKR_DEVICE_REMOVED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// crypto11 wraps with github.com/pkg/errors, which has no Unwrap.
			err := loginError(pkgerrors.WithMessage(pkcs11.Error(tc.code), "failed to log in"), "tok", tc.flags)
			if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q, want %v containing %q", err, tc.wantErr, tc.want)
			}
		})
	}
}

func TestCode(t *testing.T) {
	wrapped := fmt.Errorf("x: %w", pkgerrors.WithMessage(pkcs11.Error(pkcs11.CKR_PIN_LOCKED), "y"))
	if c, ok := code(wrapped); !ok || c != pkcs11.CKR_PIN_LOCKED {
		t.Fatalf("code = %#x, %v", c, ok)
	}
	if _, ok := code(errors.New("plain")); ok {
		t.Fatal("code found a PKCS#11 code in a plain error")
	}
	if err := mapError(errors.New("plain")); errors.Is(err, keystore.ErrUnavailable) {
		t.Fatal("a plain error became ErrUnavailable")
	}
}

func TestDecodeEdPoint(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	der := append([]byte{0x04, 0x20}, pub...)
	tests := []struct {
		name    string
		in      []byte
		wantErr error
	}{
		{"DER", der, nil},
		{"raw", pub, nil},
		{"short", der[:20], keys.ErrMalformedKey},
		{"trailing", append(bytes.Clone(der), 0), keys.ErrMalformedKey},
		{"wrong tag", append([]byte{0x03, 0x20}, pub...), keys.ErrMalformedKey},
		{"empty", nil, keys.ErrMalformedKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeEdPoint(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err == nil && !got.Equal(pub) {
				t.Fatal("wrong key")
			}
		})
	}
	if !isEd25519Params([]byte(oidEd25519DER)) || !isEd25519Params([]byte("\x13\x0cedwards25519")) ||
		isEd25519Params([]byte("\x13\x0aedwards448")) {
		t.Fatal("isEd25519Params")
	}
}

func FuzzDecodeEdPoint(f *testing.F) {
	f.Add(append([]byte{0x04, 0x20}, make([]byte, 32)...))
	f.Add([]byte("\x13\x0cedwards25519"))
	f.Fuzz(func(t *testing.T, b []byte) {
		isEd25519Params(b)
		if pub, err := decodeEdPoint(b); err == nil && len(pub) != ed25519.PublicKeySize {
			t.Fatalf("decoded a %d-byte key", len(pub))
		}
	})
}

// FuzzParseSelector feeds URIs that parse through the backend's selector:
// it must not panic, and a selector it returns names a key and a module.
func FuzzParseSelector(f *testing.F) {
	for _, s := range []string{
		"pkcs11:token=a;object=b?module-path=/m.so&pin-source=/p",
		"pkcs11:serial=1;id=%01%02?module-name=softhsm2",
		"pkcs11:slot-id=3;object=x?module-path=/m.so",
		"pkcs11:object=x;type=public;x-vendor=1",
	} {
		f.Add(s)
	}
	b, err := NewBackend(BackendOptions{DefaultModulePath: "/default.so", ModuleDirs: []string{f.TempDir()}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := keystore.ParseURI(s)
		if err != nil || u.Scheme != Scheme {
			return
		}
		sel, err := b.parseSelector(u)
		if err != nil {
			if !errors.Is(err, keystore.ErrBadURI) && !errors.Is(err, ErrModule) {
				t.Fatalf("%q: unexpected error %v", s, err)
			}
			return
		}
		if sel.module == "" || (sel.label == "" && sel.id == nil) {
			t.Fatalf("%q: selector %+v names no module or key", s, sel)
		}
	})
}
