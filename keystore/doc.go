// Package keystore is the contract between Signet and the places private
// keys live: key files, PKCS#11 tokens (HSMs, SoftHSM), YubiKey PIV slots
// and HashiCorp Vault transit. Nothing outside a backend ever holds a
// private key type; everything signs through a Signer.
//
// # Signers
//
// A Signer is a keys.Signer (Key, Public, Sign over whole messages, with
// every signature verified before it is returned) plus Close, which
// releases the backend's resources. The key id is Key().KeyID. Sign is
// safe for concurrent use, refuses a cancelled context, and fails with
// ErrClosed after Close. Backends build Signers with Wrap, which adds the
// Close semantics to a keys.Signer made by keys.NewSignerForKey over the
// backend's crypto.Signer. Package keystoretest checks the contract.
//
// # Key URIs
//
// Keys are named by URIs, in the style of RFC 7512 (PKCS#11 URIs):
//
//	/etc/signet/keys/alice                      plain path = file
//	file:///etc/signet/keys/bob.pem?passphrase-source=/run/secrets/pp
//	pkcs11:token=release;object=owner-1?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/secrets/pin
//	yubikey:slot-id=9c;serial=13371337?pin-source=/run/secrets/piv-pin
//	hashivault://transit/release-key?version=3
//
// ParseURI is strict: every attribute must be defined by the scheme
// (pkcs11 also takes "x-" vendor attributes), may appear once, in its
// part of the URI (";"-separated before "?", "&"-separated after it), with
// a non-empty, percent-decoded value that passes the attribute's check.
// URIs are at most MaxURILength bytes. Errors wrap ErrBadURI and name the
// attribute, never its value.
//
// Secrets are given by reference only. pin-value, passphrase, password and
// any other attribute whose name says pin, pass, secret or token (except
// the pkcs11 token label) are refused with ErrSecretInURI, which tells the
// user to write the secret into a file and name it with pin-source or
// passphrase-source. String and Redacted print the canonical form and
// replace secret-looking values in hand-built URIs with "REDACTED", so a
// URI can always be logged.
//
// Schemes other than the four above are parsed with a generic grammar
// (scheme://PATH?QUERY or scheme:ATTRS?QUERY) with the same secret rule,
// so a Registry can hold backends this package does not know.
//
// # Registry and options
//
// A Registry maps schemes to Openers. main builds one explicitly and
// registers the backends the binary includes (there is no global
// registry); registering a scheme twice panics. Registry.Open parses the
// URI, validates the Options and calls the backend; an unknown scheme
// gives ErrUnknownScheme listing the registered ones.
//
// Options carry an optional *slog.Logger, how to read *-source files
// (SecretReader, default ReadSecretFile: one trailing newline removed, at
// most MaxSecretSize bytes), an optional Prompt for a person at a
// terminal, and key type, scheme and dialect hints. Options.Secret gives
// backends one way to get a PIN or passphrase: from the source the URI
// names, else from the prompt, else ErrPINRequired or
// ErrPassphraseRequired with a hint.
package keystore
