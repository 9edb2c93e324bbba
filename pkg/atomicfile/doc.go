// Package atomicfile writes files so that readers see either the old
// content or the whole new content, never a partial file: the data goes to
// a temporary file in the same directory, is synced, and is renamed over
// the destination; the directory is synced afterwards. A failed write
// leaves no temporary file behind.
package atomicfile
