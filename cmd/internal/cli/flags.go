package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// keyFlags selects a signing key.
type keyFlags struct {
	path           string
	passphraseFile string
	modernKeyID    bool
}

func (k *keyFlags) register(fs *pflag.FlagSet, usage string) {
	fs.StringVarP(&k.path, "key", "k", "", usage)
	fs.StringVar(&k.passphraseFile, "passphrase-file", "", "file holding the passphrase of an encrypted key (otherwise you are asked on the terminal)")
	fs.BoolVar(&k.modernKeyID, "modern-keyid", false, "compute PEM key ids as in-toto 2.x and later do (default: as in-toto 1.x)")
}

func (k *keyFlags) load(ctx context.Context, env Env) (keys.Signer, error) {
	return loadSigner(ctx, env, k.path, k.passphraseFile, k.dialect())
}

func (k *keyFlags) dialect() keys.Dialect {
	if k.modernKeyID {
		return keys.DialectModern
	}
	return keys.DialectLegacy
}

func loadSigner(ctx context.Context, env Env, path, passphraseFile string, d keys.Dialect) (keys.Signer, error) {
	req := ops.KeyRequest{Path: path, Dialect: d, Stores: env.Keys, Ask: env.AskSecret}
	switch {
	case passphraseFile != "":
		req.Passphrase = func() ([]byte, error) { return prompt.FromFile(passphraseFile) }
	case env.AskSecret != nil:
		req.Passphrase = func() ([]byte, error) { return env.AskSecret(fmt.Sprintf("Passphrase for %s: ", path)) }
	}
	return ops.LoadSigner(ctx, req)
}

// recordFlags configure artifact recording.
type recordFlags struct {
	basePath    string
	excludes    []string
	noDefaults  bool
	lstripPaths []string
}

func (r *recordFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&r.basePath, "base-path", "", "directory relative artifact paths are resolved against (not recorded)")
	fs.StringArrayVar(&r.excludes, "exclude", nil, "gitignore-style pattern of paths not to record (repeatable; replaces the defaults *.link*, .git, *.pyc, *~)")
	fs.BoolVar(&r.noDefaults, "no-default-excludes", false, "record everything: drop the default exclude patterns")
	fs.StringArrayVar(&r.lstripPaths, "lstrip-path", nil, "prefix to remove from recorded paths (repeatable)")
}

func (r *recordFlags) config(env Env) ops.RecordConfig {
	cfg := ops.RecordConfig{BasePath: r.basePath, LStripPaths: r.lstripPaths, Progress: progressFunc(env)}
	switch {
	case len(r.excludes) > 0:
		cfg.Excludes = r.excludes
	case r.noDefaults:
		cfg.Excludes = []string{}
	}
	return cfg
}

// outputFlags choose the envelope and directory.
type outputFlags struct {
	dsse   bool
	outDir string
}

func (o *outputFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&o.dsse, "dsse", false, "write a DSSE envelope instead of the legacy {signed, signatures} metablock")
	fs.StringVarP(&o.outDir, "out-dir", "d", "", "directory to write the link to (default: the working directory)")
}

func (o *outputFlags) format() intoto.Format {
	if o.dsse {
		return intoto.FormatDSSE
	}
	return intoto.FormatMetablock
}

func addTimeout(fs *pflag.FlagSet, d *time.Duration) {
	fs.DurationVar(d, "timeout", 10*time.Second, "kill the command after this long (0: never)")
}
