package argparse

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse feeds arbitrary command lines (words separated by NUL) to the
// tool parsers and a generic one: parsing must not panic, must be
// deterministic, and must end in a result, a usage error or an early exit.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"-n\x00a\x00-k\x00k\x00--\x00ls", "start\x00-n\x00x\x00-m", "-xsna\x00--ver", "--\x00--",
		"-P\x00-\x00-1\x00--m=x", "--verification-keys\x00a\x00-t\x00rsa", "stop\x00-h", "-\xff\x00--st=\xfe",
		"--s\x00x\x00--r\x00--sig\x00k", "-b\x00\u0663\x00k", "",
	} {
		f.Add(seed)
	}
	var suites []specSuite
	loadJSON(f, filepath.Join("testdata", "generic.json"), &suites)
	generic := *suites[0].Parser
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		parsers := []*Parser{RunParser(), RecordParser(), MockParser(), SignParser(),
			KeygenParser(), VerifyParser(), buildSpec(generic)}
		for _, p := range parsers {
			r1, err1 := p.Parse(args)
			r2, err2 := p.Parse(args)
			checkParseOutcome(t, p, args, r1, err1)
			if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
				t.Fatalf("%s %q: not deterministic: %v / %v", p.Prog(), args, err1, err2)
			}
			if r1 != nil && nsString(namespace(p, r1)) != nsString(namespace(p, r2)) {
				t.Fatalf("%s %q: results differ between runs", p.Prog(), args)
			}
		}
	})
}

func checkParseOutcome(t *testing.T, p *Parser, args []string, r *Result, err error) {
	t.Helper()
	var ue *UsageError
	var early *EarlyExit
	switch {
	case err == nil:
		if r == nil {
			t.Fatalf("%s %q: nil result without error", p.Prog(), args)
		}
	case errors.As(err, &ue):
		if ue.Message == "" || !strings.HasPrefix(ue.Usage, "usage: ") {
			t.Fatalf("%s %q: malformed usage error %+v", p.Prog(), args, ue)
		}
		if Report(err, io.Discard, io.Discard) != 2 {
			t.Fatalf("%s %q: usage error not reported with status 2", p.Prog(), args)
		}
	case errors.As(err, &early):
		if early.Text == "" || Report(err, io.Discard, io.Discard) != 0 {
			t.Fatalf("%s %q: bad early exit %+v", p.Prog(), args, early)
		}
	default:
		t.Fatalf("%s %q: unexpected error type %T: %v", p.Prog(), args, err, err)
	}
}

// FuzzWrap checks the textwrap emulation: no line is wider than the width,
// and no character other than whitespace is lost or reordered.
func FuzzWrap(f *testing.F) {
	f.Add("see '--key-type' for a well-known hyphenated-word list", 20)
	f.Add("---- --a a-b-c-d-e-f-g-h averyveryverylongwordwithouthyphens", 7)
	f.Add("x", 1)
	f.Fuzz(func(t *testing.T, text string, width int) {
		if width < 1 || width > 200 || !utf8.ValidString(text) {
			return
		}
		lines := wrapText(text, width, "")
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Fatalf("line %q is %d wide, limit %d", l, n, width)
			}
		}
		squash := func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) { // whitespace-only chunks are dropped
					return -1
				}
				return r
			}, s)
		}
		if got, want := squash(strings.Join(lines, "")), squash(text); got != want {
			t.Fatalf("text changed: %q -> %q", want, got)
		}
	})
}
