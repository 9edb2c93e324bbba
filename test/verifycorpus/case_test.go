package verifycorpus

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeCase(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Case
		wantErr error
	}{
		{name: "minimal", in: `{"args":["-l","root.layout"],"reference_exit":0,"signet_exit":0,"why":"w"}`,
			want: Case{Args: []string{"-l", "root.layout"}, Why: "w"}},
		{name: "deviation", in: `{"args":["a"],"reference_exit":0,"signet_exit":1,"why":"w","deviation":"d"}`,
			want: Case{Args: []string{"a"}, SignetExit: 1, Why: "w", Deviation: "d"}},
		{name: "signet only", in: `{"args":["a"],"reference_exit":2,"signet_exit":0,"signet_only":true,"why":"w","deviation":"d"}`,
			want: Case{Args: []string{"a"}, ReferenceExit: 2, SignetOnly: true, Why: "w", Deviation: "d"}},
		{name: "reference error", in: `{"args":["a"],"reference_exit":1,"signet_exit":1,"reference_error":"LinkNotFoundError","why":"w"}`,
			want: Case{Args: []string{"a"}, ReferenceExit: 1, SignetExit: 1, ReferenceError: "LinkNotFoundError", Why: "w"}},
		{name: "not json", in: `{"args":`, wantErr: ErrMalformedCase},
		{name: "unknown field", in: `{"args":["a"],"reference_exit":0,"signet_exit":0,"why":"w","extra":1}`, wantErr: ErrMalformedCase},
		{name: "trailing data", in: `{"args":["a"],"reference_exit":0,"signet_exit":0,"why":"w"} {}`, wantErr: ErrMalformedCase},
		{name: "wrong type", in: `{"args":"a","reference_exit":0,"signet_exit":0,"why":"w"}`, wantErr: ErrMalformedCase},
		{name: "too large", in: `{"args":["` + strings.Repeat("a", maxCaseSize) + `"]}`, wantErr: ErrMalformedCase},
		{name: "no args", in: `{"args":[],"reference_exit":0,"signet_exit":0,"why":"w"}`, wantErr: ErrInvalidCase},
		{name: "exit out of range", in: `{"args":["a"],"reference_exit":3,"signet_exit":0,"why":"w"}`, wantErr: ErrInvalidCase},
		{name: "negative signet exit", in: `{"args":["a"],"reference_exit":0,"signet_exit":-1,"why":"w"}`, wantErr: ErrInvalidCase},
		{name: "no why", in: `{"args":["a"],"reference_exit":0,"signet_exit":0,"why":" "}`, wantErr: ErrInvalidCase},
		{name: "difference without deviation", in: `{"args":["a"],"reference_exit":0,"signet_exit":1,"why":"w"}`, wantErr: ErrInvalidCase},
		{name: "deviation without difference", in: `{"args":["a"],"reference_exit":1,"signet_exit":1,"why":"w","deviation":"d"}`, wantErr: ErrInvalidCase},
		{name: "signet only needs usage error", in: `{"args":["a"],"reference_exit":1,"signet_exit":0,"signet_only":true,"why":"w","deviation":"d"}`, wantErr: ErrInvalidCase},
		{name: "reference error on success", in: `{"args":["a"],"reference_exit":0,"signet_exit":0,"reference_error":"X","why":"w"}`, wantErr: ErrInvalidCase},
		{name: "absolute path", in: `{"args":["/etc/passwd"],"reference_exit":0,"signet_exit":0,"why":"w"}`, wantErr: ErrInvalidCase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeCase([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("DecodeCase error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("DecodeCase = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	c := Case{Args: []string{"--layout", "root.layout"}, ReferenceExit: 1, SignetExit: 1, ReferenceError: "E", Why: "w"}
	data, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeCase(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip = %+v, want %+v", back, c)
	}
	if _, err := (Case{}).Encode(); !errors.Is(err, ErrInvalidCase) {
		t.Fatalf("Encode of an empty case: error = %v, want ErrInvalidCase", err)
	}
}

func TestLoadNamesBrokenScenario(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "broken")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CaseFile), []byte(`{"args":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(root)
	if !errors.Is(err, ErrInvalidCase) || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("Load error = %v, want ErrInvalidCase naming the scenario", err)
	}
}

func TestCopyTreeSkipsCase(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	for _, f := range []string{CaseFile, "root.layout", "sub/x.link"} {
		p := filepath.Join(src, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := CopyTree(src, dst, SkipCase); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, CaseFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("case.json was copied (stat error %v)", err)
	}
	data, err := os.ReadFile(filepath.Join(dst, "sub", "x.link"))
	if err != nil || string(data) != "sub/x.link" {
		t.Errorf("sub/x.link = %q, %v", data, err)
	}
}

func FuzzDecodeCase(f *testing.F) {
	f.Add([]byte(`{"args":["-l","root.layout"],"reference_exit":0,"signet_exit":0,"why":"w"}`))
	f.Add([]byte(`{"args":["a"],"reference_exit":2,"signet_exit":0,"signet_only":true,"why":"w","deviation":"d"}`))
	f.Add([]byte(`{"args":["a"],"reference_exit":1,"signet_exit":1,"reference_error":"E","why":"w"} x`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCase(data)
		if err != nil {
			if !errors.Is(err, ErrMalformedCase) && !errors.Is(err, ErrInvalidCase) {
				t.Fatalf("DecodeCase error %v is neither ErrMalformedCase nor ErrInvalidCase", err)
			}
			return
		}
		enc, err := c.Encode()
		if err != nil {
			t.Fatalf("a decoded case does not encode: %v", err)
		}
		back, err := DecodeCase(enc)
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip = %+v, %v; want %+v", back, err, c)
		}
	})
}
