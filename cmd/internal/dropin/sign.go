package dropin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

const (
	msgSignConflict = "conflicting arguments: don't specify any of 'append' or 'output' when verifying signatures"
	msgSignKeyOrGPG = "wrong arguments: specify either '--key PATH [PATH ...]' or '--gpg [KEYID [KEYID ...]]'"
	msgSignGPGIDs   = "missing arguments: specify at least one keyid for GPG signature verification ('--gpg KEYID ...')"
	msgLinkSingle   = "link metadata is associated with a single functionary and is usually namespaced accordingly: '<name>.<keyid prefix>.link'."
	msgLinkKeys     = "too many arguments: " + msgLinkSingle + " Hence signing Link metadata with multiple keys is not allowed."
	msgLinkAppend   = "wrong arguments: " + msgLinkSingle + ". Hence adding signatures to existing signatures on link metadata is not allowed."

	prefixLoad   = "The following error occurred while loading the file '%s': %s"
	prefixSign   = "The following error occurred while signing: %s"
	prefixVerify = "The following error occurred while verifying signatures: %s"
)

// Sign is in-toto-sign: sign a link or layout with one or more keys (-k)
// or gpg keys (-g), or check with --verify that each given public key or
// gpg key signed it. It returns
// the exit code as the reference does: 0; 1 when a signature does not
// verify; 2 for a bad command line and for errors loading or signing.
func Sign(ctx context.Context, args []string, env Env) int {
	p := env.setup(argparse.SignParser())
	r, err := p.Parse(args)
	if err != nil {
		return argparse.Report(err, env.Stdout, env.Stderr)
	}
	log := newLogger(env, r.Bool("verbose"), r.Bool("quiet"))
	verify := r.Bool("verify")
	switch {
	case verify && (r.Bool("append") || r.Given("output")):
		return usageError(env, p, p.FormatHelp(), msgSignConflict)
	case r.Given("key") == r.Given("gpg"):
		return usageError(env, p, p.FormatHelp(), msgSignKeyOrGPG)
	case verify && r.Given("gpg") && len(r.Strings("gpg")) == 0:
		return usageError(env, p, p.FormatHelp(), msgSignGPGIDs)
	}
	file := r.String("file")
	doc, err := ops.ReadDocumentFile(env.path(file))
	if err != nil {
		log.error(prefixLoad, file, err)
		return exitUsage
	}
	if doc.Type() == intoto.TypeLink {
		if len(r.Strings("key")) > 1 || len(r.Strings("gpg")) > 1 {
			return usageError(env, p, p.FormatHelp(), msgLinkKeys)
		}
		if r.Bool("append") {
			return usageError(env, p, p.FormatHelp(), msgLinkAppend)
		}
	}
	if verify {
		return verifyFile(ctx, env, r, log, doc)
	}
	return signFile(ctx, env, r, log, doc)
}

// keyTypes returns the --key-type of each --key ("" when not given: the
// type is read from the file).
func keyTypes(r *argparse.Result) ([]string, error) {
	paths, types := r.Strings("key"), r.Strings("key_type")
	if types == nil {
		return make([]string, len(paths)), nil
	}
	if len(types) != len(paths) {
		return nil, fmt.Errorf("%w: got %d --key files and %d --key-type values; give one type per key, "+
			"in the same order, or leave --key-type out (the type is read from each file)", errNoKeyType, len(paths), len(types))
	}
	return types, nil
}

// gpgKeys are the -g keys of in-toto-sign: bare -g is gpg's default key
// (signing only).
func gpgKeys(env Env, r *argparse.Result) []ops.GPGKey {
	if !r.Given("gpg") {
		return nil
	}
	opts := env.gpgOptions(r.String("gpg_home"))
	ids := r.Strings("gpg")
	if len(ids) == 0 {
		return []ops.GPGKey{{GPG: opts}}
	}
	out := make([]ops.GPGKey, len(ids))
	for i, id := range ids {
		out[i] = ops.GPGKey{KeyID: id, GPG: opts}
	}
	return out
}

func signFile(ctx context.Context, env Env, r *argparse.Result, log *logger, doc *intoto.Document) int {
	types, err := keyTypes(r)
	if err != nil {
		log.error(prefixSign, err)
		return exitUsage
	}
	var signers []keys.Signer
	for i, path := range r.Strings("key") {
		s, err := ops.LoadSigner(ctx, ops.KeyRequest{
			Path: env.keyPath(path), KeyType: types[i], Dialect: dialectOf(env.keyPath(path), types[i] != ""),
			Passphrase: env.passwordSource(password{ask: r.Bool("prompt"), flag: "-p/--prompt",
				question: fmt.Sprintf(decryptPrompt, path)}),
			Stores: env.Keys, Ask: env.AskSecret,
		})
		if err != nil {
			log.error(prefixSign, err)
			return exitUsage
		}
		signers = append(signers, s)
	}
	out, err := ops.Sign(ctx, ops.SignRequest{
		File: env.path(r.String("file")), Signers: signers, GPG: gpgKeys(env, r), Append: r.Bool("append"),
		Output: env.path(r.String("output")), OutputDir: env.Dir,
	})
	if err != nil {
		log.error(prefixSign, message(err))
		return exitUsage
	}
	log.info("Dumping %s to '%s'...", doc.Type(), env.display(out))
	return exitOK
}

func verifyFile(ctx context.Context, env Env, r *argparse.Result, log *logger, doc *intoto.Document) int {
	gks, err := ops.ExportGPGKeys(ctx, gpgKeys(env, r))
	if err != nil {
		log.error(prefixVerify, err)
		return exitUsage
	}
	types, err := keyTypes(r)
	if err != nil {
		log.error(prefixVerify, err)
		return exitUsage
	}
	var ks []keys.Key
	for i, path := range r.Strings("key") {
		k, err := publicKeyFor(doc, env.path(path), types[i])
		if err != nil {
			log.error(prefixVerify, err)
			return exitUsage
		}
		ks = append(ks, k)
	}
	ok, err := ops.VerifySignatures(ops.VerifyRequest{File: env.path(r.String("file")), Keys: ks, GPGKeys: gks})
	for _, id := range ok {
		log.info("Signature verification passed for keyid '%s'", id)
	}
	switch {
	case errors.Is(err, ops.ErrVerify):
		log.error("Signature verification failed: %s", strings.TrimPrefix(err.Error(), ops.ErrVerify.Error()+": "))
		return exitFailure
	case err != nil:
		log.error(prefixVerify, err)
		return exitUsage
	}
	return exitOK
}

// publicKeyFor loads a public key file. A PEM key has two key ids (in-toto
// 1.x and 2.x compute them differently); the one the document's signatures
// use is chosen, else the 1.x one.
func publicKeyFor(doc *intoto.Document, path, keyType string) (keys.Key, error) {
	k, err := ops.LoadPublicKey(path, keyType, keys.DialectLegacy)
	if err != nil {
		return k, err
	}
	ids := doc.KeyIDs()
	if slices.Contains(ids, k.KeyID) {
		return k, nil
	}
	if m, err := ops.LoadPublicKey(path, keyType, keys.DialectModern); err == nil && slices.Contains(ids, m.KeyID) {
		return m, nil
	}
	return k, nil
}
