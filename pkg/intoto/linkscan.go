package intoto

import (
	"encoding/json"
	"unicode/utf8"
	"unsafe"

	"github.com/signet-dev/signet/pkg/cjson"
)

// A fast path for the documents verifiers read most and that are largest:
// link metablocks with thousands of artifacts. linkScanner decodes such a
// link straight into a Link, without the parse tree that strict decoding
// otherwise builds. It takes only the plain shape the reference and Signet
// write (every link field once, strings without escapes, one hash per
// artifact); on anything else it gives up and the general decoder runs,
// which finds the exact error. It never accepts what the general decoder
// refuses: FuzzLinkScanner checks that both agree.

// readLinkMetablockFast decodes data as a link metablock on the fast path
// for a Document (its stamp is lazy: see stamp); ok is false when it must
// be decoded the general way.
func readLinkMetablockFast(data []byte, owned bool) (*Metablock, bool) {
	if len(data) > MaxDocumentSize || !utf8.Valid(data) {
		return nil, false
	}
	text := ""
	if owned {
		text = unsafe.String(unsafe.SliceData(data), len(data))
	} else {
		text = string(data)
	}
	s := &linkScanner{data: data, text: text}
	var sigStart, sigEnd, signedStart, signedEnd int
	var link *Link
	ok := s.object(func(key string) bool {
		switch {
		case key == "signatures" && sigEnd == 0:
			sigStart = s.pos
			ok := s.skip()
			sigEnd = s.pos
			return ok
		case key == "signed" && link == nil:
			signedStart = s.pos
			s.canon, s.canonOK = make([]byte, 0, len(data)), true
			link = s.link()
			signedEnd = s.pos
			return link != nil
		}
		return false
	})
	if !ok || link == nil || sigEnd == 0 || !s.end() || link.validateDecoded() != nil {
		return nil, false
	}
	sigs, ok := decodeSignatures(data[sigStart:sigEnd])
	if !ok {
		return nil, false
	}
	m := &Metablock{Signatures: sigs}
	if owned {
		m.Signed = json.RawMessage(data[signedStart:signedEnd:signedEnd])
	} else {
		m.Signed = append(json.RawMessage(nil), data[signedStart:signedEnd]...)
	}
	c := s.canon
	if !s.canonOK {
		var err error
		if c, err = cjson.Canonicalize(m.Signed); err != nil {
			return nil, false
		}
	}
	m.cache.src, m.cache.canonical, m.cache.typ, m.cache.link = lazyStampOf(m.Signed), c, TypeLink, link // see stamp
	m.cache.paths = s.order
	return m, true
}

// decodeSignatures decodes a metablock's signature list (small) with the
// general decoder.
func decodeSignatures(data []byte) ([]Signature, bool) {
	n, err := parseJSON(data)
	if err != nil || n.kind != kindArray {
		return nil, false
	}
	d := &decoder{}
	sigs := []Signature{}
	d.eachItem(n, "signatures", func(item *node, p string) { sigs = append(sigs, d.signature(item, p)) })
	return sigs, d.err == nil
}

type linkScanner struct {
	data []byte
	text string
	pos  int
	// first is the artifact list read first, whose digest sets the
	// second list shares where path and digest agree.
	first ArtifactMap
	// canon is the canonical form of the signed link, written while it
	// is read, as long as canonOK: the scanner takes only strings without
	// escapes, which are their own canonical form, so only key order
	// (canonical JSON sorts keys) and the generic members need care. When
	// the file's keys are not sorted, the signed bytes are canonicalized
	// the general way afterwards.
	canon   []byte
	canonOK bool
	// order holds the materials' and products' paths in file order while
	// they are sorted, nil once they are not.
	order [2][]string
}

func (s *linkScanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *linkScanner) byte(b byte) bool {
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == b {
		s.pos++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *linkScanner) end() bool {
	s.ws()
	return s.pos == len(s.data)
}

// str reads a string without escapes or control characters.
func (s *linkScanner) str() (string, bool) {
	if !s.byte('"') {
		return "", false
	}
	start := s.pos
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; {
		case c == '"':
			s.pos++
			return s.text[start : s.pos-1], true
		case c == '\\' || c < 0x20:
			return "", false
		}
		s.pos++
	}
	return "", false
}

// object reads an object, calling member for each key with s.pos at the
// value; member consumes the value and reports whether to go on.
func (s *linkScanner) object(member func(key string) bool) bool {
	if !s.byte('{') {
		return false
	}
	if s.byte('}') {
		return true
	}
	for {
		k, ok := s.str()
		if !ok || !s.byte(':') {
			return false
		}
		s.ws()
		if !member(k) {
			return false
		}
		if s.byte(',') {
			continue
		}
		return s.byte('}')
	}
}

// link reads the signed link object.
func (s *linkScanner) link() *Link {
	l := &Link{}
	seen := map[string]bool{}
	s.emit('{')
	prev := ""
	ok := s.object(func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		if len(seen) > 1 {
			if key <= prev {
				s.canonOK = false
			}
			s.emit(',')
		}
		prev = key
		s.emitString(key)
		s.emit(':')
		var ok bool
		switch key {
		case "_type":
			l.Type, ok = s.str()
			s.emitString(l.Type)
		case "name":
			l.Name, ok = s.str()
			s.emitString(l.Name)
		case "materials":
			l.Materials, s.order[0], ok = s.artifacts()
		case "products":
			l.Products, s.order[1], ok = s.artifacts()
		case "command":
			l.Command, ok = s.strings()
			s.emit('[')
			for i, w := range l.Command {
				if i > 0 {
					s.emit(',')
				}
				s.emitString(w)
			}
			s.emit(']')
		case "byproducts":
			l.Byproducts, ok = s.generic()
		case "environment":
			l.Environment, ok = s.generic()
		}
		return ok
	})
	s.emit('}')
	if !ok || len(seen) != len(linkFields) {
		return nil
	}
	return l
}

// emit and emitString write to the canonical form while it is possible.
func (s *linkScanner) emit(b byte) {
	if s.canonOK {
		s.canon = append(s.canon, b)
	}
}

func (s *linkScanner) emitString(v string) {
	if s.canonOK {
		s.canon = append(append(append(s.canon, '"'), v...), '"')
	}
}

// artifacts reads an artifact map whose digest sets hold one hash each.
// An artifact whose path and digest are the same in the list read before
// (an unchanged file is a material and a product) shares that list's
// digest set, as the general decoder's sharing promises (see DigestSet).
// While the paths come sorted, as every writer we know sorts them, a path
// cannot repeat, so only unsorted lists pay for the duplicate check.
func (s *linkScanner) artifacts() (ArtifactMap, []string, bool) {
	n := s.countMembers()
	am := make(ArtifactMap, n)
	order := make([]string, 0, n)
	other := s.first
	s.emit('{')
	ok := s.object(func(name string) bool {
		if !s.byte('{') {
			return false
		}
		alg, ok := s.str()
		if !ok || alg == "" || !s.byte(':') {
			return false
		}
		h, ok := s.str()
		if !ok || !isHex(h) || !s.byte('}') {
			return false
		}
		ds := other[name]
		if len(ds) != 1 || ds[alg] != h {
			ds = DigestSet{alg: h}
		}
		if order != nil && (len(order) == 0 || order[len(order)-1] < name) {
			if len(order) > 0 {
				s.emit(',')
			}
			s.emitString(name)
			s.emit(':')
			s.emit('{')
			s.emitString(alg)
			s.emit(':')
			s.emitString(h)
			s.emit('}')
			order = append(order, name)
			am[name] = ds
			return true
		}
		order, s.canonOK = nil, false // canonical JSON needs the paths sorted
		before := len(am)
		am[name] = ds
		return len(am) > before // a repeated path: the general decoder says so
	})
	s.emit('}')
	if s.first == nil {
		s.first = am
	}
	return am, order, ok
}

// strings reads an array of strings.
func (s *linkScanner) strings() ([]string, bool) {
	if !s.byte('[') {
		return nil, false
	}
	out := []string{}
	if s.byte(']') {
		return out, true
	}
	for {
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if s.byte(',') {
			continue
		}
		return out, s.byte(']')
	}
}

// generic reads an opaque object (byproducts, environment) with the
// general decoder.
func (s *linkScanner) generic() (map[string]any, bool) {
	start := s.pos
	if !s.skip() {
		return nil, false
	}
	raw := s.data[start:s.pos]
	n, err := parseJSON(raw)
	if err != nil || n.kind != kindObject {
		return nil, false
	}
	if s.canonOK {
		if s.canon, err = cjson.AppendCanonical(s.canon, raw); err != nil {
			s.canonOK = false
		}
	}
	d := &decoder{}
	m := d.genericObject(n, "")
	return m, d.err == nil
}

// skip moves past one string, object or array (a scalar is not the shape
// the fast path reads); the value is decoded or checked by whoever reads
// it.
func (s *linkScanner) skip() bool {
	s.ws()
	if s.pos >= len(s.data) || (s.data[s.pos] != '"' && s.data[s.pos] != '{' && s.data[s.pos] != '[') {
		return false
	}
	end, ok := cjson.ValueEnd(s.data, s.pos)
	s.pos = end
	return ok
}

// countMembers counts the members of the object at s.pos (an estimate for
// sizing maps; 0 when it is not one), without moving s.pos.
func (s *linkScanner) countMembers() int {
	s.ws()
	start, n, nest := s.pos, 0, 0
	defer func() { s.pos = start }()
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case '"':
			end, ok := cjson.StringEnd(s.data, s.pos)
			if !ok {
				return 0
			}
			s.pos = end
			continue
		case '{', '[':
			nest++
		case ':':
			if nest == 1 {
				n++
			}
		case '}', ']':
			if nest--; nest == 0 {
				return n
			}
		}
		s.pos++
	}
	return 0
}
