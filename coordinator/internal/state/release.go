package state

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/signet-dev/signet/pkg/dsse"
	"github.com/signet-dev/signet/pkg/intoto"
)

// Release formats.
const (
	FormatMetablock = "metablock"
	FormatDSSE      = "dsse"
)

// Released file names.
const (
	LayoutFile     = "root.layout"
	LayoutDSSEFile = "root.layout.dsse.json"
	StatementFile  = "statement.dsse.json"
)

// assemble builds the released files of r from its counted signatures. It
// is called once, when the threshold is first met; the result is stored
// with the request and never rebuilt.
func (s *State) assemble(r *Request, ts ThresholdStatus) ([]File, error) {
	if r.Kind == KindStepCollect {
		return s.assembleCollect(r)
	}
	var counted []Approval
	for _, a := range r.Approvals {
		if s.active(a.KeyID) {
			counted = append(counted, a)
		}
	}
	if len(counted) < ts.Threshold {
		return nil, fmt.Errorf("only %d counted signatures for threshold %d", len(counted), ts.Threshold)
	}
	env, err := envelope(r, counted)
	if err != nil {
		return nil, err
	}
	switch r.Kind {
	case KindLayout:
		mb, err := metablock(r, counted...)
		if err != nil {
			return nil, err
		}
		return []File{{LayoutFile, FormatMetablock, mb}, {LayoutDSSEFile, FormatDSSE, env}}, nil
	case KindLink:
		return linkFiles(r, counted, env)
	default:
		return []File{{StatementFile, FormatDSSE, env}}, nil
	}
}

func envelope(r *Request, sigs []Approval) ([]byte, error) {
	e := dsse.New(r.PayloadType, r.Payload)
	for _, a := range sigs {
		e.Signatures = append(e.Signatures, dsse.Signature{KeyID: a.KeyID, Sig: a.Sig})
	}
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encoding the DSSE envelope: %w", err)
	}
	return b, nil
}

// metablock returns the legacy metablock file over r's payload carrying
// the canonical-JSON signatures of sigs.
func metablock(r *Request, sigs ...Approval) ([]byte, error) {
	mb := &intoto.Metablock{Signed: json.RawMessage(r.Payload), Signatures: []intoto.Signature{}}
	for _, a := range sigs {
		mb.Signatures = append(mb.Signatures, intoto.Signature{KeyID: a.KeyID, Sig: hex.EncodeToString(a.MetaSig)})
	}
	b, err := mb.MarshalIndent()
	if err != nil {
		return nil, fmt.Errorf("encoding the metablock: %w", err)
	}
	return b, nil
}

// linkFiles returns one "<step>.<keyid8>.link" metablock per signer, so
// that an in-toto step threshold of M is met by M agreeing links, and one
// DSSE envelope with every signature.
func linkFiles(r *Request, sigs []Approval, env []byte) ([]File, error) {
	l, err := intoto.DecodeLink(r.Payload)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, a := range sigs {
		mb, err := metablock(r, a)
		if err != nil {
			return nil, err
		}
		files = append(files, File{LinkFileName(l.Name, a.KeyID), FormatMetablock, mb})
	}
	return append(files, File{l.Name + ".dsse.json", FormatDSSE, env}), nil
}

// LinkFileName is the in-toto link file name "<step>.<keyid[:8]>.link".
func LinkFileName(step, keyID string) string {
	if len(keyID) > 8 {
		keyID = keyID[:8]
	}
	return step + "." + keyID + ".link"
}
