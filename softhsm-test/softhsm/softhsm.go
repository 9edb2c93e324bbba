package softhsm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/pkcs11"
)

// ModulePath is where Debian's softhsm2 package installs the module.
const ModulePath = "/usr/lib/softhsm/libsofthsm2.so"

// ConfEnv is the variable SoftHSM2 reads its configuration path from.
const ConfEnv = "SOFTHSM2_CONF"

// ErrNotInstalled means the SoftHSM2 module is missing.
var ErrNotInstalled = errors.New("SoftHSM2 is not installed (apt-get install softhsm2)")

// Available reports whether the SoftHSM2 module exists.
func Available() error {
	if _, err := os.Stat(ModulePath); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrNotInstalled, ModulePath, err)
	}
	return nil
}

// Require fails t when SoftHSM2 is missing and $CI is set, and skips it
// when SoftHSM2 is missing otherwise.
func Require(t testing.TB) {
	t.Helper()
	err := Available()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set and %v", err)
	}
	t.Skipf("skipping: %v", err)
}

// HSM is a private SoftHSM2 installation: a config file and a token
// directory under t.TempDir().
type HSM struct {
	// Dir holds the config, the token directory and PIN files.
	Dir string
	// Conf is the softhsm2.conf SOFTHSM2_CONF points at.
	Conf string
	// Module is the PKCS#11 module path.
	Module string
}

// New makes a private SoftHSM2 configuration and sets SOFTHSM2_CONF to it
// for the rest of the test (see Require for a missing SoftHSM2).
func New(t testing.TB) *HSM {
	t.Helper()
	Require(t)
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatalf("softhsm: %v", err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	text := "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatalf("softhsm: %v", err)
	}
	t.Setenv(ConfEnv, conf)
	return &HSM{Dir: dir, Conf: conf, Module: ModulePath}
}

// Token is an initialised token with a user PIN.
type Token struct {
	Label  string
	Serial string
	// PIN and SOPIN are random hex strings; PINFile holds PIN (mode 0600)
	// for pin-source.
	PIN     string
	SOPIN   string
	PINFile string
	Module  string
}

// InitToken initialises a new token labelled label in the HSM's free slot
// and sets its user PIN.
func (h *HSM) InitToken(t testing.TB, label string) *Token {
	t.Helper()
	tok := &Token{Label: label, PIN: randomHex(t, 8), SOPIN: randomHex(t, 8), Module: h.Module}
	tok.PINFile = filepath.Join(h.Dir, "pin-"+randomHex(t, 4))
	if err := os.WriteFile(tok.PINFile, []byte(tok.PIN+"\n"), 0o600); err != nil {
		t.Fatalf("softhsm: %v", err)
	}
	err := withModule(h.Module, func(p *pkcs11.Ctx) error { return initToken(p, tok) })
	if err != nil {
		t.Fatalf("softhsm: initialising token %q: %v", label, err)
	}
	return tok
}

func initToken(p *pkcs11.Ctx, tok *Token) error {
	slot, err := freeSlot(p)
	if err != nil {
		return err
	}
	if err := p.InitToken(slot, tok.SOPIN, tok.Label); err != nil {
		return fmt.Errorf("C_InitToken: %w", err)
	}
	slot, info, err := FindSlot(p, tok.Label)
	if err != nil {
		return err
	}
	tok.Serial = info.SerialNumber
	s, err := p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return fmt.Errorf("C_OpenSession: %w", err)
	}
	defer p.CloseSession(s)
	if err := p.Login(s, pkcs11.CKU_SO, tok.SOPIN); err != nil {
		return fmt.Errorf("C_Login(SO): %w", err)
	}
	defer p.Logout(s)
	if err := p.InitPIN(s, tok.PIN); err != nil {
		return fmt.Errorf("C_InitPIN: %w", err)
	}
	return nil
}

// freeSlot returns a slot whose token is not initialised yet.
func freeSlot(p *pkcs11.Ctx) (uint, error) {
	slots, err := p.GetSlotList(true)
	if err != nil {
		return 0, fmt.Errorf("C_GetSlotList: %w", err)
	}
	for _, s := range slots {
		info, err := p.GetTokenInfo(s)
		if err == nil && info.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0 {
			return s, nil
		}
	}
	return 0, errors.New("no free SoftHSM slot")
}

// FindSlot returns the slot holding the token labelled label.
func FindSlot(p *pkcs11.Ctx, label string) (uint, pkcs11.TokenInfo, error) {
	slots, err := p.GetSlotList(true)
	if err != nil {
		return 0, pkcs11.TokenInfo{}, fmt.Errorf("C_GetSlotList: %w", err)
	}
	for _, s := range slots {
		info, err := p.GetTokenInfo(s)
		if err == nil && info.Flags&pkcs11.CKF_TOKEN_INITIALIZED != 0 && info.Label == label {
			return s, info, nil
		}
	}
	return 0, pkcs11.TokenInfo{}, fmt.Errorf("no token labelled %q", label)
}

// withModule loads and initialises the module for fn. A module someone
// else in the process initialised is left initialised.
func withModule(path string, fn func(p *pkcs11.Ctx) error) error {
	p := pkcs11.New(path)
	if p == nil {
		return fmt.Errorf("cannot load PKCS#11 module %s", path)
	}
	defer p.Destroy()
	err := p.Initialize()
	owned := err == nil
	if err != nil && !errors.Is(err, pkcs11.Error(pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
		return fmt.Errorf("C_Initialize: %w", err)
	}
	err = fn(p)
	if owned {
		err = errors.Join(err, p.Finalize())
	}
	return err
}

// WithSession runs fn in a read-write session on the token, logged in as
// the user. A login someone else in the process made is kept.
func (tok *Token) WithSession(fn func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error) error {
	return withModule(tok.Module, func(p *pkcs11.Ctx) error {
		slot, _, err := FindSlot(p, tok.Label)
		if err != nil {
			return err
		}
		s, err := p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
		if err != nil {
			return fmt.Errorf("C_OpenSession: %w", err)
		}
		defer p.CloseSession(s)
		err = p.Login(s, pkcs11.CKU_USER, tok.PIN)
		switch {
		case err == nil:
			defer p.Logout(s)
		case !errors.Is(err, pkcs11.Error(pkcs11.CKR_USER_ALREADY_LOGGED_IN)):
			return fmt.Errorf("C_Login: %w", err)
		}
		return fn(p, s)
	})
}

// URI returns a pkcs11 key URI for the object labelled object on the
// token, with module-path and pin-source.
func (tok *Token) URI(object string) string {
	return "pkcs11:token=" + escape(tok.Label) + ";object=" + escape(object) +
		"?module-path=" + tok.Module + "&pin-source=" + tok.PINFile
}

// escape percent-encodes everything but unreserved characters.
func escape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("softhsm: %v", err)
	}
	return hex.EncodeToString(b)
}

// InitTokenWith initialises a token labelled label in the first free slot
// of module with the given PINs and returns its serial number; for
// scripts (scripts/hsminit) that must not pass PINs on a command line.
func InitTokenWith(module, label, soPIN, pin string) (serial string, err error) {
	tok := &Token{Label: label, PIN: pin, SOPIN: soPIN, Module: module}
	if err := withModule(module, func(p *pkcs11.Ctx) error { return initToken(p, tok) }); err != nil {
		return "", fmt.Errorf("initialising token %q: %w", label, err)
	}
	return tok.Serial, nil
}
