// Package vault is the keystore backend for HashiCorp Vault's transit
// secrets engine: the private key never leaves Vault, Signet sends digests
// (or, for ed25519, whole messages) to transit/sign and checks every
// signature it gets back against the public key Vault published.
//
// # URIs and versions
//
//	hashivault://MOUNT/KEYNAME?version=N
//
// MOUNT may contain "/" (the key name is the last segment). Every version
// of a transit key is a different key pair, so in Signet every version is
// its own in-toto key with its own key id, computed from that version's
// public key. A URI with ?version=N opens exactly that version. A URI
// without a version is resolved ONCE, when the key is opened, to the
// latest version; the Signer records it (Signer.Version, Signer.URI) and
// pins key_version on every sign request, so a rotation in Vault while a
// Signer is open cannot change the key a layout or link names. Versions
// below the key's min_encryption_version cannot sign and are refused when
// opening (ErrVersionNotFound, also keystore.ErrKeyNotFound).
//
// # Key types and schemes
//
//	transit type       in-toto keytype/scheme    transit sign arguments
//	ed25519            ed25519/ed25519           whole message
//	ecdsa-p256         ecdsa/ecdsa-sha2-nistp256 prehashed sha2-256, asn1
//	ecdsa-p384         ecdsa/ecdsa-sha2-nistp384 prehashed sha2-384, asn1
//	rsa-2048/3072/4096 rsa/rsassa-pss-sha256     prehashed sha2-256, pss, salt_length=hash
//
// keystore.Options.Scheme may pick another RSA scheme
// (rsassa-pss-sha384, rsa-pkcs1v15-sha256, ...). Ed25519 keys in Vault
// cannot sign prehashed input (vault #31574), so those messages travel
// whole, base64-encoded, and are limited to MaxMessageSize. ed25519
// public keys come from Vault as raw base64, the others as PEM. Keys of
// other types (aes256-gcm96, chacha20-poly1305, hmac, ...) are refused
// with ErrUnsupportedKey, and so are ecdsa-p521 keys: the reference
// (in-toto 1.3.1 with securesystemslib 0.26) cannot verify
// ecdsa-sha2-nistp521 signatures.
//
// Signing goes through keys.NewSignerForKey: it hashes the message per
// the scheme, hands the digest to Vault and verifies the returned
// signature before Sign returns it. SignBatch verifies with Key.Verify.
//
// # Batching
//
// Vault signs many inputs in one request (batch_input). Each Signer owns a
// small batcher that coalesces concurrent Sign and SignBatch calls:
//
//   - An input goes out at once when fewer than Config.MaxInFlight sign
//     requests of this Signer are running, so a lone caller never waits
//     for a timer.
//   - While all slots are busy, new inputs queue. When a request returns,
//     the queue (up to Config.MaxBatch inputs and 8 MiB) leaves as the
//     next batch_input request.
//   - A caller whose context ends stops waiting at once; its queued input
//     is dropped before it is sent, or its signature discarded.
//
// Under load the batch size therefore follows the arrival rate without a
// fixed collection window (group commit), and SignBatch sends its own
// messages as full batches. Requests carry a context that Close cancels;
// a caller's context bounds only its wait.
//
// # Configuration and errors
//
// Config holds the address, the token (or a TokenSource), the namespace,
// timeouts, TLS and limits; cmd/ fills it from VAULT_ADDR, VAULT_TOKEN
// and friends. This package never reads the environment; vault/api's
// NewClient does apply VAULT_TOKEN, VAULT_NAMESPACE and VAULT_HEADERS, and
// the client is reset to the Config's values right after. Responses are
// limited to Config.MaxResponseSize bytes and redirects are not followed,
// so the token is only ever sent to Config.Address.
//
// Errors name the server, the path and what to do, never the token:
// keystore.ErrUnavailable (cannot connect, sealed, 5xx), ErrPermissionDenied
// (403: the token is invalid, or its policy lacks the capability named in
// the message: "read" on MOUNT/keys/NAME to open, "update" on
// MOUNT/sign/NAME to sign, "create" on MOUNT/keys/NAME to generate),
// keystore.ErrKeyNotFound (with the keys of the mount when the token may
// list them), ErrVersionNotFound, ErrUnsupportedKey, ErrKeyExists,
// ErrResponseTooLarge and ErrVault for other answers.
package vault
