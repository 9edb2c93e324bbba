// Package version reports the version of Signet's binaries: the module
// version the Go toolchain stamped into the build, or "devel" for builds
// from a work tree.
package version

import "runtime/debug"

// String returns the version of the running binary.
func String() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
