package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/keys"
)

func newLayoutCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{Use: "layout", Short: "Create supply-chain layouts"}
	cmd.AddCommand(newLayoutNewCmd(env))
	return cmd
}

func newLayoutNewCmd(env Env) *cobra.Command {
	var (
		keySpecs []string
		expires  time.Duration
		output   string
		modern   bool
	)
	cmd := &cobra.Command{
		Use:   "new TEMPLATE --key NAME=PUBKEY... -o root.layout",
		Short: "Build an unsigned layout from a template that names functionaries",
		Long: "new reads a layout template (JSON: readme, steps and inspect as in an in-toto\n" +
			"layout, with step pubkeys given as names), replaces each name by the public key\n" +
			"given with --key NAME=FILE, and writes an unsigned layout for 'signet sign'.",
		Example: "  signet layout new policies/demo/root.layout.template.json \\\n" +
			"      --key bob=bob.pub --key carl=carl.pub --expires 720h -o root.layout",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d := keys.DialectLegacy
			if modern {
				d = keys.DialectModern
			}
			named := map[string]keys.Key{}
			for _, spec := range keySpecs {
				name, path, ok := strings.Cut(spec, "=")
				if !ok || name == "" || path == "" {
					return usageErr("--key %q: want NAME=PUBKEYFILE", spec)
				}
				k, err := ops.LoadPublicKey(path, "", d)
				if err != nil {
					return err
				}
				named[name] = k
			}
			req := ops.LayoutRequest{Template: args[0], Keys: named, Output: output}
			if expires > 0 {
				req.Expires = time.Now().Add(expires)
			}
			l, err := ops.NewLayout(req)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "wrote %s (unsigned; %d steps, %d inspections, expires %s)\n",
				output, len(l.Steps), len(l.Inspect), l.Expires)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&keySpecs, "key", "k", nil, "NAME=PUBKEYFILE: the public key a template name stands for (repeatable)")
	fs.DurationVar(&expires, "expires", 0, "expire this long from now (default: the template's expiry, or one year)")
	fs.StringVarP(&output, "output", "o", "root.layout", "file to write")
	fs.BoolVar(&modern, "modern-keyid", false, "compute PEM key ids as in-toto 2.x and later do")
	return cmd
}
