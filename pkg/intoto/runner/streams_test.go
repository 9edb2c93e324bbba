package runner

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzStreamText feeds arbitrary output in arbitrary chunks through a
// bounded stream: it never keeps more than the bound, a replaced text is
// always valid UTF-8 without '\r', and strict decoding fails exactly when
// the kept bytes are not UTF-8.
func FuzzStreamText(f *testing.F) {
	f.Add([]byte("a\r\nb\rc"), int64(4), uint8(2))
	f.Add([]byte("h\xc3\xa9\xff"), int64(2), uint8(1))
	f.Add([]byte("\xe2\x82"), int64(-1), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, limit int64, chunk uint8) {
		s := &stream{name: "stdout", keep: true, limit: limit, lock: &echoLock{}}
		step := int(chunk%16) + 1
		for i := 0; i < len(data); i += step {
			s.Write(data[i:min(i+step, len(data))])
		}
		if limit >= 0 && int64(len(s.buf)) > limit {
			t.Fatalf("kept %d bytes over the limit %d", len(s.buf), limit)
		}
		if s.truncated != (limit >= 0 && int64(len(data)) > limit) {
			t.Fatalf("truncated = %v for %d bytes and limit %d", s.truncated, len(data), limit)
		}
		replaced, err := s.text(true)
		if err != nil || !utf8.ValidString(replaced) || strings.Contains(replaced, "\r") {
			t.Fatalf("text(true) = %q, %v", replaced, err)
		}
		kept := string(s.buf)
		if s.truncated {
			kept = trimPartialRune(kept)
		}
		_, err = s.text(false)
		if (err != nil) != !utf8.ValidString(kept) || (err != nil && !errors.Is(err, ErrInvalidUTF8)) {
			t.Fatalf("text(false) error %v for kept bytes %q", err, kept)
		}
	})
}
