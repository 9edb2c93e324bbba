package intoto

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// This file holds a small strict JSON parser. encoding/json is not used for
// metadata because it silently accepts duplicate object keys (last one
// wins), replaces invalid UTF-8 and lone surrogates with U+FFFD, and does
// not say where an unknown field was. Each of those lets two readers see
// different content behind the same signature.

// kind is the JSON type of a node.
type kind uint8

const (
	kindNull kind = iota + 1
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

// String describes k for error messages ("expected an array, got a string").
func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindBool:
		return "a boolean"
	case kindNumber:
		return "a number"
	case kindString:
		return "a string"
	case kindArray:
		return "an array"
	case kindObject:
		return "an object"
	}
	return "nothing"
}

// node is one parsed JSON value. Objects keep their members in document
// order as key/value pairs in kids (kids[2i] is a string node holding the
// key, kids[2i+1] the value); duplicates are detected by the decoder, which
// knows the path.
type node struct {
	kind       kind
	boolean    bool
	start, end int32  // byte span of the value in the input
	str        string // string value, or the literal text of a number
	kids       []node
}

// Limits that keep hostile input from exhausting the stack or memory.
const (
	maxNesting = 256
	maxValues  = 4 << 20
)

type parser struct {
	data []byte
	// text is data as one string: strings without escapes are slices of
	// it, so a document with many strings costs one copy, not one
	// allocation per string.
	text   string
	pos    int
	depth  int
	values int
	// stack holds the children of the containers being parsed; a finished
	// container moves its children into one exactly sized slice from slab,
	// so a document costs a few large allocations rather than one growing
	// slice per object.
	stack    []node
	slab     []node
	lastSlab int
}

// Slab sizes: the first slab is small, so that small documents (the
// coordinator parses many) cost little; each next one doubles up to
// maxSlab.
const (
	minSlab = 64
	maxSlab = 4096
)

// alloc returns a slice of n nodes for a container's children.
func (p *parser) alloc(n int) []node {
	if n > maxSlab/4 {
		return make([]node, n)
	}
	if len(p.slab) < n {
		size := min(max(2*p.lastSlab, minSlab), maxSlab)
		for size < n {
			size *= 2
		}
		p.slab, p.lastSlab = make([]node, size), size
	}
	out := p.slab[:n:n]
	p.slab = p.slab[n:]
	return out
}

// parseJSON parses one JSON document of at most MaxDocumentSize bytes.
func parseJSON(data []byte) (*node, error) {
	return parseJSONLimit(data, MaxDocumentSize)
}

// parseJSONLimit parses one JSON document of at most limit bytes.
func parseJSONLimit(data []byte, limit int) (*node, error) {
	return parseJSONText(data, limit, false)
}

// parseJSONText parses one JSON document of at most limit bytes. With
// owned set the strings of the result share data's memory instead of a
// copy: the caller must never modify data afterwards.
func parseJSONText(data []byte, limit int, owned bool) (*node, error) {
	if len(data) > limit {
		return nil, &DecodeError{Msg: fmt.Sprintf("document is %d bytes, more than the limit of %d", len(data), limit), Err: ErrTooLarge}
	}
	if !utf8.Valid(data) {
		return nil, syntaxError(data, firstInvalidUTF8(data), "invalid UTF-8")
	}
	p := &parser{data: data}
	if owned {
		p.text = unsafe.String(unsafe.SliceData(data), len(data))
	} else {
		p.text = string(data)
	}
	p.skipSpace()
	var n node
	if err := p.value(&n); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errorf("unexpected data after the top-level value")
	}
	return &n, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func syntaxError(data []byte, pos int, msg string) error {
	line := 1 + bytes.Count(data[:pos], []byte{'\n'})
	col := pos - bytes.LastIndexByte(data[:pos], '\n')
	return &DecodeError{Msg: fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, msg)}
}

func (p *parser) errorf(format string, args ...any) error {
	return syntaxError(p.data, p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value parses the value at p.pos into n.
func (p *parser) value(n *node) error {
	if p.values++; p.values > maxValues {
		return &DecodeError{Msg: fmt.Sprintf("document has more than %d JSON values", maxValues), Err: ErrTooLarge}
	}
	if p.pos >= len(p.data) {
		return p.errorf("unexpected end of input")
	}
	n.start = int32(p.pos)
	var err error
	switch c := p.data[p.pos]; {
	case c == '{':
		err = p.container(n, kindObject, '}')
	case c == '[':
		err = p.container(n, kindArray, ']')
	case c == '"':
		n.kind = kindString
		n.str, err = p.string()
	case c == '-' || ('0' <= c && c <= '9'):
		n.kind = kindNumber
		n.str, err = p.number()
	default:
		err = p.literal(n)
	}
	n.end = int32(p.pos)
	return err
}

func (p *parser) literal(n *node) error {
	for _, lit := range [...]struct {
		text string
		kind kind
		b    bool
	}{{"true", kindBool, true}, {"false", kindBool, false}, {"null", kindNull, false}} {
		if strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+5)]), lit.text) {
			p.pos += len(lit.text)
			n.kind, n.boolean = lit.kind, lit.b
			return nil
		}
	}
	return p.errorf("unexpected character %q", p.data[p.pos])
}

// container parses an object or an array.
func (p *parser) container(n *node, k kind, closing byte) error {
	if p.depth++; p.depth > maxNesting {
		return p.errorf("nesting deeper than %d levels", maxNesting)
	}
	defer func() { p.depth-- }()
	n.kind = k
	p.pos++ // opening bracket
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == closing {
		p.pos++
		return nil
	}
	base := len(p.stack)
	for {
		if k == kindObject {
			if err := p.member(); err != nil {
				return err
			}
		} else {
			var v node
			if err := p.value(&v); err != nil {
				return err
			}
			p.stack = append(p.stack, v)
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return p.errorf("unexpected end of input, expected ',' or '%c'", closing)
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.skipSpace()
		case closing:
			p.pos++
			n.kids = p.alloc(len(p.stack) - base)
			copy(n.kids, p.stack[base:])
			clear(p.stack[base:])
			p.stack = p.stack[:base]
			return nil
		default:
			return p.errorf("unexpected character %q, expected ',' or '%c'", p.data[p.pos], closing)
		}
	}
}

// member parses `"key": value` and pushes the key and the value onto the
// stack.
func (p *parser) member() error {
	if p.pos >= len(p.data) || p.data[p.pos] != '"' {
		return p.errorf("expected a string for an object key")
	}
	key := node{kind: kindString, start: int32(p.pos)}
	var err error
	if key.str, err = p.string(); err != nil {
		return err
	}
	key.end = int32(p.pos)
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != ':' {
		return p.errorf("expected ':' after an object key")
	}
	p.pos++
	p.skipSpace()
	var v node
	if err := p.value(&v); err != nil {
		return err
	}
	p.stack = append(p.stack, key, v)
	return nil
}

// string parses a string literal starting at the opening quote.
func (p *parser) string() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; {
		case c == '"':
			s := p.text[start:p.pos]
			p.pos++
			return s, nil
		case c == '\\':
			return p.escapedString(start)
		case c < 0x20:
			return "", p.errorf("control character %q in a string must be escaped", c)
		default:
			p.pos++
		}
	}
	return "", p.errorf("unterminated string")
}

// escapedString continues a string that contains escapes.
func (p *parser) escapedString(start int) (string, error) {
	var b strings.Builder
	b.Write(p.data[start:p.pos])
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf("control character %q in a string must be escaped", c)
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		if err := p.escape(&b); err != nil {
			return "", err
		}
	}
	return "", p.errorf("unterminated string")
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape decodes the escape sequence at p.pos (at the backslash).
func (p *parser) escape(b *strings.Builder) error {
	if p.pos+1 >= len(p.data) {
		return p.errorf("unterminated string")
	}
	c := p.data[p.pos+1]
	if r, ok := simpleEscapes[c]; ok {
		b.WriteByte(r)
		p.pos += 2
		return nil
	}
	if c != 'u' {
		return p.errorf("invalid escape sequence \\%c", c)
	}
	r, ok := p.hex4(p.pos + 2)
	if !ok {
		return p.errorf("invalid \\u escape")
	}
	start := p.pos
	p.pos += 6
	if utf16.IsSurrogate(r) {
		low, ok := rune(0), false
		if r < 0xDC00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
			low, ok = p.hex4(p.pos + 2)
		}
		r = utf16.DecodeRune(r, low)
		if !ok || r == utf8.RuneError {
			p.pos = start
			return p.errorf("lone UTF-16 surrogate in a \\u escape")
		}
		p.pos += 6
	}
	b.WriteRune(r)
	return nil
}

func (p *parser) hex4(at int) (rune, bool) {
	if at+4 > len(p.data) {
		return 0, false
	}
	var r rune
	for _, c := range p.data[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// number parses a number literal per RFC 8259 and returns its text.
func (p *parser) number() (string, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.digits() == 0:
		return "", p.errorf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return "", p.errorf("invalid number: digits expected after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return "", p.errorf("invalid number: digits expected in the exponent")
		}
	}
	return p.text[start:p.pos], nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && '0' <= p.data[p.pos] && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}
