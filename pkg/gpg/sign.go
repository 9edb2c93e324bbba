package gpg

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Sign signs content with gpg as securesystemslib's create_signature
// does: gpg --detach-sign --digest-algo SHA256 [--local-user keyID]
// [--homedir Home], content on stdin. keyID "" means gpg's default key.
// The result has the reference's fields: the signing (sub)key's full
// fingerprint, the packet's hashed part and the signature value, in hex.
//
// When gpg fails, the error is a *CommandError (ErrFailed); if the key is
// not in the keyring it also matches ErrKeyNotFound.
func Sign(ctx context.Context, content []byte, keyID string, opts Options) (Signature, error) {
	args := []string{"--detach-sign", "--digest-algo", "SHA256"}
	if keyID != "" {
		if err := CheckKeyID(keyID); err != nil {
			return Signature{}, err
		}
		args = append(args, "--local-user", keyID)
	}
	out, err := opts.run(ctx, content, maxSignatureOutput, opts.homeArgs(args)...)
	if errors.Is(err, ErrFailed) {
		if missing := CheckSecretKey(ctx, keyID, opts); errors.Is(missing, ErrKeyNotFound) {
			return Signature{}, fmt.Errorf("%w (%w)", missing, err)
		}
	}
	if err != nil {
		return Signature{}, err
	}
	p, err := firstSignature(out)
	if err != nil {
		return Signature{}, fmt.Errorf("reading the signature gpg made: %w", err)
	}
	fpr := p.IssuerFingerprint
	if fpr == "" {
		if fpr, err = fingerprintOf(ctx, p.IssuerKeyID, opts); err != nil {
			return Signature{}, err
		}
	}
	return Signature{KeyID: fpr, OtherHeaders: hex.EncodeToString(p.Hashed), Signature: hex.EncodeToString(p.Signature)}, nil
}

// firstSignature parses the first packet gpg wrote, which must be a
// signature of a binary document made with SHA-256. Like the reference,
// any further packets are ignored.
func firstSignature(out []byte) (*SignaturePacket, error) {
	if bytes.HasPrefix(out, []byte("-----BEGIN PGP")) {
		return nil, fmt.Errorf("%w: gpg wrote an ASCII-armored signature; remove 'armor' from gpg.conf", ErrMalformed)
	}
	p, _, err := readPacket(out)
	if err != nil {
		return nil, err
	}
	if p.tag != tagSignature {
		return nil, fmt.Errorf("%w: expected a signature packet (tag 2), got tag %d", ErrMalformed, p.tag)
	}
	s, err := parseSignatureBody(p.body)
	switch {
	case err != nil:
		return nil, err
	case s.Type != SigTypeBinary:
		return nil, fmt.Errorf("%w: signature of type %#02x, not of a binary document", ErrUnsupported, s.Type)
	case s.Hash != HashSHA256:
		return nil, fmt.Errorf("%w: signature made with hash algorithm %d, not SHA-256 (is a digest algorithm forced in gpg.conf?)", ErrUnsupported, s.Hash)
	}
	return s, nil
}

// fingerprintOf finds the full fingerprint of the key or subkey with this
// 16-digit key id by exporting it (gpg before 2.1 writes no Issuer
// Fingerprint subpacket).
func fingerprintOf(ctx context.Context, shortID string, opts Options) (string, error) {
	k, err := Export(ctx, shortID, opts)
	if err != nil {
		return "", fmt.Errorf("finding the fingerprint of signing key %s: %w", shortID, err)
	}
	for _, id := range k.KeyIDs() {
		if strings.HasSuffix(id, strings.ToLower(shortID)) {
			return id, nil
		}
	}
	return "", fmt.Errorf("%w: no key or subkey with key id %s in the exported key %s", ErrKeyNotFound, shortID, k.Fingerprint)
}

// Export runs gpg [--homedir Home] --export keyID and parses the key it
// writes. keyID must match the end of the fingerprint of the key or of one
// of its subkeys; an empty export is ErrKeyNotFound.
func Export(ctx context.Context, keyID string, opts Options) (*PublicKey, error) {
	if err := CheckKeyID(keyID); err != nil {
		return nil, err
	}
	out, err := opts.run(ctx, nil, maxExportOutput, append(opts.homeArgs(nil), "--export", keyID)...)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: gpg has no public key %s%s", ErrKeyNotFound, keyID, opts.where())
	}
	k, err := ParsePublicKey(out)
	if err != nil {
		return nil, fmt.Errorf("gpg key %s: %w", keyID, err)
	}
	if !k.Matches(keyID) {
		return nil, fmt.Errorf("%w: gpg exported key %s for %s, and neither it nor a subkey bound to it ends in %s",
			ErrKeyNotFound, k.Fingerprint, keyID, keyID)
	}
	return k, nil
}

// CheckSecretKey checks that the keyring holds the secret key keyID (""
// = any secret key, for the default key). It returns nil, an error
// matching ErrKeyNotFound, or the error of running gpg.
func CheckSecretKey(ctx context.Context, keyID string, opts Options) error {
	args := opts.homeArgs(nil)
	args = append(args, "--list-secret-keys", "--with-colons")
	if keyID != "" {
		if err := CheckKeyID(keyID); err != nil {
			return err
		}
		args = append(args, "--", keyID)
	}
	out, err := opts.run(ctx, nil, maxListOutput, args...)
	if errors.Is(err, ErrFailed) || err == nil && !bytes.Contains(out, []byte("sec:")) {
		if keyID == "" {
			return fmt.Errorf("%w: gpg has no secret key to sign with by default%s", ErrKeyNotFound, opts.where())
		}
		return fmt.Errorf("%w: gpg has no secret key %s%s", ErrKeyNotFound, keyID, opts.where())
	}
	return err
}

// where names the keyring for messages.
func (o Options) where() string {
	if o.Home != "" {
		return " in keyring " + o.Home
	}
	return " in the default keyring (GNUPGHOME or ~/.gnupg; --gpg-home chooses another)"
}
