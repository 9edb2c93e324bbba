// Package backends holds the key store backends that keyuri can open
// besides key files: PKCS#11 tokens (cgo) and Vault transit. A command
// lists the ones it needs in keyuri.Config.Backends, so a tool that only
// verifies (in-toto-verify) links neither the PKCS#11 module loader nor
// the Vault client.
package backends

import "github.com/signet-dev/signet/cmd/internal/keyuri"

// All is every backend: what the signing tools and signet use.
func All() []keyuri.Backend { return []keyuri.Backend{PKCS11, Vault} }
