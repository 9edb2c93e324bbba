package intoto

import (
	"encoding/json"
	"fmt"

	"github.com/signet-dev/signet/pkg/cjson"
)

// DecodeMetablock strictly decodes a metablock file: exactly the members
// "signatures" and "signed"; every signature a well-formed
// securesystemslib or GPG signature; and a signed object that strictly
// decodes and validates as a link or a layout (by its _type). Unknown
// fields anywhere are refused, because the reference would drop them
// before checking signatures while Signet checks the bytes as written.
//
// Error paths start at the file root (`signed.steps[0].threshold`).
func DecodeMetablock(data []byte) (*Metablock, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return decodeMetablockNode(data, root, false)
}

func decodeMetablockNode(data []byte, root *node, owned bool) (*Metablock, error) {
	d := &decoder{}
	f := d.object(root, "", "signatures", "signed")
	sigNode, signed := d.get(f, "signatures", true), d.get(f, "signed", true)
	m := &Metablock{Signatures: []Signature{}}
	if sigNode != nil {
		d.eachItem(sigNode, "signatures", func(item *node, p string) {
			m.Signatures = append(m.Signatures, d.signature(item, p))
		})
	}
	if d.err != nil {
		return nil, d.err
	}
	typ, link, err := decodeSignedNode(signed)
	if err != nil {
		return nil, err
	}
	if owned {
		m.Signed = json.RawMessage(data[signed.start:signed.end:signed.end])
	} else {
		m.Signed = append(json.RawMessage(nil), data[signed.start:signed.end]...)
	}
	c, err := cjson.Canonicalize(m.Signed)
	if err != nil {
		return nil, &DecodeError{Path: "signed", Msg: fmt.Sprintf("cannot be canonicalised: %v", err), Err: err}
	}
	m.cache.src, m.cache.canonical, m.cache.typ, m.cache.link = stampOf(m.Signed), c, typ, link
	return m, nil
}

// decodeSignedNode decodes and validates the signed object by its _type,
// and returns the type and, for a link, the decoded link.
func decodeSignedNode(n *node) (string, *Link, error) {
	d := &decoder{}
	if !d.expect(n, "signed", kindObject) {
		return "", nil, d.err
	}
	var typ string
	for i := 0; i+1 < len(n.kids); i += 2 {
		if n.kids[i].str == "_type" && n.kids[i+1].kind == kindString {
			typ = n.kids[i+1].str
		}
	}
	switch typ {
	case TypeLink:
		l, err := decodeLinkNode(n, "signed")
		return typ, l, err
	case TypeLayout:
		_, err := decodeLayoutNode(n, "signed")
		return typ, nil, err
	}
	return "", nil, &DecodeError{Path: "signed._type", Msg: fmt.Sprintf("%q is not a metadata type in a metablock; expected \"link\" or \"layout\"", clip(typ)), Err: ErrUnknownType}
}

var (
	plainSigFields = []string{"keyid", "sig"}
	gpgSigFields   = []string{"keyid", "other_headers", "signature", "short_keyid", "info"}
)

// signature decodes one signature; its members decide which form it is.
func (d *decoder) signature(n *node, path string) Signature {
	fieldsOf := plainSigFields
	if n.kind == kindObject {
		for i := 0; i+1 < len(n.kids); i += 2 {
			if n.kids[i].str == "other_headers" || n.kids[i].str == "signature" {
				fieldsOf = gpgSigFields
			}
		}
	}
	f := d.object(n, path, fieldsOf...)
	s := Signature{KeyID: d.hexString(d.get(f, "keyid", true), path+".keyid")}
	if len(fieldsOf) == len(plainSigFields) {
		s.Sig = d.hexString(d.get(f, "sig", true), path+".sig")
		return s
	}
	s.OtherHeaders = d.hexString(d.get(f, "other_headers", true), path+".other_headers")
	s.GPGSignature = d.hexString(d.get(f, "signature", true), path+".signature")
	if short := d.get(f, "short_keyid", false); short != nil {
		s.ShortKeyID = d.hexString(short, path+".short_keyid")
	}
	if info := d.get(f, "info", false); info != nil && d.err == nil {
		v := d.generic(info, path+".info")
		if d.err == nil {
			var err error
			if s.Info, err = cjson.Marshal(v); err != nil {
				d.fail(path+".info", "cannot be encoded: %v", err)
			}
		}
	}
	return s
}

// hexString decodes a non-empty hex string.
func (d *decoder) hexString(n *node, path string) string {
	s := d.string(n, path)
	if d.err == nil && n != nil && !isHex(s) {
		d.fail(path, "expected a hex string, got %q", clip(s))
	}
	return s
}
