package vault

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/keystoretest"
)

// benchMsg is about the size of a small link's canonical bytes.
var benchMsg = bytes.Repeat([]byte(`{"_type":"link"}`), 64)

// rawSigner signs with plain net/http POSTs to transit/sign, the way a
// client without Signet would: the baseline for Signet's overhead.
type rawSigner struct {
	hc   *http.Client
	url  string
	body func(msg []byte) map[string]any
}

func newRawSigner(uri, typ string) *rawSigner {
	name := strings.TrimPrefix(uri, "hashivault://transit/")
	body := func(msg []byte) map[string]any {
		return map[string]any{"input": base64.StdEncoding.EncodeToString(msg), "key_version": 1}
	}
	switch {
	case typ == "ecdsa-p256", strings.HasPrefix(typ, "rsa-"):
		body = func(msg []byte) map[string]any {
			d := sha256.Sum256(msg)
			m := map[string]any{"input": base64.StdEncoding.EncodeToString(d[:]), "key_version": 1,
				"prehashed": true, "hash_algorithm": "sha2-256"}
			if typ != "ecdsa-p256" {
				m["signature_algorithm"], m["salt_length"] = "pss", "hash"
			}
			return m
		}
	case typ == "ecdsa-p384":
		body = func(msg []byte) map[string]any {
			d := sha512.Sum384(msg)
			return map[string]any{"input": base64.StdEncoding.EncodeToString(d[:]), "key_version": 1,
				"prehashed": true, "hash_algorithm": "sha2-384"}
		}
	}
	return &rawSigner{hc: &http.Client{}, url: testVault.addr + "/v1/transit/sign/" + name, body: body}
}

func (r *rawSigner) sign(ctx context.Context, msg []byte) error {
	_, err := r.postSig(ctx, r.body(msg))
	return err
}

// signature signs msg with a plain request and returns the raw signature.
func (r *rawSigner) signature(ctx context.Context, msg []byte) ([]byte, error) {
	sig, err := r.postSig(ctx, r.body(msg))
	if err != nil {
		return nil, err
	}
	_, b64, _ := strings.Cut(strings.TrimPrefix(sig, "vault:"), ":")
	return base64.StdEncoding.DecodeString(b64)
}

// signBatch sends msgs in one batch_input request, without verifying.
func (r *rawSigner) signBatch(ctx context.Context, msgs [][]byte) error {
	var body map[string]any
	items := make([]map[string]any, len(msgs))
	for i, m := range msgs {
		body = r.body(m)
		items[i] = map[string]any{"input": body["input"]}
	}
	delete(body, "input")
	body["batch_input"] = items
	return r.post(ctx, body)
}

func (r *rawSigner) post(ctx context.Context, body map[string]any) error {
	_, err := r.postSig(ctx, body)
	return err
}

// postSig sends one sign request and returns the signature ("vault:v1:...";
// "" for a batch).
func (r *rawSigner) postSig(ctx context.Context, body map[string]any) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("X-Vault-Token", testVault.token)
	resp, err := r.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Signature    string `json:"signature"`
			BatchResults []struct {
				Signature string `json:"signature"`
			} `json:"batch_results"`
		} `json:"data"`
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&out)
	if err != nil || (out.Data.Signature == "" && len(out.Data.BatchResults) == 0) {
		return "", fmt.Errorf("raw sign: status %d: %v", resp.StatusCode, err)
	}
	return out.Data.Signature, nil
}

// BenchmarkSign compares Signet (vault/api, batcher, verification) with
// plain HTTP requests for the same key in the same run.
func BenchmarkSign(b *testing.B) {
	needVault(b)
	for _, typ := range []string{"ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-4096"} {
		uri := sharedKey(b, typ)
		b.Run(typ+"/signet", func(b *testing.B) {
			s := openBenchSigner(b, uri)
			defer s.Close()
			for b.Loop() {
				if _, err := s.Sign(context.Background(), benchMsg); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, 1)
		})
		b.Run(typ+"/raw-http", func(b *testing.B) {
			r := newRawSigner(uri, typ)
			for b.Loop() {
				if err := r.sign(context.Background(), benchMsg); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, 1)
		})
		b.Run(typ+"/raw-http+verify", func(b *testing.B) {
			s := openBenchSigner(b, uri)
			k := s.Key()
			s.Close()
			r := newRawSigner(uri, typ)
			for b.Loop() {
				sig, err := r.signature(context.Background(), benchMsg)
				if err == nil {
					err = k.Verify(benchMsg, sig)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, 1)
		})
	}
}

// BenchmarkBatch signs 64 messages per operation: one request each
// (sequential Sign), SignBatch, and for reference one plain-HTTP
// batch_input request without verification (raw-batch).
func BenchmarkBatch(b *testing.B) {
	needVault(b)
	const n = 64
	msgs := batchMsgs(n)
	for _, typ := range []string{"ed25519", "ecdsa-p256"} {
		uri := sharedKey(b, typ)
		s := openBenchSigner(b, uri)
		b.Run(typ+"/per-request", func(b *testing.B) {
			for b.Loop() {
				if err := signEach(context.Background(), s, msgs); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, n)
		})
		b.Run(typ+"/raw-batch", func(b *testing.B) {
			r := newRawSigner(uri, typ)
			for b.Loop() {
				if err := r.signBatch(context.Background(), msgs); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, n)
		})
		b.Run(typ+"/batch", func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SignBatch(context.Background(), msgs); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, n)
		})
		_ = s.Close()
	}
}

func reportRate(b *testing.B, perOp int) {
	if el := b.Elapsed(); el > 0 {
		b.ReportMetric(float64(b.N*perOp)/el.Seconds(), "sigs/s")
	}
}

// BenchmarkSignAlternating is BenchmarkSign's comparison with the two
// sides in turns: Signet's Sign against a plain HTTP request plus the
// same verification, reported as overhead-% (Signet's time over the
// plain client's, minus one).
func BenchmarkSignAlternating(b *testing.B) {
	needVault(b)
	for _, typ := range []string{"ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-2048"} {
		uri := sharedKey(b, typ)
		b.Run(typ, func(b *testing.B) {
			s := openBenchSigner(b, uri)
			defer s.Close()
			r := newRawSigner(uri, typ)
			keystoretest.CompareSign(b, s, func(msg []byte) ([]byte, error) {
				return r.signature(context.Background(), msg)
			}, benchMsg)
		})
	}
}

// BenchmarkBatchAlternating is BenchmarkBatch's comparison in turns: 64
// messages signed one request at a time against the same 64 in one
// SignBatch, reported as the batch's speed-up.
func BenchmarkBatchAlternating(b *testing.B) {
	needVault(b)
	const n = 64
	msgs := batchMsgs(n)
	for _, typ := range []string{"ed25519", "ecdsa-p256"} {
		uri := sharedKey(b, typ)
		b.Run(typ, func(b *testing.B) {
			s := openBenchSigner(b, uri)
			defer s.Close()
			ctx := context.Background()
			one, batch := keystoretest.Alternate(b,
				func() error { return signEach(ctx, s, msgs) },
				func() error { _, err := s.SignBatch(ctx, msgs); return err })
			b.ReportMetric(n/one.Seconds(), "per-request-sigs/s")
			b.ReportMetric(n/batch.Seconds(), "batch-sigs/s")
			b.ReportMetric(float64(one)/float64(batch), "batch-speedup-x")
		})
	}
}

// signEach signs msgs one request at a time: the per-request rate that
// batches are compared with.
func signEach(ctx context.Context, s *Signer, msgs [][]byte) error {
	for _, m := range msgs {
		if _, err := s.Sign(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// batchMsgs returns n distinct messages of about benchMsg's size.
func batchMsgs(n int) [][]byte {
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = fmt.Appendf(bytes.Clone(benchMsg), "%d", i)
	}
	return msgs
}

// openBenchSigner opens the Vault signer for uri with the test backend.
func openBenchSigner(b *testing.B, uri string) *Signer {
	b.Helper()
	s, err := testBackend(b, nil).OpenSigner(context.Background(), mustURI(b, uri), keystore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return s
}
