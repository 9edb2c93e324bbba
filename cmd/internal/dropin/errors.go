package dropin

import (
	"context"
	"errors"
	"io/fs"
	"strings"

	"github.com/signet-dev/signet/cmd/internal/ops"
	"github.com/signet-dev/signet/cmd/internal/settings"
	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/record"
	"github.com/signet-dev/signet/pkg/intoto/runner"
	"github.com/signet-dev/signet/pkg/keys"
)

// Exit codes, as the reference's tools use them.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime failure (in-toto-sign: verification failed)
	exitUsage   = 2 // a bad command line (in-toto-sign: also load/sign errors)
	// exitInterrupted is the shell's code for a process stopped by SIGINT.
	exitInterrupted = 130
)

// failure is a runtime error whose kind (the word before the colon in the
// error line) is known where it happens.
type failure struct {
	kind string
	err  error
}

func (f *failure) Error() string { return f.err.Error() }
func (f *failure) Unwrap() error { return f.err }

// kindErr tags err with a kind; nil stays nil.
func kindErr(kind string, err error) error {
	if err == nil {
		return nil
	}
	return &failure{kind: kind, err: err}
}

// kindRule maps sentinel errors to the kind shown in the error line.
type kindRule struct {
	kind string
	errs []error
}

var kindRules = []kindRule{
	{"Interrupted", []error{context.Canceled}},
	{"TimeoutError", []error{runner.ErrTimeout}},
	{"CommandNotFoundError", []error{runner.ErrCommandNotFound}},
	{"CommandError", []error{runner.ErrStart, runner.ErrStreamTooLarge, runner.ErrInvalidUTF8, runner.ErrEmptyCommand}},
	// gpg, with the reference's kinds where it has one (a missing key
	// before the failed gpg run that revealed it).
	{"FormatError", []error{gpg.ErrBadKeyID}},
	{"KeyNotFoundError", []error{gpg.ErrKeyNotFound}},
	{"UnsupportedLibraryError", []error{gpg.ErrNoGPG}},
	{"CommandError", []error{gpg.ErrFailed, gpg.ErrTimeout, gpg.ErrOutputTooLarge}},
	{"KeyExpirationError", []error{gpg.ErrKeyExpired}},
	{"KeyRevocationError", []error{gpg.ErrKeyRevoked}},
	{"PacketParsingError", []error{gpg.ErrMalformed, gpg.ErrUnsupported}},
	{"SettingsError", []error{settings.ErrBadSetting}},
	{"LinkNotFoundError", []error{ops.ErrNoUnfinishedLink}},
	{"SignatureVerificationError", []error{ops.ErrVerify, keys.ErrBadSignature, gpg.ErrBadSignature, intoto.ErrNoSignature}},
	{"RecordError", []error{record.ErrBasePath, record.ErrInvalidExclude, record.ErrPrefixOverlap,
		record.ErrPrefixCollision, record.ErrUnsupportedHash}},
	{"KeyError", []error{keys.ErrPassphraseRequired, keys.ErrWrongPassphrase, keys.ErrMalformedKey,
		keys.ErrUnsupportedKey, keys.ErrKeyTypeMismatch, keys.ErrKeyIDMismatch, keys.ErrFileTooLarge,
		keys.ErrUnsupportedScheme, keys.ErrKeyMismatch, keys.ErrSignatureCheck}},
	{"MetadataError", []error{intoto.ErrMalformed, intoto.ErrInvalid, intoto.ErrTooLarge, intoto.ErrUnknownType}},
	{"ValueError", []error{ops.ErrUsage}},
	{"FileExistsError", []error{ops.ErrExists, fs.ErrExist}},
	{"FileNotFoundError", []error{fs.ErrNotExist}},
	{"PermissionError", []error{fs.ErrPermission}},
}

// kindOf names the kind of a runtime error.
func kindOf(err error) string {
	var f *failure
	if errors.As(err, &f) {
		return f.kind
	}
	for _, r := range kindRules {
		for _, target := range r.errs {
			if errors.Is(err, target) {
				return r.kind
			}
		}
	}
	return "Error"
}

// message is the error's text without the sentinel prefix ops puts on
// requests it refuses.
func message(err error) string {
	return strings.TrimPrefix(err.Error(), ops.ErrUsage.Error()+": ")
}

// fail prints the one error line of a failed tool and returns the exit
// code: "(<tool>) <Kind>: <message>", exit 1 (130 when interrupted).
func fail(log *logger, tool string, err error) int {
	if errors.Is(err, context.Canceled) {
		log.error("(%s) Interrupted: stopped by a signal; no metadata was written", tool)
		return exitInterrupted
	}
	log.error("(%s) %s: %s", tool, kindOf(err), message(err))
	return exitFailure
}
