package record

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/record/internal/gitwild"
)

// Record hashes the files at paths (files, or directories walked
// recursively) and returns them keyed by their recorded path, exactly as
// the in-toto reference records materials and products. See the package
// documentation for the rules. An empty paths list gives an empty map
// without looking at anything else.
func Record(ctx context.Context, paths []string, opts Options) (intoto.ArtifactMap, error) {
	result := intoto.ArtifactMap{}
	if len(paths) == 0 {
		return result, nil
	}
	w, algos, err := newWalker(ctx, opts)
	if err != nil {
		return nil, err
	}
	norm := make([]string, len(paths))
	for i, p := range paths {
		norm[i] = pyNormpath(p)
	}
	w.prog.start()
	ok := false
	defer func() { w.prog.finish(ok) }()
	w.pool = startPool(ctx, algos, workerCount(opts.Workers), w.prog)
	w.ctx = w.pool.ctx // a failed file also stops the walk
	walkErr := w.top(norm)
	if walkErr != nil {
		w.pool.cancel()
	}
	w.prog.scanDone()
	hashErr := w.pool.stop()
	for _, d := range w.dirs {
		d.close() // those left open by a failure or cancellation
	}
	switch {
	case hashErr != nil:
		return nil, hashErr
	case walkErr != nil:
		return nil, walkErr
	case ctx.Err() != nil:
		return nil, fmt.Errorf("recording artifacts: %w", ctx.Err())
	}
	for _, j := range w.jobs {
		result[j.key] = j.digest
	}
	ok = true
	return result, nil
}

// newWalker checks the options in the reference's order (base path, then
// exclude patterns, then lstrip prefixes) and prepares the walk.
func newWalker(ctx context.Context, opts Options) (*walker, []string, error) {
	algos := opts.HashAlgorithms
	if len(algos) == 0 {
		algos = DefaultHashAlgorithms()
	}
	if err := checkAlgorithms(algos); err != nil {
		return nil, nil, err
	}
	if err := checkBasePath(opts.BasePath); err != nil {
		return nil, nil, err
	}
	excludes := opts.Excludes
	if excludes == nil {
		excludes = DefaultExcludes()
	}
	var spec *gitwild.Spec
	if len(excludes) > 0 {
		s, err := gitwild.NewSpec(excludes)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrInvalidExclude, err)
		}
		spec = s
	}
	if err := checkPrefixes(opts.LStripPaths); err != nil {
		return nil, nil, err
	}
	w := &walker{
		ctx: ctx, base: opts.BasePath, spec: spec, lstrip: opts.LStripPaths,
		sizes: opts.Progress != nil,
		prog:  newProgress(opts.Progress, opts.ProgressInterval),
		index: map[string]int{},
	}
	return w, algos, nil
}

func checkBasePath(base string) error {
	if base == "" {
		return nil
	}
	fi, err := os.Stat(base)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %q does not exist", ErrBasePath, base)
		}
		return fmt.Errorf("%w: %w", ErrBasePath, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %q is not a directory", ErrBasePath, base)
	}
	return nil
}

// checkPrefixes rejects any two prefixes where one starts with the other
// (including duplicates), like the reference.
func checkPrefixes(prefixes []string) error {
	for i, a := range prefixes {
		for _, b := range prefixes[i+1:] {
			if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
				return fmt.Errorf("%w: %q and %q (one starts with the other); "+
					"pass only the one you mean", ErrPrefixOverlap, a, b)
			}
		}
	}
	return nil
}

func workerCount(n int) int {
	if n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}
