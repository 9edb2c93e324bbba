package cli

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
)

func TestDecodePolicyFiles(t *testing.T) {
	tests := []struct {
		file string
		want api.Policy
	}{
		{"release-layout.yaml", api.Policy{Name: "release-layout", Kinds: []api.Kind{api.KindLayout}, Threshold: 2,
			// key ids of digits only stay strings
			Keys:       []string{strings.Repeat("1", 64), strings.Repeat("2", 64), strings.Repeat("3", 64)},
			Requesters: []string{"ci"}, RequestTTL: 72 * time.Hour,
			Condition: `request.layout.expires > request.now + duration("720h") && "build" in request.layout.steps`}},
		{"build.json", api.Policy{Name: "build", Kinds: []api.Kind{api.KindLink}, Keys: []string{"aaaa"}, Threshold: 1, StepName: "build",
			ExpectedCommand: []string{"make", "all"}, Requesters: []string{"ci"}, RequestTTL: time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "policy", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodePolicy(data)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want.Name || !slices.Equal(got.Kinds, tt.want.Kinds) || got.Threshold != tt.want.Threshold ||
				got.StepName != tt.want.StepName || !slices.Equal(got.ExpectedCommand, tt.want.ExpectedCommand) ||
				!slices.Equal(got.Requesters, tt.want.Requesters) || got.RequestTTL != tt.want.RequestTTL || got.Condition != tt.want.Condition {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if tt.want.Keys != nil && !slices.Equal(got.Keys, tt.want.Keys) {
				t.Errorf("keys %v, want %v", got.Keys, tt.want.Keys)
			}
		})
	}
}

func TestDecodePolicyRefuses(t *testing.T) {
	tests := []struct {
		name, doc string
	}{
		{"unknown field", "name: p\nthreshhold: 2\n"},
		{"duplicate key", "name: p\nname: q\n"},
		{"two documents", "name: p\n---\nname: q\n"},
		{"bad ttl", "name: p\nrequest_ttl: soon\n"},
		{"no name", "threshold: 1\n"},
		{"not a mapping", "- a\n- b\n"},
		{"wrong type", "name: p\nthreshold: two\n"},
		{"empty", ""},
		{"json trailing", `{"name":"p"} {"name":"q"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodePolicy([]byte(tt.doc)); !errors.Is(err, errPolicyFile) {
				t.Errorf("err = %v, want errPolicyFile", err)
			}
		})
	}
}

func FuzzDecodePolicy(f *testing.F) {
	for _, name := range []string{"release-layout.yaml", "build.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "policy", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("name: p\nrequest_ttl: 1h\nkinds: [a, b]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePolicy(data)
		if err == nil && p.Name == "" {
			t.Fatal("a policy without a name was accepted")
		}
		if err != nil && !errors.Is(err, errPolicyFile) {
			t.Fatalf("error does not wrap errPolicyFile: %v", err)
		}
	})
}
