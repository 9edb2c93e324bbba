package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule/apply"
	"github.com/signet-dev/signet/pkg/keys"
)

func TestVerifyChain(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, f *chainFixture)
		opts    func(*Options)
		wantErr error
		// want are substrings of the error message.
		want []string
	}{
		{name: "passes"},
		{
			name:    "link of build missing",
			setup:   func(t *testing.T, f *chainFixture) { delete(f.links, linkFile("build", f.alice)) },
			wantErr: ErrLinkNotFound, want: []string{"build.", "requires 1 link file(s), found 0"},
		},
		{
			name: "build link signed by an unauthorized key",
			setup: func(t *testing.T, f *chainFixture) {
				mallory := newSigner(t, "ed25519")
				f.links[linkFile("build", f.alice)].Data = signDoc(t, intoto.FormatMetablock,
					newLink("build", map[string]string{"src/main.c": "int main"}, map[string]string{"app": "ELF"}), mallory)
			},
			wantErr: ErrThreshold, want: []string{"not signed by the authorized key"},
		},
		{
			name: "build link changed after signing",
			setup: func(t *testing.T, f *chainFixture) {
				file := f.links[linkFile("build", f.alice)]
				file.Data = bytes.Replace(file.Data, []byte(`"src/main.c"`), []byte(`"src/evil.c"`), 1)
			},
			wantErr: ErrThreshold, want: []string{"does not verify"},
		},
		{
			name: "link name differs from its step (stricter than the reference)",
			setup: func(t *testing.T, f *chainFixture) {
				f.links[linkFile("build", f.alice)].Data = signDoc(t, intoto.FormatMetablock,
					newLink("compile", map[string]string{"src/main.c": "int main"}, map[string]string{"app": "ELF"}), f.alice)
			},
			wantErr: ErrThreshold, want: []string{`the link is for step "compile", not "build"`},
		},
		{
			name: "app changed between build and package",
			setup: func(t *testing.T, f *chainFixture) {
				f.links[linkFile("package", f.bob)].Data = signDoc(t, intoto.FormatMetablock,
					newLink("package", map[string]string{"app": "ELF+backdoor"}, map[string]string{"app.tar": "TAR"}), f.bob)
			},
			wantErr: apply.ErrDisallowed, want: []string{"package", `rule 0 did not consume "app"`, "changed in between"},
		},
		{
			name:    "layout expired",
			opts:    func(o *Options) { o.Now = testNow.Add(48 * time.Hour) },
			wantErr: ErrLayoutExpired, want: []string{"expired at"},
		},
		{
			name: "layout not signed by the given key",
			opts: func(o *Options) {
				o.Keys = []keys.Key{newSigner(t, "ed25519").Key()}
			},
			wantErr: ErrLayoutSignature, want: []string{"0 of 1 required owner signature(s)"},
		},
		{
			name: "DSSE links",
			setup: func(t *testing.T, f *chainFixture) {
				f.links[linkFile("build", f.alice)].Data = signDoc(t, intoto.FormatDSSE,
					newLink("build", map[string]string{"src/main.c": "int main"}, map[string]string{"app": "ELF"}), f.alice)
			},
		},
		{
			name:    "no keys",
			opts:    func(o *Options) { o.Keys = nil },
			wantErr: ErrInvalidOptions,
		},
		{
			name:    "no clock",
			opts:    func(o *Options) { o.Now = time.Time{} },
			wantErr: ErrInvalidOptions,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newChain(t)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			rep, err := f.verify(t, tt.opts)
			checkVerdict(t, rep, err, tt.wantErr, tt.want...)
		})
	}
}

func checkVerdict(t *testing.T, rep *Report, err, wantErr error, want ...string) {
	t.Helper()
	if rep == nil {
		t.Fatal("Verify returned a nil report")
	}
	if !errors.Is(err, wantErr) {
		t.Fatalf("Verify error = %v; want %v", err, wantErr)
	}
	if rep.Passed != (wantErr == nil) {
		t.Errorf("Report.Passed = %v with error %v", rep.Passed, err)
	}
	if err == nil {
		if rep.Failure != nil {
			t.Errorf("Report.Failure = %+v on success", rep.Failure)
		}
		return
	}
	if _, ok := errors.AsType[*Error](err); !ok {
		t.Errorf("error %T is not a *verify.Error", err)
	}
	if rep.Failure == nil || rep.Failure.Message == "" {
		t.Fatalf("Report.Failure = %+v on failure", rep.Failure)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestLayoutThreshold(t *testing.T) {
	f := newChain(t)
	carol, dave := newSigner(t, "rsa"), newSigner(t, "ecdsa")
	doc := readDoc(t, signDoc(t, intoto.FormatMetablock, f.layout, f.owner, carol))
	run := func(threshold int, ks ...keys.Key) (*Report, error) {
		return Verify(context.Background(), doc, Options{Now: testNow, Keys: ks, Links: f.links, LayoutThreshold: threshold})
	}
	tests := []struct {
		name      string
		threshold int
		keys      []keys.Key
		wantErr   error
	}{
		{"every key signed", 0, []keys.Key{f.owner.Key(), carol.Key()}, nil},
		{"reference rule: every key must sign", 0, []keys.Key{f.owner.Key(), dave.Key()}, ErrLayoutSignature},
		{"2 of 3", 2, []keys.Key{f.owner.Key(), carol.Key(), dave.Key()}, nil},
		{"3 of 3 with one missing", 3, []keys.Key{f.owner.Key(), carol.Key(), dave.Key()}, ErrLayoutSignature},
		{"one key twice counts once", 2, []keys.Key{f.owner.Key(), f.owner.Key(), dave.Key()}, ErrLayoutSignature},
		{"threshold above the keys given", 4, []keys.Key{f.owner.Key(), carol.Key(), dave.Key()}, ErrInvalidOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := run(tt.threshold, tt.keys...)
			checkVerdict(t, rep, err, tt.wantErr)
		})
	}
}

func TestOwnerKeyOtherDialect(t *testing.T) {
	f := newChain(t)
	pub, err := f.owner.Key().PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	modern, err := keys.NewKeyWithOptions(pub, keys.KeyOptions{Dialect: keys.DialectModern})
	if err != nil {
		t.Fatal(err)
	}
	if modern.KeyID == f.owner.Key().KeyID {
		t.Fatal("the two dialects gave the same key id")
	}
	rep, err := f.verify(t, func(o *Options) { o.Keys = []keys.Key{modern} })
	checkVerdict(t, rep, err, nil)
}

func TestStepThreshold(t *testing.T) {
	alice, bob, owner := newSigner(t, "ed25519"), newSigner(t, "ecdsa"), newSigner(t, "ed25519")
	build := func(content string) *intoto.Link {
		return newLink("build", map[string]string{"src": "s"}, map[string]string{"app": content})
	}
	tests := []struct {
		name    string
		pubkeys []keys.Key
		links   map[string]*intoto.Link // file -> link, signed by the key the file is named after
		signers map[string]keys.Signer
		wantErr error
		want    []string
	}{
		{name: "two functionaries agree", links: map[string]*intoto.Link{"a": build("ELF"), "b": build("ELF")}},
		{name: "products disagree", links: map[string]*intoto.Link{"a": build("ELF"), "b": build("ELF2")},
			wantErr: ErrLinksDisagree, want: []string{`products with different hashes: "app"`}},
		{name: "too few", links: map[string]*intoto.Link{"a": build("ELF")},
			wantErr: ErrLinkNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lay := newLayout([]intoto.Step{step("build", 2, nil, nil, alice, bob)}, alice, bob)
			links := fstest.MapFS{}
			for who, l := range tt.links {
				s := map[string]keys.Signer{"a": alice, "b": bob}[who]
				links[linkFile("build", s)] = &fstest.MapFile{Data: signDoc(t, intoto.FormatMetablock, l, s)}
			}
			doc := readDoc(t, signDoc(t, intoto.FormatMetablock, lay, owner))
			rep, err := Verify(context.Background(), doc, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links})
			checkVerdict(t, rep, err, tt.wantErr, tt.want...)
		})
	}
}

// TestStepThresholdSameKeyTwice lists one public key under its two key ids
// (legacy and modern dialect): the reference counts two functionaries,
// Signet counts one public key.
func TestStepThresholdSameKeyTwice(t *testing.T) {
	owner := newSigner(t, "ed25519")
	priv, err := keys.GenerateKey("ed25519", 0)
	if err != nil {
		t.Fatal(err)
	}
	alice, err := keys.NewSigner(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	modernKey, err := keys.NewKeyWithOptions(priv.Public(), keys.KeyOptions{Dialect: keys.DialectModern})
	if err != nil {
		t.Fatal(err)
	}
	modern, err := keys.NewSignerForKey(priv, modernKey)
	if err != nil {
		t.Fatal(err)
	}
	lay := newLayout([]intoto.Step{step("build", 2, nil, nil, alice, modern)}, alice, modern)
	l := newLink("build", nil, map[string]string{"app": "ELF"})
	links := fstest.MapFS{
		linkFile("build", alice):  {Data: signDoc(t, intoto.FormatMetablock, l, alice)},
		linkFile("build", modern): {Data: signDoc(t, intoto.FormatMetablock, l, modern)},
	}
	doc := readDoc(t, signDoc(t, intoto.FormatMetablock, lay, owner))
	rep, err := Verify(context.Background(), doc, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links})
	checkVerdict(t, rep, err, ErrThreshold, "signed by only 1 distinct public key")
}

func TestParams(t *testing.T) {
	f := newChain(t)
	f.layout.Steps[1].ExpectedProducts = [][]string{{"CREATE", "{name}.tar"}, {"DISALLOW", "*"}}
	f.layout.Steps[1].ExpectedCommand = []string{"tar", "cf", "{name}.tar", "{{literal}}"}
	tests := []struct {
		name    string
		params  map[string]string
		wantErr error
	}{
		{"substituted", map[string]string{"name": "app"}, nil},
		{"wrong value", map[string]string{"name": "lib"}, apply.ErrDisallowed},
		{"missing parameter", map[string]string{"other": "x"}, ErrParameter},
		{"no parameters: the layout is used as written", nil, apply.ErrDisallowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := f.verify(t, func(o *Options) { o.Params = tt.params })
			checkVerdict(t, rep, err, tt.wantErr)
		})
	}
}

func TestPyFormat(t *testing.T) {
	params := map[string]string{"a": "x", "b c": "y"}
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"plain", "plain", false},
		{"{a}/{a}", "x/x", false},
		{"{{a}}", "{a}", false},
		{"{{{a}}}", "{x}", false},
		{"{b c}", "y", false},
		{"{}", "", true},
		{"{0}", "", true},
		{"{a!r}", "", true},
		{"{a:>3}", "", true},
		{"{a.b}", "", true},
		{"{missing}", "", true},
		{"{a", "", true},
		{"a}", "", true},
	}
	for _, tt := range tests {
		got, err := pyFormat(tt.in, params)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("pyFormat(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestReportJSONAndExplain(t *testing.T) {
	f := newChain(t)
	delete(f.links, linkFile("package", f.bob))
	rep, err := f.verify(t, nil)
	checkVerdict(t, rep, err, ErrLinkNotFound)
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	failure, _ := back["failure"].(map[string]any)
	if back["passed"] != false || failure["stage"] != string(StageLinks) || failure["item"] != "package" {
		t.Errorf("JSON report = %s", data)
	}
	var b strings.Builder
	if err := rep.Explain(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`step "package": 0 of 1`, "build.", ": found", "missing (no such file)", "FAILED (links)", "what to do:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Explain output lacks %q:\n%s", want, b.String())
		}
	}
}
