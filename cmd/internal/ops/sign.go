package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/signet-dev/signet/pkg/atomicfile"
	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// SignRequest is in-toto-sign's signing mode.
type SignRequest struct {
	// File is the link or layout (metablock or DSSE) to sign.
	File string
	// Signers sign in order, then GPG. A link takes exactly one key.
	Signers []keys.Signer
	// GPG are gpg keys to sign with (KeyID "": gpg's default key); only
	// metablocks can hold their signatures.
	GPG []GPGKey
	// Append keeps existing signatures (layouts only); otherwise they are
	// replaced.
	Append bool
	// Output is the file to write; "" means the reference's default: the
	// input file for a layout, <name>.<keyid8>.link for a link (in
	// OutputDir).
	Output string
	// OutputDir is where a link's default file name goes ("" = working
	// directory).
	OutputDir string
}

// ReadDocumentFile reads and strictly decodes a metadata file.
func ReadDocumentFile(path string) (*intoto.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer f.Close()
	data, err := intoto.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	doc, err := intoto.ReadDocument(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid in-toto metadata: %w", path, err)
	}
	return doc, nil
}

// Sign signs a metadata file and writes it; it returns the path written.
func Sign(ctx context.Context, req SignRequest) (string, error) {
	sgs := make([]signing, 0, len(req.Signers)+len(req.GPG))
	for _, s := range req.Signers {
		sgs = append(sgs, signing{signer: s})
	}
	for i := range req.GPG {
		sgs = append(sgs, signing{gpg: &req.GPG[i]})
	}
	if len(sgs) == 0 {
		return "", fmt.Errorf("%w: no signing key given", ErrUsage)
	}
	for _, sg := range sgs {
		if err := sg.check(0); err != nil {
			return "", err
		}
	}
	doc, err := ReadDocumentFile(req.File)
	if err != nil {
		return "", err
	}
	if doc.Type() == intoto.TypeLink {
		if len(sgs) > 1 {
			return "", fmt.Errorf("%w: a link is signed by one functionary and named after that key; sign it with one key at a time", ErrUsage)
		}
		if req.Append {
			return "", fmt.Errorf("%w: signatures cannot be added to a link; each functionary's link is a file of its own", ErrUsage)
		}
	}
	if !req.Append {
		doc.ClearSignatures()
	}
	var last string
	for _, sg := range sgs {
		if last, err = sg.sign(ctx, doc); err != nil {
			return "", fmt.Errorf("sign %s with %s: %w", req.File, sg.label(), err)
		}
	}
	out, err := signOutput(doc, req, last)
	if err != nil {
		return "", err
	}
	return out, writeDocument(out, doc)
}

// signOutput is the file to write; lastKeyID is the key id of the last
// signature made.
func signOutput(doc *intoto.Document, req SignRequest, lastKeyID string) (string, error) {
	if req.Output != "" {
		return req.Output, nil
	}
	if doc.Type() != intoto.TypeLink {
		return req.File, nil
	}
	link, err := doc.Link()
	if err != nil {
		return "", err
	}
	return inDir(req.OutputDir, LinkFileName(link.Name, lastKeyID)), nil
}

func writeDocument(path string, doc *intoto.Document) error {
	data, err := doc.Marshal()
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// VerifyRequest is in-toto-sign --verify: every key must have signed.
type VerifyRequest struct {
	File string
	Keys []keys.Key
	// GPGKeys are gpg public keys (see ExportGPGKeys), checked after Keys.
	GPGKeys []*gpg.PublicKey
	// Now is the time gpg key expiry is checked at (zero: the clock).
	Now time.Time
}

// VerifySignatures checks that every key signed the file. It returns the
// key ids that verified, or an error that names the first key that did
// not: wrapping ErrVerify when its signature is missing or wrong.
func VerifySignatures(req VerifyRequest) ([]string, error) {
	doc, err := ReadDocumentFile(req.File)
	if err != nil {
		return nil, err
	}
	var ok []string
	for _, k := range req.Keys {
		if err := doc.VerifySignature(k); err != nil {
			if errors.Is(err, intoto.ErrUnsupportedSignature) {
				return ok, err
			}
			return ok, fmt.Errorf("%w: %s: key %s: %w", ErrVerify, req.File, k.KeyID, err)
		}
		ok = append(ok, k.KeyID)
	}
	for _, k := range req.GPGKeys {
		if err := doc.VerifyGPGSignature(k, nowOr(req.Now)); err != nil {
			return ok, verifyError(err, "%s: gpg key %s", req.File, k.Fingerprint)
		}
		ok = append(ok, k.Fingerprint)
	}
	return ok, nil
}
