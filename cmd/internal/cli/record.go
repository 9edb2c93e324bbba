package cli

import (
	"github.com/spf13/cobra"

	"github.com/signet-dev/signet/cmd/internal/ops"
)

func newRecordCmd(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "record start|stop",
		Short: "Record a step in two halves, around work done by hand",
		Long: "record start records the materials into a signed preliminary link\n" +
			".<step>.<keyid8>.link-unfinished; record stop records the products and writes\n" +
			"<step>.<keyid8>.link signed with the same key.",
	}
	cmd.AddCommand(newRecordStartCmd(env), newRecordStopCmd(env))
	return cmd
}

func newRecordStartCmd(env Env) *cobra.Command {
	var f stepFlags
	cmd := &cobra.Command{
		Use:   "start --step NAME --key KEY [-m PATH]...",
		Short: "Record materials and write the preliminary link",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := f.key.load(cmd.Context(), env)
			if err != nil {
				return err
			}
			return wrote(env)(ops.RecordStart(cmd.Context(), ops.RecordStartRequest{
				StepName: f.step, Materials: f.materials, Record: f.rec.config(env), Signer: s, Format: f.out.format(),
			}))
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.step, "step", "n", "", "step name")
	fs.StringArrayVarP(&f.materials, "materials", "m", nil, "file or directory to record (repeatable)")
	f.key.register(fs, "private key to sign the preliminary link with")
	f.rec.register(fs)
	fs.BoolVar(&f.out.dsse, "dsse", false, "write DSSE envelopes instead of metablocks")
	_ = cmd.MarkFlagRequired("step")
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

func newRecordStopCmd(env Env) *cobra.Command {
	var f stepFlags
	cmd := &cobra.Command{
		Use:   "stop --step NAME --key KEY [-p PATH]...",
		Short: "Record products and write the final link",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := f.key.load(cmd.Context(), env)
			if err != nil {
				return err
			}
			return wrote(env)(ops.RecordStop(cmd.Context(), ops.RecordStopRequest{
				StepName: f.step, Products: f.products, Record: f.rec.config(env), Signer: s, MetadataDir: f.out.outDir,
			}))
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.step, "step", "n", "", "step name")
	fs.StringArrayVarP(&f.products, "products", "p", nil, "file or directory to record (repeatable)")
	f.key.register(fs, "the private key record start signed with")
	f.rec.register(fs)
	fs.StringVarP(&f.out.outDir, "out-dir", "d", "", "directory to write the link to")
	_ = cmd.MarkFlagRequired("step")
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

func newMockCmd(env Env) *cobra.Command {
	var f stepFlags
	cmd := &cobra.Command{
		Use:   "mock --step NAME -- COMMAND [ARG...]",
		Short: "Run a command and write an unsigned link recording everything in the working directory",
		Long: "mock is for trying out layouts: it records '.' as materials and products, runs\n" +
			"the command with its output recorded, and writes the unsigned link <step>.link.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return wrote(env)(ops.Run(cmd.Context(), ops.RunRequest{
				StepName: f.step, Materials: []string{"."}, Products: []string{"."}, Command: args,
				RecordStreams: true, Timeout: f.timeout, Record: f.rec.config(env), Format: f.out.format(),
				MetadataDir: f.out.outDir, Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr,
			}))
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&f.step, "step", "n", "", "step name")
	addTimeout(fs, &f.timeout)
	f.rec.register(fs)
	f.out.register(fs)
	_ = cmd.MarkFlagRequired("step")
	return cmd
}
