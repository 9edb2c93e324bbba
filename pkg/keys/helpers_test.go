package keys

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// fixture is what the reference said about one file in testdata (see
// testdata/gen_fixtures.py).
type fixture struct {
	Kind        string `json:"kind"`
	Password    string `json:"password"`
	KeyID       string `json:"keyid"`
	KeyType     string `json:"keytype"`
	Scheme      string `json:"scheme"`
	Public      string `json:"public"`
	ModernKeyID string `json:"modern_keyid"`
	Sig         string `json:"sig"`
}

type fixtureSet struct {
	MessageHex string             `json:"message_hex"`
	Files      map[string]fixture `json:"files"`
}

func loadFixtures(t testing.TB) (fixtureSet, []byte) {
	t.Helper()
	var fs fixtureSet
	if err := json.Unmarshal(readTestdata(t, "fixtures.json"), &fs); err != nil {
		t.Fatalf("fixtures.json: %v", err)
	}
	msg, err := hex.DecodeString(fs.MessageHex)
	if err != nil || len(fs.Files) == 0 {
		t.Fatalf("fixtures.json: bad message or no files (%v)", err)
	}
	return fs, msg
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const fixturePassword = "correct horse battery staple"
