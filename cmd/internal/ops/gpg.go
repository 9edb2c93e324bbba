package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// GPGKey is a key in a gpg keyring, used as the reference's -g/--gpg
// uses it: gpg makes the signature, and the link file is named after the
// signing key's fingerprint.
type GPGKey struct {
	// KeyID is the key's fingerprint or key id (hex); "" means gpg's
	// default key.
	KeyID string
	// GPG says how gpg is run: program, --homedir, environment.
	GPG gpg.Options
}

// signing is the key a link is signed with: a Signer or a gpg key (or
// neither, for an unsigned link).
type signing struct {
	signer keys.Signer
	gpg    *GPGKey
}

func (s signing) none() bool { return s.signer == nil && s.gpg == nil }

// keyID is the key id known before signing ("" for gpg's default key).
func (s signing) keyID() string {
	if s.signer != nil {
		return s.signer.Key().KeyID
	}
	if s.gpg != nil {
		return s.gpg.KeyID
	}
	return ""
}

// check refuses a request with two keys, a malformed gpg key id, or gpg
// and DSSE together (the reference cannot do that either).
func (s signing) check(format intoto.Format) error {
	switch {
	case s.signer != nil && s.gpg != nil:
		return fmt.Errorf("%w: give a signing key or a gpg key, not both", ErrUsage)
	case s.gpg == nil:
		return nil
	case format == intoto.FormatDSSE:
		return fmt.Errorf("%w: GPG signatures cannot go into DSSE envelopes (the reference does not support it "+
			"either); leave out --use-dsse, or sign with a key file", ErrUsage)
	case s.gpg.KeyID != "":
		return gpg.CheckKeyID(s.gpg.KeyID)
	}
	return nil
}

// preflight checks, before any work, that gpg runs and holds the secret
// key, so that a long step is not run for nothing.
func (s signing) preflight(ctx context.Context) error {
	if s.gpg == nil {
		return nil
	}
	return gpg.CheckSecretKey(ctx, s.gpg.KeyID, s.gpg.GPG)
}

// sign adds the signature to doc and returns the key id it was made
// under.
func (s signing) sign(ctx context.Context, doc *intoto.Document) (string, error) {
	if s.signer != nil {
		return s.signer.Key().KeyID, doc.Sign(ctx, s.signer)
	}
	return signGPG(ctx, doc, *s.gpg)
}

// label names the key for error messages.
func (s signing) label() string {
	switch {
	case s.signer != nil:
		return "key " + s.signer.Key().ShortID()
	case s.gpg.KeyID != "":
		return "gpg key " + s.gpg.KeyID
	}
	return "the default gpg key"
}

// signGPG has gpg sign the document's signed bytes and adds the
// signature; it returns the signing key's fingerprint.
func signGPG(ctx context.Context, doc *intoto.Document, k GPGKey) (string, error) {
	if doc.Format() != intoto.FormatMetablock {
		return "", fmt.Errorf("%w: GPG signatures cannot go into DSSE envelopes (the reference does not support it either); "+
			"sign with a key file", intoto.ErrUnsupportedSignature)
	}
	msg, err := doc.SignedBytes()
	if err != nil {
		return "", err
	}
	sig, err := gpg.Sign(ctx, msg, k.KeyID, k.GPG)
	if err != nil {
		return "", err
	}
	return sig.KeyID, doc.AddGPGSignature(sig)
}

// ExportGPGKeys exports the public keys to verify with, in order, as
// in-toto-sign --verify does before checking any signature. Every KeyID
// must be given.
func ExportGPGKeys(ctx context.Context, ks []GPGKey) ([]*gpg.PublicKey, error) {
	out := make([]*gpg.PublicKey, 0, len(ks))
	for _, k := range ks {
		if k.KeyID == "" {
			return nil, fmt.Errorf("%w: verifying needs the key id of each gpg key", ErrUsage)
		}
		pk, err := gpg.Export(ctx, k.KeyID, k.GPG)
		if err != nil {
			return nil, err
		}
		out = append(out, pk)
	}
	return out, nil
}

// verifyError marks the errors of a signature that does not verify with
// ErrVerify; other errors (unsupported kinds, expired keys) pass.
func verifyError(err error, format string, args ...any) error {
	if errors.Is(err, gpg.ErrBadSignature) || errors.Is(err, keys.ErrBadSignature) || errors.Is(err, intoto.ErrNoSignature) {
		return fmt.Errorf("%w: %s: %w", ErrVerify, fmt.Sprintf(format, args...), err)
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

// findUnfinished finds the one preliminary link of step in dir when the
// key id is not known (gpg): .<step>.<8 hex digits>.link-unfinished.
func findUnfinished(dir, step string) (string, error) {
	entries, err := os.ReadDir(or(dir, "."))
	if err != nil {
		return "", fmt.Errorf("looking for the preliminary link of step %s: %w", step, err)
	}
	prefix, suffix := "."+step+".", ".link-unfinished"
	var found []string
	for _, e := range entries {
		mid, ok := strings.CutPrefix(e.Name(), prefix)
		if mid, ok2 := strings.CutSuffix(mid, suffix); ok && ok2 && len(mid) == 8 && gpg.CheckKeyID(mid) == nil {
			found = append(found, e.Name())
		}
	}
	slices.Sort(found)
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%w: could not find a preliminary link for step '%s' in %s: run 'in-toto-record start' for it first",
			ErrNoUnfinishedLink, step, or(dir, "the working directory"))
	case 1:
		return inDir(dir, found[0]), nil
	}
	return "", fmt.Errorf("%w: found more than one preliminary link for step '%s' in %s: %s; remove all but one, "+
		"or stop with the key file (-k) that started it", ErrNoUnfinishedLink, step, or(dir, "the working directory"), strings.Join(found, ", "))
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

func nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
