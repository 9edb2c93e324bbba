package intoto

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/signet-dev/signet/pkg/gpg"
	"github.com/signet-dev/signet/pkg/keys"
)

// Metadata types of the layout model.
const (
	TypeLayout     = "layout"
	TypeStep       = "step"
	TypeInspection = "inspection"
)

// ExpiresFormat is the only date format in-toto layouts use (UTC).
const ExpiresFormat = "2006-01-02T15:04:05Z"

// Layout defines a software supply chain: the steps to be performed, the
// functionaries (keys) allowed to perform them, and the inspections a
// verifier runs.
//
// Keys maps key ids to public keys. The reference writes RSA keys with
// `"private": ""` in their keyval; keys.KeyVal.PrivateEmpty keeps that, so
// a decoded layout re-encodes to the bytes that were signed.
type Layout struct {
	Type    string              `json:"_type"`
	Expires string              `json:"expires"`
	Readme  string              `json:"readme"`
	Keys    map[string]keys.Key `json:"keys"`
	Steps   []Step              `json:"steps"`
	Inspect []Inspection        `json:"inspect"`
	// GPGKeys are functionaries' GPG keys, in the layout's "keys" next to
	// Keys, in securesystemslib's GPG key form, filed under their
	// fingerprints.
	GPGKeys map[string]gpg.KeyDict `json:"-"`
}

// Step is one step of the supply chain, performed by Threshold distinct
// functionaries out of PubKeys.
type Step struct {
	Type              string     `json:"_type"`
	Name              string     `json:"name"`
	ExpectedMaterials [][]string `json:"expected_materials"`
	ExpectedProducts  [][]string `json:"expected_products"`
	PubKeys           []string   `json:"pubkeys"`
	ExpectedCommand   []string   `json:"expected_command"`
	Threshold         int        `json:"threshold"`
}

// Inspection is a command the verifier runs, with rules over what it
// reads and writes.
type Inspection struct {
	Type              string     `json:"_type"`
	Name              string     `json:"name"`
	ExpectedMaterials [][]string `json:"expected_materials"`
	ExpectedProducts  [][]string `json:"expected_products"`
	Run               []string   `json:"run"`
}

// NewLayout returns an empty layout that expires at expires.
func NewLayout(expires time.Time) *Layout {
	l := &Layout{Type: TypeLayout, Keys: map[string]keys.Key{}, Steps: []Step{}, Inspect: []Inspection{}}
	l.SetExpires(expires)
	return l
}

// SetExpires sets the expiry, in UTC, truncated to the second.
func (l *Layout) SetExpires(t time.Time) {
	l.Expires = t.UTC().Format(ExpiresFormat)
}

// ExpiresAt parses Expires.
func (l *Layout) ExpiresAt() (time.Time, error) {
	return parseExpires(l.Expires)
}

// Expired reports whether the layout has expired at now: the reference's
// rule is expires < now.
func (l *Layout) Expired(now time.Time) (bool, error) {
	t, err := l.ExpiresAt()
	if err != nil {
		return false, err
	}
	return t.Before(now), nil
}

// StepByName returns the step named name, or nil.
func (l *Layout) StepByName(name string) *Step {
	for i := range l.Steps {
		if l.Steps[i].Name == name {
			return &l.Steps[i]
		}
	}
	return nil
}

// InspectionByName returns the inspection named name, or nil.
func (l *Layout) InspectionByName(name string) *Inspection {
	for i := range l.Inspect {
		if l.Inspect[i].Name == name {
			return &l.Inspect[i]
		}
	}
	return nil
}

type (
	layoutJSON     Layout
	stepJSON       Step
	inspectionJSON Inspection
)

// MarshalJSON writes nil maps and slices as empty ones, and GPGKeys into
// "keys".
func (l Layout) MarshalJSON() ([]byte, error) {
	c := layoutJSON(l)
	c.Keys = orEmptyMap(c.Keys)
	c.Steps = orEmptySlice(c.Steps)
	c.Inspect = orEmptySlice(c.Inspect)
	if len(l.GPGKeys) == 0 {
		return json.Marshal(c)
	}
	all := make(map[string]any, len(c.Keys)+len(l.GPGKeys))
	for id, k := range c.Keys {
		all[id] = k
	}
	for id, k := range l.GPGKeys {
		all[id] = k
	}
	return json.Marshal(struct {
		layoutJSON
		Keys map[string]any `json:"keys"`
	}{c, all})
}

// HasKey reports whether the layout lists a key (or GPG subkey) with id.
func (l *Layout) HasKey(id string) bool {
	if _, ok := l.Keys[id]; ok {
		return true
	}
	_, ok := l.GPGKey(id)
	return ok
}

// GPGKey returns the GPG key that id names, itself or as one of its
// subkeys: the main key's dictionary.
func (l *Layout) GPGKey(id string) (gpg.KeyDict, bool) {
	if k, ok := l.GPGKeys[id]; ok {
		return k, true
	}
	for _, k := range l.GPGKeys {
		if _, ok := k.Subkeys[id]; ok {
			return k, true
		}
	}
	return gpg.KeyDict{}, false
}

// MarshalJSON writes nil slices as empty ones.
func (s Step) MarshalJSON() ([]byte, error) {
	c := stepJSON(s)
	c.ExpectedMaterials = emptyRules(c.ExpectedMaterials)
	c.ExpectedProducts = emptyRules(c.ExpectedProducts)
	c.PubKeys = orEmptySlice(c.PubKeys)
	c.ExpectedCommand = orEmptySlice(c.ExpectedCommand)
	return json.Marshal(c)
}

// MarshalJSON writes nil slices as empty ones.
func (i Inspection) MarshalJSON() ([]byte, error) {
	c := inspectionJSON(i)
	c.ExpectedMaterials = emptyRules(c.ExpectedMaterials)
	c.ExpectedProducts = emptyRules(c.ExpectedProducts)
	c.Run = orEmptySlice(c.Run)
	return json.Marshal(c)
}

func emptyRules(rules [][]string) [][]string {
	out := make([][]string, len(rules))
	for i, r := range rules {
		out[i] = orEmptySlice(r)
	}
	return out
}

// DecodeLayout strictly decodes a layout (the signed part, not a
// metablock) and validates it. Errors are *DecodeError or *ValidationError
// with the JSON path of the problem.
func DecodeLayout(data []byte) (*Layout, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	return decodeLayoutNode(root, "")
}

var (
	layoutFields     = []string{"_type", "expires", "readme", "keys", "steps", "inspect"}
	stepFields       = []string{"_type", "name", "expected_materials", "expected_products", "pubkeys", "expected_command", "threshold"}
	inspectionFields = []string{"_type", "name", "expected_materials", "expected_products", "run"}
)

func decodeLayoutNode(n *node, path string) (*Layout, error) {
	d := &decoder{}
	f := d.object(n, path, layoutFields...)
	l := &Layout{
		Type:    d.string(d.get(f, "_type", true), joinPath(path, "_type")),
		Expires: d.string(d.get(f, "expires", true), joinPath(path, "expires")),
		Readme:  d.string(d.get(f, "readme", true), joinPath(path, "readme")),
		Steps:   []Step{},
		Inspect: []Inspection{},
	}
	l.Keys, l.GPGKeys = d.keyMap(d.get(f, "keys", true), joinPath(path, "keys"))
	if steps := d.get(f, "steps", true); steps != nil {
		d.eachItem(steps, joinPath(path, "steps"), func(item *node, p string) {
			l.Steps = append(l.Steps, d.step(item, p))
		})
	}
	if insp := d.get(f, "inspect", true); insp != nil {
		d.eachItem(insp, joinPath(path, "inspect"), func(item *node, p string) {
			l.Inspect = append(l.Inspect, d.inspection(item, p))
		})
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := l.Validate(); err != nil {
		return nil, prefixPath(path, err)
	}
	return l, nil
}

func (d *decoder) step(n *node, path string) Step {
	f := d.object(n, path, stepFields...)
	return Step{
		Type:              d.string(d.get(f, "_type", true), path+"._type"),
		Name:              d.string(d.get(f, "name", true), path+".name"),
		ExpectedMaterials: d.ruleList(d.get(f, "expected_materials", true), path+".expected_materials"),
		ExpectedProducts:  d.ruleList(d.get(f, "expected_products", true), path+".expected_products"),
		PubKeys:           d.stringList(d.get(f, "pubkeys", true), path+".pubkeys"),
		ExpectedCommand:   d.stringList(d.get(f, "expected_command", true), path+".expected_command"),
		Threshold:         d.int(d.get(f, "threshold", true), path+".threshold"),
	}
}

func (d *decoder) inspection(n *node, path string) Inspection {
	f := d.object(n, path, inspectionFields...)
	return Inspection{
		Type:              d.string(d.get(f, "_type", true), path+"._type"),
		Name:              d.string(d.get(f, "name", true), path+".name"),
		ExpectedMaterials: d.ruleList(d.get(f, "expected_materials", true), path+".expected_materials"),
		ExpectedProducts:  d.ruleList(d.get(f, "expected_products", true), path+".expected_products"),
		Run:               d.stringList(d.get(f, "run", true), path+".run"),
	}
}

var (
	keyFields    = []string{"keyid", "keytype", "scheme", "keyid_hash_algorithms", "keyval"}
	keyvalFields = []string{"public", "private"}
)

// keyMap decodes the layout's keys: securesystemslib keys, and GPG keys
// (told apart by their "method" member).
func (d *decoder) keyMap(n *node, path string) (map[string]keys.Key, map[string]gpg.KeyDict) {
	if n == nil {
		return nil, nil
	}
	m := map[string]keys.Key{}
	var g map[string]gpg.KeyDict
	d.eachMember(n, path, func(id string, val *node, p string) {
		if !isGPGKeyNode(val) {
			m[id] = d.key(val, p)
			return
		}
		if g == nil {
			g = map[string]gpg.KeyDict{}
		}
		g[id] = d.gpgKey(val, p)
	})
	return m, g
}

func isGPGKeyNode(n *node) bool {
	if n.kind != kindObject {
		return false
	}
	for i := 0; i+1 < len(n.kids); i += 2 {
		if n.kids[i].str == "method" {
			return true
		}
	}
	return false
}

// gpgKey decodes a GPG key dictionary strictly.
func (d *decoder) gpgKey(n *node, path string) gpg.KeyDict {
	generic := d.genericObject(n, path)
	if d.err != nil {
		return gpg.KeyDict{}
	}
	data, err := json.Marshal(generic)
	if err != nil {
		d.fail(path, "cannot encode the GPG key: %v", err)
		return gpg.KeyDict{}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var k gpg.KeyDict
	if err := dec.Decode(&k); err != nil {
		d.fail(path, "not a GPG public key in securesystemslib form: %v", err)
		return gpg.KeyDict{}
	}
	if _, err := k.PublicKey(); err != nil {
		d.fail(path, "%v", err)
	}
	return k
}

// key decodes a public key in securesystemslib format.
func (d *decoder) key(n *node, path string) keys.Key {
	f := d.object(n, path, keyFields...)
	k := keys.Key{
		KeyID:   d.string(d.get(f, "keyid", true), path+".keyid"),
		KeyType: d.string(d.get(f, "keytype", true), path+".keytype"),
		Scheme:  d.string(d.get(f, "scheme", true), path+".scheme"),
	}
	if algs := d.get(f, "keyid_hash_algorithms", false); algs != nil {
		k.KeyIDHashAlgorithms = d.stringList(algs, path+".keyid_hash_algorithms")
		if d.err == nil && len(k.KeyIDHashAlgorithms) == 0 {
			// An empty list and no list are the same key to Signet but
			// different signed bytes; refuse the ambiguity.
			d.fail(path+".keyid_hash_algorithms", "must not be empty; leave the field out instead")
		}
	}
	kv := d.object(d.get(f, "keyval", true), path+".keyval", keyvalFields...)
	k.KeyVal.Public = d.string(d.get(kv, "public", true), path+".keyval.public")
	if priv := d.get(kv, "private", false); priv != nil {
		if d.string(priv, path+".keyval.private") != "" {
			d.fail(path+".keyval.private", "a layout must not contain private key material; use the public key")
		}
		k.KeyVal.PrivateEmpty = true
	}
	return k
}
