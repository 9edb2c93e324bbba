// Command in-toto-mock runs a command and writes an unsigned in-toto link, for trying out layouts.
// It is Signet's drop-in replacement for the in-toto reference
// implementation's tool of the same name; see cmd/internal/dropin.
package main

import (
	"github.com/signet-dev/signet/cmd/internal/dropin"
	"github.com/signet-dev/signet/cmd/internal/keyuri/backends"
)

func main() { dropin.Main(dropin.Mock, backends.All()...) }
