package record

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/record/internal/gitwild"
)

// job is one file to hash. The walker fills in the first part and hands
// the job to the pool; a worker then sets digest or err.
type job struct {
	seq  int     // position in walk order
	key  string  // the artifact path as recorded (after lstrip)
	path string  // the path as found, before lstrip (for error messages)
	open string  // what to open, with the base path applied
	dir  *dirRef // the directory it was found in (nil for a path given to Record)
	name string  // its name in dir
	size int64

	digest intoto.DigestSet
	err    error
}

// entry is a regular file or a directory found in a directory.
type entry struct {
	path, name string
	size       int64
}

// walker collects the files to hash, in the reference's order. It holds all
// per-call state, including the directories being walked (for loops).
type walker struct {
	ctx    context.Context
	base   string
	spec   *gitwild.Spec // nil when no exclude patterns are given
	lstrip []string
	sizes  bool // stat regular files for their size (progress only)
	prog   *progress

	pool      *pool
	seq       int
	jobs      []*job         // in walk order, the last of each key
	index     map[string]int // key -> position in jobs
	dirs      []*dirRef      // every directory that has jobs
	ancestors []fileID
}

// fsPath resolves a recorded path against the base path. The two are
// concatenated, not cleaned, so ".." is resolved by the kernel exactly as
// after the reference's chdir(base).
func (w *walker) fsPath(p string) string {
	if w.base == "" || strings.HasPrefix(p, "/") {
		return p
	}
	return w.base + "/" + p
}

// excluded filters the paths given to Record like the reference's
// _apply_exclude_patterns: the remaining paths come back sorted and without
// duplicates. Without a spec the paths are returned unchanged.
func (w *walker) excluded(paths []string) []string {
	if w.spec == nil {
		return paths
	}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if !w.spec.Match(p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// kept filters a directory's entries in place. They are already sorted by
// name, which is the reference's order (it sorts full paths that share the
// directory's prefix).
func (w *walker) kept(es []entry) []entry {
	if w.spec == nil {
		return es
	}
	return slices.DeleteFunc(es, func(e entry) bool { return w.spec.Match(e.path) })
}

// top records the (normalised) paths given to Record.
func (w *walker) top(paths []string) error {
	for _, p := range w.excluded(paths) {
		if err := w.ctx.Err(); err != nil {
			return fmt.Errorf("recording artifacts: %w", err)
		}
		fi, err := os.Stat(w.fsPath(p))
		switch {
		case err != nil:
			continue // missing, broken link, unreadable: skipped like the reference
		case fi.Mode().IsRegular():
			// The reference opens the name with '\' already turned into '/'.
			key := strings.ReplaceAll(p, `\`, "/")
			if err := w.add(&job{key: key, open: w.fsPath(key), size: fi.Size()}); err != nil {
				return err
			}
		case fi.IsDir():
			if err := w.dir(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// dir walks one directory top-down like os.walk(followlinks=True): its
// files first (sorted when excludes are active), then each subdirectory
// that is not excluded. A directory that cannot be read is skipped whole.
func (w *walker) dir(root string) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("recording artifacts: %w", err)
	}
	f, err := os.Open(w.fsPath(root))
	if err != nil {
		return nil
	}
	id, haveID := dirID(f)
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return nil
	}
	if haveID {
		if slices.Contains(w.ancestors, id) {
			return nil // a symlink loop back to a directory we are inside
		}
		w.ancestors = append(w.ancestors, id)
		defer func() { w.ancestors = w.ancestors[:len(w.ancestors)-1] }()
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	dirs, files := w.classify(root, entries)
	dirs, files = w.kept(dirs), w.kept(files)
	if len(files) > 0 {
		// Every job of the directory is counted before the first is sent.
		ref := &dirRef{path: w.fsPath(root)}
		ref.left.Store(int32(len(files)))
		w.dirs = append(w.dirs, ref)
		for _, f := range files {
			j := &job{key: strings.ReplaceAll(f.path, `\`, "/"), open: w.fsPath(f.path), dir: ref, name: f.name, size: f.size}
			if err := w.add(j); err != nil {
				return err
			}
		}
	}
	for _, d := range dirs {
		if err := w.dir(d.path); err != nil {
			return err
		}
	}
	return nil
}

// classify splits a directory's entries into subdirectories and regular
// files (symlinks followed; broken links and special files dropped).
func (w *walker) classify(root string, entries []fs.DirEntry) (dirs, files []entry) {
	for _, e := range entries {
		x := entry{path: joinNorm(root, e.Name()), name: e.Name()}
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			fi, err := os.Stat(w.fsPath(x.path))
			if err != nil {
				continue // broken link: os.walk lists it as a file, isfile() drops it
			}
			t, x.size = fi.Mode().Type(), fi.Size()
		} else if w.sizes && t.IsRegular() {
			if fi, err := e.Info(); err == nil {
				x.size = fi.Size()
			}
		}
		switch {
		case t.IsDir():
			dirs = append(dirs, x)
		case t.IsRegular():
			files = append(files, x)
		}
	}
	return dirs, files
}

// add records one file under its key, applying the left-strip prefixes,
// and sends it to the pool.
func (w *walker) add(j *job) error {
	j.path = j.key
	if len(w.lstrip) > 0 {
		for _, p := range w.lstrip {
			if strings.HasPrefix(j.key, p) {
				j.key = j.key[len(p):]
				break
			}
		}
		if i, dup := w.index[j.key]; dup {
			return fmt.Errorf("%w: %q and %q are both recorded as %q; "+
				"choose --lstrip-paths prefixes that keep artifact paths unique",
				ErrPrefixCollision, w.jobs[i].path, j.path, j.key)
		}
	}
	j.seq = w.seq
	w.seq++
	if i, dup := w.index[j.key]; dup {
		w.jobs[i] = j // without lstrip the reference overwrites: the last one wins
	} else {
		w.index[j.key] = len(w.jobs)
		w.jobs = append(w.jobs, j)
	}
	w.prog.addFile(j.size)
	if !w.pool.submit(j) {
		return fmt.Errorf("recording artifacts: %w", context.Cause(w.pool.ctx))
	}
	return nil
}

// joinNorm is os.path.normpath(os.path.join(root, name)) for a normalised
// root and a plain directory entry name.
func joinNorm(root, name string) string {
	switch {
	case root == ".":
		return name
	case strings.HasSuffix(root, "/"): // "/" or "//"
		return root + name
	default:
		return root + "/" + name
	}
}
