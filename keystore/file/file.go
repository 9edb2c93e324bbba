package file

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// Scheme is the URI scheme this backend opens; plain paths use it too.
const Scheme = keystore.SchemeFile

// Register adds the backend to r.
func Register(r *keystore.Registry) { r.Register(Scheme, Open) }

// Open opens the private key file u names (see the package comment). It is
// a keystore.Opener.
func Open(ctx context.Context, u *keystore.URI, opts keystore.Options) (keystore.Signer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if u == nil || u.Scheme != Scheme || u.Path == "" {
		return nil, fmt.Errorf("%w: the file backend needs a file: URI or a path", keystore.ErrBadURI)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	data, err := readPrivateKeyFile(u.Path)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	s, err := parse(ctx, u, opts, data)
	if err != nil {
		return nil, err
	}
	opts.Log().DebugContext(ctx, "opened key file", "path", u.Path, "keyid", s.Key().KeyID)
	return keystore.Wrap(s, nil), nil
}

// readPrivateKeyFile opens path once, checks the opened file's type, size
// and permissions, and reads it.
func readPrivateKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: key file %s does not exist", keystore.ErrKeyNotFound, path)
	}
	if err != nil {
		return nil, fmt.Errorf("opening key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", keystore.ErrKeyNotFound, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, keys.MaxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading key file %s: %w", path, err)
	}
	if len(data) > keys.MaxKeyFileSize {
		clear(data)
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", keys.ErrFileTooLarge, path, keys.MaxKeyFileSize)
	}
	if err := checkPermissions(path, fi.Mode().Perm(), data); err != nil {
		clear(data)
		return nil, err
	}
	return data, nil
}

// checkPermissions refuses a key file other users may read or change. A
// public key file gets a hint instead, since its mode is not the problem.
func checkPermissions(path string, perm fs.FileMode, data []byte) error {
	if perm&0o077 == 0 {
		return nil
	}
	if _, err := keys.ParsePublicKey(data); err == nil {
		return fmt.Errorf("%w: %s is a public key file; give the private key file", keys.ErrMalformedKey, path)
	}
	return fmt.Errorf("%w: %s has mode %04o, so other users can read or change the private key; run: chmod 600 %s",
		keystore.ErrInsecurePermissions, path, uint32(perm), shellQuote(path))
}

// parse decodes the key, asking for a passphrase only if the file is
// encrypted and the URI names no passphrase-source.
func parse(ctx context.Context, u *keystore.URI, opts keystore.Options, data []byte) (keys.Signer, error) {
	po := keys.ParseOptions{KeyType: opts.KeyType, Scheme: opts.Scheme, Dialect: opts.Dialect}
	src, hasSource := u.Get("passphrase-source")
	if !hasSource {
		s, err := keys.ParsePrivateKeyWithOptions(data, po)
		if err == nil || !errors.Is(err, keys.ErrPassphraseRequired) {
			return s, wrapParseError(u.Path, err)
		}
		if opts.Prompt == nil {
			return nil, fmt.Errorf("%w: key file %s is encrypted; put its passphrase in a file readable only by you "+
				"and open %s?passphrase-source=FILE", keystore.ErrPassphraseRequired, u.Path, fileURI(u.Path))
		}
	}
	pp, err := opts.Secret(ctx, keystore.SecretRequest{Kind: keystore.SecretPassphrase, Source: src, For: "key file " + u.Path})
	if err != nil {
		return nil, err
	}
	defer clear(pp)
	po.Passphrase = pp
	s, err := keys.ParsePrivateKeyWithOptions(data, po)
	return s, wrapParseError(u.Path, err)
}

func wrapParseError(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("key file %s: %w", path, err)
}

// fileURI returns the file: URI of path, made absolute if possible.
func fileURI(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return (&keystore.URI{Scheme: Scheme, Path: path}).String()
}

// shellQuote quotes path for a command the user may paste into a shell.
func shellQuote(path string) string {
	safe := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:@", r)
	}
	if strings.IndexFunc(path, func(r rune) bool { return !safe(r) }) < 0 {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}
