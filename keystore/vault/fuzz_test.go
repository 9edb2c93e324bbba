package vault

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseKeyInfo: any JSON Vault may send for transit/keys/NAME is
// parsed without panicking, and public keys decode or fail cleanly.
func FuzzParseKeyInfo(f *testing.F) {
	f.Add(`{"type":"ed25519","latest_version":1,"supports_signing":true,"keys":{"1":{"public_key":"T4GSSUKjWkd/YttNOJemk9kMLvAMNRBznPiE0rQpX94="}}}`)
	f.Add(`{"type":"ecdsa-p256","latest_version":1,"keys":{"1":{"public_key":"-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"}}}`)
	f.Add(`{"type":"aes256-gcm96","latest_version":1.5,"keys":{"1":1}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		if d.Decode(&m) != nil {
			return
		}
		ki, err := parseKeyInfo(m)
		if err != nil {
			return
		}
		_ = ki.checkSigning("u")
		for v := range ki.public {
			if _, err := ki.pickVersion("u", v); err == nil {
				_, _ = ki.publicKey(v)
			}
		}
	})
}

// FuzzParseSignResult: transit's sign answers are decoded and their
// signatures parsed without panicking; a result is either a non-empty
// signature or an error.
func FuzzParseSignResult(f *testing.F) {
	f.Add([]byte(`{"data":{"batch_results":[{"signature":"vault:v1:AQID"}]}}`))
	f.Add([]byte(`{"data":{"batch_results":[{"signature":"vault:v1:","error":"boom"}]}}`))
	f.Add([]byte(`{"data":{"batch_results":[{"signature":"vault:v10:AQID"},{"error":"x"}]}}`))
	f.Add([]byte(`{"data":{"batch_results":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var resp signResponse
		if json.Unmarshal(data, &resp) != nil {
			return
		}
		for _, r := range resp.Data.BatchResults {
			res := parseSignResult(r.Signature, r.Error, 1, "p")
			if (res.err == nil) == (len(res.sig) == 0) {
				t.Fatalf("result %x, %v: want exactly one of signature and error", res.sig, res.err)
			}
		}
	})
}
