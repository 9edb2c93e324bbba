//go:build unix

package record

import (
	"os"
	"syscall"
)

// fileID identifies a directory for loop detection.
type fileID struct{ dev, ino uint64 }

// dirID returns the identity of an open directory.
func dirID(f *os.File) (fileID, bool) {
	fi, err := f.Stat()
	if err != nil {
		return fileID{}, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
