package ops

import (
	"fmt"
	"path/filepath"

	"github.com/signet-dev/signet/pkg/intoto"
)

// LinkFileName is the reference's link file name: <step>.<keyid8>.link.
func LinkFileName(step, keyID string) string {
	return fmt.Sprintf("%s.%s.link", step, keyPrefix(keyID))
}

// UnfinishedLinkFileName is the file in-toto-record start writes:
// .<step>.<keyid8>.link-unfinished.
func UnfinishedLinkFileName(step, keyID string) string {
	return fmt.Sprintf(".%s.%s.link-unfinished", step, keyPrefix(keyID))
}

func keyPrefix(keyID string) string {
	if len(keyID) > 8 {
		return keyID[:8]
	}
	return keyID
}

// checkStepName refuses names that would escape the metadata directory
// when used in a file name (the layout's own rule for step names).
func checkStepName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the step name is empty", ErrUsage)
	case intoto.ValidateName(name) != nil:
		return fmt.Errorf("%w: step name %q cannot be used in a file name (no '/', '\\', NUL, '.' or '..')", ErrUsage, name)
	}
	return nil
}

// inDir joins dir and name ("" means the working directory).
func inDir(dir, name string) string {
	if dir == "" {
		return name
	}
	return filepath.Join(dir, name)
}
