// Command signet records, signs and verifies in-toto supply-chain metadata.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/signet-dev/signet/cmd/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
