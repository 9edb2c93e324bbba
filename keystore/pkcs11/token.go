package pkcs11

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ThalesIgnite/crypto11"
	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
)

// token is a logged-in token: a crypto11 context (which holds the login in
// its persistent session) and a pool of raw sessions for Ed25519 signing
// and object lookups.
type token struct {
	m      *module
	slot   uint
	label  string
	serial string
	c11    *crypto11.Context

	// pinMAC is HMAC-SHA256(macKey, PIN) of the PIN this token was logged
	// in with, so a later Open with a different PIN fails although the
	// process is already logged in. The PIN itself is not kept.
	macKey, pinMAC []byte

	// mu is held shared by every signature and exclusively by close, so
	// the module is never unloaded under a signature in flight.
	mu     sync.RWMutex
	closed bool

	sem  chan struct{}             // signatures in flight (MaxSessions-1)
	idle chan pkcs11.SessionHandle // idle raw sessions
	wait time.Duration
}

// tokenKey identifies a token within a module.
func tokenKey(info pkcs11.TokenInfo) string { return info.SerialNumber + "\x00" + info.Label }

// token finds the token sel names, logging in on first use with the PIN
// from opts.Secret.
func (m *module) token(ctx context.Context, sel selector, opts keystore.Options) (*token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		return nil, ErrBackendClosed
	}
	e, err := m.findToken(sel.token)
	if err != nil {
		return nil, err
	}
	pin, err := opts.Secret(ctx, keystore.SecretRequest{Kind: keystore.SecretPIN, Source: sel.pinSource,
		For: fmt.Sprintf("PKCS#11 token %q", e.info.Label)})
	if err != nil {
		return nil, err
	}
	defer clear(pin)
	if t := m.tokens[tokenKey(e.info)]; t != nil {
		return t, t.checkPIN(pin)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := m.login(e, pin)
	if err != nil {
		return nil, err
	}
	m.tokens[tokenKey(e.info)] = t
	return t, nil
}

// login checks the PIN on a raw session, then makes the token's crypto11
// context.
func (m *module) login(e tokenEntry, pin []byte) (*token, error) {
	if e.info.Flags&pkcs11.CKF_USER_PIN_LOCKED != 0 {
		return nil, loginError(pkcs11.Error(pkcs11.CKR_PIN_LOCKED), e.info.Label, e.info.Flags)
	}
	if err := m.checkLogin(e, pin); err != nil {
		return nil, err
	}
	c11, err := m.newContext(e, pin)
	if err != nil {
		return nil, err
	}
	t := &token{
		m: m, slot: e.slot, label: e.info.Label, serial: e.info.SerialNumber, c11: c11,
		macKey: make([]byte, 32),
		sem:    make(chan struct{}, m.opts.MaxSessions-1),
		idle:   make(chan pkcs11.SessionHandle, m.opts.MaxSessions-1),
		wait:   m.opts.PoolWaitTimeout,
	}
	if _, err := rand.Read(t.macKey); err != nil {
		return nil, errors.Join(err, c11.Close())
	}
	t.pinMAC = t.mac(pin)
	return t, nil
}

// checkLogin logs in on a short raw session to learn whether the PIN is
// right; crypto11 would finalise the module on a failed login.
func (m *module) checkLogin(e tokenEntry, pin []byte) error {
	s, err := m.raw.OpenSession(e.slot, pkcs11.CKF_SERIAL_SESSION)
	if err != nil {
		return fmt.Errorf("opening a session on PKCS#11 token %q: %w", e.info.Label, mapError(err))
	}
	defer m.raw.CloseSession(s)
	err = m.raw.Login(s, pkcs11.CKU_USER, string(pin))
	if err == nil || isCode(err, pkcs11.CKR_USER_ALREADY_LOGGED_IN) {
		return nil
	}
	flags := e.info.Flags
	if info, ierr := m.raw.GetTokenInfo(e.slot); ierr == nil {
		flags = info.Flags
	}
	return loginError(err, e.info.Label, flags)
}

// newContext makes the crypto11 context for the token (see module for why
// raw is finalised first when we own the only initialisation).
func (m *module) newContext(e tokenEntry, pin []byte) (*crypto11.Context, error) {
	refinalize := m.owned && len(m.tokens) == 0
	if refinalize {
		if err := m.raw.Finalize(); err != nil {
			return nil, fmt.Errorf("%w: %s: C_Finalize: %w", ErrModule, m.path, err)
		}
	}
	cfg := &crypto11.Config{
		Path: m.path, TokenSerial: e.info.SerialNumber, Pin: string(pin),
		MaxSessions: m.opts.MaxSessions, PoolWaitTimeout: m.opts.PoolWaitTimeout,
	}
	if e.info.SerialNumber == "" {
		cfg.TokenSerial, cfg.TokenLabel = "", e.info.Label
	}
	c11, err := crypto11.Configure(cfg)
	cfg.Pin = "" // crypto11 keeps cfg; it needs the PIN only to log in
	if refinalize || err != nil {
		if ierr := m.initialize(); ierr != nil {
			err = errors.Join(err, ierr)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("opening PKCS#11 token %q with crypto11: %w", e.info.Label, mapError(err))
	}
	return c11, nil
}

func (t *token) mac(pin []byte) []byte {
	h := hmac.New(sha256.New, t.macKey)
	h.Write(pin)
	return h.Sum(nil)
}

// checkPIN compares pin with the one the token was logged in with.
func (t *token) checkPIN(pin []byte) error {
	if hmac.Equal(t.mac(pin), t.pinMAC) {
		return nil
	}
	return fmt.Errorf("%w for PKCS#11 token %q: it differs from the PIN this process logged in with "+
		"(the token was not asked again, so no try was used)", keystore.ErrWrongPIN, t.label)
}

// close releases the raw sessions and the crypto11 context (which logs
// out and, as the module's last crypto11 context, finalises it).
func (t *token) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for {
		select {
		case s := <-t.idle:
			_ = t.m.raw.CloseSession(s)
		default:
			return t.c11.Close()
		}
	}
}

// acquire takes one of the token's signing slots, waiting at most the pool
// wait timeout; release gives it back.
func (t *token) acquire(ctx context.Context) error {
	select {
	case t.sem <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(t.wait)
	defer timer.Stop()
	select {
	case t.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return fmt.Errorf("%w: all %d sessions of PKCS#11 token %q stayed busy for %s",
			keystore.ErrUnavailable, cap(t.sem), t.label, t.wait)
	}
}

func (t *token) release() { <-t.sem }

// withSession runs fn on an idle raw session or a new one. A session fn
// failed on is closed rather than reused.
func (t *token) withSession(fn func(p *pkcs11.Ctx, s pkcs11.SessionHandle) error) error {
	var s pkcs11.SessionHandle
	select {
	case s = <-t.idle:
	default:
		var err error
		s, err = t.m.raw.OpenSession(t.slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
		if err != nil {
			return fmt.Errorf("opening a session on PKCS#11 token %q: %w", t.label, mapError(err))
		}
	}
	err := fn(t.m.raw, s)
	if err != nil {
		_ = t.m.raw.CloseSession(s)
		return err
	}
	select {
	case t.idle <- s:
	default:
		_ = t.m.raw.CloseSession(s)
	}
	return nil
}
