package dropin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/settings"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/runner"
)

const (
	msgKeyOrGPG = "Specify either '--key <key path>' or '--gpg [<keyid>]'"
	msgOneKey   = "Specify exactly one of '--key <key path>', '--gpg [<keyid>]' or '--signing-key <key path>'"
	msgNoCmd    = "No command specified. Please specify (or use the --no-command option)"
	// maxRunTimeout bounds --run-timeout (seconds) far below time.Duration's
	// limit.
	maxRunTimeout = 1 << 31
)

// Run is in-toto-run: record materials, run the command, record products
// and write the signed link <step>.<keyid8>.link. args exclude the program
// name. It returns the exit code: 0 also when the wrapped command fails
// (its return value is in the link), 1 for a runtime failure, 2 for a bad
// command line.
func Run(ctx context.Context, args []string, env Env) int {
	const tool = "in-toto-run"
	p := env.setup(argparse.RunParser())
	r, err := p.Parse(args)
	if err != nil {
		return argparse.Report(err, env.Stdout, env.Stderr)
	}
	log := newLogger(env, r.Bool("verbose"), r.Bool("quiet"))
	kf, code := signingFlags(p, r, env, log)
	if code >= 0 {
		return code
	}
	runsCommand := !r.Bool("no_command") && len(r.Strings("link_cmd")) > 0
	if !r.Bool("no_command") && !runsCommand {
		return usageError(env, p, p.FormatUsage(), msgNoCmd)
	}
	if n := r.Int("run_timeout"); r.Given("run_timeout") && (n <= 0 || n > maxRunTimeout) {
		return usageError(env, p, p.FormatUsage(), fmt.Sprintf("argument --run-timeout: must be a positive number of seconds "+
			"(at most %d), e.g. 10", maxRunTimeout))
	}
	s, err := loadSettings(env, log, runsCommand && !r.Given("run_timeout"))
	if err != nil {
		return fail(log, tool, err)
	}
	return fail0(log, tool, runStep(ctx, env, r, s, kf, log))
}

// fail0 is fail for a possibly nil error.
func fail0(log *logger, tool string, err error) int {
	if err == nil {
		return exitOK
	}
	return fail(log, tool, err)
}

// usageError prints usage (or help) to stdout and the usage error to
// stderr, as the reference's checks after parsing do; it returns 2.
func usageError(env Env, p *argparse.Parser, stdout, msg string) int {
	_, _ = fmt.Fprint(env.Stdout, stdout)
	return argparse.Report(p.Errorf("%s", msg), env.Stdout, env.Stderr)
}

// signingFlags checks and collects the signing options of in-toto-run and
// in-toto-record. errp reports usage errors (in-toto-record: the top-level
// parser). A code >= 0 means the tool ends with it.
func signingFlags(errp *argparse.Parser, r *argparse.Result, env Env, log *logger) (keyFlags, int) {
	k := keyFlags{legacy: r.String("key"), modern: r.String("signing_key"), gpg: r.Given("gpg"),
		gpgBare: r.Bare("gpg"), gpgID: r.String("gpg"), gpgHome: r.String("gpg_home")}
	n := 0
	for _, given := range []bool{r.Given("key"), r.Given("signing_key"), k.gpg} {
		if given {
			n++
		}
	}
	if n != 1 {
		msg := msgKeyOrGPG
		if r.Given("signing_key") {
			msg = msgOneKey
		}
		return k, usageError(env, errp, errp.FormatUsage(), msg)
	}
	if r.Given("key_type") {
		k.keyType = r.String("key_type")
	}
	k.pw = password{ask: r.Bare("password"), flag: "-P/--password",
		question: fmt.Sprintf(decryptPrompt, k.legacy)}
	if k.modern != "" {
		k.pw.question = modernPrompt
	}
	if r.Given("password") && !r.Bare("password") {
		k.pw.given, k.pw.set = []byte(r.String("password")), true
		log.warn("warning: a password given on the command line (-P <password>) can be seen by other users " +
			"of this machine; use -P alone to be asked for it, or set " + PasswordFileVar + " to a file holding it")
	}
	return k, -1
}

// runStep loads the key and runs the step.
func runStep(ctx context.Context, env Env, r *argparse.Result, s settings.Settings, kf keyFlags, log *logger) error {
	step := r.String("step_name")
	log.info("Running '%s'...", step)
	if err := checkMetadataDir(env, r.String("metadata_directory")); err != nil {
		return err
	}
	flags := recordFlagsOf(r)
	req := ops.RunRequest{
		StepName: step, Materials: r.Strings("materials"), Products: r.Strings("products"),
		RecordStreams: r.Bool("record_streams"), Timeout: runTimeout(r, s),
		Record: env.recordConfig(flags, s, r.Bool("quiet")), Format: format(r),
		MetadataDir: env.path(r.String("metadata_directory")), Stdin: env.Stdin, Dir: env.Dir,
	}
	sl := stepLog{env: env, log: log, flags: flags, base: req.Record.BasePath}
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
	if req.MetadataDir == "" {
		req.MetadataDir = env.Dir
	}
	if !r.Bool("no_command") {
		req.Command = r.Strings("link_cmd")
	}
	if req.RecordStreams {
		req.Stdout, req.Stderr = env.Stdout, env.Stderr
	}
	req.Observe = sl.observe
	_, err = ops.Run(ctx, req)
	if errors.Is(err, runner.ErrTimeout) {
		return fmt.Errorf("%w (no link was written; raise it with --run-timeout <seconds>)", err)
	}
	return err
}

// format is the link's envelope: DSSE with --use-dsse.
func format(r *argparse.Result) intoto.Format {
	if r.Bool("use_dsse") {
		return intoto.FormatDSSE
	}
	return intoto.FormatMetablock
}

// checkMetadataDir fails early when -d does not name a directory (the
// reference finds out only after running the command).
func checkMetadataDir(env Env, dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(env.path(dir))
	switch {
	case errors.Is(err, os.ErrNotExist):
		return kindErr("FileNotFoundError", fmt.Errorf("metadata directory '%s' does not exist: create it first (-d/--metadata-directory)", dir))
	case err != nil:
		return kindErr("FileNotFoundError", fmt.Errorf("metadata directory '%s': %w", dir, err))
	case !fi.IsDir():
		return kindErr("NotADirectoryError", fmt.Errorf("metadata directory '%s' is not a directory (-d/--metadata-directory)", dir))
	}
	return nil
}

// stepLog prints the reference's -v lines as an operation goes.
type stepLog struct {
	env   Env
	log   *logger
	flags recordFlags
	base  string
	// creating, signing, storing and verifying override the texts of
	// StageLink, StageSign, StageWrite and StageVerify; signingFor, when
	// set, makes the StageSign text from the signing key id; silentLink
	// leaves StageLink out.
	creating, signing, storing, verifying string
	signingFor                            func(keyID string) string
	silentLink                            bool
}

// gpgSigning is the reference's -v line before signing with gpg.
func gpgSigning(keyID string) string {
	if keyID == "" {
		return "Signing link metadata using default GPG key ..."
	}
	return "Signing link metadata using passed GPG keyid..."
}

func (l stepLog) observe(e ops.Event) {
	switch e.Stage {
	case ops.StageMaterials, ops.StageProducts:
		what := map[ops.Stage]string{ops.StageMaterials: "materials", ops.StageProducts: "products"}[e.Stage]
		l.log.info("Recording %s '%s'...", what, strings.Join(e.Args, ", "))
		l.recording(e.Args)
	case ops.StageCommand:
		l.log.info("Running command '%s'...", strings.Join(e.Args, " "))
	case ops.StageLink:
		if !l.silentLink {
			l.log.info("%s", or(l.creating, "Creating link metadata..."))
		}
	case ops.StageSign:
		if l.signingFor != nil {
			l.log.info("%s", l.signingFor(e.KeyID))
			return
		}
		l.log.info("%s", or(l.signing, "Signing link metadata using passed key..."))
	case ops.StageWrite:
		l.log.info(or(l.storing, "Storing link metadata to '%s'..."), l.env.display(e.Path))
	case ops.StageLoad:
		l.log.info("Loading preliminary link metadata '%s'...", l.env.display(e.Path))
	case ops.StageVerify:
		l.log.info("%s", or(l.verifying, "Verifying preliminary link signature using passed signing key..."))
	case ops.StageRemove:
		l.log.info("Removing unfinished link metadata '%s'...", l.env.display(e.Path))
	}
}

// recording prints what the reference's record_artifacts_as_dict logs.
func (l stepLog) recording(paths []string) {
	if l.flags.basePath != "" {
		l.log.info("Overriding setting ARTIFACT_BASE_PATH with passed base path.")
	}
	if len(l.flags.excludes) > 0 {
		l.log.info("Overriding setting ARTIFACT_EXCLUDE_PATTERNS with passed exclude patterns.")
	}
	for _, p := range missingPaths(l.base, paths) {
		l.log.info("path: %s does not exist, skipping..", p)
	}
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
