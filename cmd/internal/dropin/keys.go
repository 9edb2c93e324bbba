package dropin

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/signet-dev/signet/cmd/internal/keyuri"
	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/prompt"
	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/keys"
)

// Prompts, as the reference (securesystemslib 0.26 and in-toto 2.2+) asks.
const (
	decryptPrompt = "enter password to decrypt private key file '%s' (leave empty if key not encrypted): "
	encryptPrompt = "enter password to encrypt private key file '%s' (leave empty if key should not be encrypted): "
	confirmPrompt = "Confirm: "
	// modernPrompt is Python's getpass default, which in-toto 2.2+ uses
	// for --signing-key.
	modernPrompt = "Password: "
)

// password says where the password of an encrypted key comes from.
type password struct {
	// given is a password from argv (-P <password>); set says it is there.
	given []byte
	set   bool
	// ask: prompt for it (-P alone, in-toto-sign -p).
	ask bool
	// question is the prompt text.
	question string
	// flag names the option that asks, for hints ("-P/--password").
	flag string
}

// source returns the passphrase callback for ops.KeyRequest: called only
// when the key file is encrypted. The order is: a password on the command
// line, a prompt the command line asked for, the file named by
// SIGNET_PASSWORD_FILE, and otherwise an error saying how to give one.
func (e Env) passwordSource(pw password) func() ([]byte, error) {
	return func() ([]byte, error) {
		switch {
		case pw.set:
			return bytes.Clone(pw.given), nil
		case pw.ask:
			return e.ask(pw.question)
		case e.getenv(PasswordFileVar) != "":
			return prompt.FromFile(e.path(e.getenv(PasswordFileVar)))
		}
		return nil, fmt.Errorf("give %s to be asked for its password, or set %s to a file holding it",
			pw.flag, PasswordFileVar)
	}
}

// ask prompts for a secret; an empty answer is refused, since the key is
// known to be encrypted by the time it is asked for.
func (e Env) ask(question string) ([]byte, error) {
	if e.AskSecret == nil {
		return nil, fmt.Errorf("there is no terminal to ask for its password on; set %s to a file holding it",
			PasswordFileVar)
	}
	secret, err := e.AskSecret(question)
	if err != nil {
		return nil, err
	}
	if len(secret) == 0 {
		return nil, errors.New("no password was entered")
	}
	return secret, nil
}

// keyFlags are the signing key options of in-toto-run and in-toto-record.
type keyFlags struct {
	legacy, modern string // --key, --signing-key
	keyType        string // --key-type when given, else "" (read from the file)
	gpg            bool   // -g/--gpg
	gpgBare        bool   // -g without a key id: gpg's default key
	gpgID          string // the key id of -g <id>
	gpgHome        string // --gpg-home
	pw             password
}

// GNUPGVar names the environment variable that, as in securesystemslib,
// names the gpg program to run instead of gpg2 or gpg.
const GNUPGVar = "GNUPG"

// gpgOptions says how to run gpg: the program from $GNUPG or else gpg2,
// gpg in PATH; --gpg-home as --homedir; the process environment (gpg
// reads GNUPGHOME, GPG_TTY and the agent's variables from it).
func (e Env) gpgOptions(home string) gpg.Options {
	return gpg.Options{Program: e.getenv(GNUPGVar), Home: e.path(home), Env: e.Environ}
}

// gpgKey is the -g key of in-toto-run and in-toto-record (KeyID "": the
// default key). An empty id (-g "") is refused.
func (k keyFlags) gpgKey(e Env) (*ops.GPGKey, error) {
	if !k.gpgBare {
		if err := gpg.CheckKeyID(k.gpgID); err != nil {
			return nil, err
		}
	}
	return &ops.GPGKey{KeyID: k.gpgID, GPG: e.gpgOptions(k.gpgHome)}, nil
}

// load loads the signing key: --key with the reference 1.3.1's key ids,
// --signing-key with in-toto 2.x's.
func (k keyFlags) load(ctx context.Context, e Env) (keys.Signer, error) {
	req := ops.KeyRequest{Path: e.keyPath(k.legacy), KeyType: k.keyType, Dialect: keys.DialectLegacy}
	if k.modern != "" {
		req = ops.KeyRequest{Path: e.keyPath(k.modern), Dialect: keys.DialectModern}
	}
	req.Passphrase = e.passwordSource(k.pw)
	req.Stores, req.Ask = e.Keys, e.AskSecret
	s, err := ops.LoadSigner(ctx, req)
	if err != nil {
		return nil, kindErr("KeyError", err)
	}
	return s, nil
}

// isPKCS8 reports whether a key file is a PKCS#8 PEM private key (the
// format in-toto 2.2+ reads, with its key ids).
func isPKCS8(data []byte) bool {
	return bytes.Contains(data, []byte("-----BEGIN PRIVATE KEY-----")) ||
		bytes.Contains(data, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
}

// dialectOf picks the key id dialect for an in-toto-sign key file: files
// named with --key-type are read as in 1.3.1; PKCS#8 files without it as
// in 2.2+, which dropped --key-type.
func dialectOf(path string, typed bool) keys.Dialect {
	if typed || keyuri.IsURI(path) {
		return keys.DialectLegacy
	}
	data, err := keys.ReadKeyFile(path)
	if err == nil && isPKCS8(data) {
		return keys.DialectModern
	}
	return keys.DialectLegacy
}

// errNoKeyType means in-toto-sign got a different number of --key-type
// values than --key files.
var errNoKeyType = errors.New("each --key needs its --key-type")
