package dsse

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"testing"

	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/secure-systems-lab/go-securesystemslib/signerverifier"

	"github.com/signet-dev/signet/pkg/keys"
)

// sslibVerifier builds a go-securesystemslib verifier for a Signet key.
func sslibVerifier(t *testing.T, k keys.Key) ssldsse.Verifier {
	t.Helper()
	data, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	var sk signerverifier.SSLibKey
	if err := json.Unmarshal(data, &sk); err != nil {
		t.Fatal(err)
	}
	var v ssldsse.Verifier
	switch k.KeyType {
	case keys.KeyTypeED25519:
		v, err = signerverifier.NewED25519SignerVerifierFromSSLibKey(&sk)
	case keys.KeyTypeECDSA:
		v, err = signerverifier.NewECDSASignerVerifierFromSSLibKey(&sk)
	case keys.KeyTypeRSA:
		v, err = signerverifier.NewRSAPSSSignerVerifierFromSSLibKey(&sk)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func rsaSigner(t *testing.T) keys.Signer {
	t.Helper()
	priv, err := keys.GenerateKey(keys.KeyTypeRSA, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := priv.(*rsa.PrivateKey); !ok {
		t.Fatalf("GenerateKey(rsa) returned %T", priv)
	}
	s, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSignetEnvelopeVerifiesInSecureSystemsLib: an envelope signed by
// Signet with three key types passes go-securesystemslib's verifier with a
// threshold of three.
func TestSignetEnvelopeVerifiesInSecureSystemsLib(t *testing.T) {
	signers := []keys.Signer{ed25519Signer(t, 7), ecdsaSigner(t), rsaSigner(t)}
	e, err := Sign(context.Background(), PayloadTypeInToto, []byte(`{"_type":"link"}`), signers...)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var theirs ssldsse.Envelope
	if err := json.Unmarshal(data, &theirs); err != nil {
		t.Fatal(err)
	}
	verifiers := make([]ssldsse.Verifier, len(signers))
	for i, s := range signers {
		verifiers[i] = sslibVerifier(t, s.Key())
	}
	ev, err := ssldsse.NewMultiEnvelopeVerifier(3, verifiers...)
	if err != nil {
		t.Fatal(err)
	}
	accepted, err := ev.Verify(context.Background(), &theirs)
	if err != nil || len(accepted) != 3 {
		t.Fatalf("go-securesystemslib Verify = %d keys, %v", len(accepted), err)
	}
	if got := ssldsse.PAE(e.PayloadType, e.Payload); string(got) != string(PAE(e.PayloadType, e.Payload)) {
		t.Fatal("PAE differs from go-securesystemslib's")
	}
}

// TestSecureSystemsLibEnvelopeVerifiesInSignet: the other direction.
func TestSecureSystemsLibEnvelopeVerifiesInSignet(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := priv.Public().(ed25519.PublicKey)
	sk := &signerverifier.SSLibKey{
		KeyType: "ed25519", Scheme: "ed25519", KeyIDHashAlgorithms: []string{"sha256", "sha512"},
		KeyVal: signerverifier.KeyVal{Public: hex.EncodeToString(pub), Private: hex.EncodeToString(priv.Seed())},
	}
	ours, err := keys.NewKey(pub, "")
	if err != nil {
		t.Fatal(err)
	}
	sk.KeyID = ours.KeyID
	sv, err := signerverifier.NewED25519SignerVerifierFromSSLibKey(sk)
	if err != nil {
		t.Fatal(err)
	}
	es, err := ssldsse.NewEnvelopeSigner(sv)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := es.SignPayload(context.Background(), PayloadTypeInToto, []byte(`{"_type":"link"}`))
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(theirs)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Verify(e, []keys.Key{ours}, 1); err != nil || len(got) != 1 {
		t.Fatalf("Verify = %v, %v", got, err)
	}
}
