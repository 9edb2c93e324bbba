package intoto

import (
	"encoding/json"
	"fmt"
)

// TypeLink is the _type of link metadata.
const TypeLink = "link"

// Link is evidence that a step (or an inspection) of the supply chain was
// performed: what it used, what it produced, and how.
//
// Its JSON form has exactly the reference's fields; nil maps and slices are
// written as {} and [] so that the canonical bytes equal what the
// reference signs for the same content.
type Link struct {
	Type      string      `json:"_type"`
	Name      string      `json:"name"`
	Materials ArtifactMap `json:"materials"`
	Products  ArtifactMap `json:"products"`
	// Byproducts is opaque; in-toto-run records "return-value" (an
	// integer), "stdout" and "stderr". Numbers are json.Number or Go
	// integers: signed metadata has no floats.
	Byproducts map[string]any `json:"byproducts"`
	Command    []string       `json:"command"`
	// Environment is opaque and usually empty.
	Environment map[string]any `json:"environment"`
}

// NewLink returns a link named name with its type set and empty fields.
func NewLink(name string) *Link {
	return &Link{
		Type: TypeLink, Name: name,
		Materials: ArtifactMap{}, Products: ArtifactMap{},
		Byproducts: map[string]any{}, Command: []string{}, Environment: map[string]any{},
	}
}

// linkJSON has the same fields as Link; it exists so MarshalJSON can fill
// in empty values without recursing.
type linkJSON Link

// MarshalJSON writes nil maps and slices as empty ones.
func (l Link) MarshalJSON() ([]byte, error) {
	c := linkJSON(l)
	c.Materials = orEmptyMap(c.Materials)
	c.Products = orEmptyMap(c.Products)
	c.Byproducts = orEmptyMap(c.Byproducts)
	c.Command = orEmptySlice(c.Command)
	c.Environment = orEmptyMap(c.Environment)
	return json.Marshal(c)
}

var linkFields = []string{"_type", "name", "materials", "products", "byproducts", "command", "environment"}

// DecodeLink strictly decodes a link (the signed part, not a metablock):
// unknown, duplicate or missing fields and wrong types are *DecodeError;
// a link that decodes but breaks a model rule is *ValidationError.
func DecodeLink(data []byte) (*Link, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return decodeLinkNode(root, "")
}

func decodeLinkNode(n *node, path string) (*Link, error) {
	d := &decoder{}
	f := d.object(n, path, linkFields...)
	l := &Link{
		Type:        d.string(d.get(f, "_type", true), joinPath(path, "_type")),
		Name:        d.string(d.get(f, "name", true), joinPath(path, "name")),
		Materials:   d.artifactMap(d.get(f, "materials", true), joinPath(path, "materials")),
		Products:    d.artifactMap(d.get(f, "products", true), joinPath(path, "products")),
		Byproducts:  d.genericObject(d.get(f, "byproducts", true), joinPath(path, "byproducts")),
		Command:     d.stringList(d.get(f, "command", true), joinPath(path, "command")),
		Environment: d.genericObject(d.get(f, "environment", true), joinPath(path, "environment")),
	}
	if d.err != nil {
		return nil, d.err
	}
	validate := l.validateDecoded
	if d.slowArtifacts {
		validate = l.Validate
	}
	if err := validate(); err != nil {
		return nil, prefixPath(path, err)
	}
	return l, nil
}

// validateDecoded is Validate for a link whose strings came from the
// parser (valid UTF-8) and whose artifact maps took the decoder's fast
// path (valid digest sets).
func (l *Link) validateDecoded() error {
	if l.Type != TypeLink {
		return &ValidationError{Path: "_type", Msg: fmt.Sprintf("must be %q, got %q", TypeLink, l.Type)}
	}
	if l.Name == "" {
		return &ValidationError{Path: "name", Msg: "must not be empty"}
	}
	if err := validateOpaque(l.Byproducts, "byproducts"); err != nil {
		return err
	}
	return validateOpaque(l.Environment, "environment")
}

// Validate checks the link against the in-toto model: _type "link", a
// non-empty name, artifacts whose digest sets are non-empty maps of
// algorithm name to hex digest, integers only in the opaque maps, and
// valid UTF-8 everywhere.
func (l *Link) Validate() error {
	if l.Type != TypeLink {
		return &ValidationError{Path: "_type", Msg: fmt.Sprintf("must be %q, got %q", TypeLink, l.Type)}
	}
	if l.Name == "" {
		return &ValidationError{Path: "name", Msg: "must not be empty"}
	}
	if err := l.checkUTF8(); err != nil {
		return err
	}
	if err := validateArtifacts(l.Materials, "materials"); err != nil {
		return err
	}
	if err := validateArtifacts(l.Products, "products"); err != nil {
		return err
	}
	if err := validateOpaque(l.Byproducts, "byproducts"); err != nil {
		return err
	}
	return validateOpaque(l.Environment, "environment")
}

func validateArtifacts(m ArtifactMap, path string) error {
	for name, ds := range m {
		if !digestSetOK(ds) {
			return validateDigestSet(ds, mapPath(path, name))
		}
	}
	return nil
}

// digestSetOK is the allocation-free fast check behind validateDigestSet,
// which is only called to build the error.
func digestSetOK(ds DigestSet) bool {
	if len(ds) == 0 {
		return false
	}
	for alg, v := range ds {
		if alg == "" || !isHex(v) {
			return false
		}
	}
	return true
}

func validateDigestSet(ds DigestSet, path string) error {
	if len(ds) == 0 {
		return &ValidationError{Path: path, Msg: "digest set is empty; record at least one hash (e.g. sha256)"}
	}
	for alg, v := range ds {
		if alg == "" {
			return &ValidationError{Path: path, Msg: "empty hash algorithm name"}
		}
		if !isHex(v) {
			return &ValidationError{Path: mapPath(path, alg), Msg: fmt.Sprintf("digest %q is not a hex string", clip(v))}
		}
	}
	return nil
}

// validateOpaque checks that an opaque map can be canonicalised (no
// floats, only JSON types).
func validateOpaque(m map[string]any, path string) error {
	if _, err := canonical(m); err != nil {
		return &ValidationError{Path: path, Msg: "cannot be encoded as canonical JSON", Err: err}
	}
	return nil
}

func orEmptyMap[M ~map[K]V, K comparable, V any](m M) M {
	if m == nil {
		return M{}
	}
	return m
}

func orEmptySlice[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// clip shortens long values quoted in error messages.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
