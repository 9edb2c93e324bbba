// Command vaultdev runs a throw-away, single-node HashiCorp Vault server for
// Signet's tests: in-memory storage, the transit secrets engine mounted at
// transit/, initialised and unsealed, with a root token. It is a TEST SERVER
// ONLY (see README.md) and is never linked into Signet's binaries.
//
// When ready it prints exactly one line to stdout:
//
//	vaultdev ready addr=http://127.0.0.1:PORT token=TOKEN
//
// and it exits cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	"github.com/hashicorp/vault/builtin/logical/transit"
	"github.com/hashicorp/vault/helper/namespace"
	vaulthttp "github.com/hashicorp/vault/http"
	"github.com/hashicorp/vault/internalshared/configutil"
	"github.com/hashicorp/vault/sdk/helper/consts"
	"github.com/hashicorp/vault/sdk/logical"
	"github.com/hashicorp/vault/sdk/physical/inmem"
	"github.com/hashicorp/vault/vault"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback; port 0 picks a free port)")
	token := flag.String("token", "", "root token id (random when empty)")
	verbose := flag.Bool("v", false, "log Vault's own messages to stderr")
	maxString := flag.Int64("max-json-string-length", vaulthttp.CustomMaxJSONStringValueLength,
		"listener max_json_string_value_length in bytes (Vault's default: 1 MiB)")
	flag.Parse()
	if err := run(*addr, *token, *verbose, *maxString); err != nil {
		fmt.Fprintln(os.Stderr, "vaultdev:", err)
		os.Exit(1)
	}
}

func run(addr, token string, verbose bool, maxString int64) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	level := hclog.Off
	if verbose {
		level = hclog.Info
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "vaultdev", Level: level, Output: os.Stderr})
	if token == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		token = "root-" + hex.EncodeToString(b[:])
	}
	core, err := startCore(logger, token)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	handler := vaulthttp.Handler.Handler(&vault.HandlerProperties{
		Core:           core,
		ListenerConfig: listenerConfig(ln.Addr().String(), maxString),
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("vaultdev ready addr=http://%s token=%s\n", ln.Addr(), token)
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	if err := core.Shutdown(); err != nil {
		return err
	}
	return nil
}

// listenerConfig sets the limits `vault server` applies by default, so
// that tests meet the same limits as production servers.
func listenerConfig(addr string, maxString int64) *configutil.Listener {
	return &configutil.Listener{
		Type: "tcp", Address: addr,
		MaxRequestSize:                 vaulthttp.DefaultMaxRequestSize,
		MaxRequestDuration:             vault.DefaultMaxRequestDuration,
		CustomMaxJSONDepth:             vaulthttp.CustomMaxJSONDepth,
		CustomMaxJSONStringValueLength: maxString,
		CustomMaxJSONObjectEntryCount:  vaulthttp.CustomMaxJSONObjectEntryCount,
		CustomMaxJSONArrayElementCount: vaulthttp.CustomMaxJSONArrayElementCount,
	}
}

// startCore creates, initialises and unseals an in-memory Vault core, then
// replaces the generated root token with one whose id is token and mounts
// transit at transit/.
func startCore(logger hclog.Logger, token string) (*vault.Core, error) {
	phys, err := inmem.NewInmem(nil, logger)
	if err != nil {
		return nil, err
	}
	core, err := vault.NewCore(&vault.CoreConfig{
		Physical:        phys,
		Logger:          logger,
		DisableMlock:    true,
		BuiltinRegistry: registry{},
		LogicalBackends: map[string]logical.Factory{"transit": transit.Factory},
	})
	if err != nil {
		return nil, fmt.Errorf("new core: %w", err)
	}
	ctx := namespace.RootContext(context.Background())
	init, err := core.Initialize(ctx, &vault.InitParams{
		BarrierConfig: &vault.SealConfig{SecretShares: 1, SecretThreshold: 1, Name: "shamir"},
	})
	if err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	if ok, err := core.Unseal(init.SecretShares[0]); err != nil || !ok {
		return nil, fmt.Errorf("unseal: ok=%v: %w", ok, err)
	}
	steps := []*logical.Request{
		{Operation: logical.UpdateOperation, Path: "auth/token/create", ClientToken: init.RootToken,
			Data: map[string]interface{}{"id": token, "policies": []string{"root"}, "no_parent": true, "no_default_policy": true}},
		{Operation: logical.UpdateOperation, Path: "sys/mounts/transit", ClientToken: init.RootToken,
			Data: map[string]interface{}{"type": "transit"}},
		{Operation: logical.UpdateOperation, Path: "auth/token/revoke-self", ClientToken: init.RootToken},
	}
	for _, req := range steps {
		resp, err := core.HandleRequest(ctx, req)
		if err == nil && resp != nil && resp.IsError() {
			err = resp.Error()
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.Path, err)
		}
	}
	return core, nil
}

// registry is a minimal plugin catalog: only the compiled-in transit engine.
type registry struct{}

func (registry) Contains(name string, t consts.PluginType) bool {
	return name == "transit" && t == consts.PluginTypeSecrets
}

func (r registry) Get(name string, t consts.PluginType) (func() (interface{}, error), bool) {
	if !r.Contains(name, t) {
		return nil, false
	}
	return func() (interface{}, error) { return logical.Factory(transit.Factory), nil }, true
}

func (registry) Keys(t consts.PluginType) []string {
	if t == consts.PluginTypeSecrets {
		return []string{"transit"}
	}
	return nil
}

func (registry) DeprecationStatus(name string, t consts.PluginType) (consts.DeprecationStatus, bool) {
	return consts.Supported, name == "transit" && t == consts.PluginTypeSecrets
}

func (registry) IsBuiltinEntPlugin(string, consts.PluginType) bool { return false }
