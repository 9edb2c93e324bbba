package dropin

import (
	"context"
	"fmt"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
)

// Record is in-toto-record start|stop. start records materials into the
// signed preliminary link .<step>.<keyid8>.link-unfinished in the working
// directory; stop checks that file's signature, records products and writes
// <step>.<keyid8>.link, then removes the preliminary file. It returns the
// exit code: 0, 1 for a runtime failure, 2 for a bad command line.
func Record(ctx context.Context, args []string, env Env) int {
	p := env.setup(argparse.RecordParser())
	r, err := p.Parse(args)
	if err != nil {
		return argparse.Report(err, env.Stdout, env.Stderr)
	}
	command := r.String("command")
	tool := "in-toto-record " + command
	log := newLogger(env, r.Bool("verbose"), r.Bool("quiet"))
	kf, code := signingFlags(p, r, env, log)
	if code >= 0 {
		return code
	}
	s, err := loadSettings(env, log, false)
	if err != nil {
		return fail(log, tool, err)
	}
	step := r.String("step_name")
	flags := recordFlagsOf(r)
	cfg := env.recordConfig(flags, s, r.Bool("quiet"))
	sl := stepLog{env: env, log: log, flags: flags, base: cfg.BasePath}
	if command == "start" {
		log.info("Start recording '%s'...", step)
		return fail0(log, tool, recordStart(ctx, env, r, kf, cfg, sl))
	}
	log.info("Stop recording '%s'...", step)
	if err := checkMetadataDir(env, r.String("metadata_directory")); err != nil {
		return fail(log, tool, err)
	}
	return fail0(log, tool, recordStop(ctx, env, r, kf, cfg, sl))
}

func recordStart(ctx context.Context, env Env, r *argparse.Result, kf keyFlags, cfg ops.RecordConfig, sl stepLog) error {
	req := ops.RecordStartRequest{
		StepName: r.String("step_name"), Materials: r.Strings("materials"), Record: cfg,
		Format: format(r), WorkDir: env.Dir,
	}
	var err error
	if kf.gpg {
		req.GPG, err = kf.gpgKey(env)
		sl.signing = gpgSigning(kf.gpgID)
	} else {
		req.Signer, err = kf.load(ctx, env)
	}
	if err != nil {
		return err
	}
	sl.creating = "Creating preliminary link metadata..."
	sl.storing = "Storing preliminary link metadata to '%s'..."
	req.Observe = sl.observe
	_, err = ops.RecordStart(ctx, req)
	return err
}

func recordStop(ctx context.Context, env Env, r *argparse.Result, kf keyFlags, cfg ops.RecordConfig, sl stepLog) error {
	req := ops.RecordStopRequest{
		StepName: r.String("step_name"), Products: r.Strings("products"), Record: cfg,
		WorkDir: env.Dir, MetadataDir: env.path(r.String("metadata_directory")),
	}
	if req.MetadataDir == "" {
		req.MetadataDir = env.Dir
	}
	sl.silentLink = true
	sl.signingFor = func(keyID string) string { return fmt.Sprintf("Updating signature with key '%.8s...'...", keyID) }
	var err error
	if kf.gpg {
		req.GPG, err = kf.gpgKey(env)
		sl.signingFor = func(keyID string) string { return fmt.Sprintf("Updating signature with gpg key '%.8s...'...", keyID) }
		sl.verifying = "Verifying preliminary link signature using passed gpg key..."
		if kf.gpgID == "" {
			sl.verifying = "Verifying preliminary link signature using default gpg key..."
		}
	} else {
		req.Signer, err = kf.load(ctx, env)
	}
	if err != nil {
		return err
	}
	req.Observe = sl.observe
	_, err = ops.RecordStop(ctx, req)
	return err
}
