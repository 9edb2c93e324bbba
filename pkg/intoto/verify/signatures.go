package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// owners are the keys a layout's signatures are checked with.
type owners struct {
	keys []keys.Key
	gpg  []*gpg.PublicKey
	// threshold is the number of distinct keys that must have signed; 0
	// means all of them.
	threshold int
}

// signatures checks the owners' signatures on the layout and fills
// rep.Signatures.
func (v *verifier) signatures(doc *intoto.Document, o owners, rep *Report) *Error {
	seen := map[string]string{} // public key fingerprint -> first key id
	distinct, valid := 0, 0
	var bad []string
	check := func(id, fp string, verify func() error) {
		if first, dup := seen[fp]; dup && fp != "" {
			rep.Signatures = append(rep.Signatures, SignatureCheck{KeyID: id, Status: StatusDuplicate,
				Detail: fmt.Sprintf("same public key as %s; counted once", first)})
			return
		}
		seen[fp] = id
		distinct++
		c := SignatureCheck{KeyID: id, Status: StatusValid}
		if err := verify(); err != nil {
			c.Status, c.Detail = signatureStatus(err), err.Error()
			bad = append(bad, fmt.Sprintf("%s: %s", shortID(id), c.Detail))
		} else {
			valid++
		}
		rep.Signatures = append(rep.Signatures, c)
	}
	for _, k := range o.keys {
		fp, err := k.Fingerprint()
		if err != nil {
			fp = "keyid:" + k.KeyID
		}
		check(k.KeyID, fp, func() error { return verifyOwnerKey(doc, k) })
	}
	for _, g := range o.gpg {
		check(g.Fingerprint, "gpg:"+g.Fingerprint, func() error { return doc.VerifyGPGSignature(g, v.opts.Now) })
	}
	need := o.threshold
	if need == 0 {
		need = distinct
	}
	rep.LayoutThreshold = need
	if valid >= need {
		return nil
	}
	e := fail(StageSignatures, "", ErrLayoutSignature, "%d of %d required owner signature(s) verified: %s",
		valid, need, strings.Join(bad, "; "))
	e.Hint = "check that --layout-keys/--gpg name the keys that signed this layout " +
		"(in-toto-sign --verify shows which keys did), or re-sign the layout"
	if o.threshold == 0 && len(seen) > 1 {
		e.Hint += "; --layout-threshold M accepts M of the given keys"
	}
	return e
}

func signatureStatus(err error) string {
	if errors.Is(err, intoto.ErrNoSignature) {
		return StatusMissing
	}
	return StatusInvalid
}

// verifyOwnerKey checks k's signature on doc. A metablock signature is
// looked up by key id; when there is none under k's id, the id the same
// public key has in the other key-id dialect (ADR 0002) is tried, so a
// PEM key file verifies a layout signed with a securesystemslib key file.
func verifyOwnerKey(doc *intoto.Document, k keys.Key) error {
	err := doc.VerifySignature(k)
	if err == nil || !errors.Is(err, intoto.ErrNoSignature) {
		return err
	}
	alt, aerr := otherDialect(k)
	if aerr != nil || alt.KeyID == k.KeyID {
		return err
	}
	if err2 := doc.VerifySignature(alt); err2 == nil || !errors.Is(err2, intoto.ErrNoSignature) {
		return err2
	}
	return fmt.Errorf("%w (the layout is signed by %s)", err, strings.Join(shortIDs(doc.KeyIDs()), ", "))
}

// otherDialect returns k with the key id of the other dialect.
func otherDialect(k keys.Key) (keys.Key, error) {
	pub, err := k.PublicKey()
	if err != nil {
		return keys.Key{}, err
	}
	d := keys.DialectModern
	if k.Dialect() == keys.DialectModern {
		d = keys.DialectLegacy
	}
	return keys.NewKeyWithOptions(pub, keys.KeyOptions{Scheme: k.Scheme, Dialect: d})
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func shortIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = shortID(id)
	}
	if len(out) == 0 {
		return []string{"no key"}
	}
	return out
}
