package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// ErrNoUnfinishedLink means record stop found no preliminary link.
var ErrNoUnfinishedLink = errors.New("no preliminary link found")

// RecordStartRequest is in-toto-record start.
type RecordStartRequest struct {
	StepName  string
	Materials []string
	Record    RecordConfig
	Signer    keys.Signer
	// GPG, instead of Signer, has gpg sign the preliminary link.
	GPG    *GPGKey
	Format intoto.Format
	// WorkDir holds the preliminary link ("" = working directory), as in
	// the reference.
	WorkDir string
	// Observe, when set, is told about each stage as it is reached.
	Observe func(Event)
}

// RecordStart records materials and writes the signed preliminary link
// .<step>.<keyid8>.link-unfinished; it returns its path.
func RecordStart(ctx context.Context, req RecordStartRequest) (string, error) {
	if err := checkStepName(req.StepName); err != nil {
		return "", err
	}
	sg := signing{signer: req.Signer, gpg: req.GPG}
	if sg.none() {
		return "", fmt.Errorf("%w: record start needs a signing key", ErrUsage)
	}
	link, err := beginLink(ctx, req.StepName, sg, req.Format, req.Materials, req.Record, req.Observe)
	if err != nil {
		return "", err
	}
	return writeLink(ctx, link, sg, req.Format, req.WorkDir, UnfinishedLinkFileName, req.Observe)
}

// RecordStopRequest is in-toto-record stop.
type RecordStopRequest struct {
	StepName string
	Products []string
	Record   RecordConfig
	// Signer is the key record start signed with. The preliminary link is
	// the one named after it.
	Signer keys.Signer
	// GPG, instead of Signer: the one preliminary link of the step is
	// used, whatever key it is named after, as in the reference. Its
	// signature must verify with GPG.KeyID's public key, or, when KeyID is
	// "", with the key that made its first signature; that key signs the
	// final link, which is named after it.
	GPG *GPGKey
	// WorkDir holds the preliminary link ("" = working directory).
	WorkDir string
	// MetadataDir receives the final link ("" = working directory).
	MetadataDir string
	// Now is the time gpg key expiry is checked at (zero: the clock).
	Now time.Time
	// Observe, when set, is told about each stage as it is reached.
	Observe func(Event)
}

// RecordStop loads the preliminary link of this step and key, checks its
// signature, records products, signs and writes the final link, and removes
// the preliminary file. It returns the final link's path.
func RecordStop(ctx context.Context, req RecordStopRequest) (string, error) {
	if err := checkStepName(req.StepName); err != nil {
		return "", err
	}
	sg := signing{signer: req.Signer, gpg: req.GPG}
	if sg.none() {
		return "", fmt.Errorf("%w: record stop needs the signing key used for record start", ErrUsage)
	}
	if err := sg.check(intoto.FormatMetablock); err != nil {
		return "", err
	}
	unfinished, err := unfinishedPath(req)
	if err != nil {
		return "", err
	}
	doc, link, keyID, err := loadUnfinished(ctx, unfinished, req)
	if err != nil {
		return "", err
	}
	if len(req.Products) > 0 {
		notify(req.Observe, Event{Stage: StageProducts, Args: req.Products})
	}
	if link.Products, err = recordArtifacts(ctx, "products", req.Products, req.Record); err != nil {
		return "", err
	}
	if sg.gpg != nil {
		sg.gpg = &GPGKey{KeyID: keyID, GPG: req.GPG.GPG}
	}
	name := func(step, _ string) string { return LinkFileName(step, keyID) }
	path, err := writeLink(ctx, link, sg, doc.Format(), req.MetadataDir, name, req.Observe)
	if err != nil {
		return "", err
	}
	notify(req.Observe, Event{Stage: StageRemove, Path: unfinished})
	if err := os.Remove(unfinished); err != nil {
		return path, fmt.Errorf("link written to %s, but the preliminary link could not be removed: %w", path, err)
	}
	return path, nil
}

// unfinishedPath is the preliminary link record stop reads: the one named
// after the signing key, or with gpg the only one of the step.
func unfinishedPath(req RecordStopRequest) (string, error) {
	if req.Signer == nil {
		return findUnfinished(req.WorkDir, req.StepName)
	}
	path := inDir(req.WorkDir, UnfinishedLinkFileName(req.StepName, req.Signer.Key().KeyID))
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		others, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+req.StepName+".*.link-unfinished"))
		hint := "run 'in-toto-record start' for this step first"
		if len(others) > 0 {
			hint = fmt.Sprintf("found %v: was record start run with another key?", others)
		}
		return "", fmt.Errorf("%w: %s does not exist (%s)", ErrNoUnfinishedLink, path, hint)
	}
	return path, nil
}

// loadUnfinished reads the preliminary link and checks its signature; it
// returns the key id the final link is signed with and named after.
func loadUnfinished(ctx context.Context, path string, req RecordStopRequest) (*intoto.Document, *intoto.Link, string, error) {
	notify(req.Observe, Event{Stage: StageLoad, Path: path})
	doc, err := ReadDocumentFile(path)
	if err != nil {
		return nil, nil, "", err
	}
	notify(req.Observe, Event{Stage: StageVerify, Path: path})
	var keyID string
	if req.Signer != nil {
		key := req.Signer.Key()
		keyID = key.KeyID
		if err := doc.VerifySignature(key); err != nil {
			return nil, nil, "", fmt.Errorf("%w: preliminary link %s was not signed by key %s: %w", ErrVerify, path, key.ShortID(), err)
		}
	} else if keyID, err = verifyUnfinishedGPG(ctx, doc, path, req); err != nil {
		return nil, nil, "", err
	}
	link, err := doc.Link()
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", path, err)
	}
	if link.Name != req.StepName {
		return nil, nil, "", fmt.Errorf("preliminary link %s is for step %q, not %q", path, link.Name, req.StepName)
	}
	return doc, link, keyID, nil
}

// verifyUnfinishedGPG checks the preliminary link's signature with the
// given gpg key, or with the key of its first signature (as the reference
// does for the default key, whose id gpg does not tell beforehand).
func verifyUnfinishedGPG(ctx context.Context, doc *intoto.Document, path string, req RecordStopRequest) (string, error) {
	keyID := req.GPG.KeyID
	if keyID == "" {
		ids := doc.KeyIDs()
		if len(ids) == 0 || ids[0] == "" {
			return "", fmt.Errorf("%w: preliminary link %s has no signature to take the gpg key id from", ErrVerify, path)
		}
		keyID = ids[0]
	}
	k, err := gpg.Export(ctx, keyID, req.GPG.GPG)
	if err != nil {
		return "", fmt.Errorf("the gpg key to check preliminary link %s with: %w", path, err)
	}
	if req.GPG.KeyID != "" {
		keyID = k.Fingerprint
	}
	if err := doc.VerifyGPGSignature(k, nowOr(req.Now)); err != nil {
		return "", verifyError(err, "preliminary link %s, gpg key %s", path, k.Fingerprint)
	}
	return keyID, nil
}
