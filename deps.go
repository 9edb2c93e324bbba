//go:build tools

package tools

import (
	_ "github.com/spf13/cobra"
	_ "golang.org/x/term"
	_ "github.com/in-toto/in-toto-golang/in_toto"
	_ "github.com/secure-systems-lab/go-securesystemslib/dsse"
)
