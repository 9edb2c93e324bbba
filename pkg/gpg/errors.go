package gpg

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Errors returned by this package; test them with errors.Is.
var (
	// ErrNoGPG means no gpg program was found (gpg2 or gpg in PATH, or
	// Options.Program) or it could not be started.
	ErrNoGPG = errors.New("gpg not found")
	// ErrKeyNotFound means the keyring has no such key (or, for the
	// default key, no secret key at all).
	ErrKeyNotFound = errors.New("gpg key not found")
	// ErrFailed means gpg exited with a non-zero status; the error is a
	// *CommandError carrying gpg's stderr.
	ErrFailed = errors.New("gpg failed")
	// ErrTimeout means gpg ran longer than Options.Timeout and was killed.
	ErrTimeout = errors.New("gpg timed out")
	// ErrOutputTooLarge means gpg wrote more than this package reads.
	ErrOutputTooLarge = errors.New("gpg output too large")
	// ErrMalformed means bytes that should be OpenPGP packets are not.
	ErrMalformed = errors.New("malformed OpenPGP data")
	// ErrUnsupported means well-formed OpenPGP data this package does not
	// handle: a version other than 4, an algorithm other than RSA, DSA or
	// EdDSA, partial or indeterminate packet lengths, DSA verification.
	ErrUnsupported = errors.New("unsupported OpenPGP data")
	// ErrBadKeyID means a key id is not a hex string.
	ErrBadKeyID = errors.New("bad gpg key id")
	// ErrBadSignature means a signature does not verify.
	ErrBadSignature = errors.New("gpg signature does not verify")
	// ErrKeyExpired means the signing key had expired at the time given.
	ErrKeyExpired = errors.New("gpg key expired")
	// ErrKeyRevoked means the signing key carries a valid revocation.
	ErrKeyRevoked = errors.New("gpg key revoked")
)

// CommandError is a gpg run that exited with a non-zero status.
type CommandError struct {
	// Args is the command line, program first.
	Args []string
	// ExitCode is gpg's exit status.
	ExitCode int
	// Stderr is what gpg wrote to stderr, at most a few KiB, with control
	// characters replaced and lines joined by "; ".
	Stderr string
}

// Error says what ran, how it ended and what gpg said.
func (e *CommandError) Error() string {
	msg := fmt.Sprintf("'%s' exited with status %d", strings.Join(e.Args, " "), e.ExitCode)
	if e.Stderr != "" {
		msg += "; gpg said: " + e.Stderr
	}
	return msg
}

// Is makes errors.Is(err, ErrFailed) true.
func (e *CommandError) Is(target error) bool { return target == ErrFailed }

// oneLine turns gpg's stderr into one printable line.
func oneLine(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, line))
		if line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "; ")
}
