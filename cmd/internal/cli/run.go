package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/keys"
)

type stepFlags struct {
	step          string
	materials     []string
	products      []string
	recordStreams bool
	noSign        bool
	timeout       time.Duration
	key           keyFlags
	rec           recordFlags
	out           outputFlags
}

func newRunCmd(env Env) *cobra.Command {
	var f stepFlags
	cmd := &cobra.Command{
		Use:   "run --step NAME [flags] [-- COMMAND [ARG...]]",
		Short: "Carry out a supply-chain step and record it in a signed link",
		Long: "run records the materials, runs COMMAND, records the products and writes the\n" +
			"link <step>.<keyid8>.link signed with --key (or <step>.link with --no-sign,\n" +
			"for signing later through the coordinator or with 'signet sign').\n" +
			"A command that exits non-zero is recorded, not treated as a failure.",
		Example: "  signet run --step build -m src -p out -k build-key.pem -- make\n" +
			"  signet run --step review -m src -k alice.pem            # no command",
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() > 0 {
				return usageErr("unexpected arguments before '--': %v", args[:cmd.ArgsLenAtDash()])
			}
			return f.run(cmd, env, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.step, "step", "n", "", "step name (names the link file and matches the layout's step)")
	fs.StringArrayVarP(&f.materials, "materials", "m", nil, "file or directory to record before the command (repeatable)")
	fs.StringArrayVarP(&f.products, "products", "p", nil, "file or directory to record after the command (repeatable)")
	fs.BoolVarP(&f.recordStreams, "record-streams", "s", false, "record the command's stdout and stderr in the link")
	fs.BoolVar(&f.noSign, "no-sign", false, "write an unsigned link <step>.link")
	addTimeout(fs, &f.timeout)
	f.key.register(fs, "private key to sign the link with: a key file (PKCS#8 PEM, securesystemslib, RSA PEM) or a key URI (pkcs11:..., hashivault://...)")
	f.rec.register(fs)
	f.out.register(fs)
	_ = cmd.MarkFlagRequired("step")
	return cmd
}

func (f *stepFlags) run(cmd *cobra.Command, env Env, command []string) error {
	req := ops.RunRequest{
		StepName: f.step, Materials: f.materials, Products: f.products, Command: command,
		RecordStreams: f.recordStreams, Timeout: f.timeout, Record: f.rec.config(env),
		Format: f.out.format(), MetadataDir: f.out.outDir,
		Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr,
	}
	var err error
	if req.Signer, err = f.signer(cmd.Context(), env); err != nil {
		return err
	}
	return wrote(env)(ops.Run(cmd.Context(), req))
}

// signer loads the key unless --no-sign; exactly one of the two is needed.
func (f *stepFlags) signer(ctx context.Context, env Env) (keys.Signer, error) {
	switch {
	case f.noSign && f.key.path != "":
		return nil, usageErr("--no-sign and --key exclude each other")
	case f.noSign:
		return nil, nil
	case f.key.path == "":
		return nil, usageErr("give --key to sign the link, or --no-sign")
	}
	return f.key.load(ctx, env)
}
