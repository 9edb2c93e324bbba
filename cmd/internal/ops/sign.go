package ops

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/signet-dev/signet/pkg/atomicfile"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// SignRequest is in-toto-sign's signing mode.
type SignRequest struct {
	// File is the link or layout (metablock or DSSE) to sign.
	File string
	// Signers sign in order. A link takes exactly one.
	Signers []keys.Signer
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
	if len(req.Signers) == 0 {
		return "", fmt.Errorf("%w: no signing key given", ErrUsage)
	}
	doc, err := ReadDocumentFile(req.File)
	if err != nil {
		return "", err
	}
	if doc.Type() == intoto.TypeLink {
		if len(req.Signers) > 1 {
			return "", fmt.Errorf("%w: a link is signed by one functionary and named after that key; sign it with one key at a time", ErrUsage)
		}
		if req.Append {
			return "", fmt.Errorf("%w: signatures cannot be added to a link; each functionary's link is a file of its own", ErrUsage)
		}
	}
	if !req.Append {
		doc.ClearSignatures()
	}
	for _, s := range req.Signers {
		if err := doc.Sign(ctx, s); err != nil {
			return "", fmt.Errorf("sign %s with key %s: %w", req.File, s.Key().ShortID(), err)
		}
	}
	out, err := signOutput(doc, req)
	if err != nil {
		return "", err
	}
	return out, writeDocument(out, doc)
}

func signOutput(doc *intoto.Document, req SignRequest) (string, error) {
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
	last := req.Signers[len(req.Signers)-1]
	return inDir(req.OutputDir, LinkFileName(link.Name, last.Key().KeyID)), nil
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
}

// VerifySignatures checks that every key signed the file. It returns the
// key ids that verified, or an error wrapping ErrVerify that names the
// first key that did not.
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
	return ok, nil
}
