package ops

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/record"
	"github.com/signet-dev/signet/pkg/intoto/runner"
	"github.com/signet-dev/signet/pkg/keys"
)

// RecordConfig is how artifacts are recorded (see record.Options).
type RecordConfig struct {
	BasePath    string
	Excludes    []string // nil = the reference's defaults
	LStripPaths []string
	// Progress, when set, is told about long recordings (the front end
	// draws a bar on a terminal).
	Progress func(label string, p record.Progress)
}

// RunRequest is in-toto-run: record materials, run the command, record
// products, sign and write the link.
type RunRequest struct {
	StepName  string
	Materials []string
	Products  []string
	// Command is the wrapped command; empty means none (-x).
	Command       []string
	RecordStreams bool
	Timeout       time.Duration
	Record        RecordConfig
	// Signer signs the link; nil (and GPG nil) writes an unsigned link
	// named <step>.link (in-toto-mock, signet run --no-sign).
	Signer keys.Signer
	// GPG, instead of Signer, has gpg sign the link (metablocks only).
	GPG    *GPGKey
	Format intoto.Format
	// MetadataDir is where the link goes ("" = working directory).
	MetadataDir string
	// Stdin feeds the command (nil: no input); Stdout and Stderr receive
	// its output as it runs (nil: not shown).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Dir is the command's working directory ("" = the current one).
	// Relative artifact paths follow Record.BasePath, not Dir.
	Dir string
	// Observe, when set, is told about each stage as it is reached.
	Observe func(Event)
}

// Run performs the step and writes its link; it returns the path written.
// A wrapped command that exits non-zero is not an error: its return value
// is recorded, as the reference does.
func Run(ctx context.Context, req RunRequest) (string, error) {
	if err := checkStepName(req.StepName); err != nil {
		return "", err
	}
	sg := signing{signer: req.Signer, gpg: req.GPG}
	link, err := beginLink(ctx, req.StepName, sg, req.Format, req.Materials, req.Record, req.Observe)
	if err != nil {
		return "", err
	}
	if len(req.Command) > 0 {
		notify(req.Observe, Event{Stage: StageCommand, Args: req.Command})
		res, err := runner.Run(ctx, req.Command, runner.RunOptions{
			Dir: req.Dir, Timeout: req.Timeout, RecordStreams: req.RecordStreams,
			Stdin: req.Stdin, Stdout: req.Stdout, Stderr: req.Stderr,
			InheritProcessGroup: interactive(req.Stdin),
		})
		if err != nil {
			return "", fmt.Errorf("step %s: %w", req.StepName, err)
		}
		link.Command = req.Command
		link.Byproducts = res.Byproducts()
	}
	if len(req.Products) > 0 {
		notify(req.Observe, Event{Stage: StageProducts, Args: req.Products})
	}
	if link.Products, err = recordArtifacts(ctx, "products", req.Products, req.Record); err != nil {
		return "", err
	}
	return writeLink(ctx, link, sg, req.Format, req.MetadataDir, LinkFileName, req.Observe)
}

// recordArtifacts records paths (none: an empty map, as the reference).
func recordArtifacts(ctx context.Context, label string, paths []string, cfg RecordConfig) (intoto.ArtifactMap, error) {
	if len(paths) == 0 {
		return intoto.ArtifactMap{}, nil
	}
	opts := record.Options{BasePath: cfg.BasePath, Excludes: cfg.Excludes, LStripPaths: cfg.LStripPaths}
	if cfg.Progress != nil {
		opts.Progress = func(p record.Progress) { cfg.Progress(label, p) }
	}
	m, err := record.Record(ctx, paths, opts)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", label, err)
	}
	return m, nil
}

// writeLink signs (unless sg is empty) and writes the link; name makes
// the file name from the step and the signing key id (unsigned links:
// <step>.link).
func writeLink(ctx context.Context, link *intoto.Link, sg signing, format intoto.Format, dir string,
	name func(step, keyID string) string, observe func(Event)) (string, error) {
	if format == 0 {
		format = intoto.FormatMetablock
	}
	notify(observe, Event{Stage: StageLink})
	doc, err := intoto.NewDocument(format, link)
	if err != nil {
		return "", fmt.Errorf("link %s: %w", link.Name, err)
	}
	file := link.Name + ".link"
	if !sg.none() {
		notify(observe, Event{Stage: StageSign, KeyID: sg.keyID()})
		keyID, err := sg.sign(ctx, doc)
		if err != nil {
			return "", fmt.Errorf("sign link %s with %s: %w", link.Name, sg.label(), err)
		}
		file = name(link.Name, keyID)
	}
	path := inDir(dir, file)
	if dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return "", fmt.Errorf("metadata directory %s is not a directory: create it first", filepath.Clean(dir))
		}
	}
	notify(observe, Event{Stage: StageWrite, Path: path})
	return path, writeDocument(path, doc)
}

// interactive reports whether the command's standard input is a terminal.
// Such a command must stay in the terminal's foreground process group to
// read from it (a background group is stopped by SIGTTIN), so it is not
// given a process group of its own; a timeout then kills only the command
// itself, not its children.
func interactive(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// beginLink checks the signing set-up (before anything is recorded or run)
// and returns a new link with its materials recorded.
func beginLink(ctx context.Context, step string, sg signing, format intoto.Format, materials []string, rec RecordConfig, observe func(Event)) (*intoto.Link, error) {
	if err := sg.check(format); err != nil {
		return nil, err
	}
	if err := sg.preflight(ctx); err != nil {
		return nil, err
	}
	link := intoto.NewLink(step)
	if len(materials) > 0 {
		notify(observe, Event{Stage: StageMaterials, Args: materials})
	}
	var err error
	if link.Materials, err = recordArtifacts(ctx, "materials", materials, rec); err != nil {
		return nil, err
	}
	return link, nil
}
