// Command in-toto-verify verifies a software supply chain against its
// signed in-toto layout. It is Signet's drop-in replacement for the in-toto
// reference implementation's tool of the same name; see cmd/internal/dropin.
package main

import "github.com/signet-dev/signet/cmd/internal/dropin"

// It reads key files only (no PKCS#11 or Vault backends): verification
// needs public keys, and leaving the backends out keeps start-up short.
func main() { dropin.Main(dropin.Verify) }
