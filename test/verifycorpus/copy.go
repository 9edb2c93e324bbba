package verifycorpus

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CopyTree copies the regular files and directories under src to dst
// (created if needed), leaving out the paths (relative, slash-separated)
// for which skip returns true. Directories are created 0700, because a
// scenario's gnupg home must not be readable by others, and files 0644.
func CopyTree(src, dst string, skip func(rel string) bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if rel != "." && skip != nil && skip(filepath.ToSlash(rel)) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o700)
		case d.Type().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		default:
			return fmt.Errorf("copy %s: not a regular file or directory", path)
		}
	})
}

// SkipCase is a CopyTree filter that leaves out the scenario's case.json,
// so that the verifier's working directory holds only what verification
// and the inspections see.
func SkipCase(rel string) bool { return rel == CaseFile }
