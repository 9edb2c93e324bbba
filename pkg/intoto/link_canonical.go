package intoto

import (
	"maps"
	"slices"

	"github.com/signet-dev/signet/pkg/cjson"
)

// canonicalJSON returns the canonical JSON of the link, written directly
// rather than through encoding/json: links can list hundreds of thousands
// of artifacts, and this is the form that is signed. It equals
// cjson.Marshal(l) (tested), with the same empty defaults as MarshalJSON.
func (l *Link) canonicalJSON() ([]byte, error) {
	dst := make([]byte, 0, 256+128*(len(l.Materials)+len(l.Products)))
	var err error
	appendField := func(name string, write func([]byte) ([]byte, error), sep bool) {
		if err != nil {
			return
		}
		if sep {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, '"', ':')
		dst, err = write(dst)
	}
	str := func(s string) func([]byte) ([]byte, error) {
		return func(d []byte) ([]byte, error) { return cjson.AppendString(d, s) }
	}
	generic := func(v any) func([]byte) ([]byte, error) {
		return func(d []byte) ([]byte, error) { return cjson.AppendMarshal(d, v) }
	}
	dst = append(dst, '{')
	appendField("_type", str(l.Type), false)
	appendField("byproducts", generic(orEmptyMap(l.Byproducts)), true)
	appendField("command", generic(orEmptySlice(l.Command)), true)
	appendField("environment", generic(orEmptyMap(l.Environment)), true)
	appendField("materials", func(d []byte) ([]byte, error) { return appendArtifacts(d, l.Materials) }, true)
	appendField("name", str(l.Name), true)
	appendField("products", func(d []byte) ([]byte, error) { return appendArtifacts(d, l.Products) }, true)
	if err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

func appendArtifacts(dst []byte, m ArtifactMap) ([]byte, error) {
	dst = append(dst, '{')
	var err error
	for i, path := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = cjson.AppendString(dst, path); err != nil {
			return dst, err
		}
		dst = append(dst, ':', '{')
		digests := m[path]
		for j, alg := range slices.Sorted(maps.Keys(digests)) {
			if j > 0 {
				dst = append(dst, ',')
			}
			if dst, err = cjson.AppendString(dst, alg); err != nil {
				return dst, err
			}
			dst = append(dst, ':')
			if dst, err = cjson.AppendString(dst, digests[alg]); err != nil {
				return dst, err
			}
		}
		dst = append(dst, '}')
	}
	return append(dst, '}'), nil
}

// newLinkMetablock is NewMetablock's fast path for a validated link whose
// canonical form is also valid JSON (no raw control characters, e.g. no
// newline in recorded output): that form is then stored as Signed and
// cached as the bytes to sign.
func newLinkMetablock(l *Link) (*Metablock, bool) {
	c, err := l.canonicalJSON()
	if err != nil || hasControl(c) {
		return nil, false
	}
	m := &Metablock{Signed: c, Signatures: []Signature{}}
	m.cache.src, m.cache.canonical, m.cache.typ, m.cache.link = stampOf(c), c, TypeLink, l
	return m, true
}

// hasControl reports whether b holds a byte below 0x20, which canonical
// JSON writes raw and JSON forbids in strings.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}
