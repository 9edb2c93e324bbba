// Command in-toto-run records a supply-chain step: it runs a command and writes a signed in-toto link.
// It is Signet's drop-in replacement for the in-toto reference
// implementation's tool of the same name; see cmd/internal/dropin.
package main

import (
	"github.com/signet-dev/signet/cmd/internal/dropin"
	"github.com/signet-dev/signet/cmd/internal/keyuri/backends"
)

func main() { dropin.Main(dropin.Run, backends.All()...) }
