package cli

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/atomicfile"
	"github.com/signet-dev/signet/pkg/keys"
)

func newKeyCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Create, export and test keys; enrol, revoke and list keys on a coordinator",
		Long: "Keys are named by URIs (see docs/keys.md):\n" +
			"  file:///etc/signet/alice.pem?passphrase-source=/run/secrets/pp   (or a plain path)\n" +
			"  pkcs11:token=release;object=owner-1?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/secrets/pin\n" +
			"  hashivault://transit/release-key?version=3",
	}
	cmd.AddCommand(newKeyGenerateCmd(env), newKeyPublicCmd(env), newKeyTestCmd(env))
	cmd.AddCommand(keyAdminCommands(env)...)
	return cmd
}

// keyOptions are the keystore options of the key commands: secrets from
// the URI's *-source or asked on the terminal.
func keyOptions(env Env, modern bool) keystore.Options {
	o := keystore.Options{}
	if modern {
		o.Dialect = keys.DialectModern
	}
	if env.AskSecret != nil {
		o.Prompt = func(_ context.Context, r keystore.SecretRequest) ([]byte, error) {
			return env.AskSecret(fmt.Sprintf("%s for %s: ", r.Kind, r.For))
		}
	}
	return o
}

func newKeyGenerateCmd(env Env) *cobra.Command {
	var kind, passphraseFile string
	var modern bool
	cmd := &cobra.Command{
		Use:   "generate URI --type ed25519|ecdsa-p256|ecdsa-p384|rsa-3072",
		Short: "Create a key in its key store and print its key id",
		Long: "generate creates the key URI names: for a file (or file: URI) an encrypted PKCS#8\n" +
			"file and its public key file; for pkcs11: a key pair on the token (object= is its\n" +
			"label); for hashivault: a transit key. Existing keys are never replaced.",
		Example: "  signet key generate pkcs11:token=release;object=owner-1?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=pin.txt --type ecdsa-p256\n" +
			"  signet key generate hashivault://transit/owner-2 --type ed25519\n" +
			"  signet key generate alice.pem --type ed25519 --passphrase-file pp.txt",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := keyuri.ParseKeyKind(kind)
			if err != nil {
				return usageErr("%v", err)
			}
			if env.Keys == nil {
				return usageErr("key stores are not available here")
			}
			opts := keyOptions(env, modern)
			if passphraseFile != "" {
				opts.Prompt = func(context.Context, keystore.SecretRequest) ([]byte, error) { return prompt.FromFile(passphraseFile) }
			}
			key, err := env.Keys.Generate(cmd.Context(), args[0], k, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "created %s key %s\n", kind, key.KeyID)
			return nil
		},
	}
	cmd.Flags().StringVarP(&kind, "type", "t", "ed25519", "ed25519, ecdsa-p256, ecdsa-p384, rsa-2048 (Vault only), rsa-3072 or rsa-4096")
	cmd.Flags().StringVar(&passphraseFile, "passphrase-file", "", "file keys: file holding the passphrase (else passphrase-source or a prompt)")
	cmd.Flags().BoolVar(&modern, "modern-keyid", false, "print the key id as in-toto 2.x and later compute it")
	return cmd
}

func newKeyPublicCmd(env Env) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "public URI [--format securesystemslib|pem] [-o FILE]",
		Short: "Write the public key of a key in a form in-toto verifiers read",
		Long: "public writes the key's public key: --format securesystemslib (default) as\n" +
			"in-toto-keygen 1.x writes NAME.pub, for in-toto-verify --layout-keys; --format pem\n" +
			"as SubjectPublicKeyInfo PEM, for --verification-keys and signet verify --key. It\n" +
			"prints the key id that format gives the key on stderr.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var modern bool
			switch format {
			case "securesystemslib":
			case "pem":
				modern = true
			default:
				return usageErr("--format must be securesystemslib or pem")
			}
			s, err := openKey(cmd.Context(), env, args[0], modern)
			if err != nil {
				return err
			}
			data, err := keys.MarshalPublicKeyFile(s.Key())
			if err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err = env.Stdout.Write(data)
			} else {
				err = atomicfile.WriteFile(output, data, 0o644)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "key id %s (%s %s)\n", s.Key().KeyID, s.Key().KeyType, s.Key().Scheme)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "securesystemslib", "securesystemslib or pem")
	cmd.Flags().StringVarP(&output, "output", "o", "", "file to write (default: stdout)")
	return cmd
}

func openKey(ctx context.Context, env Env, uri string, modern bool) (keystore.Signer, error) {
	if env.Keys == nil {
		return nil, usageErr("key stores are not available here")
	}
	if !keyuri.IsURI(uri) {
		abs, err := filepath.Abs(uri)
		if err != nil {
			return nil, fmt.Errorf("key file %s: %w", uri, err)
		}
		uri = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	}
	return env.Keys.Open(ctx, uri, keyOptions(env, modern))
}

func newKeyTestCmd(env Env) *cobra.Command {
	var rounds int
	cmd := &cobra.Command{
		Use:   "test URI",
		Short: "Sign and verify a probe message with a key and report the latency",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if rounds < 1 || rounds > 10000 {
				return usageErr("--rounds must be 1 to 10000")
			}
			start := time.Now()
			s, err := openKey(cmd.Context(), env, args[0], false)
			if err != nil {
				return err
			}
			opened := time.Since(start)
			probe := make([]byte, 64)
			_, _ = rand.Read(probe)
			lat := make([]time.Duration, rounds)
			for i := range lat {
				t := time.Now()
				sig, err := s.Sign(cmd.Context(), probe)
				if err != nil {
					return fmt.Errorf("signing the probe: %w", err)
				}
				lat[i] = time.Since(t)
				if err := s.Key().Verify(probe, sig); err != nil {
					return fmt.Errorf("the probe signature does not verify: %w", err)
				}
			}
			slices.Sort(lat)
			fmt.Fprintf(env.Stdout, "key %s (%s %s): opened in %s; %d signature(s) verified, median %s, max %s\n",
				s.Key().KeyID, s.Key().KeyType, s.Key().Scheme, opened.Round(time.Microsecond), rounds,
				lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
			return nil
		},
	}
	cmd.Flags().IntVarP(&rounds, "rounds", "n", 5, "number of probe signatures")
	return cmd
}
