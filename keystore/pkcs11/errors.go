package pkcs11

import "errors"

// Errors of this package, beyond the keystore sentinels it also wraps
// (keystore.ErrKeyNotFound, ErrPINRequired, ErrWrongPIN, ErrPINLocked,
// ErrUnavailable, ErrBadURI) and those of package keys
// (keys.ErrUnsupportedKey, ErrUnsupportedScheme, ErrKeyTypeMismatch).
// Test them with errors.Is. No error contains a PIN.
var (
	// ErrModule means the PKCS#11 module could not be found, loaded or
	// initialised; the message names the path.
	ErrModule = errors.New("cannot load the PKCS#11 module")
	// ErrTokenNotFound means no token matches the URI; the message lists
	// the tokens the module has. Errors wrapping it also wrap
	// keystore.ErrKeyNotFound.
	ErrTokenNotFound = errors.New("PKCS#11 token not found")
	// ErrAmbiguous means the URI matches more than one token or key; the
	// message lists them and says which attribute to add.
	ErrAmbiguous = errors.New("key URI matches more than one object")
	// ErrKeyExists means Generate found an object with the label or id it
	// was asked to use.
	ErrKeyExists = errors.New("a key with this label or id already exists")
	// ErrBackendClosed means the Backend was closed.
	ErrBackendClosed = errors.New("PKCS#11 backend is closed")
)
