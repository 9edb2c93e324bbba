package intoto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Statement types (the _type of an in-toto attestation Statement).
const (
	StatementTypeV1 = "https://in-toto.io/Statement/v1"
	// StatementTypeV01 is the pre-1.0 type, accepted when reading.
	StatementTypeV01 = "https://in-toto.io/Statement/v0.1"
)

// Statement is an in-toto attestation Statement (attestation spec v1): it
// binds a typed predicate to a set of subjects identified by digest. It
// travels in a DSSE envelope with payload type
// application/vnd.in-toto+json.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate,omitempty"`
}

// Subject is a subject of a Statement, an attestation ResourceDescriptor.
// Statements require Digest; the other fields are optional.
type Subject struct {
	Name             string         `json:"name,omitempty"`
	URI              string         `json:"uri,omitempty"`
	Digest           DigestSet      `json:"digest,omitempty"`
	Content          []byte         `json:"content,omitempty"`
	DownloadLocation string         `json:"downloadLocation,omitempty"`
	MediaType        string         `json:"mediaType,omitempty"`
	Annotations      map[string]any `json:"annotations,omitempty"`
}

var (
	statementFields = []string{"_type", "subject", "predicateType", "predicate"}
	subjectFields   = []string{"name", "uri", "digest", "content", "downloadLocation", "mediaType", "annotations"}
)

// DecodeStatement strictly decodes a Statement (v1, or v0.1 for reading).
// Unknown fields are refused although the attestation spec asks
// consumers to ignore them; see docs/compatibility.md.
func DecodeStatement(data []byte) (*Statement, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return decodeStatementNode(data, root)
}

func decodeStatementNode(data []byte, n *node) (*Statement, error) {
	d := &decoder{}
	f := d.object(n, "", statementFields...)
	s := &Statement{
		Type:          d.string(d.get(f, "_type", true), "_type"),
		PredicateType: d.string(d.get(f, "predicateType", true), "predicateType"),
		Subject:       []Subject{},
	}
	if subj := d.get(f, "subject", true); subj != nil {
		d.eachItem(subj, "subject", func(item *node, p string) { s.Subject = append(s.Subject, d.subject(item, p)) })
	}
	if pred := d.get(f, "predicate", false); pred != nil && pred.kind != kindNull && d.expect(pred, "predicate", kindObject) {
		d.jsonValue(pred, "predicate") // duplicate keys anywhere are refused
		s.Predicate = append(json.RawMessage(nil), data[pred.start:pred.end]...)
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func (d *decoder) subject(n *node, path string) Subject {
	f := d.object(n, path, subjectFields...)
	s := Subject{
		Name:             d.string(d.get(f, "name", false), path+".name"),
		URI:              d.string(d.get(f, "uri", false), path+".uri"),
		DownloadLocation: d.string(d.get(f, "downloadLocation", false), path+".downloadLocation"),
		MediaType:        d.string(d.get(f, "mediaType", false), path+".mediaType"),
	}
	if dg := d.get(f, "digest", false); dg != nil {
		s.Digest = d.digestSet(dg, path+".digest")
	}
	if c := d.get(f, "content", false); c != nil {
		text := d.string(c, path+".content")
		b, err := base64.StdEncoding.Strict().DecodeString(text)
		if err != nil && d.err == nil {
			d.fail(path+".content", "not valid base64")
		}
		s.Content = b
	}
	if a := d.get(f, "annotations", false); a != nil && d.expect(a, path+".annotations", kindObject) {
		s.Annotations, _ = d.jsonValue(a, path+".annotations").(map[string]any)
	}
	return s
}

// jsonValue decodes any JSON value, floats included (statements are not
// canonicalised), refusing duplicate keys.
func (d *decoder) jsonValue(n *node, path string) any {
	if d.err != nil {
		return nil
	}
	switch n.kind {
	case kindObject:
		m := make(map[string]any, len(n.kids)/2)
		d.eachMember(n, path, func(key string, val *node, p string) { m[key] = d.jsonValue(val, p) })
		return m
	case kindArray:
		a := make([]any, 0, len(n.kids))
		d.eachItem(n, path, func(item *node, p string) { a = append(a, d.jsonValue(item, p)) })
		return a
	case kindNumber:
		return json.Number(n.str)
	}
	return d.generic(n, path)
}

// Validate checks the statement: a known _type, at least one subject,
// every subject with a non-empty digest set, a predicateType, and a
// predicate that is a JSON object if set.
func (s *Statement) Validate() error {
	if s.Type != StatementTypeV1 && s.Type != StatementTypeV01 {
		return &ValidationError{Path: "_type", Msg: fmt.Sprintf("must be %q (or %q), got %q", StatementTypeV1, StatementTypeV01, clip(s.Type)), Err: ErrUnknownType}
	}
	if len(s.Subject) == 0 {
		return &ValidationError{Path: "subject", Msg: "a statement needs at least one subject"}
	}
	for i, sub := range s.Subject {
		path := fmt.Sprintf("subject[%d]", i)
		if err := validateSubjectDigest(sub.Digest, path+".digest"); err != nil {
			return err
		}
		if err := checkStrings(path, []string{sub.Name, sub.URI, sub.DownloadLocation, sub.MediaType}); err != nil {
			return err
		}
		if err := checkOpaqueUTF8(path+".annotations", map[string]any(sub.Annotations)); err != nil {
			return err
		}
	}
	if !utf8.ValidString(s.Type + s.PredicateType) {
		return badUTF8("predicateType")
	}
	if s.PredicateType == "" {
		return &ValidationError{Path: "predicateType", Msg: "must not be empty"}
	}
	if len(s.Predicate) > 0 {
		trimmed := bytes.TrimLeft(s.Predicate, " \t\r\n")
		if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(s.Predicate) {
			return &ValidationError{Path: "predicate", Msg: "must be a JSON object"}
		}
	}
	return nil
}

// hexDigestAlgorithms are the DigestSet algorithms whose values the
// attestation spec defines as lowercase hex.
var hexDigestAlgorithms = []string{
	"sha256", "sha224", "sha384", "sha512", "sha512_224", "sha512_256", "sha3_224", "sha3_256",
	"sha3_384", "sha3_512", "shake128", "shake256", "blake2b", "blake2s", "ripemd160", "sm3", "gost",
	"sha1", "md5", "dirHash", "gitCommit", "gitTree", "gitBlob", "gitTag",
}

func validateSubjectDigest(ds DigestSet, path string) error {
	if len(ds) == 0 {
		return &ValidationError{Path: path, Msg: "every subject needs a digest"}
	}
	for alg, v := range ds {
		switch {
		case alg == "" || v == "":
			return &ValidationError{Path: mapPath(path, alg), Msg: "algorithm and digest must not be empty"}
		case contains(hexDigestAlgorithms, alg) && (!isHex(v) || strings.ToLower(v) != v):
			return &ValidationError{Path: mapPath(path, alg), Msg: fmt.Sprintf("%q is not a lowercase hex digest", clip(v))}
		}
	}
	return nil
}

// encodeStatement returns the JSON payload of s for a DSSE envelope:
// compact JSON without HTML escaping; the predicate is kept as given.
func encodeStatement(s *Statement) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
