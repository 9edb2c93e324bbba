package intoto

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	m.cache.src, m.cache.canonical, m.cache.typ, m.cache.link = bytes.Clone(c), c, TypeLink, l
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

// linkNode builds the value tree of a link for the file writer directly,
// without re-parsing its JSON text (the artifact maps are the bulk).
func linkNode(l *Link) (node, error) {
	small := func(v any) (node, error) {
		data, err := cjson.Marshal(v)
		if err != nil {
			return node{}, err
		}
		if hasControl(data) {
			// Raw control characters: go through encoding/json, whose
			// output is always valid JSON.
			if data, err = json.Marshal(v); err != nil {
				return node{}, err
			}
		}
		n, err := parseJSON(data)
		if err != nil {
			return node{}, err
		}
		return *n, nil
	}
	parts := []struct {
		key string
		val func() (node, error)
	}{
		{"_type", func() (node, error) { return stringNode(l.Type), nil }},
		{"byproducts", func() (node, error) { return small(orEmptyMap(l.Byproducts)) }},
		{"command", func() (node, error) { return small(orEmptySlice(l.Command)) }},
		{"environment", func() (node, error) { return small(orEmptyMap(l.Environment)) }},
		{"materials", func() (node, error) { return artifactsNode(l.Materials), nil }},
		{"name", func() (node, error) { return stringNode(l.Name), nil }},
		{"products", func() (node, error) { return artifactsNode(l.Products), nil }},
	}
	root := node{kind: kindObject, kids: make([]node, 0, 2*len(parts))}
	for _, p := range parts {
		v, err := p.val()
		if err != nil {
			return node{}, fmt.Errorf("%s: %w", p.key, err)
		}
		root.kids = append(root.kids, stringNode(p.key), v)
	}
	return root, nil
}

func artifactsNode(m ArtifactMap) node {
	n := node{kind: kindObject, kids: make([]node, 0, 2*len(m))}
	for _, path := range slices.Sorted(maps.Keys(m)) {
		ds := m[path]
		d := node{kind: kindObject, kids: make([]node, 0, 2*len(ds))}
		for _, alg := range slices.Sorted(maps.Keys(ds)) {
			d.kids = append(d.kids, stringNode(alg), stringNode(ds[alg]))
		}
		n.kids = append(n.kids, stringNode(path), d)
	}
	return n
}
