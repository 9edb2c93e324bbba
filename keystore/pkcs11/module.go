package pkcs11

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
)

// module is one loaded PKCS#11 module. raw is a miekg/pkcs11 handle used
// for token discovery, login checks, Ed25519 and key lookups; every token
// also has a crypto11 context on the same module.
//
// Initialisation order matters because crypto11 calls C_Initialize itself
// for the first context on a module path and C_Finalize when that fails
// (even with CKR_CRYPTOKI_ALREADY_INITIALIZED). So while no crypto11
// context of ours exists and we initialised the module, raw is finalised
// before crypto11.Configure and initialised again after it; raw is never
// finalised while a crypto11 context lives.
type module struct {
	path string
	opts BackendOptions

	mu     sync.Mutex // serialises discovery, login and generation
	raw    *pkcs11.Ctx
	owned  bool // our C_Initialize succeeded: finalise raw on close
	tokens map[string]*token
}

// loadModule loads and initialises the module at path.
func loadModule(path string, opts BackendOptions) (*module, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %s does not exist; fix module-path (SoftHSM2 on Debian: %s)",
			ErrModule, path, SoftHSMModulePath)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrModule, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrModule, path)
	}
	raw := pkcs11.New(path)
	if raw == nil {
		return nil, fmt.Errorf("%w: %s cannot be loaded: it is not a PKCS#11 module for this "+
			"architecture, or a library it needs is missing (try: ldd %s)", ErrModule, path, path)
	}
	m := &module{path: path, opts: opts, raw: raw, tokens: map[string]*token{}}
	if err := m.initialize(); err != nil {
		raw.Destroy()
		return nil, err
	}
	return m, nil
}

// initialize calls C_Initialize; CKR_CRYPTOKI_ALREADY_INITIALIZED means
// another user in the process did, and is success.
func (m *module) initialize() error {
	err := m.raw.Initialize()
	switch {
	case err == nil:
		m.owned = true
	case isCode(err, pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED):
		m.owned = false
	default:
		return fmt.Errorf("%w: %s: C_Initialize: %w", ErrModule, m.path, err)
	}
	return nil
}

// close releases every token, then the module.
func (m *module) close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for _, t := range m.tokens {
		errs = append(errs, t.close())
	}
	m.tokens = nil
	if m.owned {
		errs = append(errs, m.raw.Finalize())
	}
	m.raw.Destroy()
	return errors.Join(errs...)
}

// tokenEntry is an initialised token in a slot.
type tokenEntry struct {
	slot uint
	info pkcs11.TokenInfo
}

func (e tokenEntry) String() string {
	return fmt.Sprintf("token=%s (serial=%s, %s %s)", e.info.Label, e.info.SerialNumber,
		e.info.ManufacturerID, e.info.Model)
}

// listTokens returns the initialised tokens present.
func (m *module) listTokens() ([]tokenEntry, error) {
	slots, err := m.raw.GetSlotList(true)
	if err != nil {
		return nil, fmt.Errorf("listing the slots of %s: %w", m.path, mapError(err))
	}
	var out []tokenEntry
	for _, s := range slots {
		info, err := m.raw.GetTokenInfo(s)
		if err != nil || info.Flags&pkcs11.CKF_TOKEN_INITIALIZED == 0 {
			continue // removed meanwhile, or a free slot
		}
		out = append(out, tokenEntry{slot: s, info: info})
	}
	return out, nil
}

func (sel tokenSelector) matches(info pkcs11.TokenInfo) bool {
	return (sel.label == "" || sel.label == info.Label) && (sel.serial == "" || sel.serial == info.SerialNumber) &&
		(sel.manufacturer == "" || sel.manufacturer == info.ManufacturerID) && (sel.model == "" || sel.model == info.Model)
}

func (sel tokenSelector) String() string {
	var parts []string
	for _, a := range [][2]string{{"token", sel.label}, {"serial", sel.serial}, {"manufacturer", sel.manufacturer}, {"model", sel.model}} {
		if a[1] != "" {
			parts = append(parts, a[0]+"="+a[1])
		}
	}
	if len(parts) == 0 {
		return "any token"
	}
	return strings.Join(parts, ";")
}

// findToken returns the one token sel matches.
func (m *module) findToken(sel tokenSelector) (tokenEntry, error) {
	all, err := m.listTokens()
	if err != nil {
		return tokenEntry{}, err
	}
	var found []tokenEntry
	for _, e := range all {
		if sel.matches(e.info) {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return tokenEntry{}, fmt.Errorf("%w: %s matches %d tokens in %s: %s; add serial=SERIAL to the URI",
			ErrAmbiguous, sel, len(found), m.path, joinEntries(found))
	case len(all) == 0:
		return tokenEntry{}, fmt.Errorf("%w: %w: no %s in %s: the module has no initialised tokens",
			ErrTokenNotFound, keystore.ErrKeyNotFound, sel, m.path)
	}
	return tokenEntry{}, fmt.Errorf("%w: %w: no %s in %s; tokens present: %s",
		ErrTokenNotFound, keystore.ErrKeyNotFound, sel, m.path, joinEntries(all))
}

func joinEntries(es []tokenEntry) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.String()
	}
	return strings.Join(s, "; ")
}
