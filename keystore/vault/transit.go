package vault

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/keys"
)

// Transit key types this package signs with. ecdsa-p521 is left out on
// purpose: the reference (in-toto 1.3.1, securesystemslib 0.26) cannot
// verify ecdsa-sha2-nistp521 signatures.
var signingTypes = []string{"ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-3072", "rsa-4096"}

// keyInfo is what transit/keys/NAME says about a key.
type keyInfo struct {
	typ             string
	latest          int
	minEncryption   int
	supportsSigning bool
	public          map[int]string // version -> public_key
}

// readKey reads the key's metadata; a missing key gives ErrKeyNotFound
// with the names of the keys in the mount, when the token may list them.
func (c *client) readKey(ctx context.Context) (keyInfo, error) {
	data, err := c.read(ctx, c.keyPath(), "read")
	if err != nil {
		return keyInfo{}, err
	}
	if data == nil {
		return keyInfo{}, c.notFound(ctx)
	}
	return parseKeyInfo(data)
}

func (c *client) notFound(ctx context.Context) error {
	base := fmt.Errorf("%w: Vault at %s has no transit key %q in mount %q", keystore.ErrKeyNotFound, c.addr, c.name, c.mount)
	names, err := c.list(ctx, c.mount+"/keys")
	switch {
	case err != nil:
		return fmt.Errorf("%w (listing the mount's keys needs the \"list\" capability on %s/keys)", base, c.mount)
	case len(names) == 0:
		return fmt.Errorf("%w; the mount has no keys or does not exist (a transit mount is needed): create a key with signet key generate hashivault://%s/%s --type ed25519",
			base, c.mount, c.name)
	case len(names) > 20:
		names = append(names[:20], "...")
	}
	return fmt.Errorf("%w; keys in the mount: %s", base, strings.Join(names, ", "))
}

func parseKeyInfo(data map[string]any) (keyInfo, error) {
	ki := keyInfo{public: map[int]string{}}
	ki.typ, _ = data["type"].(string)
	ki.supportsSigning, _ = data["supports_signing"].(bool)
	var err error
	if ki.latest, err = intField(data, "latest_version"); err != nil {
		return ki, err
	}
	if ki.minEncryption, err = intField(data, "min_encryption_version"); err != nil {
		return ki, err
	}
	versions, _ := data["keys"].(map[string]any)
	for v, raw := range versions {
		n, err := strconv.Atoi(v)
		entry, ok := raw.(map[string]any)
		if err != nil || !ok {
			continue // symmetric keys list creation times only
		}
		if pk, ok := entry["public_key"].(string); ok && pk != "" {
			ki.public[n] = pk
		}
	}
	return ki, nil
}

func intField(data map[string]any, name string) (int, error) {
	switch v := data[name].(type) {
	case json.Number:
		n, err := strconv.Atoi(v.String())
		if err == nil && n >= 0 {
			return n, nil
		}
	case float64:
		if v >= 0 && v == float64(int(v)) {
			return int(v), nil
		}
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("%w: field %q of the key is not a version number", ErrVault, name)
}

// checkSigning refuses keys in-toto cannot use.
func (ki keyInfo) checkSigning(uri string) error {
	if ki.typ == "ecdsa-p521" {
		return fmt.Errorf("%w: %s is an ecdsa-p521 key; in-toto 1.3.1 cannot verify ecdsa-sha2-nistp521 signatures: "+
			"use an ecdsa-p384, ecdsa-p256, ed25519 or rsa key", ErrUnsupportedKey, uri)
	}
	if !slices.Contains(signingTypes, ki.typ) || !ki.supportsSigning {
		return fmt.Errorf("%w: %s is a %q key; in-toto needs a signing key of type %s", ErrUnsupportedKey,
			uri, ki.typ, strings.Join(signingTypes, ", "))
	}
	return nil
}

// pickVersion returns want, or the latest version when want is 0, after
// checking that Vault can sign with it.
func (ki keyInfo) pickVersion(uri string, want int) (int, error) {
	v := want
	if v == 0 {
		v = ki.latest
	}
	if _, ok := ki.public[v]; !ok || v < ki.minEncryption || v > ki.latest {
		return 0, fmt.Errorf("%w: %w: %s: version %d does not exist or may not sign (latest %d, min_encryption_version %d)",
			keystore.ErrKeyNotFound, ErrVersionNotFound, uri, v, ki.latest, ki.minEncryption)
	}
	return v, nil
}

// publicKey decodes the public key of version v and checks it fits the
// key type.
func (ki keyInfo) publicKey(v int) (crypto.PublicKey, error) {
	raw := ki.public[v]
	if ki.typ == "ed25519" {
		b, err := base64.StdEncoding.DecodeString(raw)
		if err != nil || len(b) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: version %d: ed25519 public key is not 32 base64-encoded bytes", ErrVault, v)
		}
		return ed25519.PublicKey(b), nil
	}
	block, _ := pem.Decode([]byte(raw))
	if block == nil {
		return nil, fmt.Errorf("%w: version %d: public key is not PEM", ErrVault, v)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: version %d: public key: %w", ErrVault, v, err)
	}
	if !fitsType(pub, ki.typ) {
		return nil, fmt.Errorf("%w: version %d: public key %T does not fit key type %s", ErrVault, v, pub, ki.typ)
	}
	return pub, nil
}

func fitsType(pub crypto.PublicKey, typ string) bool {
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		return "ecdsa-p"+strings.TrimPrefix(p.Curve.Params().Name, "P-") == typ
	case *rsa.PublicKey:
		return "rsa-"+strconv.Itoa(p.N.BitLen()) == typ
	}
	return false
}

// signParams are the transit sign arguments for one in-toto scheme.
type signParams struct {
	hash   string // sha2-256 ...; "" for ed25519 (whole message)
	sigAlg string // rsa: pss or pkcs1v15
}

// paramsFor maps an in-toto scheme to transit's arguments.
func paramsFor(scheme string) (signParams, crypto.Hash, error) {
	hashes := map[string]crypto.Hash{"sha224": crypto.SHA224, "sha256": crypto.SHA256, "sha384": crypto.SHA384, "sha512": crypto.SHA512}
	switch {
	case scheme == keys.SchemeED25519:
		return signParams{}, 0, nil
	case strings.HasPrefix(scheme, "ecdsa-sha2-nistp"):
		h := map[string]crypto.Hash{keys.SchemeECDSAP256: crypto.SHA256, keys.SchemeECDSAP384: crypto.SHA384, keys.SchemeECDSAP521: crypto.SHA512}[scheme]
		if h == 0 {
			break
		}
		return signParams{hash: hashName(h)}, h, nil
	case strings.HasPrefix(scheme, "rsassa-pss-"), strings.HasPrefix(scheme, "rsa-pkcs1v15-"):
		alg, hn, _ := strings.Cut(strings.TrimPrefix(scheme, "rsassa-"), "-")
		if alg == "rsa" {
			alg, hn, _ = strings.Cut(strings.TrimPrefix(scheme, "rsa-"), "-")
		}
		if h, ok := hashes[hn]; ok {
			return signParams{hash: hashName(h), sigAlg: alg}, h, nil
		}
	}
	return signParams{}, 0, fmt.Errorf("%w: scheme %q cannot be signed with Vault transit", keys.ErrUnsupportedScheme, scheme)
}

func hashName(h crypto.Hash) string {
	return "sha2-" + strconv.Itoa(h.Size()*8)
}

// signResult is the outcome for one input of a sign request.
type signResult struct {
	sig []byte
	err error
}

// signRequest is the body of POST MOUNT/sign/NAME: typed, so that the
// hot path neither builds nor decodes generic maps.
type signRequest struct {
	BatchInput          []signInput `json:"batch_input"`
	KeyVersion          int         `json:"key_version"`
	HashAlgorithm       string      `json:"hash_algorithm,omitempty"`
	Prehashed           bool        `json:"prehashed,omitempty"`
	MarshalingAlgorithm string      `json:"marshaling_algorithm,omitempty"`
	SignatureAlgorithm  string      `json:"signature_algorithm,omitempty"`
	SaltLength          string      `json:"salt_length,omitempty"`
}

type signInput struct {
	Input string `json:"input"`
}

// signResponse is the part of transit's answer the signer reads.
type signResponse struct {
	Data struct {
		BatchResults []struct {
			Signature string `json:"signature"`
			Error     string `json:"error"`
		} `json:"batch_results"`
	} `json:"data"`
}

// sign signs inputs (digests, or whole messages for ed25519) with key
// version v in one batch_input request. A lone input goes as a batch of
// one too: Vault's plain "input" form is 3 points of overhead cheaper, but
// it answers some refusals (a retired key version) with a 500, which
// reads as "unavailable, retry", where a batch reports them per item
// (TestRotationPinsVersions).
func (c *client) sign(ctx context.Context, v int, p signParams, inputs [][]byte) ([]signResult, error) {
	body := signRequest{BatchInput: make([]signInput, len(inputs)), KeyVersion: v, SignatureAlgorithm: p.sigAlg}
	for i, in := range inputs {
		body.BatchInput[i].Input = base64.StdEncoding.EncodeToString(in)
	}
	if p.hash != "" {
		body.HashAlgorithm, body.Prehashed, body.MarshalingAlgorithm = p.hash, true, "asn1"
	}
	if p.sigAlg == "pss" {
		body.SaltLength = "hash" // in-toto: salt as long as the hash
	}
	path := c.mount + "/sign/" + c.name
	var resp signResponse
	if err := c.post(ctx, path, "update", body, &resp); err != nil {
		return nil, err
	}
	results := resp.Data.BatchResults
	if len(results) != len(inputs) {
		return nil, fmt.Errorf("%w: %s: %d batch results for %d inputs", ErrVault, path, len(results), len(inputs))
	}
	out := make([]signResult, len(inputs))
	for i, r := range results {
		out[i] = parseSignResult(r.Signature, r.Error, v, path)
	}
	return out, nil
}

func parseSignResult(s, msg string, v int, path string) signResult {
	if msg != "" {
		return signResult{err: fmt.Errorf("%w: %s: %s", ErrVault, path, msg)}
	}
	prefix := "vault:v" + strconv.Itoa(v) + ":"
	b64, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return signResult{err: fmt.Errorf("%w: %s: signature is not of the form %s<base64> (key version not pinned?)", ErrVault, path, prefix)}
	}
	sig, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(sig) == 0 {
		return signResult{err: fmt.Errorf("%w: %s: signature is not base64", ErrVault, path)}
	}
	return signResult{sig: sig}
}
