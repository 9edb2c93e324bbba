package vault

import "errors"

// Errors of this package. Errors also wrap the keystore sentinels where
// one fits (keystore.ErrUnavailable, keystore.ErrKeyNotFound,
// keystore.ErrBadURI, keystore.ErrInvalidOptions), so callers can test
// either. No error ever contains the Vault token.
var (
	// ErrInvalidConfig means a Config field is invalid or no token was
	// given; the message names the field.
	ErrInvalidConfig = errors.New("invalid Vault configuration")
	// ErrPermissionDenied means Vault refused the token (HTTP 403): it is
	// invalid, expired, or its policy lacks the capability the message
	// names.
	ErrPermissionDenied = errors.New("permission denied by Vault")
	// ErrUnsupportedKey means the transit key cannot sign in-toto
	// metadata (aes256-gcm96, hmac, ...), or does not fit the key type or
	// scheme asked for.
	ErrUnsupportedKey = errors.New("unsupported Vault transit key")
	// ErrVersionNotFound means the URI's version does not exist, was
	// trimmed, or is below the key's min_encryption_version. It is
	// returned wrapped together with keystore.ErrKeyNotFound.
	ErrVersionNotFound = errors.New("transit key version not found")
	// ErrKeyExists means Generate was asked to create a key that exists.
	ErrKeyExists = errors.New("transit key already exists")
	// ErrVault means Vault answered with an error this package does not
	// classify further (a 4xx/5xx with Vault's own message) or with a
	// response it could not understand.
	ErrVault = errors.New("request to Vault failed")
	// ErrMessageTooLarge means a message for an ed25519 key is larger
	// than Config.MaxMessageSize, or than the Vault listener accepts.
	ErrMessageTooLarge = errors.New("message too large for Vault")
	// ErrResponseTooLarge means a response body exceeded
	// Config.MaxResponseSize.
	ErrResponseTooLarge = errors.New("response from Vault too large")
)
