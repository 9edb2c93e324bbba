package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/keys"
)

func newSignCmd(env Env) *cobra.Command {
	var (
		keyPaths       []string
		pubPaths       []string
		passphraseFile string
		appendSigs     bool
		output         string
		modern         bool
	)
	cmd := &cobra.Command{
		Use:   "sign FILE (--key KEY... | --verify-with PUBKEY...)",
		Short: "Sign a link or layout, or check its signatures",
		Long: "sign replaces the signatures of FILE (a metablock or DSSE envelope) with new\n" +
			"ones by each --key, or adds them with --append (layouts only). A layout is\n" +
			"written back to FILE, a link to <step>.<keyid8>.link, unless --output is given.\n" +
			"With --verify-with it only checks that every given public key signed FILE.",
		Example: "  signet sign root.layout -k alice.pem -k carol.pem\n" +
			"  signet sign build.link -k build.pem\n" +
			"  signet sign root.layout --verify-with alice.pub.pem",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d := keys.DialectLegacy
			if modern {
				d = keys.DialectModern
			}
			switch {
			case len(keyPaths) > 0 && len(pubPaths) > 0:
				return usageErr("--key and --verify-with exclude each other")
			case len(pubPaths) > 0:
				return verifySignatures(env, args[0], pubPaths, d)
			case len(keyPaths) == 0:
				return usageErr("give --key to sign, or --verify-with to check signatures")
			}
			var signers []keys.Signer
			for _, p := range keyPaths {
				s, err := loadSigner(cmd.Context(), env, p, passphraseFile, d)
				if err != nil {
					return err
				}
				signers = append(signers, s)
			}
			return wrote(env)(ops.Sign(cmd.Context(), ops.SignRequest{File: args[0], Signers: signers, Append: appendSigs, Output: output}))
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&keyPaths, "key", "k", nil, "private key to sign with (repeatable for layouts)")
	fs.StringArrayVar(&pubPaths, "verify-with", nil, "public key that must have signed FILE (repeatable)")
	fs.StringVar(&passphraseFile, "passphrase-file", "", "file holding the passphrase of the encrypted keys")
	fs.BoolVarP(&appendSigs, "append", "a", false, "keep existing signatures (layouts only)")
	fs.StringVarP(&output, "output", "o", "", "file to write instead of the default")
	fs.BoolVar(&modern, "modern-keyid", false, "compute PEM key ids as in-toto 2.x and later do")
	return cmd
}

func verifySignatures(env Env, file string, pubPaths []string, d keys.Dialect) error {
	var ks []keys.Key
	for _, p := range pubPaths {
		k, err := ops.LoadPublicKey(p, "", d)
		if err != nil {
			return err
		}
		ks = append(ks, k)
	}
	ids, err := ops.VerifySignatures(ops.VerifyRequest{File: file, Keys: ks})
	for _, id := range ids {
		fmt.Fprintf(env.Stdout, "signature by %s: ok\n", id)
	}
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	return nil
}
