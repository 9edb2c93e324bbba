package dropin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/signet-dev/signet/cmd/internal/argparse"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/pkg/keys"
)

// maxConfirmAttempts bounds how often in-toto-keygen -p asks again after
// the two answers differ (the reference asks forever).
const maxConfirmAttempts = 10

// Keygen is in-toto-keygen: write a key pair <filename> (private, mode
// 0600) and <filename>.pub in the reference 1.3.1's formats (rsa as PEM,
// ed25519 and ecdsa as securesystemslib JSON), encrypted with a password
// when -p is given (or SIGNET_PASSWORD_FILE is set). It returns the exit
// code: 0, 1 for a runtime failure, 2 for a bad command line.
func Keygen(ctx context.Context, args []string, env Env) int {
	const tool = "in-toto-keygen"
	p := env.setup(argparse.KeygenParser())
	r, err := p.Parse(args)
	if err != nil {
		return argparse.Report(err, env.Stdout, env.Stderr)
	}
	log := newLogger(env, false, false)
	if err := ctx.Err(); err != nil {
		return fail(log, tool, err)
	}
	name := r.String("name")
	if name == "" {
		return fail(log, tool, kindErr("ValueError", errors.New("the key file name is empty: give a file name, e.g. in-toto-keygen mykey")))
	}
	req := ops.KeygenRequest{Path: env.path(name), KeyType: r.String("type"), Format: keys.FormatSSLib, Overwrite: true}
	if req.KeyType == keys.KeyTypeRSA {
		req.Bits = int(r.Int("bits"))
		if req.Bits < keys.MinRSABits {
			return fail(log, tool, kindErr("ValueError", fmt.Errorf("-b/--bits %d is too small: rsa keys need at least %d bits (default 3072)", req.Bits, keys.MinRSABits)))
		}
	}
	pw, err := env.newKeyPassword(name, r.Bool("prompt"))
	if err != nil {
		return fail(log, tool, err)
	}
	req.Passphrase = pw
	defer clear(pw)
	if err := os.MkdirAll(filepath.Dir(req.Path), 0o755); err != nil {
		return fail(log, tool, err)
	}
	_, err = ops.Keygen(req)
	return fail0(log, tool, err)
}

// newKeyPassword asks for the password of a new key (twice, again when the
// answers differ) with -p, else reads SIGNET_PASSWORD_FILE if set. nil
// means the key is written unencrypted.
func (e Env) newKeyPassword(name string, ask bool) ([]byte, error) {
	if !ask {
		if f := e.getenv(PasswordFileVar); f != "" {
			return prompt.FromFile(e.path(f))
		}
		return nil, nil
	}
	if e.AskSecret == nil {
		return nil, kindErr("KeyError", fmt.Errorf("there is no terminal to ask for the password on; set %s to a file holding it, or leave -p out", PasswordFileVar))
	}
	for range maxConfirmAttempts {
		a, err := e.AskSecret(fmt.Sprintf(encryptPrompt, name))
		if err != nil {
			return nil, err
		}
		b, err := e.AskSecret(confirmPrompt)
		if err != nil {
			clear(a)
			return nil, err
		}
		same := bytes.Equal(a, b)
		clear(b)
		switch {
		case same && len(a) == 0:
			return nil, nil // an empty password means "do not encrypt"
		case same:
			return a, nil
		}
		clear(a)
		_, _ = fmt.Fprintln(e.Stdout, "Mismatch; try again.")
	}
	return nil, kindErr("ValueError", fmt.Errorf("the passwords differed %d times; nothing was written", maxConfirmAttempts))
}
