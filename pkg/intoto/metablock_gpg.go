package intoto

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
)

// GPG signatures in metablocks: {"keyid": <fingerprint>, "other_headers":
// <hex>, "signature": <hex>}, as the reference's sign_gpg appends them.
// pkg/gpg makes them (by running gpg) and checks them; this file puts them
// into metablocks and finds the one to check. DSSE envelopes cannot carry
// them: the reference refuses GPG signing with DSSE too.

// SignatureFromGPG returns the metablock entry of a GPG signature.
func SignatureFromGPG(s gpg.Signature) Signature {
	return Signature{KeyID: s.KeyID, OtherHeaders: s.OtherHeaders, GPGSignature: s.Signature}
}

// GPG returns the fields of a GPG signature entry as pkg/gpg takes them.
func (s Signature) GPG() gpg.Signature {
	return gpg.Signature{KeyID: s.KeyID, OtherHeaders: s.OtherHeaders, Signature: s.GPGSignature}
}

// check reports a signature entry that would not decode again.
func (s Signature) check() error {
	bad := func(field, value string) error {
		return &ValidationError{Path: "signatures." + field, Msg: fmt.Sprintf("expected a hex string, got %q", clip(value))}
	}
	switch {
	case !isHex(s.KeyID):
		return bad("keyid", s.KeyID)
	case !s.IsGPG():
		if !isHex(s.Sig) {
			return bad("sig", s.Sig)
		}
		return nil
	case s.Sig != "":
		return &ValidationError{Path: "signatures.sig", Msg: "a GPG signature has no sig field"}
	case !isHex(s.OtherHeaders):
		return bad("other_headers", s.OtherHeaders)
	case !isHex(s.GPGSignature):
		return bad("signature", s.GPGSignature)
	case s.ShortKeyID != "" && !isHex(s.ShortKeyID):
		return bad("short_keyid", s.ShortKeyID)
	case len(s.Info) > 0 && !json.Valid(s.Info):
		return &ValidationError{Path: "signatures.info", Msg: "not valid JSON"}
	}
	return nil
}

// AddSignature records a signature made elsewhere (GPG, or a detached
// signature), replacing one already recorded under the same key id, as
// Sign does. The entry must be well-formed; it is not verified.
func (m *Metablock) AddSignature(sig Signature) error {
	if err := sig.check(); err != nil {
		return err
	}
	for i := range m.Signatures {
		if m.Signatures[i].KeyID == sig.KeyID {
			m.Signatures[i] = sig
			return nil
		}
	}
	m.Signatures = append(m.Signatures, sig)
	return nil
}

// VerifyGPGSignature checks that the gpg key k (or one of its subkeys)
// signed the metablock at time now. Like the reference it looks only at
// the first signature whose key id is the fingerprint of k or of one of
// its subkeys: none gives ErrNoSignature; a signature that is not a GPG
// one, or does not verify, an error wrapping gpg.ErrBadSignature; an
// expired or revoked key gpg.ErrKeyExpired or gpg.ErrKeyRevoked.
func (m *Metablock) VerifyGPGSignature(k *gpg.PublicKey, now time.Time) error {
	ids := map[string]bool{}
	for _, id := range k.KeyIDs() {
		ids[id] = true
	}
	for _, s := range m.Signatures {
		if !ids[s.KeyID] {
			continue
		}
		if !s.IsGPG() {
			return fmt.Errorf("%w: the signature under key id %s is not a GPG signature", gpg.ErrBadSignature, s.KeyID)
		}
		msg, err := m.CanonicalSigned()
		if err != nil {
			return err
		}
		return k.Verify(msg, s.GPG(), now)
	}
	return fmt.Errorf("%w %s", ErrNoSignature, k.Fingerprint)
}

// AddGPGSignature records a GPG signature over SignedBytes, replacing one
// under the same key id. DSSE envelopes cannot hold GPG signatures
// (ErrUnsupportedSignature).
func (d *Document) AddGPGSignature(sig gpg.Signature) error {
	if d.metablock == nil {
		return fmt.Errorf("%w: GPG signatures cannot go into a DSSE envelope (the reference does not support it either); "+
			"use the metablock format or a key file", ErrUnsupportedSignature)
	}
	return d.metablock.AddSignature(SignatureFromGPG(sig))
}

// VerifyGPGSignature checks that gpg key k signed the document (see
// Metablock.VerifyGPGSignature). DSSE envelopes hold no GPG signatures
// (ErrUnsupportedSignature).
func (d *Document) VerifyGPGSignature(k *gpg.PublicKey, now time.Time) error {
	if d.metablock == nil {
		return fmt.Errorf("%w: DSSE envelopes hold no GPG signatures", ErrUnsupportedSignature)
	}
	return d.metablock.VerifyGPGSignature(k, now)
}
