package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/gpg"
)

var errVerifyFailed = errors.New("verification failed")

func newVerifyCmd(env Env) *cobra.Command {
	var (
		layout, linkDir, paramsFile, output, gpgHome string
		keyPaths, gpgIDs, params                     []string
		threshold                                    int
		timeout                                      time.Duration
		noInspections                                bool
	)
	cmd := &cobra.Command{
		Use:   "verify --layout FILE --key PUBKEY... [flags]",
		Short: "Verify a supply chain against its signed layout",
		Long: "verify checks the layout's owner signatures and expiry, the links of every step\n" +
			"(signatures by authorized functionaries, thresholds), the artifact rules, and runs\n" +
			"the layout's inspections in the current directory, as in-toto-verify does. On\n" +
			"failure it explains which step, rule and artifacts failed and what to do.\n" +
			"Exit status: 0 verified, 1 failed, 2 usage error.",
		Example: "  signet verify --layout root.layout --key alice.pub --link-dir links/\n" +
			"  signet verify --layout root.layout --key a.pub --key b.pub --key c.pub --layout-threshold 2\n" +
			"  signet verify --layout root.layout --key alice.pub --param version=1.2.3 --output json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(keyPaths)+len(gpgIDs) == 0 {
				return usageErr("give the layout owners' public keys with --key (or --gpg)")
			}
			if output != "text" && output != "json" {
				return usageErr("--output must be text or json")
			}
			ps, err := ops.ParseParams(paramsFile, params)
			if err != nil {
				return err
			}
			req := ops.VerifyLayoutRequest{Layout: layout, LinkDir: linkDir, LayoutThreshold: threshold, Params: ps,
				InspectionTimeout: timeout, NoInspections: noInspections,
				Notice: func(s string) { fmt.Fprintln(env.Stderr, "signet: "+s) }, Stores: env.Keys}
			for _, p := range keyPaths {
				req.Keys = append(req.Keys, ops.PublicKeyFile{Path: p})
			}
			for _, id := range gpgIDs {
				req.GPGKeys = append(req.GPGKeys, ops.GPGKey{KeyID: id, GPG: gpg.Options{Home: gpgHome}})
			}
			rep, err := ops.VerifyLayout(cmd.Context(), req)
			if rep == nil {
				return err
			}
			if output == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				if werr := enc.Encode(rep); werr != nil {
					return werr
				}
			} else if werr := rep.Explain(env.Stdout); werr != nil {
				return werr
			}
			if err != nil {
				// The report above explains the failure.
				return &exitError{code: 1, err: errVerifyFailed}
			}
			if output == "text" {
				fmt.Fprintln(env.Stdout, "verification passed")
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&layout, "layout", "l", "", "signed root layout (metablock or DSSE)")
	fs.StringArrayVarP(&keyPaths, "key", "k", nil, "owner public key: a PEM or securesystemslib file, or a key URI (repeatable)")
	fs.StringArrayVarP(&gpgIDs, "gpg", "g", nil, "owner GPG key id (repeatable)")
	fs.StringVar(&gpgHome, "gpg-home", "", "GPG home directory for --gpg")
	fs.StringVar(&linkDir, "link-dir", ".", "directory holding the links")
	fs.IntVar(&threshold, "layout-threshold", 0, "accept M of the given owner keys (default: all)")
	fs.StringArrayVar(&params, "param", nil, "substitute NAME=VALUE into the layout (repeatable)")
	fs.StringVar(&paramsFile, "params-file", "", "parameters as a JSON object or NAME=VALUE lines")
	fs.DurationVar(&timeout, "inspection-timeout", 10*time.Second, "kill an inspection after this long")
	fs.BoolVar(&noInspections, "no-inspections", false, "never run inspections (a layout with inspections fails)")
	fs.StringVarP(&output, "output", "o", "text", "text or json")
	_ = cmd.MarkFlagRequired("layout")
	return cmd
}
