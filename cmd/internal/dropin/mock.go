package dropin

import (
	"context"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/intoto/runner"
)

// Mock is in-toto-mock: run the command, recording the whole working
// directory as materials and products and the command's output, and write
// the unsigned link <name>.link. As in the reference it always logs what it
// does, ignores the IN_TOTO_* settings and kills the command after 10 s. It
// returns the exit code: 0 (also when the command fails), 1 for a runtime
// failure, 2 for a bad command line.
func Mock(ctx context.Context, args []string, env Env) int {
	const tool = "in-toto-mock"
	p := env.setup(argparse.MockParser())
	r, err := p.Parse(args)
	if err != nil {
		return argparse.Report(err, env.Stdout, env.Stderr)
	}
	log := newLogger(env, true, false)
	name := r.String("name")
	log.info("Running '%s'...", name)
	cfg := env.recordConfig(recordFlags{}, settingsNone(), false)
	sl := stepLog{env: env, log: log, base: cfg.BasePath, storing: "Storing unsigned link metadata to '%s'..."}
	_, err = ops.Run(ctx, ops.RunRequest{
		StepName: name, Materials: []string{"."}, Products: []string{"."}, Command: r.Strings("link_cmd"),
		RecordStreams: true, Timeout: runner.DefaultTimeout, Record: cfg, Format: format(r),
		MetadataDir: env.Dir, Dir: env.Dir, Stdin: env.Stdin, Stdout: env.Stdout, Stderr: env.Stderr,
		Observe: sl.observe,
	})
	return fail0(log, tool, err)
}
