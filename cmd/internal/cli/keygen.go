package cli

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/pkg/keys"
)

type keyKind struct {
	keyType string
	bits    int
	scheme  string
}

// keyKindOf maps a signet keygen --type value to key type, bits and scheme.
func keyKindOf(name string) (keyKind, bool) {
	switch name {
	case "ed25519":
		return keyKind{keys.KeyTypeED25519, 0, keys.SchemeED25519}, true
	case "ecdsa-p256":
		return keyKind{keys.KeyTypeECDSA, 256, keys.SchemeECDSAP256}, true
	case "ecdsa-p384":
		return keyKind{keys.KeyTypeECDSA, 384, keys.SchemeECDSAP384}, true
	case "rsa-3072":
		return keyKind{keys.KeyTypeRSA, 3072, keys.SchemeRSASSAPSSSHA256}, true
	case "rsa-4096":
		return keyKind{keys.KeyTypeRSA, 4096, keys.SchemeRSASSAPSSSHA256}, true
	}
	return keyKind{}, false
}

func newKeygenCmd(env Env) *cobra.Command {
	var (
		kind, format, passphraseFile string
		noPassphrase, force, modern  bool
	)
	cmd := &cobra.Command{
		Use:   "keygen NAME",
		Short: "Create a key pair: NAME.pem (private, encrypted) and NAME.pub.pem",
		Long: "keygen writes an encrypted PKCS#8 private key (mode 0600) and an SPKI public\n" +
			"key, as in-toto 2.x and later read them, or with --format securesystemslib the\n" +
			"files in-toto-keygen 1.x writes (NAME and NAME.pub). The passphrase is read\n" +
			"from --passphrase-file or asked on the terminal; --no-passphrase leaves the key\n" +
			"unencrypted. It prints the key id.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, ok := keyKindOf(kind)
			if !ok {
				return usageErr("unknown --type %q: use ed25519, ecdsa-p256, ecdsa-p384, rsa-3072 or rsa-4096", kind)
			}
			req := ops.KeygenRequest{KeyType: k.keyType, Bits: k.bits, Scheme: k.scheme, Overwrite: force}
			if modern {
				req.Dialect = keys.DialectModern
			}
			switch format {
			case "pem":
				req.Format, req.Path, req.PublicPath = keys.FormatPKCS8, args[0]+".pem", args[0]+".pub.pem"
			case "securesystemslib":
				req.Format, req.Path = keys.FormatSSLib, args[0]
			default:
				return usageErr("unknown --format %q: use pem or securesystemslib", format)
			}
			pp, err := keygenPassphrase(env, passphraseFile, noPassphrase)
			if err != nil {
				return err
			}
			req.Passphrase = pp
			key, err := ops.Keygen(req)
			clear(pp)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "wrote %s and %s\n", req.Path, orDefault(req.PublicPath, req.Path+".pub"))
			fmt.Fprintln(env.Stdout, key.KeyID)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&kind, "type", "t", "ed25519", "key type: ed25519, ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096")
	fs.StringVar(&format, "format", "pem", "file format: pem (PKCS#8/SPKI) or securesystemslib")
	fs.StringVar(&passphraseFile, "passphrase-file", "", "file holding the passphrase to encrypt the key with")
	fs.BoolVar(&noPassphrase, "no-passphrase", false, "write the private key unencrypted")
	fs.BoolVar(&force, "force", false, "overwrite existing key files")
	fs.BoolVar(&modern, "modern-keyid", false, "print the key id in-toto 2.x computes for PEM keys")
	return cmd
}

func keygenPassphrase(env Env, file string, none bool) ([]byte, error) {
	switch {
	case none && file != "":
		return nil, usageErr("--no-passphrase and --passphrase-file exclude each other")
	case none:
		return nil, nil
	case file != "":
		return prompt.FromFile(file)
	case env.AskSecret == nil:
		return nil, usageErr("give --passphrase-file or --no-passphrase (no terminal to ask on)")
	}
	a, err := env.AskSecret("Passphrase for the new key: ")
	if err != nil {
		return nil, err
	}
	b, err := env.AskSecret("Repeat the passphrase: ")
	if err != nil {
		clear(a)
		return nil, err
	}
	same := bytes.Equal(a, b)
	clear(b)
	if !same {
		clear(a)
		return nil, fmt.Errorf("the passphrases differ; nothing was written")
	}
	if len(a) == 0 {
		return nil, fmt.Errorf("empty passphrase: use --no-passphrase to write an unencrypted key")
	}
	return a, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
