package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/signet-dev/signet/pkg/keys"
)

// GenerateOptions control Generate.
type GenerateOptions struct {
	// KeyType is "ed25519", "ecdsa" or "rsa"; Bits as keys.GenerateKey
	// takes it (0: the type's default).
	KeyType string
	Bits    int
	// Format, Passphrase, Iterations, Scheme and Dialect are passed to
	// keys.MarshalKeyFiles. An empty Passphrase writes the key in the
	// clear.
	Format     keys.FileFormat
	Passphrase []byte
	Iterations int
	Scheme     string
	Dialect    keys.Dialect
}

// Generate creates a new key pair and writes the private key to path (mode
// 0600) and the public key to path+".pub" (mode 0644), as in-toto-keygen
// does. Existing files are never overwritten (fs.ErrExist). It returns the
// public Key.
func Generate(ctx context.Context, path string, opts GenerateOptions) (keys.Key, error) {
	if err := ctx.Err(); err != nil {
		return keys.Key{}, err
	}
	priv, err := keys.GenerateKey(opts.KeyType, opts.Bits)
	if err != nil {
		return keys.Key{}, err
	}
	files, err := keys.MarshalKeyFiles(priv, keys.MarshalOptions{
		Format: opts.Format, Passphrase: opts.Passphrase, Iterations: opts.Iterations,
		Scheme: opts.Scheme, Dialect: opts.Dialect,
	})
	if err != nil {
		return keys.Key{}, err
	}
	defer clear(files.Private)
	if err := ctx.Err(); err != nil {
		return keys.Key{}, err
	}
	if err := writeNew(path, files.Private, 0o600); err != nil {
		return keys.Key{}, err
	}
	if err := writeNew(path+".pub", files.Public, 0o644); err != nil {
		return keys.Key{}, errors.Join(err, os.Remove(path))
	}
	return files.Key, nil
}

// writeNew creates path with exactly mode perm and writes data, refusing to
// replace an existing file. A failed write removes the file.
func writeNew(path string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("creating key file: %w", err)
	}
	err = f.Chmod(perm) // the umask may have removed bits from .pub files
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing key file %s: %w", path, errors.Join(err, os.Remove(path)))
	}
	return nil
}
