package argparse

import (
	"strings"
	"unicode"
)

// This file reproduces the line breaking of Python's textwrap module (as
// argparse uses it for help text) so that help output wraps where Python's
// does: words may break after a hyphen inside a word ("key-" / "type") and
// before an em-dash-like run of dashes that follows punctuation ("'" / "--").

// pyWrapSpace reports whether r is one of the characters textwrap treats as
// whitespace (ASCII only: tab, newline, vertical tab, form feed, CR, space).
func pyWrapSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ':
		return true
	}
	return false
}

// pyWord reports whether r matches Python's Unicode \w.
func pyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) ||
		unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// pyLetter matches [^\d\W]: a word character that is not a decimal digit.
func pyLetter(r rune) bool { return pyWord(r) && !unicode.IsDigit(r) }

// pyWordPunct matches [\w!"'&.,?].
func pyWordPunct(r rune) bool {
	return pyWord(r) || strings.ContainsRune(`!"'&.,?`, r)
}

// wrapChunks splits text into the chunks textwrap's word separator produces:
// runs of whitespace, em-dashes between words, and (possibly hyphenated)
// word pieces.
func wrapChunks(text []rune) [][]rune {
	var chunks [][]rune
	for i := 0; i < len(text); {
		end := chunkEnd(text, i)
		chunks = append(chunks, text[i:end])
		i = end
	}
	return chunks
}

// chunkEnd returns the end of the chunk starting at i.
func chunkEnd(t []rune, i int) int {
	if pyWrapSpace(t[i]) {
		j := i
		for j < len(t) && pyWrapSpace(t[j]) {
			j++
		}
		return j
	}
	if n := dashRun(t, i); n >= 2 && i > 0 && pyWordPunct(t[i-1]) && i+n < len(t) && pyWord(t[i+n]) {
		return i + n
	}
	// A word: the shortest run of non-space characters that ends before a
	// hyphen break, before whitespace/end, or before an em-dash.
	for e := i + 1; e <= len(t); e++ {
		if pyWrapSpace(t[e-1]) {
			return e - 1
		}
		if e < len(t) && t[e] == '-' && hyphenBreak(t, e) {
			return e + 1
		}
		if e == len(t) || pyWrapSpace(t[e]) {
			return e
		}
		if pyWordPunct(t[e-1]) && dashRun(t, e) >= 2 && e+dashRun(t, e) < len(t) && pyWord(t[e+dashRun(t, e)]) {
			return e
		}
	}
	return len(t)
}

// hyphenBreak reports whether the hyphen at e ends a hyphenated word piece:
// it follows two letters (or letter-hyphen-letter) and is followed by a
// letter, an optional hyphen and another letter.
func hyphenBreak(t []rune, e int) bool {
	before := e >= 2 && pyLetter(t[e-2]) && pyLetter(t[e-1])
	if !before && e >= 3 {
		before = pyLetter(t[e-3]) && t[e-2] == '-' && pyLetter(t[e-1])
	}
	if !before {
		return false
	}
	j := e + 1
	if j >= len(t) || !pyLetter(t[j]) {
		return false
	}
	j++
	if j < len(t) && t[j] == '-' {
		if j+1 < len(t) && pyLetter(t[j+1]) {
			return true
		}
	}
	return j < len(t) && pyLetter(t[j])
}

func dashRun(t []rune, i int) int {
	n := 0
	for i+n < len(t) && t[i+n] == '-' {
		n++
	}
	return n
}

// isBlank reports whether a chunk is all whitespace (Python's
// chunk.strip() == "").
func isBlank(c []rune) bool {
	for _, r := range c {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// wrapText wraps text like textwrap.wrap(text, width) with the same
// indent on every line (initial_indent == subsequent_indent == indent).
func wrapText(text string, width int, indent string) []string {
	rs := []rune(text)
	for i, r := range rs {
		if pyWrapSpace(r) {
			rs[i] = ' '
		}
	}
	chunks := wrapChunks(rs)
	// reverse so that the next chunk is at the end, as textwrap does
	for l, r := 0, len(chunks)-1; l < r; l, r = l+1, r-1 {
		chunks[l], chunks[r] = chunks[r], chunks[l]
	}
	var lines []string
	avail := width - len([]rune(indent))
	for len(chunks) > 0 {
		if len(lines) > 0 && isBlank(chunks[len(chunks)-1]) {
			chunks = chunks[:len(chunks)-1]
		}
		var cur [][]rune
		curLen := 0
		for len(chunks) > 0 && curLen+len(chunks[len(chunks)-1]) <= avail {
			c := chunks[len(chunks)-1]
			chunks = chunks[:len(chunks)-1]
			cur = append(cur, c)
			curLen += len(c)
		}
		if len(chunks) > 0 && len(chunks[len(chunks)-1]) > avail {
			cur = breakLongWord(chunks, cur, curLen, avail)
		}
		if len(cur) > 0 && isBlank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			var b strings.Builder
			b.WriteString(indent)
			for _, c := range cur {
				b.WriteString(string(c))
			}
			lines = append(lines, b.String())
		}
	}
	return lines
}

// breakLongWord moves the part of the next chunk that still fits onto the
// current line, preferring to break after a hyphen.
func breakLongWord(chunks [][]rune, cur [][]rune, curLen, width int) [][]rune {
	space := width - curLen
	if width < 1 {
		space = 1
	}
	last := len(chunks) - 1
	chunk := chunks[last]
	end := space
	if len(chunk) > space {
		if h := lastIndexRune(chunk[:space], '-'); h > 0 && hasNonDash(chunk[:h]) {
			end = h + 1
		}
	}
	if end > len(chunk) {
		end = len(chunk)
	}
	chunks[last] = chunk[end:]
	return append(cur, chunk[:end])
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}

func hasNonDash(rs []rune) bool {
	for _, r := range rs {
		if r != '-' {
			return true
		}
	}
	return false
}
