package ops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
	Format    intoto.Format
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
	if req.Signer == nil {
		return "", fmt.Errorf("%w: record start needs a signing key", ErrUsage)
	}
	link := intoto.NewLink(req.StepName)
	var err error
	if len(req.Materials) > 0 {
		notify(req.Observe, Event{Stage: StageMaterials, Args: req.Materials})
	}
	if link.Materials, err = recordArtifacts(ctx, "materials", req.Materials, req.Record); err != nil {
		return "", err
	}
	name := UnfinishedLinkFileName(req.StepName, req.Signer.Key().KeyID)
	return writeLink(ctx, link, req.Signer, req.Format, req.WorkDir, name, req.Observe)
}

// RecordStopRequest is in-toto-record stop.
type RecordStopRequest struct {
	StepName string
	Products []string
	Record   RecordConfig
	Signer   keys.Signer
	// WorkDir holds the preliminary link ("" = working directory).
	WorkDir string
	// MetadataDir receives the final link ("" = working directory).
	MetadataDir string
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
	if req.Signer == nil {
		return "", fmt.Errorf("%w: record stop needs the signing key used for record start", ErrUsage)
	}
	key := req.Signer.Key()
	unfinished := inDir(req.WorkDir, UnfinishedLinkFileName(req.StepName, key.KeyID))
	doc, link, err := loadUnfinished(unfinished, req.StepName, key, req.Observe)
	if err != nil {
		return "", err
	}
	if len(req.Products) > 0 {
		notify(req.Observe, Event{Stage: StageProducts, Args: req.Products})
	}
	if link.Products, err = recordArtifacts(ctx, "products", req.Products, req.Record); err != nil {
		return "", err
	}
	path, err := writeLink(ctx, link, req.Signer, doc.Format(), req.MetadataDir, LinkFileName(req.StepName, key.KeyID), req.Observe)
	if err != nil {
		return "", err
	}
	notify(req.Observe, Event{Stage: StageRemove, Path: unfinished})
	if err := os.Remove(unfinished); err != nil {
		return path, fmt.Errorf("link written to %s, but the preliminary link could not be removed: %w", path, err)
	}
	return path, nil
}

func loadUnfinished(path, step string, key keys.Key, observe func(Event)) (*intoto.Document, *intoto.Link, error) {
	notify(observe, Event{Stage: StageLoad, Path: path})
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		others, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+step+".*.link-unfinished"))
		hint := "run 'in-toto-record start' for this step first"
		if len(others) > 0 {
			hint = fmt.Sprintf("found %v: was record start run with another key?", others)
		}
		return nil, nil, fmt.Errorf("%w: %s does not exist (%s)", ErrNoUnfinishedLink, path, hint)
	}
	doc, err := ReadDocumentFile(path)
	if err != nil {
		return nil, nil, err
	}
	notify(observe, Event{Stage: StageVerify, Path: path})
	if err := doc.VerifySignature(key); err != nil {
		return nil, nil, fmt.Errorf("%w: preliminary link %s was not signed by key %s: %w", ErrVerify, path, key.ShortID(), err)
	}
	link, err := doc.Link()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if link.Name != step {
		return nil, nil, fmt.Errorf("preliminary link %s is for step %q, not %q", path, link.Name, step)
	}
	return doc, link, nil
}
