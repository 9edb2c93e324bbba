package keystore

import (
	"errors"

	"github.com/signet-dev/signet/pkg/keys"
)

// Errors returned by this package and by the backends. Callers test them
// with errors.Is; the wrapping message says which URI attribute, file or
// device was wrong and what to do. No error ever contains a PIN, a
// passphrase or key material.
var (
	// ErrBadURI means a key URI could not be parsed or breaks the rules of
	// its scheme (unknown or duplicate attribute, bad value, too long).
	ErrBadURI = errors.New("invalid key URI")
	// ErrSecretInURI means a key URI carries a secret (pin-value,
	// passphrase, ...). Secrets are given by reference only: a *-source
	// attribute naming a file. Errors wrapping it also wrap ErrBadURI.
	ErrSecretInURI = errors.New("secrets must not be written into key URIs")
	// ErrUnknownScheme means no backend is registered for the URI's
	// scheme; the message lists the registered ones.
	ErrUnknownScheme = errors.New("unknown key URI scheme")
	// ErrInvalidOptions means an Options field is invalid; the message
	// names the field.
	ErrInvalidOptions = errors.New("invalid key store options")
	// ErrKeyNotFound means the URI names no key in the store (no such
	// file, token object, PIV slot or transit key).
	ErrKeyNotFound = errors.New("key not found")
	// ErrInsecurePermissions means a private key file can be read or
	// written by users other than its owner.
	ErrInsecurePermissions = errors.New("key file permissions are too open")
	// ErrPINRequired means the device needs a PIN and none was given
	// (no pin-source, no prompt).
	ErrPINRequired = errors.New("a PIN is required")
	// ErrWrongPIN means the device refused the PIN.
	ErrWrongPIN = errors.New("wrong PIN")
	// ErrPINLocked means the device blocked the PIN after too many wrong
	// attempts.
	ErrPINLocked = errors.New("PIN is locked")
	// ErrPassphraseRequired means an encrypted key file needs a
	// passphrase and none was given. It is keys.ErrPassphraseRequired.
	ErrPassphraseRequired = keys.ErrPassphraseRequired
	// ErrWrongPassphrase means an encrypted key file could not be
	// decrypted. It is keys.ErrWrongPassphrase.
	ErrWrongPassphrase = keys.ErrWrongPassphrase
	// ErrSecretSource means a *-source file could not be read or is not a
	// usable secret (empty, too large).
	ErrSecretSource = errors.New("cannot read secret source")
	// ErrClosed means the Signer was closed.
	ErrClosed = errors.New("signer is closed")
	// ErrUnavailable means the store cannot be reached (device unplugged,
	// token removed, Vault down); retrying later may succeed.
	ErrUnavailable = errors.New("key store unavailable")
)
