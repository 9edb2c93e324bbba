package vault

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/signet-dev/signet/internal/reftest"
	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/pkg/dsse"
)

// TestInteropReference: signatures made inside Vault, for every key type,
// verify with the reference's securesystemslib 0.26 (in-toto 1.3.1), which
// also computes the same key id; a signature over another message does
// not verify.
func TestInteropReference(t *testing.T) {
	needVault(t)
	reftest.Require(t)
	b := testBackend(t, nil)
	msg := dsse.PAE("application/vnd.in-toto+json", []byte(`{"_type":"link","name":"vault \u2713"}`))
	type item struct {
		Key  map[string]any `json:"key"`
		Sig  string         `json:"sig"`
		Data string         `json:"data"`
	}
	var items []item
	var ids []string
	for _, typ := range signingTypes {
		s := openSigner(t, b, sharedKey(t, typ), keystore.Options{})
		sig, err := s.Sign(t.Context(), msg)
		if err != nil {
			t.Fatalf("%s: Sign: %v", typ, err)
		}
		raw, err := json.Marshal(s.Key())
		if err != nil {
			t.Fatal(err)
		}
		var dict map[string]any
		if err := json.Unmarshal(raw, &dict); err != nil {
			t.Fatal(err)
		}
		items = append(items,
			item{Key: dict, Sig: hex.EncodeToString(sig), Data: hex.EncodeToString(msg)},
			item{Key: dict, Sig: hex.EncodeToString(sig), Data: hex.EncodeToString(append([]byte("x"), msg...))})
		ids = append(ids, s.Key().KeyID)
	}
	var out struct {
		Results []struct {
			OK    bool   `json:"ok"`
			KeyID string `json:"keyid"`
		} `json:"results"`
	}
	reftest.RunJSON(t, "testdata/verify.py", map[string]any{"items": items}, &out)
	if len(out.Results) != len(items) {
		t.Fatalf("%d results for %d items", len(out.Results), len(items))
	}
	for i, typ := range signingTypes {
		good, bad := out.Results[2*i], out.Results[2*i+1]
		if !good.OK {
			t.Errorf("%s: the reference rejects Vault's signature", typ)
		}
		if bad.OK {
			t.Errorf("%s: the reference accepts the signature over another message", typ)
		}
		if good.KeyID != ids[i] {
			t.Errorf("%s: key id %s, the reference computes %s", typ, ids[i], good.KeyID)
		}
	}
}
