// Package record records artifacts (a link's materials or products): it
// walks the given paths, leaves out excluded ones, and hashes every file,
// producing the same path-to-digest map as the in-toto reference
// implementation 1.3.1 (in_toto.runlib.record_artifacts_as_dict, called the
// way in-toto-run and in-toto-record call it, with symlinked directories
// followed).
//
// # What is recorded
//
// Each path is normalised like Python's os.path.normpath ("./a" is "a",
// "a/../b" is "b", trailing slashes go, "" is "."), then resolved against
// Options.BasePath (or the working directory) without changing the process
// working directory. A path that names a regular file (after following
// symlinks) is recorded under its own name; a directory is walked top-down
// and every regular file below it is recorded as "<path>/<rel>"; anything
// else (missing paths, broken symlinks, sockets, FIFOs, devices, entries
// that cannot be stat'ed, directories that cannot be read) is skipped
// without an error, as the reference does. Symlinks to files and to
// directories are followed and recorded under the link's own path. Absolute
// paths stay absolute. A backslash in a recorded name is written as '/'
// (and, like the reference, a file named on the command line with a
// backslash in its name is opened under the name with '/', which usually
// fails). Files are hashed byte for byte (CRLF stays CRLF). A file that
// cannot be read (permissions, I/O error) fails the whole call, naming it.
//
// # Excludes
//
// Exclude patterns use gitignore ("gitwildmatch") syntax exactly as the
// Python library pathspec reads it, including '!' negation, "**",
// anchoring with a leading or inner '/', and trailing '/'. They are matched
// against the normalised path as recorded (including the prefix given on the
// command line, without the base path); the paths given to Record are
// filtered too. An excluded directory is not entered, so a '!' line cannot
// bring back a file below it ("build" then "!build/keep" keeps nothing).
// Directories are matched without a trailing slash, so a pattern with one
// ("build/") never prunes: the directory is entered and its files are
// excluded one by one, and "!build/keep" does bring that file back. A nil
// Options.Excludes means DefaultExcludes; a non-nil slice replaces them (an
// empty one excludes nothing).
//
// # Left-stripping
//
// Options.LStripPaths are plain string prefixes: the first one that a
// recorded path starts with is cut off (without a trailing '/', the key
// keeps its leading '/'). Two prefixes where one starts with the other are
// rejected with ErrPrefixOverlap, and two artifacts that end up with the
// same key with ErrPrefixCollision. As in the reference, while any prefix is
// given, recording the same path twice (for example "." and "a.txt") is also
// a collision.
//
// # Differences from the reference
//
//   - Symlink loops: the reference follows a symlink that points back to an
//     ancestor directory again and again until the kernel refuses the path
//     (ELOOP, about 40 levels), recording every file once per level, and two
//     such links make it run practically forever. Record does not enter a
//     directory that is already one of the directories it is inside, so
//     every file of a loop is recorded once, under its shortest path.
//   - An empty, non-nil Options.Excludes means "exclude nothing"; the
//     reference treats an empty list like no list and applies its defaults.
//   - When no excludes are active the reference visits directory entries in
//     the order the file system returns them; Record always sorts them by
//     name. The result differs only in which of two colliding paths an
//     ErrPrefixCollision names.
//
// # Speed
//
// The tree is walked once; while the walk goes on, files are hashed by
// Options.Workers goroutines (default: GOMAXPROCS), each streaming its files
// through the hash with one reused buffer, so no file is ever read into
// memory whole. On Linux files are opened relative to a descriptor of their
// directory with raw system calls. The result does not depend on the number
// of workers. An optional Options.Progress callback reports files and bytes
// done; the package itself never prints.
package record
