package cjson

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// canonicalizer turns JSON text into canonical JSON without building a
// value tree. An object is read twice: a quick scan finds each member's
// key and where its value starts; the members are sorted by key (unless
// they already are, as in files written with sorted keys); then each value
// is canonicalised straight into the output, in key order. Nothing is
// buffered but the member list, kept on one shared stack, so the cost is
// one output buffer however deep the nesting.
type canonicalizer struct {
	data  []byte
	pos   int
	stack []member
}

// member is an object member: its decoded key (a slice of the input when
// the key has no escapes) and the input offset of its value.
type member struct {
	key        []byte
	start, end int
}

func appendCanonicalText(dst, data []byte) ([]byte, error) {
	c := canonicalizer{data: data}
	out, err := c.value(slices.Grow(dst, len(data)), 0)
	if err != nil {
		return dst, err
	}
	c.skipSpace()
	if c.pos != len(c.data) {
		return dst, c.errorf("unexpected data after the top-level value")
	}
	return out, nil
}

func (c *canonicalizer) errorf(format string, a ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrSyntax, c.pos, fmt.Sprintf(format, a...))
}

func (c *canonicalizer) skipSpace() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *canonicalizer) value(dst []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return dst, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupportedType, maxDepth)
	}
	c.skipSpace()
	if c.pos >= len(c.data) {
		return dst, c.errorf("unexpected end of input")
	}
	switch b := c.data[c.pos]; {
	case b == '{':
		return c.object(dst, depth)
	case b == '[':
		return c.array(dst, depth)
	case b == '"':
		return c.str(dst, true)
	case b == '-' || (b >= '0' && b <= '9'):
		return c.number(dst)
	}
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(c.data[c.pos:], []byte(lit)) {
			c.pos += len(lit)
			return append(dst, lit...), nil
		}
	}
	return dst, c.errorf("invalid character %q", c.data[c.pos])
}

func (c *canonicalizer) object(dst []byte, depth int) ([]byte, error) {
	start, outStart := c.pos, len(dst)
	out, sorted, err := c.sortedObject(dst, depth)
	if err != nil || sorted {
		return out, err
	}
	// The keys are not in order (or repeat): start again, sorting.
	c.pos = start
	return c.sortObject(dst[:outStart], depth)
}

// sortedObject writes the object at c.pos straight to dst while its keys
// come in strictly increasing order, as in files written with sorted keys
// (the reference's and Signet's). It reports sorted == false, leaving dst
// and c.pos to be discarded, at the first key that is not.
func (c *canonicalizer) sortedObject(dst []byte, depth int) (out []byte, sorted bool, err error) {
	c.pos++ // {
	dst = append(dst, '{')
	var prev []byte
	for first := true; ; first = false {
		k, empty, err := c.memberKey(first)
		if err != nil || empty {
			return append(dst, '}'), err == nil, err
		}
		if !first && bytes.Compare(prev, k) >= 0 {
			return dst, false, nil
		}
		prev = k
		if !first {
			dst = append(dst, ',')
		}
		dst = appendKey(dst, k)
		dst = append(dst, ':')
		if dst, err = c.value(dst, depth+1); err != nil {
			return dst, false, err
		}
		if more, err := c.memberEnd(); err != nil || !more {
			return append(dst, '}'), err == nil, err
		}
	}
}

// memberKey reads an object member's key and the colon after it (first:
// the object may be empty; empty reports "{}"), leaving c.pos at the
// value.
func (c *canonicalizer) memberKey(first bool) (key []byte, empty bool, err error) {
	c.skipSpace()
	if first && c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
		return nil, true, nil
	}
	if c.pos >= len(c.data) || c.data[c.pos] != '"' {
		return nil, false, c.errorf("expected an object key")
	}
	if key, err = c.key(); err != nil {
		return nil, false, err
	}
	c.skipSpace()
	if c.pos >= len(c.data) || c.data[c.pos] != ':' {
		return nil, false, c.errorf("expected ':' after an object key")
	}
	c.pos++
	c.skipSpace()
	return key, false, nil
}

// memberEnd reads the ',' after a member (more) or the object's '}'.
func (c *canonicalizer) memberEnd() (more bool, err error) {
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ',' {
		c.pos++
		return true, nil
	}
	if c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
		return false, nil
	}
	return false, c.errorf("expected ',' or '}' in an object")
}

// sortObject canonicalises an object whose keys are not in order.
func (c *canonicalizer) sortObject(dst []byte, depth int) ([]byte, error) {
	c.pos++ // {
	base := len(c.stack)
	defer func() { c.stack = c.stack[:base] }()
	for first := true; ; first = false {
		k, empty, err := c.memberKey(first)
		if err != nil {
			return dst, err
		}
		if empty {
			break
		}
		start := c.pos
		if err := c.skipValue(); err != nil {
			return dst, err
		}
		c.stack = append(c.stack, member{key: k, start: start, end: c.pos})
		more, err := c.memberEnd()
		if err != nil {
			return dst, err
		}
		if !more {
			break
		}
	}
	end, n := c.pos, len(c.stack)-base
	if !slices.IsSortedFunc(c.stack[base:], compareKeys) {
		slices.SortStableFunc(c.stack[base:], compareKeys)
	}
	return c.members(dst, base, n, end, depth)
}

func compareKeys(a, b member) int { return bytes.Compare(a.key, b.key) }

// members writes the n sorted members at c.stack[base:] (of duplicate
// keys the last wins, as in Python's json module) and leaves c.pos at end.
// Values may push onto c.stack, so members are read by index.
func (c *canonicalizer) members(dst []byte, base, n, end, depth int) ([]byte, error) {
	dst = append(dst, '{')
	written := 0
	for i := base; i < base+n; i++ {
		m := c.stack[i]
		if i+1 < base+n && bytes.Equal(c.stack[i+1].key, m.key) {
			// Overridden by a later duplicate; still checked.
			if err := c.check(m, depth); err != nil {
				return dst, err
			}
			continue
		}
		if written > 0 {
			dst = append(dst, ',')
		}
		written++
		dst = appendKey(dst, m.key)
		dst = append(dst, ':')
		c.pos = m.start
		var err error
		if dst, err = c.value(dst, depth+1); err != nil {
			return dst, err
		}
		if c.pos != m.end {
			return dst, c.errorf("invalid value")
		}
	}
	c.pos = end
	return append(dst, '}'), nil
}

// check canonicalises m's value only to check it.
func (c *canonicalizer) check(m member, depth int) error {
	c.pos = m.start
	if _, err := c.value(nil, depth+1); err != nil {
		return err
	}
	if c.pos != m.end {
		return c.errorf("invalid value")
	}
	return nil
}

// key reads an object key: a slice of the input when it has no escapes,
// else the decoded copy.
func (c *canonicalizer) key() ([]byte, error) {
	start := c.pos + 1
	for i := start; i < len(c.data); i++ {
		b := c.data[i]
		if b == '"' {
			if k := c.data[start:i]; utf8.Valid(k) {
				c.pos = i + 1
				return k, nil
			}
			break
		}
		if b == '\\' || b < 0x20 {
			break
		}
	}
	return c.str(nil, false)
}

// appendKey writes a decoded key as canonical JSON (it is valid UTF-8:
// key checked it).
func appendKey(dst, k []byte) []byte {
	dst = append(dst, '"')
	for _, b := range k {
		if b == '"' || b == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, b)
	}
	return append(dst, '"')
}

// skipValue moves c.pos past the value at c.pos (see ValueEnd).
func (c *canonicalizer) skipValue() error {
	end, ok := ValueEnd(c.data, c.pos)
	if !ok {
		return c.errorf("unterminated value")
	}
	c.pos = end
	return nil
}

// ValueEnd returns the offset just past the JSON value that starts at
// data[start]: a string, an object or array (brackets matched, strings
// skipped), or a scalar (up to the next delimiter or white space). It
// only finds the end — the value is not checked — so it is exact for
// valid JSON; ok is false when a string, object or array is not closed.
// Decoders use it to find where values end before decoding them.
func ValueEnd(data []byte, start int) (end int, ok bool) {
	if start >= len(data) {
		return start, false
	}
	switch data[start] {
	case '"':
		return StringEnd(data, start)
	case '{', '[':
		nest := 0
		for i := start; i < len(data); i++ {
			switch data[i] {
			case '"':
				e, ok := StringEnd(data, i)
				if !ok {
					return i, false
				}
				i = e - 1
			case '{', '[':
				nest++
			case '}', ']':
				if nest--; nest == 0 {
					return i + 1, true
				}
			}
		}
		return len(data), false
	}
	i := start
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i, true
		}
		i++
	}
	return i, true
}

// StringEnd returns the offset just past the JSON string whose opening
// quote is data[start]: the first quote not escaped by an odd number of
// backslashes.
func StringEnd(data []byte, start int) (end int, ok bool) {
	i := start + 1
	for {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return len(data), false
		}
		i += q
		n := 0
		for j := i - 1; j > start && data[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i + 1, true
		}
		i++
	}
}

func (c *canonicalizer) array(dst []byte, depth int) ([]byte, error) {
	c.pos++ // [
	dst = append(dst, '[')
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
		return append(dst, ']'), nil
	}
	for i := 0; ; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = c.value(dst, depth+1); err != nil {
			return dst, err
		}
		c.skipSpace()
		if c.pos < len(c.data) && c.data[c.pos] == ',' {
			c.pos++
			continue
		}
		if c.pos < len(c.data) && c.data[c.pos] == ']' {
			c.pos++
			return append(dst, ']'), nil
		}
		return dst, c.errorf("expected ',' or ']' in an array")
	}
}

// str decodes a JSON string at c.pos and appends its canonical form (raw
// UTF-8, only '\\' and '"' escaped) to dst; unquoted, it appends the
// decoded string itself, for object keys.
func (c *canonicalizer) str(dst []byte, quoted bool) ([]byte, error) {
	c.pos++ // opening quote
	if quoted {
		dst = append(dst, '"')
	}
	for {
		start := c.pos
		for c.pos < len(c.data) && c.data[c.pos] != '"' && c.data[c.pos] != '\\' && c.data[c.pos] >= 0x20 {
			c.pos++
		}
		chunk := c.data[start:c.pos]
		if !utf8.Valid(chunk) {
			return dst, fmt.Errorf("%w: in a string near byte %d", ErrInvalidUTF8, start)
		}
		dst = append(dst, chunk...)
		if c.pos >= len(c.data) {
			return dst, c.errorf("unterminated string")
		}
		switch b := c.data[c.pos]; {
		case b == '"':
			c.pos++
			if quoted {
				dst = append(dst, '"')
			}
			return dst, nil
		case b < 0x20:
			return dst, c.errorf("control character %#x in a string", b)
		}
		var err error
		if dst, err = c.escape(dst, quoted); err != nil {
			return dst, err
		}
	}
}

func (c *canonicalizer) escape(dst []byte, quoted bool) ([]byte, error) {
	if c.pos+1 >= len(c.data) {
		return dst, c.errorf("unterminated escape")
	}
	e := c.data[c.pos+1]
	c.pos += 2
	switch e {
	case '"', '\\':
		if quoted {
			dst = append(dst, '\\')
		}
		return append(dst, e), nil
	case '/':
		return append(dst, '/'), nil
	case 'b':
		return append(dst, '\b'), nil
	case 'f':
		return append(dst, '\f'), nil
	case 'n':
		return append(dst, '\n'), nil
	case 'r':
		return append(dst, '\r'), nil
	case 't':
		return append(dst, '\t'), nil
	case 'u':
		r, err := c.unicodeEscape()
		if err != nil {
			return dst, err
		}
		if quoted && (r == '"' || r == '\\') {
			// \u0022 and \u005c are a quote and a backslash like any other.
			dst = append(dst, '\\')
		}
		return utf8.AppendRune(dst, r), nil
	}
	return dst, c.errorf("invalid escape '\\%c'", e)
}

// unicodeEscape reads the hex digits of \uXXXX (c.pos is after "\u") and a
// following low surrogate when the first is a high one. Lone surrogates
// cannot be encoded as UTF-8 and are refused.
func (c *canonicalizer) unicodeEscape() (rune, error) {
	r1, ok := c.hex4()
	if !ok {
		return 0, c.errorf("invalid \\u escape")
	}
	if !utf16.IsSurrogate(r1) {
		return r1, nil
	}
	if r1 < 0xdc00 && bytes.HasPrefix(c.data[c.pos:], []byte(`\u`)) {
		c.pos += 2
		if r2, ok := c.hex4(); ok {
			if r := utf16.DecodeRune(r1, r2); r != utf8.RuneError {
				return r, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: lone surrogate in a \\u escape near byte %d", ErrInvalidUTF8, c.pos)
}

func (c *canonicalizer) hex4() (rune, bool) {
	if c.pos+4 > len(c.data) {
		return 0, false
	}
	var r rune
	for _, b := range c.data[c.pos : c.pos+4] {
		switch {
		case b >= '0' && b <= '9':
			r = r<<4 | rune(b-'0')
		case b >= 'a' && b <= 'f':
			r = r<<4 | rune(b-'a'+10)
		case b >= 'A' && b <= 'F':
			r = r<<4 | rune(b-'A'+10)
		default:
			return 0, false
		}
	}
	c.pos += 4
	return r, true
}

// number validates a JSON number and appends it if it is an integer.
func (c *canonicalizer) number(dst []byte) ([]byte, error) {
	start := c.pos
	if c.data[c.pos] == '-' {
		c.pos++
	}
	digits := c.pos
	for c.pos < len(c.data) && c.data[c.pos] >= '0' && c.data[c.pos] <= '9' {
		c.pos++
	}
	if c.pos == digits || (c.data[digits] == '0' && c.pos-digits > 1) {
		return dst, c.errorf("invalid number")
	}
	if c.pos < len(c.data) {
		if b := c.data[c.pos]; b == '.' || b == 'e' || b == 'E' {
			return dst, fmt.Errorf("%w: number at byte %d has a fraction or exponent", ErrFloat, start)
		}
	}
	lit := c.data[start:c.pos]
	if string(lit) == "-0" {
		lit = lit[1:] // Python reads -0 as the integer 0
	}
	return append(dst, lit...), nil
}
