// Package softhsm is test infrastructure: it makes throw-away SoftHSM2
// tokens from Go tests so that the PKCS#11 key store is tested against a
// real PKCS#11 module, not a mock.
//
// New writes a private softhsm2.conf (file object store, token directory
// and config both in t.TempDir()) and points SOFTHSM2_CONF at it with
// t.Setenv, so tests that use it cannot run in parallel. SoftHSM reads the
// variable at the first C_Initialize of the process (and again after the
// last C_Finalize), so a test must close everything it opened on the module
// before the next test makes a new HSM.
//
//	hsm := softhsm.New(t)                    // fails in CI, skips locally, when SoftHSM2 is missing
//	tok := hsm.InitToken(t, "release")       // InitToken + InitPIN, random PINs
//	pub := tok.GenerateKey(t, softhsm.KeySpec{Type: softhsm.Ed25519, Label: "owner"})
//	uri := tok.URI("owner")                  // pkcs11:token=release;object=owner?module-path=...&pin-source=...
//
// Tokens are found by label after initialisation, because SoftHSM
// renumbers its slots when a token is initialised. Keys are generated with
// miekg/pkcs11 directly (not through keystore/pkcs11), and their public
// keys are read back with code independent of the key store, so tests can
// compare key ids computed two ways.
//
// The package uses the PKCS#11 module carefully around other users in the
// same process: CKR_CRYPTOKI_ALREADY_INITIALIZED counts as success and a
// module initialised by someone else is never finalised; a login made by
// someone else (CKR_USER_ALREADY_LOGGED_IN) is never logged out.
//
// Require(t) is for tests that only need to know SoftHSM2 is there: it
// fails the test when $CI is set and skips it otherwise.
package softhsm
