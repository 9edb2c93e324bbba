// Command in-toto-record records a supply-chain step in two halves (start, stop) around work done by hand.
// It is Signet's drop-in replacement for the in-toto reference
// implementation's tool of the same name; see cmd/internal/dropin.
package main

import (
	"github.com/signet-dev/signet/cmd/internal/dropin"
	"github.com/signet-dev/signet/cmd/internal/keyuri/backends"
)

func main() { dropin.Main(dropin.Record, backends.All()...) }
