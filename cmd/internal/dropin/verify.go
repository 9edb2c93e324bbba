package dropin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/intoto/verify"
)

const msgVerifyKeys = "wrong arguments: specify at least one of '--layout-keys path [path ...]' or '--gpg id [id ...]'"

// verifyKinds are the reference's exception names for verification
// failures, shown in the error line.
var verifyKinds = []kindRule{
	{"SignatureVerificationError", []error{verify.ErrLayoutSignature}},
	{"LayoutExpiredError", []error{verify.ErrLayoutExpired}},
	{"LinkNotFoundError", []error{verify.ErrLinkNotFound}},
	{"ThresholdVerificationError", []error{verify.ErrThreshold, verify.ErrLinksDisagree}},
	{"RuleVerificationError", []error{verify.ErrRule}},
	{"BadReturnValueError", []error{verify.ErrInspection, verify.ErrInspectionsRefused}},
	{"ParameterError", []error{verify.ErrParameter}},
	{"FormatError", []error{verify.ErrInvalidLayout, verify.ErrBadLink, verify.ErrInvalidOptions}},
}

// Verify is in-toto-verify: verify a supply chain against a signed layout.
// Exit codes as the reference's: 0 verified, 1 failed (also for unreadable
// layouts or keys), 2 for a bad command line.
func Verify(ctx context.Context, args []string, env Env) int {
	p := env.setup(argparse.VerifyParser())
	r, err := p.Parse(args)
	if err != nil {
		return argparse.Report(err, env.Stdout, env.Stderr)
	}
	jsonOut := r.String("output") == "json"
	log := newLogger(env, r.Bool("verbose"), r.Bool("quiet") || jsonOut)
	if !r.Given("layout_keys") && !r.Given("gpg") && !r.Given("verification_keys") {
		return usageError(env, p, p.FormatHelp(), msgVerifyKeys)
	}
	req, err := verifyRequest(env, r, log)
	if err != nil {
		return fail(log, "in-toto-verify", err)
	}
	log.info("Verifying supply chain of layout '%s' with links from '%s'...", r.String("layout"), r.String("link_dir"))
	rep, err := ops.VerifyLayout(ctx, req)
	if rep != nil && jsonOut {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	}
	if rep != nil && log.level == levelInfo {
		var b strings.Builder
		_ = rep.Explain(&b)
		log.info("%s", strings.TrimRight(b.String(), "\n"))
	} else if rep != nil {
		for _, w := range rep.Warnings {
			log.warn("%s", w)
		}
	}
	if err != nil {
		return verifyFailed(log, err)
	}
	log.info("The software product passed all verification.")
	return exitOK
}

func verifyRequest(env Env, r *argparse.Result, log *logger) (ops.VerifyLayoutRequest, error) {
	paramsFile := r.String("params_file")
	if paramsFile != "" {
		paramsFile = env.path(paramsFile)
	}
	params, err := ops.ParseParams(paramsFile, r.Strings("param"))
	if err != nil {
		return ops.VerifyLayoutRequest{}, err
	}
	req := ops.VerifyLayoutRequest{
		Layout: env.path(r.String("layout")), LinkDir: env.path(r.String("link_dir")), WorkDir: env.Dir,
		GPGKeys: gpgKeys(env, r), LayoutThreshold: int(r.Int("layout_threshold")), Params: params,
		InspectionTimeout: time.Duration(r.Int("inspect_timeout")) * time.Second,
		NoInspections:     r.Bool("no_inspections"),
		Notice:            func(s string) { log.warn("%s", s) },
	}
	types := r.Strings("key_types")
	for i, path := range r.Strings("layout_keys") {
		t := ""
		if i < len(types) {
			t = types[i]
		}
		req.Keys = append(req.Keys, ops.PublicKeyFile{Path: env.path(path), Type: t})
	}
	if len(types) > 0 && len(types) != len(r.Strings("layout_keys")) {
		log.warn("got %d --key-types for %d --layout-keys; key types are read from the key files", len(types), len(r.Strings("layout_keys")))
	}
	for _, path := range r.Strings("verification_keys") {
		req.Keys = append(req.Keys, ops.PublicKeyFile{Path: env.path(path)})
	}
	return req, nil
}

// verifyFailed prints the error line (with the reference's exception
// name) and what to do.
func verifyFailed(log *logger, err error) int {
	ve, ok := errors.AsType[*verify.Error](err)
	if !ok {
		return fail(log, "in-toto-verify", err)
	}
	kind := "VerificationError"
	for _, r := range verifyKinds {
		for _, target := range r.errs {
			if errors.Is(err, target) && kind == "VerificationError" {
				kind = r.kind
			}
		}
	}
	log.error("(in-toto-verify) %s: %s", kind, strings.TrimSuffix(ve.Error(), " ("+ve.Hint+")"))
	if ve.Hint != "" {
		log.error("hint: %s", ve.Hint)
	}
	return exitFailure
}
