// Command in-toto-keygen creates key pairs in the formats in-toto 1.3.1 reads.
// It is Signet's drop-in replacement for the in-toto reference
// implementation's tool of the same name; see cmd/internal/dropin.
package main

import (
	"github.com/signet-dev/signet/cmd/internal/dropin"
	"github.com/signet-dev/signet/cmd/internal/keyuri/backends"
)

func main() { dropin.Main(dropin.Keygen, backends.All()...) }
