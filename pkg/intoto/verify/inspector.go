package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/signet-dev/signet/pkg/atomicfile"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/record"
	"github.com/signet-dev/signet/pkg/intoto/runner"
)

// maxInspectionOutput bounds the output kept per inspection stream for
// explanations.
const maxInspectionOutput = 64 << 10

// CommandInspector runs inspections as the reference does: the command
// runs in Dir with a timeout; "." is recorded as materials before and as
// products after (with the reference's default excludes); the link is
// written unsigned to Dir as "<name>.link" when PersistLinks is set. Its
// byproducts hold the return value and empty streams, like the reference's
// (the output is kept only for explanations).
type CommandInspector struct {
	// Dir is where inspections run and record; "" is the working
	// directory.
	Dir string
	// Timeout kills an inspection; 0 means DefaultInspectionTimeout.
	Timeout time.Duration
	// PersistLinks writes each inspection's link to Dir.
	PersistLinks bool
	// Env is the commands' environment; nil inherits the process's.
	Env []string
	// Clock measures durations for the report; nil means time.Now.
	Clock func() time.Time
}

// Inspect implements Inspector.
func (ci *CommandInspector) Inspect(ctx context.Context, insp intoto.Inspection) (*InspectionRun, error) {
	now := ci.Clock
	if now == nil {
		now = time.Now
	}
	timeout := ci.Timeout
	if timeout <= 0 {
		timeout = DefaultInspectionTimeout
	}
	ropts := record.Options{BasePath: ci.Dir}
	materials, err := record.Record(ctx, []string{"."}, ropts)
	if err != nil {
		return nil, fmt.Errorf("recording materials: %w", err)
	}
	start := now()
	res, err := runner.Run(ctx, insp.Run, runner.RunOptions{Dir: ci.Dir, Env: ci.Env, Timeout: timeout,
		RecordStreams: true, MaxStreamBytes: maxInspectionOutput, ReplaceInvalidUTF8: true})
	run := &InspectionRun{Duration: now().Sub(start), ExitCode: res.ReturnValue}
	if err != nil {
		return run, err
	}
	run.Output = strings.TrimSpace(res.Stderr + "\n" + res.Stdout)
	products, err := record.Record(ctx, []string{"."}, ropts)
	if err != nil {
		return run, fmt.Errorf("recording products: %w", err)
	}
	l := intoto.NewLink(insp.Name)
	l.Materials, l.Products, l.Command = materials, products, insp.Run
	l.Byproducts = runner.Result{ReturnValue: res.ReturnValue}.Byproducts()
	run.Link = l
	if ci.PersistLinks {
		if err := writeLink(filepath.Join(ci.Dir, insp.Name+".link"), l); err != nil {
			return run, err
		}
	}
	return run, nil
}

func writeLink(path string, l *intoto.Link) error {
	doc, err := intoto.NewDocument(intoto.FormatMetablock, l)
	if err != nil {
		return fmt.Errorf("inspection link: %w", err)
	}
	data, err := doc.Marshal()
	if err != nil {
		return fmt.Errorf("inspection link: %w", err)
	}
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing inspection link: %w", err)
	}
	return nil
}
