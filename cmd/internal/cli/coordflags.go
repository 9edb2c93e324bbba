package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/signet-dev/signet/cmd/internal/ops"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
)

// Environment variables the coordinator client commands read when the
// matching flag is not given.
const (
	envCoordinators = "SIGNET_COORDINATORS" // comma-separated base URLs
	envTokenFile    = "SIGNET_TOKEN_FILE"   // file holding the bearer token
)

// maxCAFile bounds a CA certificate file.
const maxCAFile = 1 << 20

// coordFlags are the connection flags of every command that talks to a
// coordinator: where it is, how to trust it and how to authenticate.
// Tokens are only ever read from a file, never from argv.
type coordFlags struct {
	endpoints  []string
	tokenFile  string
	caCert     string
	clientCert string
	clientKey  string
	output     string
}

func (c *coordFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&c.endpoints, "coordinator", nil, "coordinator base URL, e.g. https://coord-1:8443 (repeatable; default: $"+envCoordinators+", comma-separated)")
	fs.StringVar(&c.tokenFile, "token-file", "", "file holding the API token (default: $"+envTokenFile+")")
	fs.StringVar(&c.caCert, "ca-cert", "", "PEM file of the CA that signed the coordinators' certificates (default: system roots)")
	fs.StringVar(&c.clientCert, "client-cert", "", "PEM client certificate for mutual TLS (with --client-key)")
	fs.StringVar(&c.clientKey, "client-key", "", "PEM private key of --client-cert")
}

// registerOutput adds --output text|json.
func (c *coordFlags) registerOutput(fs *pflag.FlagSet) {
	fs.StringVarP(&c.output, "output", "o", "text", "text or json")
}

func (c *coordFlags) json() (bool, error) {
	switch c.output {
	case "", "text":
		return false, nil
	case "json":
		return true, nil
	}
	return false, usageErr("--output must be text or json, not %q", c.output)
}

// client builds the coordinator client from the flags and environment.
func (c *coordFlags) client() (*client.Client, error) {
	cc := client.Config{Endpoints: c.endpoints}
	if len(cc.Endpoints) == 0 {
		for _, e := range strings.Split(os.Getenv(envCoordinators), ",") {
			if e = strings.TrimSpace(e); e != "" {
				cc.Endpoints = append(cc.Endpoints, e)
			}
		}
	}
	if len(cc.Endpoints) == 0 {
		return nil, usageErr("give the coordinator with --coordinator https://HOST:PORT (or set %s)", envCoordinators)
	}
	tok, err := c.token()
	if err != nil {
		return nil, err
	}
	cc.Token = tok
	if cc.TLS, err = c.tlsConfig(); err != nil {
		return nil, err
	}
	if tok == "" && c.clientCert == "" {
		return nil, usageErr("give credentials: --token-file FILE (or set %s), or --client-cert and --client-key", envTokenFile)
	}
	cl, err := client.New(cc)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return cl, nil
}

// token reads the bearer token from --token-file or $SIGNET_TOKEN_FILE;
// "" when neither is set.
func (c *coordFlags) token() (string, error) {
	path, flag := c.tokenFile, "--token-file"
	if path == "" {
		path, flag = os.Getenv(envTokenFile), envTokenFile
	}
	if path == "" {
		return "", nil
	}
	data, err := prompt.FromFile(path)
	if err != nil {
		return "", fmt.Errorf("%s: cannot read the token: %w (create one with `signet token create -o FILE`)", flag, err)
	}
	tok := strings.TrimSpace(string(data))
	clear(data)
	if tok == "" {
		return "", fmt.Errorf("%s: token file %s is empty", flag, path)
	}
	return tok, nil
}

func (c *coordFlags) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.caCert != "" {
		pem, err := ops.ReadLimited(c.caCert, maxCAFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert: %s holds no PEM certificate", c.caCert)
		}
		tc.RootCAs = pool
	}
	if (c.clientCert == "") != (c.clientKey == "") {
		return nil, usageErr("give --client-cert and --client-key together")
	}
	if c.clientCert != "" {
		cert, err := tls.LoadX509KeyPair(c.clientCert, c.clientKey)
		if err != nil {
			return nil, fmt.Errorf("--client-cert/--client-key: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// explainAPIError adds what to do to the coordinator's errors people most often
// meet.
func explainAPIError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, client.ErrUnauthenticated):
		return fmt.Errorf("%s: %w (the token is unknown, revoked or expired: check --token-file)", what, err)
	case errors.Is(err, client.ErrForbidden):
		return fmt.Errorf("%s: %w (ask an administrator for a token with the scope this needs)", what, err)
	case errors.Is(err, client.ErrUnavailable):
		return fmt.Errorf("%s: %w (check --coordinator and that the cluster has a leader)", what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// printClientJSON writes v as indented JSON.
func printClientJSON(env Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// open returns the client and whether to print JSON (-o json).
func (c *coordFlags) open() (*client.Client, bool, error) {
	asJSON, err := c.json()
	if err != nil {
		return nil, false, err
	}
	cl, err := c.client()
	return cl, asJSON, err
}

// listCommand is a `list` command: fetch, then print JSON or a table with
// header and one row per item.
func listCommand[T any](env Env, short, what, header string,
	fetch func(*client.Client, context.Context) ([]T, error), row func(T) string) *cobra.Command {
	var cf coordFlags
	cmd := &cobra.Command{
		Use: "list", Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, asJSON, err := cf.open()
			if err != nil {
				return err
			}
			items, err := fetch(cl, cmd.Context())
			if err != nil {
				return explainAPIError(err, "listing "+what)
			}
			if asJSON {
				return printClientJSON(env, items)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, header)
			for _, it := range items {
				fmt.Fprintln(tw, row(it))
			}
			return tw.Flush()
		},
	}
	cf.register(cmd.Flags())
	cf.registerOutput(cmd.Flags())
	return cmd
}

// revokeCommand is a `revoke ID` command for keys and tokens.
func revokeCommand(env Env, use, short, what, defaultReason string,
	revoke func(context.Context, *client.Client, string, string) (api.WriteResult, error)) *cobra.Command {
	var cf coordFlags
	var reason string
	cmd := &cobra.Command{
		Use: use, Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return usageErr("give --reason (it goes into the audit log)")
			}
			cl, err := cf.client()
			if err != nil {
				return err
			}
			res, err := revoke(cmd.Context(), cl, args[0], reason)
			if err != nil {
				return explainAPIError(err, "revoking "+what+" "+args[0])
			}
			fmt.Fprintf(env.Stdout, "%s %s %s\n", changedWord(res.Changed, "revoked", "already revoked:"), what, args[0])
			return nil
		},
	}
	cf.register(cmd.Flags())
	cmd.Flags().StringVar(&reason, "reason", defaultReason, "why (goes into the audit log)")
	return cmd
}
