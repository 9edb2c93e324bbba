package ops

import "errors"

// Errors the front ends map to exit codes and messages.
var (
	// ErrUsage means the request itself is inconsistent (the reference
	// reports these as usage errors, exit code 2).
	ErrUsage = errors.New("usage error")
	// ErrExists means a file would be overwritten without permission.
	ErrExists = errors.New("file exists")
	// ErrVerify means a signature did not verify.
	ErrVerify = errors.New("signature verification failed")
)
