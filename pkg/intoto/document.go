package intoto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/keys"
)

// Format is the signature wrapper of a document.
type Format int

// The two wrappers in-toto metadata comes in.
const (
	// FormatMetablock is the legacy {"signed", "signatures"} wrapper of
	// in-toto 1.x: links and layouts only.
	FormatMetablock Format = iota + 1
	// FormatDSSE is a DSSE envelope with payload type
	// application/vnd.in-toto+json: links, layouts and statements.
	FormatDSSE
)

// String names the format.
func (f Format) String() string {
	switch f {
	case FormatMetablock:
		return "metablock"
	case FormatDSSE:
		return "dsse"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Document is signed in-toto metadata in either format. Verifiers and
// tools use it without caring which format a file is in: Type says what it
// holds, Link/Layout/Statement decode it strictly, VerifySignature and
// Sign work on the signatures, Marshal writes the file back in its format.
type Document struct {
	format    Format
	payload   string // _type of the payload
	metablock *Metablock
	envelope  *dsse.Envelope
	// link is the payload decoded by ReadDocument, when it is a link.
	link *Link
}

// ReadDocument decodes a file that may be a metablock or a DSSE envelope,
// told apart by their members ("signed"/"signatures" or "payloadType"/
// "payload"). Decoding is strict in both formats and includes the payload,
// which must be a valid link, layout or (DSSE only) statement.
func ReadDocument(data []byte) (*Document, error) {
	return readDocument(data, false)
}

// ReadDocumentNoCopy is ReadDocument for a buffer the caller hands over:
// the document's strings and signed bytes share data's memory instead of
// copying it (for large links this halves the memory a verifier needs).
// The caller must never modify data afterwards.
func ReadDocumentNoCopy(data []byte) (*Document, error) {
	return readDocument(data, true)
}

func readDocument(data []byte, owned bool) (*Document, error) {
	if m, ok := readLinkMetablockFast(data, owned); ok {
		return &Document{format: FormatMetablock, payload: TypeLink, metablock: m, link: m.cache.link}, nil
	}
	return readDocumentGeneral(data, owned)
}

// readDocumentGeneral decodes any document through the parse tree.
func readDocumentGeneral(data []byte, owned bool) (*Document, error) {
	root, err := parseJSONText(data, dsse.MaxEnvelopeSize, owned)
	if err != nil {
		return nil, err
	}
	if root.kind != kindObject {
		return nil, &DecodeError{Msg: fmt.Sprintf("expected an object, got %v", root.kind)}
	}
	switch {
	case hasMember(root, "payloadType") || hasMember(root, "payload"):
		env, err := dsse.Decode(data)
		if err != nil {
			return nil, &DecodeError{Msg: err.Error(), Err: err}
		}
		return documentFromEnvelope(env)
	case hasMember(root, "signed") || hasMember(root, "signatures"):
		if len(data) > MaxDocumentSize {
			return nil, &DecodeError{Msg: fmt.Sprintf("document is %d bytes, more than the limit of %d", len(data), MaxDocumentSize), Err: ErrTooLarge}
		}
		m, err := decodeMetablockNode(data, root, owned)
		if err != nil {
			return nil, err
		}
		return &Document{format: FormatMetablock, payload: m.PayloadType(), metablock: m, link: m.cache.link}, nil
	}
	return nil, &DecodeError{Msg: "neither a metablock (signed, signatures) nor a DSSE envelope (payloadType, payload, signatures)"}
}

func hasMember(n *node, key string) bool {
	for i := 0; i+1 < len(n.kids); i += 2 {
		if n.kids[i].str == key {
			return true
		}
	}
	return false
}

// documentFromEnvelope checks the payload type and decodes the payload.
func documentFromEnvelope(env *dsse.Envelope) (*Document, error) {
	if env.PayloadType != dsse.PayloadTypeInToto {
		return nil, &DecodeError{Path: "payloadType", Msg: fmt.Sprintf("%q is not the in-toto payload type %q", clip(env.PayloadType), dsse.PayloadTypeInToto), Err: ErrUnknownType}
	}
	typ, link, err := decodePayload(env.Payload)
	if err != nil {
		return nil, err
	}
	return &Document{format: FormatDSSE, payload: typ, envelope: env, link: link}, nil
}

// decodePayload strictly decodes a DSSE payload and returns its _type
// and, for a link, the link. Error paths are prefixed with "payload".
func decodePayload(data []byte) (string, *Link, error) {
	root, err := parseJSON(data)
	if err != nil {
		return "", nil, prefixPath("payload", err)
	}
	var typ string
	if root.kind == kindObject {
		for i := 0; i+1 < len(root.kids); i += 2 {
			if root.kids[i].str == "_type" {
				typ = root.kids[i+1].str
			}
		}
	}
	var link *Link
	switch typ {
	case TypeLink:
		link, err = decodeLinkNode(root, "")
	case TypeLayout:
		_, err = decodeLayoutNode(root, "")
	case StatementTypeV1, StatementTypeV01:
		_, err = decodeStatementNode(data, root)
	default:
		err = &DecodeError{Path: "_type", Msg: fmt.Sprintf("%q is not a known payload type (link, layout or an in-toto Statement)", clip(typ)), Err: ErrUnknownType}
	}
	return typ, link, prefixPath("payload", err)
}

// NewDocument wraps v (a *Link, *Layout or *Statement, which must
// validate) in an unsigned document of the given format. Links and
// layouts are encoded as canonical JSON in both formats; statements only
// go in DSSE.
func NewDocument(format Format, v any) (*Document, error) {
	switch format {
	case FormatMetablock:
		if _, ok := v.(*Statement); ok {
			return nil, fmt.Errorf("%w: statements are carried in DSSE envelopes, not metablocks", ErrUnknownType)
		}
		m, err := NewMetablock(v)
		if err != nil {
			return nil, err
		}
		return &Document{format: format, payload: m.PayloadType(), metablock: m}, nil
	case FormatDSSE:
		env, err := NewEnvelope(v)
		if err != nil {
			return nil, err
		}
		return documentFromEnvelope(env)
	}
	return nil, fmt.Errorf("unknown document format %d", int(format))
}

// NewEnvelope validates v (a *Link, *Layout or *Statement) and returns an
// unsigned DSSE envelope with payload type application/vnd.in-toto+json
// and the payload EncodePayload makes.
func NewEnvelope(v any) (*dsse.Envelope, error) {
	payload, err := EncodePayload(v)
	if err != nil {
		return nil, err
	}
	return dsse.New(dsse.PayloadTypeInToto, payload), nil
}

// EncodePayload validates v and returns the payload bytes NewEnvelope
// uses. Links and layouts are written as in-toto 2.x and later write them
// (Python's json.dumps(sort_keys=True): ", " and ": " separators, \u
// escapes), so the payload is byte-identical to the reference's for the
// same content and always valid JSON. (in-toto-golang writes canonical
// JSON instead, which is not valid JSON when a string holds a control
// character such as a newline in captured stdout.) Statements are written
// as compact JSON with the predicate as given, since predicates may hold
// floats.
func EncodePayload(v any) ([]byte, error) {
	switch p := v.(type) {
	case *Link:
		return validatedPyJSON(p.Validate, p)
	case *Layout:
		return validatedPyJSON(p.Validate, p)
	case *Statement:
		if err := p.Validate(); err != nil {
			return nil, err
		}
		return encodeStatement(p)
	}
	return nil, fmt.Errorf("%w: cannot wrap a %T; want *Link, *Layout or *Statement", ErrUnknownType, v)
}

func validatedPyJSON(validate func() error, v any) ([]byte, error) {
	if err := validate(); err != nil {
		return nil, err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return pyDumps(data, pyDefault)
}

// Format returns the document's format.
func (d *Document) Format() Format { return d.format }

// Type returns the payload's _type: "link", "layout" or a Statement type.
func (d *Document) Type() string { return d.payload }

// Metablock returns the underlying metablock, or nil for DSSE.
func (d *Document) Metablock() *Metablock {
	d.seal()
	return d.metablock
}

// seal makes the metablock notice changes to Signed from now on, before
// Signed leaves the document (see stamp).
func (d *Document) seal() {
	if d.metablock != nil {
		d.metablock.cache.src.seal(d.metablock.Signed)
	}
}

// Envelope returns the underlying envelope, or nil for a metablock.
func (d *Document) Envelope() *dsse.Envelope { return d.envelope }

// SignedBytes returns the bytes the document's signatures cover: the
// canonical JSON of a metablock's signed object, or PAE(payloadType,
// payload) of a DSSE envelope.
func (d *Document) SignedBytes() ([]byte, error) {
	if d.metablock != nil {
		return d.metablock.CanonicalSigned()
	}
	return dsse.PAE(d.envelope.PayloadType, d.envelope.Payload), nil
}

// PayloadJSON returns the payload as JSON text: a metablock's signed
// object as written, or a DSSE payload.
func (d *Document) PayloadJSON() []byte {
	if d.metablock != nil {
		d.seal()
		return d.metablock.Signed
	}
	return d.envelope.Payload
}

// KeyIDs returns the key ids of the signatures, in order (DSSE key ids
// may be empty).
func (d *Document) KeyIDs() []string {
	if d.metablock != nil {
		return d.metablock.KeyIDs()
	}
	ids := make([]string, len(d.envelope.Signatures))
	for i, s := range d.envelope.Signatures {
		ids[i] = s.KeyID
	}
	return ids
}

// DecodedLink returns the link ReadDocument decoded, without decoding it
// again; it is shared, so callers must not modify it. For documents made
// otherwise it is Link.
func (d *Document) DecodedLink() (*Link, error) {
	fresh := d.metablock == nil
	if !fresh {
		_, _, fresh = d.metablock.cached() // Signed unchanged since read
	}
	if d.link != nil && fresh {
		return d.link, nil
	}
	return d.Link()
}

// SortedPaths returns the materials' and products' paths of the link that
// ReadDocument decoded, in sorted order, when the file listed them sorted
// (as the reference and Signet write links); ok is false otherwise. The
// slices are shared and must not be modified.
func (d *Document) SortedPaths() (materials, products []string, ok bool) {
	if d.metablock == nil || d.link == nil {
		return nil, nil, false
	}
	p := d.metablock.cache.paths
	if p[0] == nil || p[1] == nil || len(p[0]) != len(d.link.Materials) || len(p[1]) != len(d.link.Products) {
		return nil, nil, false
	}
	if _, _, fresh := d.metablock.cached(); !fresh {
		return nil, nil, false
	}
	return p[0], p[1], true
}

// Link decodes the payload as a link.
func (d *Document) Link() (*Link, error) {
	l, err := DecodeLink(d.PayloadJSON())
	return l, d.pathed(err)
}

// Layout decodes the payload as a layout.
func (d *Document) Layout() (*Layout, error) {
	l, err := DecodeLayout(d.PayloadJSON())
	return l, d.pathed(err)
}

// Statement decodes the payload as a Statement.
func (d *Document) Statement() (*Statement, error) {
	if d.metablock != nil {
		return nil, fmt.Errorf("%w: a metablock holds a %s, not a statement", ErrUnknownType, d.payload)
	}
	s, err := DecodeStatement(d.envelope.Payload)
	return s, d.pathed(err)
}

func (d *Document) pathed(err error) error {
	if err == nil {
		return nil
	}
	if d.metablock != nil {
		return prefixPath("signed", err)
	}
	return prefixPath("payload", err)
}

// VerifySignature checks that key k signed the document. Errors wrap
// ErrNoSignature (metablock: no signature with k's key id),
// ErrUnsupportedSignature (GPG) or keys.ErrBadSignature.
func (d *Document) VerifySignature(k keys.Key) error {
	if d.metablock != nil {
		return d.metablock.VerifySignature(k)
	}
	if _, err := dsse.Verify(d.envelope, []keys.Key{k}, 1); err != nil {
		if errors.Is(err, dsse.ErrThresholdNotMet) {
			return fmt.Errorf("%w: no signature in the envelope verifies with key %s", keys.ErrBadSignature, k.ShortID())
		}
		return err
	}
	return nil
}

// Sign adds (or replaces) the signature of s.
func (d *Document) Sign(ctx context.Context, s keys.Signer) error {
	if d.metablock != nil {
		return d.metablock.Sign(ctx, s)
	}
	return d.envelope.AddSignature(ctx, s)
}

// ClearSignatures removes every signature, before re-signing.
func (d *Document) ClearSignatures() {
	if d.metablock != nil {
		d.metablock.Signatures = []Signature{}
		return
	}
	d.envelope.Signatures = []dsse.Signature{}
}

// Marshal returns the file bytes in the document's format: for a
// metablock the reference's indented form, for DSSE the JSON envelope.
func (d *Document) Marshal() ([]byte, error) {
	if d.metablock != nil {
		return d.metablock.MarshalIndent()
	}
	return json.Marshal(d.envelope)
}

// ReadAll reads r to the end but at most MaxDocumentSize bytes (DSSE
// envelopes: dsse.MaxEnvelopeSize), failing with ErrTooLarge beyond that.
func ReadAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, dsse.MaxEnvelopeSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > dsse.MaxEnvelopeSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, dsse.MaxEnvelopeSize)
	}
	return data, nil
}
