package keystore

import (
	"fmt"
	"log/slog"

	"github.com/signet-dev/signet/pkg/keys"
)

// Options are given to every Opener. The zero value is valid: no logging,
// *-source files read with ReadSecretFile, no prompting.
type Options struct {
	// Logger receives debug messages about opening keys (never secrets);
	// nil discards them.
	Logger *slog.Logger
	// SecretReader reads *-source references; nil means ReadSecretFile.
	SecretReader SecretReader
	// Prompt asks a person for a PIN or passphrase when the URI names no
	// source; nil means never ask (ErrPINRequired, ErrPassphraseRequired).
	Prompt PromptFunc
	// KeyType, if set ("rsa", "ecdsa", "ed25519"), is the type the key
	// must have.
	KeyType string
	// Scheme is the signature scheme to sign with ("" = the key's
	// default, or what its key file says).
	Scheme string
	// Dialect shapes the Key (key id) of keys that do not carry one
	// (PEM files, devices); see keys.Dialect.
	Dialect keys.Dialect
}

// Validate checks the options; errors wrap ErrInvalidOptions and name the
// field.
func (o Options) Validate() error {
	switch o.KeyType {
	case "", keys.KeyTypeRSA, keys.KeyTypeECDSA, keys.KeyTypeED25519:
	default:
		return fmt.Errorf("%w: KeyType %q: use rsa, ecdsa, ed25519 or leave it empty", ErrInvalidOptions, o.KeyType)
	}
	if o.Scheme != "" && !knownSignatureScheme(o.Scheme) {
		return fmt.Errorf("%w: Scheme %q is not a signature scheme Signet supports", ErrInvalidOptions, o.Scheme)
	}
	if o.Dialect != keys.DialectLegacy && o.Dialect != keys.DialectModern {
		return fmt.Errorf("%w: Dialect %s: use keys.DialectLegacy or keys.DialectModern", ErrInvalidOptions, o.Dialect)
	}
	return nil
}

func knownSignatureScheme(s string) bool {
	switch s {
	case keys.SchemeED25519, keys.SchemeECDSAP256, keys.SchemeECDSAP384, keys.SchemeECDSAP521,
		keys.SchemeRSASSAPSSSHA224, keys.SchemeRSASSAPSSSHA256, keys.SchemeRSASSAPSSSHA384,
		keys.SchemeRSASSAPSSSHA512, keys.SchemeRSAPKCS1v15SHA224, keys.SchemeRSAPKCS1v15SHA256,
		keys.SchemeRSAPKCS1v15SHA384, keys.SchemeRSAPKCS1v15SHA512:
		return true
	}
	return false
}

// Log returns o.Logger, or a logger that discards everything.
func (o Options) Log() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}
