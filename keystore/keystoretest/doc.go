// Package keystoretest is the conformance suite every key store backend
// passes. A backend's tests call Run with a function that opens a fresh
// Signer for the backend's key (a file, a SoftHSM token object, a PIV
// slot, a Vault transit key):
//
//	func TestConformance(t *testing.T) {
//		keystoretest.Run(t, func(t *testing.T) keystore.Signer {
//			s, err := file.Open(t.Context(), u, keystore.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// The suite checks the keystore.Signer contract: Public matches Key, the
// key id is valid, signatures over messages of 0 bytes, 1 byte and 1 MiB
// and over DSSE PAE bytes verify with Key().Verify and not over another
// message, Sign is safe from 8 goroutines at once (run it with -race),
// a cancelled context is refused, and Sign after Close fails with
// keystore.ErrClosed while a second Close returns nil. Run closes every
// Signer it opens.
package keystoretest
