package record

import (
	"errors"
	"time"
)

// Errors returned (wrapped, with details) by Record. Errors from reading a
// file wrap the underlying *fs.PathError, so errors.Is(err, fs.ErrPermission)
// works; a cancelled context yields an error wrapping ctx.Err().
var (
	// ErrBasePath: Options.BasePath does not exist or is not a directory.
	ErrBasePath = errors.New("base path is not a usable directory")
	// ErrInvalidExclude: an exclude pattern cannot be compiled (a lone "!",
	// a trailing backslash, a bracket range such as "[z-a]").
	ErrInvalidExclude = errors.New("invalid exclude pattern")
	// ErrPrefixOverlap: one of Options.LStripPaths starts with another.
	ErrPrefixOverlap = errors.New("lstrip prefixes overlap")
	// ErrPrefixCollision: after left-stripping, two recorded artifacts have
	// the same path.
	ErrPrefixCollision = errors.New("lstrip makes artifact paths collide")
	// ErrUnsupportedHash: Options.HashAlgorithms names an algorithm this
	// package does not implement.
	ErrUnsupportedHash = errors.New("unsupported hash algorithm")
)

// DefaultProgressInterval is how often Progress is called while recording
// when Options.ProgressInterval is zero.
const DefaultProgressInterval = 100 * time.Millisecond

// DefaultExcludes returns the reference's default exclude patterns
// (in_toto.settings.ARTIFACT_EXCLUDE_PATTERNS): link files, .git, Python
// bytecode and editor backups. Each call returns a new slice.
func DefaultExcludes() []string {
	return []string{"*.link*", ".git", "*.pyc", "*~"}
}

// DefaultHashAlgorithms returns the algorithms recorded when
// Options.HashAlgorithms is empty: sha256 only, like the reference.
func DefaultHashAlgorithms() []string {
	return []string{"sha256"}
}

// Options configure Record. The zero value records relative to the working
// directory with the default excludes and sha256.
type Options struct {
	// BasePath is the directory relative paths are resolved against; ""
	// means the working directory. It is not part of the recorded keys.
	BasePath string
	// Excludes are gitignore-style patterns of paths to leave out. nil means
	// DefaultExcludes(); a non-nil slice replaces the defaults.
	Excludes []string
	// LStripPaths are prefixes to cut off recorded paths (first match wins).
	LStripPaths []string
	// HashAlgorithms to record: any of "sha224", "sha256", "sha384",
	// "sha512". Empty means DefaultHashAlgorithms().
	HashAlgorithms []string
	// Workers is the number of files hashed at once; <= 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called with the counts so far: once at the
	// start, about every ProgressInterval while recording, and once at the
	// end of a successful Record with all files done. Calls never overlap
	// and all happen before Record returns; it must not block for long.
	Progress func(Progress)
	// ProgressInterval <= 0 means DefaultProgressInterval.
	ProgressInterval time.Duration
}

// Progress is a snapshot of a running Record. Files are hashed while the
// tree is still being walked: while Scanning is true the totals may grow.
// The counts are of files hashed, so a file reached twice (say by "." and
// by its own name) counts twice.
type Progress struct {
	FilesDone, FilesTotal int64
	BytesDone, BytesTotal int64
	Scanning              bool
}
