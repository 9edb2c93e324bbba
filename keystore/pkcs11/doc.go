// Package pkcs11 is the key store backend for PKCS#11 tokens: hardware
// security modules, smart cards and SoftHSM2. ECDSA (P-256, P-384) and RSA
// keys sign through github.com/ThalesIgnite/crypto11; Ed25519 keys sign
// with CKM_EDDSA through github.com/miekg/pkcs11 directly, because
// crypto11 has no EdDSA. The package needs cgo (both libraries load the
// module with dlopen); a CGO_ENABLED=0 build of a binary that imports it
// fails.
//
// # Key URIs
//
// Keys are named by RFC 7512 URIs:
//
//	pkcs11:token=release;object=owner-1?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/secrets/pin
//	pkcs11:serial=9a2bfe03d971babe;id=%01?module-name=softhsm2&pin-source=/run/secrets/pin
//
// The module is module-path (an absolute file), else module-name (NAME,
// NAME.so or libNAME.so in BackendOptions.ModuleDirs, by default
// DefaultModuleDirs()), else BackendOptions.DefaultModulePath. There is
// no built-in default module: loading a module runs its code, so the URI
// or the program must name it. Symbolic links are resolved, so two names
// of one library share one loaded module.
//
// The token is chosen by token (label), serial, manufacturer and model;
// every attribute given must match, and exactly one initialised token may
// match. Slot numbers are refused (slot-id, slot-description,
// slot-manufacturer): they change when tokens are added or initialised.
// library-* and x-* attributes are refused too; type may only be
// "private". The key is the one private key object with the given object
// (CKA_LABEL) and/or id (CKA_ID, percent-encoded bytes). ECDSA and RSA
// keys need a CKA_ID, which crypto11 uses to find the public half; the
// Ed25519 public key is read from the public key object with the same
// label and id (CKA_EC_POINT).
//
// The PIN comes from the file named by pin-source, else from
// keystore.Options.Prompt (see keystore.Options.Secret); the bytes are
// cleared after login. miekg/pkcs11 and crypto11 take the PIN as a Go
// string, which cannot be cleared; the Backend drops its references right
// after login and keeps only an HMAC of the PIN under a random key.
//
// # Keys and key ids
//
// A Signer's Key is the in-toto key of the token's public key, shaped by
// keystore.Options (Dialect for the key id, Scheme: rsassa-pss-sha256 by
// default for RSA, with a salt as long as the hash; rsa-pkcs1v15-* on
// request). Signing goes through keys.NewSignerForKey, so every
// signature is verified with the public key before it is returned.
// Generate creates a key pair on a token (label from object=, id from id=
// or 16 random bytes; private half sensitive, not extractable) and refuses
// a label or id already used by any object on the token (ErrKeyExists).
//
// # Sessions and logins
//
// A Backend loads each module once and keeps, per token, one crypto11
// context, whose persistent session holds the login, plus a pool of raw
// sessions for Ed25519 and lookups. PKCS#11 logins belong to the process,
// not to a session: a second Open of a logged-in token does not reach
// the token's PIN check, so the Backend compares the PIN with an HMAC of
// the one it logged in with and returns keystore.ErrWrongPIN if they
// differ. A login made by someone else in the process
// (CKR_USER_ALREADY_LOGGED_IN) is accepted without a check.
//
// BackendOptions.MaxSessions (default 8) bounds crypto11's sessions per
// token; at most MaxSessions-1 signatures are in flight per token, and
// Sign waits for a free slot, honouring its context, for at most
// PoolWaitTimeout (default 30 s) before failing with
// keystore.ErrUnavailable. Ed25519 uses at most MaxSessions-1 further raw
// sessions. Sign is safe for concurrent use.
//
// crypto11 initialises a module for its first context and finalises it
// for its last, and finalises it too when Configure fails. The Backend
// therefore checks the token and the PIN on its own miekg/pkcs11 handle
// first, finalises that handle (if it initialised the module) before the
// module's first crypto11 context is made and initialises it again after,
// and never finalises it while a crypto11 context lives. Other code in the
// process that initialises the same module without crypto11 must not run
// alongside a Backend, and code that uses crypto11 directly must give it
// the module's symlink-resolved path (crypto11 counts its contexts per
// path string). Use one Backend per process; Close it after the
// Signers it opened (Sign then fails with keystore.ErrClosed).
//
// # Errors
//
// Errors wrap keystore sentinels where one fits, and name the module,
// token and key, never the PIN:
//
//   - keystore.ErrPINRequired: no pin-source and no prompt.
//   - keystore.ErrWrongPIN: the token refused the PIN. The message says
//     how many tries are left when the token reports it
//     (CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_COUNT_LOW), and otherwise that
//     the device does not report it.
//   - keystore.ErrPINLocked: the PIN is blocked.
//   - ErrTokenNotFound (and keystore.ErrKeyNotFound): the message lists
//     the tokens present with label, serial, manufacturer and model.
//   - keystore.ErrKeyNotFound: the message lists the private keys on the
//     token as URI attributes (object=...;id=%XX (type)).
//   - ErrAmbiguous: more than one token or key matches.
//   - ErrModule: the module path does not exist, or the file cannot be
//     loaded or initialised; the message names the path.
//   - keys.ErrUnsupportedKey: a key type in-toto cannot use (DSA,
//     X25519, Ed448, RSA below 2048 bits).
//   - keys.ErrUnsupportedScheme, keys.ErrKeyTypeMismatch: the key refuses
//     the scheme or is not the type asked for.
//   - keystore.ErrUnavailable: the token was removed or stays busy.
//
// Register the backend in main:
//
//	b, err := pkcs11.NewBackend(pkcs11.BackendOptions{Logger: logger})
//	...
//	defer b.Close()
//	b.Register(reg)
package pkcs11
