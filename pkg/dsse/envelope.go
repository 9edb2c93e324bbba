package dsse

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/signet-dev/signet/pkg/keys"
)

// PayloadTypeInToto is the payload type of in-toto statements, links and
// layouts in DSSE.
const PayloadTypeInToto = "application/vnd.in-toto+json"

// MaxEnvelopeSize bounds the envelopes Decode reads: 48 MiB, enough for
// the base64 of a 32 MiB payload plus signatures.
const MaxEnvelopeSize = 48 << 20

// Errors returned by this package; test them with errors.Is.
var (
	// ErrMalformed means an envelope could not be decoded: bad JSON, a
	// missing, unknown or duplicate field, invalid base64.
	ErrMalformed = errors.New("malformed DSSE envelope")
	// ErrTooLarge means the envelope exceeds the size limit.
	ErrTooLarge = errors.New("DSSE envelope too large")
	// ErrNoSigner means Sign was called without any signer.
	ErrNoSigner = errors.New("no signer given")
	// ErrInvalidThreshold means Verify was asked for a threshold below 1.
	ErrInvalidThreshold = errors.New("threshold must be at least 1")
	// ErrThresholdNotMet means fewer distinct trusted keys than the
	// threshold made a valid signature.
	ErrThresholdNotMet = errors.New("DSSE signature threshold not met")
	// ErrBadKey means a trusted key could not be used (its public value
	// does not decode or fit its scheme).
	ErrBadKey = errors.New("unusable verification key")
)

// Envelope is a DSSE envelope. Payload holds the decoded payload bytes;
// base64 exists only in the JSON form.
type Envelope struct {
	PayloadType string
	Payload     []byte
	Signatures  []Signature
}

// Signature is one signature of an envelope. KeyID is a hint and may be
// empty; Sig holds the raw signature bytes.
type Signature struct {
	KeyID string
	Sig   []byte
}

// PAE returns the DSSE v1 pre-authentication encoding of payloadType and
// payload, the message every signature is over.
func PAE(payloadType string, payload []byte) []byte {
	out := make([]byte, 0, len("DSSEv1")+len(payloadType)+len(payload)+48)
	out = append(out, "DSSEv1 "...)
	out = strconv.AppendInt(out, int64(len(payloadType)), 10)
	out = append(out, ' ')
	out = append(out, payloadType...)
	out = append(out, ' ')
	out = strconv.AppendInt(out, int64(len(payload)), 10)
	out = append(out, ' ')
	return append(out, payload...)
}

// New returns an unsigned envelope holding a copy of payload.
func New(payloadType string, payload []byte) *Envelope {
	return &Envelope{PayloadType: payloadType, Payload: bytes.Clone(payload), Signatures: []Signature{}}
}

// Sign returns an envelope over payload signed by every signer, in order.
func Sign(ctx context.Context, payloadType string, payload []byte, signers ...keys.Signer) (*Envelope, error) {
	if len(signers) == 0 {
		return nil, ErrNoSigner
	}
	e := New(payloadType, payload)
	for _, s := range signers {
		if err := e.AddSignature(ctx, s); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// AddSignature signs the envelope with s. A signature already present
// under s's key id is replaced, so signing twice with one key is
// idempotent. The new signature is checked against s.Key() before it is
// added.
func (e *Envelope) AddSignature(ctx context.Context, s keys.Signer) error {
	k := s.Key()
	pae := PAE(e.PayloadType, e.Payload)
	sig, err := s.Sign(ctx, pae)
	if err != nil {
		return fmt.Errorf("dsse: signing with key %s: %w", k.ShortID(), err)
	}
	if keys.MustVerify(s) { // signers from keys.NewSigner have verified it already
		if err := k.Verify(pae, sig); err != nil {
			return fmt.Errorf("dsse: the signature just made by key %s does not verify with its public key: %w", k.ShortID(), err)
		}
	}
	for i := range e.Signatures {
		if k.KeyID != "" && e.Signatures[i].KeyID == k.KeyID {
			e.Signatures[i].Sig = sig
			return nil
		}
	}
	e.Signatures = append(e.Signatures, Signature{KeyID: k.KeyID, Sig: sig})
	return nil
}

// envelopeJSON is the wire form, with the field order of the DSSE spec.
type envelopeJSON struct {
	PayloadType string          `json:"payloadType"`
	Payload     string          `json:"payload"`
	Signatures  []signatureJSON `json:"signatures"`
}

type signatureJSON struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// MarshalJSON writes the standard JSON envelope with standard (padded)
// base64, as go-securesystemslib and securesystemslib do.
func (e Envelope) MarshalJSON() ([]byte, error) {
	w := envelopeJSON{
		PayloadType: e.PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(e.Payload),
		Signatures:  make([]signatureJSON, len(e.Signatures)),
	}
	for i, s := range e.Signatures {
		w.Signatures[i] = signatureJSON{KeyID: s.KeyID, Sig: base64.StdEncoding.EncodeToString(s.Sig)}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// UnmarshalJSON decodes strictly with the default DecodeOptions.
func (e *Envelope) UnmarshalJSON(data []byte) error {
	got, err := Decode(data)
	if err != nil {
		return err
	}
	*e = *got
	return nil
}
