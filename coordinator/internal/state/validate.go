package state

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what a command may carry. The command decoder bounds the whole
// command; these bound each part so that the state stays small.
const (
	MaxIDLen        = 128
	MaxIdentityLen  = 256
	MaxReasonLen    = 1024
	MaxPayloadSize  = 4 << 20
	MaxSigSize      = 2048
	MaxPolicyKeys   = 256
	MaxRequesters   = 256
	MaxCommandWords = 256
	MaxRequestTTL   = 90 * 24 * time.Hour
)

func checkStamp(st Stamp) error {
	if st.At.IsZero() {
		return fmt.Errorf("%w: the command carries no time (the leader must stamp it)", ErrInvalid)
	}
	return checkIdentity("actor", st.Actor)
}

// checkID accepts identifiers made of [A-Za-z0-9._:@-], 1..MaxIDLen long,
// not "." or "..": safe in URLs, file names and log lines.
func checkID(field, id string) error {
	if id == "" || len(id) > MaxIDLen || id == "." || id == ".." {
		return fmt.Errorf("%w: %s must be 1 to %d characters and not %q", ErrInvalid, field, MaxIDLen, id)
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-' || c == ':' || c == '@'
		if !ok {
			return fmt.Errorf("%w: %s %q: only letters, digits and . _ - : @ are allowed", ErrInvalid, field, id)
		}
	}
	return nil
}

// checkIdentity accepts printable UTF-8 of 1..MaxIdentityLen bytes.
func checkIdentity(field, s string) error {
	if s == "" || len(s) > MaxIdentityLen {
		return fmt.Errorf("%w: %s must be 1 to %d bytes", ErrInvalid, field, MaxIdentityLen)
	}
	return checkText(field, s)
}

func checkReason(s string) error {
	if len(s) > MaxReasonLen {
		return fmt.Errorf("%w: reason is longer than %d bytes", ErrInvalid, MaxReasonLen)
	}
	return checkText("reason", s)
}

func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, field)
	}
	for _, c := range s {
		if !unicode.IsPrint(c) {
			return fmt.Errorf("%w: %s contains a control or unprintable character", ErrInvalid, field)
		}
	}
	return nil
}

func checkSig(field string, sig []byte) error {
	if len(sig) == 0 || len(sig) > MaxSigSize {
		return fmt.Errorf("%w: %s must be 1 to %d bytes", ErrInvalid, field, MaxSigSize)
	}
	return nil
}

// usable reports why key k cannot sign at time at, or nil.
func (k *EnrolledKey) usable(at time.Time) error {
	if k.Status == KeyRevoked {
		return fmt.Errorf("%w: key %s was revoked at %s", ErrKeyRevoked, k.Key.KeyID, k.RevokedAt.Format(time.RFC3339))
	}
	if at.Before(k.ValidFrom) || (!k.ValidUntil.IsZero() && !at.Before(k.ValidUntil)) {
		return fmt.Errorf("%w: key %s is valid from %s until %s", ErrKeyNotValid, k.Key.KeyID,
			k.ValidFrom.Format(time.RFC3339), untilText(k.ValidUntil))
	}
	return nil
}

func untilText(t time.Time) string {
	if t.IsZero() {
		return "(no end)"
	}
	return t.Format(time.RFC3339)
}
