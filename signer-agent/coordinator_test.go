package signeragent

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestClipReason(t *testing.T) {
	for _, in := range []string{"local policy: denied\nsecond line\ttab", strings.Repeat("é", 2000), "ok"} {
		out := clipReason(in)
		if len(out) > 1024 || !utf8.ValidString(out) {
			t.Errorf("clipReason(%.20q...) = %d bytes, valid UTF-8 %v", in, len(out), utf8.ValidString(out))
		}
		for _, r := range out {
			if !unicode.IsPrint(r) {
				t.Errorf("clipReason kept %q", r)
			}
		}
	}
}
