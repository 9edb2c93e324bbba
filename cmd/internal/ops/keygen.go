package ops

import (
	"fmt"
	"os"

	"github.com/signet-dev/signet/pkg/atomicfile"
	"github.com/signet-dev/signet/pkg/keys"
)

// KeygenRequest creates a key pair as two files: Path (private, mode
// 0600) and PublicPath.
type KeygenRequest struct {
	Path string
	// PublicPath defaults to Path + ".pub".
	PublicPath string
	// KeyType is "rsa", "ed25519" or "ecdsa"; Bits applies to rsa (0 =
	// keys.DefaultRSABits).
	KeyType string
	Bits    int
	// Scheme "" means the key's default (ecdsa: by curve; ecdsa keys are
	// P-256 unless Scheme says ecdsa-sha2-nistp384).
	Scheme string
	// Format selects securesystemslib files (in-toto-keygen) or PKCS#8 +
	// SPKI PEM.
	Format keys.FileFormat
	// Dialect of the key id reported for PEM files.
	Dialect    keys.Dialect
	Passphrase []byte
	// Overwrite allows replacing existing files (in-toto-keygen does).
	Overwrite bool
}

// Keygen generates the key pair and writes its files; it returns the
// public key (with its key id).
func Keygen(req KeygenRequest) (keys.Key, error) {
	if req.PublicPath == "" {
		req.PublicPath = req.Path + ".pub"
	}
	if !req.Overwrite {
		for _, p := range []string{req.Path, req.PublicPath} {
			if _, err := os.Lstat(p); err == nil {
				return keys.Key{}, fmt.Errorf("%w: %s already exists; choose another name or remove it first", ErrExists, p)
			}
		}
	}
	bits := req.Bits
	switch {
	case req.KeyType == keys.KeyTypeED25519:
		bits = 0 // the reference ignores -b for ed25519
	case req.KeyType == keys.KeyTypeECDSA && req.Scheme == keys.SchemeECDSAP384:
		bits = 384
	case req.KeyType == keys.KeyTypeECDSA && bits != 384 && bits != 521:
		bits = 0 // P-256, as the reference; -b is an rsa option there
	}
	priv, err := keys.GenerateKey(req.KeyType, bits)
	if err != nil {
		return keys.Key{}, fmt.Errorf("generate %s key: %w", req.KeyType, err)
	}
	files, err := keys.MarshalKeyFiles(priv, keys.MarshalOptions{
		Format: req.Format, Passphrase: req.Passphrase, Scheme: req.Scheme, Dialect: req.Dialect,
	})
	if err != nil {
		return keys.Key{}, fmt.Errorf("encode %s key: %w", req.KeyType, err)
	}
	if err := atomicfile.WriteFile(req.Path, files.Private, 0o600); err != nil {
		return keys.Key{}, err
	}
	if err := atomicfile.WriteFile(req.PublicPath, files.Public, 0o644); err != nil {
		return keys.Key{}, err
	}
	return files.Key, nil
}
