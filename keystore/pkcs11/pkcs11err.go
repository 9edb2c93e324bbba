package pkcs11

import (
	"fmt"

	"github.com/miekg/pkcs11"
	"github.com/signet-dev/signet/keystore"
)

// causer is how github.com/pkg/errors (used by crypto11) exposes the error
// it wraps; that version has no Unwrap.
type causer interface{ Cause() error }

// code returns the PKCS#11 return value inside err, if any, following
// both Unwrap and Cause chains.
func code(err error) (uint, bool) {
	for err != nil {
		if p, ok := err.(pkcs11.Error); ok {
			return uint(p), true
		}
		switch e := err.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				if c, ok := code(inner); ok {
					return c, true
				}
			}
			return 0, false
		case interface{ Unwrap() error }:
			err = e.Unwrap()
		case causer:
			err = e.Cause()
		default:
			return 0, false
		}
	}
	return 0, false
}

func isCode(err error, want uint) bool {
	c, ok := code(err)
	return ok && c == want
}

// mapError adds the keystore sentinel that fits a PKCS#11 error.
func mapError(err error) error {
	c, ok := code(err)
	if !ok {
		return err
	}
	switch c {
	case pkcs11.CKR_TOKEN_NOT_PRESENT, pkcs11.CKR_DEVICE_REMOVED, pkcs11.CKR_DEVICE_ERROR,
		pkcs11.CKR_DEVICE_MEMORY, pkcs11.CKR_TOKEN_NOT_RECOGNIZED, pkcs11.CKR_SESSION_CLOSED,
		pkcs11.CKR_CRYPTOKI_NOT_INITIALIZED:
		return fmt.Errorf("%w: %w", keystore.ErrUnavailable, err)
	case pkcs11.CKR_USER_NOT_LOGGED_IN:
		return fmt.Errorf("%w: the token is not logged in (was the backend closed?): %w", keystore.ErrUnavailable, err)
	}
	return err
}

// loginError explains a failed C_Login on the token described by info
// (read again after the failure, for the PIN counter flags).
func loginError(err error, label string, flags uint) error {
	c, _ := code(err)
	switch c {
	case pkcs11.CKR_PIN_INCORRECT, pkcs11.CKR_PIN_INVALID, pkcs11.CKR_PIN_LEN_RANGE:
		if flags&pkcs11.CKF_USER_PIN_LOCKED != 0 {
			return fmt.Errorf("%w for PKCS#11 token %q, and now %w: the security officer must unblock it",
				keystore.ErrWrongPIN, label, keystore.ErrPINLocked)
		}
		return fmt.Errorf("%w for PKCS#11 token %q (%s); %s", keystore.ErrWrongPIN, label, err, triesLeft(flags))
	case pkcs11.CKR_PIN_LOCKED:
		return fmt.Errorf("%w: PKCS#11 token %q refuses the user PIN after too many wrong attempts; "+
			"the security officer must unblock it (for example pkcs11-tool --init-pin --login --login-type so)",
			keystore.ErrPINLocked, label)
	case pkcs11.CKR_PIN_EXPIRED:
		return fmt.Errorf("%w: the user PIN of PKCS#11 token %q has expired; change it, then retry", keystore.ErrWrongPIN, label)
	case pkcs11.CKR_USER_PIN_NOT_INITIALIZED:
		return fmt.Errorf("PKCS#11 token %q has no user PIN yet; the security officer must set one (C_InitPIN)", label)
	}
	return fmt.Errorf("logging in to PKCS#11 token %q: %w", label, mapError(err))
}

// triesLeft tells what the token says about the PIN retry counter.
func triesLeft(flags uint) string {
	switch {
	case flags&pkcs11.CKF_USER_PIN_LOCKED != 0:
		return "the PIN is now locked"
	case flags&pkcs11.CKF_USER_PIN_FINAL_TRY != 0:
		return "1 try is left before the PIN locks: check the PIN before trying again"
	case flags&pkcs11.CKF_USER_PIN_COUNT_LOW != 0:
		return "few tries are left before the PIN locks (the token does not say how many): check the PIN before trying again"
	}
	return "the device does not report how many tries are left; check the pin-source file"
}
