//go:build !unix

package record

import "os"

// fileID identifies a directory for loop detection.
type fileID struct{ dev, ino uint64 }

// dirID is not available on this platform: symlink loops are then only
// bounded by the operating system's limits, as in the reference.
func dirID(*os.File) (fileID, bool) { return fileID{}, false }
