package runner

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// echoLock serialises writes to the echo writers of one Run, which may be
// the same writer for both streams.
type echoLock struct{ sync.Mutex }

// stream captures one of the command's output streams, up to a limit, and
// echoes it.
type stream struct {
	name      string
	keep      bool
	limit     int64 // < 0: no limit
	buf       []byte
	truncated bool
	echo      io.Writer
	echoFail  bool
	lock      *echoLock
}

// newStreams returns the writers for stdout and stderr, or nils when
// nothing is kept or echoed (the command then writes to /dev/null).
func newStreams(opts RunOptions) (out, errOut *stream) {
	if !opts.RecordStreams && opts.Stdout == nil && opts.Stderr == nil {
		return nil, nil
	}
	limit := opts.MaxStreamBytes
	if limit == 0 {
		limit = DefaultMaxStreamBytes
	}
	lock := &echoLock{}
	out = &stream{name: "stdout", keep: opts.RecordStreams, limit: limit, echo: opts.Stdout, lock: lock}
	errOut = &stream{name: "stderr", keep: opts.RecordStreams, limit: limit, echo: opts.Stderr, lock: lock}
	return out, errOut
}

// Write never fails, so the command is never blocked or cut off by us.
func (s *stream) Write(p []byte) (int, error) {
	if s.echo != nil && !s.echoFail {
		s.lock.Lock()
		_, err := s.echo.Write(p)
		s.lock.Unlock()
		s.echoFail = err != nil
	}
	if s.keep {
		b := p
		if s.limit >= 0 && int64(len(s.buf))+int64(len(b)) > s.limit {
			b = b[:s.limit-int64(len(s.buf))]
			s.truncated = true
		}
		s.buf = append(s.buf, b...)
	}
	return len(p), nil
}

// text decodes the kept bytes like Python's text-mode read: strict UTF-8
// (or replacement) and universal newlines.
func (s *stream) text(replace bool) (string, error) {
	t := string(s.buf)
	if s.truncated {
		t = trimPartialRune(t)
	}
	if !utf8.ValidString(t) {
		if !replace {
			return "", fmt.Errorf("%w: %s has invalid bytes at offset %d; the reference cannot record it either",
				ErrInvalidUTF8, s.name, firstInvalid(t))
		}
		t = strings.ToValidUTF8(t, "\uFFFD")
	}
	t = strings.ReplaceAll(t, "\r\n", "\n")
	return strings.ReplaceAll(t, "\r", "\n"), nil
}

// finishStreams fills in the recorded streams. For a stream that is too
// large or not UTF-8 it returns the Result (with what could be recorded)
// and an error.
func finishStreams(res Result, name string, out, errOut *stream, replace bool) (Result, error) {
	var err error
	var bad []error
	if res.Stdout, err = out.text(replace); err != nil {
		bad = append(bad, err)
		res.Stdout, _ = out.text(true)
	}
	if res.Stderr, err = errOut.text(replace); err != nil {
		bad = append(bad, err)
		res.Stderr, _ = errOut.text(true)
	}
	for _, s := range []*stream{out, errOut} {
		if s.truncated {
			return res, fmt.Errorf("%w: %q wrote more than %d bytes to %s; raise the limit or do not record streams",
				ErrStreamTooLarge, name, s.limit, s.name)
		}
	}
	if len(bad) > 0 {
		return res, fmt.Errorf("output of %q: %w", name, bad[0])
	}
	return res, nil
}

// trimPartialRune drops an incomplete UTF-8 sequence cut off at the end.
func trimPartialRune(s string) string {
	for i := 1; i < utf8.UTFMax && i <= len(s); i++ {
		if utf8.RuneStart(s[len(s)-i]) {
			if r, size := utf8.DecodeRuneInString(s[len(s)-i:]); r == utf8.RuneError && size == 1 {
				return s[:len(s)-i]
			}
			return s
		}
	}
	return s
}

func firstInvalid(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1
}
