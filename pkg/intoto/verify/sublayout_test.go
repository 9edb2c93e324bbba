package verify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// sublayoutFixture: the root layout's step "build" is delegated to a
// sublayout signed by alice, whose own steps "compile" and "link" are
// performed by carol.
func sublayoutFixture(t *testing.T, tamper bool) (*intoto.Document, keys.Signer, fstest.MapFS) {
	owner, alice, carol := newSigner(t, "ed25519"), newSigner(t, "ed25519"), newSigner(t, "ecdsa")
	sub := newLayout([]intoto.Step{
		step("compile", 1, nil, [][]string{{"CREATE", "main.o"}, {"DISALLOW", "*"}}, carol),
		step("link", 1, [][]string{{"MATCH", "main.o", "WITH", "PRODUCTS", "FROM", "compile"}, {"DISALLOW", "*"}},
			[][]string{{"CREATE", "app"}, {"DISALLOW", "*"}}, carol),
	}, carol)
	root := newLayout([]intoto.Step{
		step("build", 1, nil, [][]string{{"CREATE", "app"}, {"DISALLOW", "*"}}, alice),
		step("ship", 1, [][]string{{"MATCH", "app", "WITH", "PRODUCTS", "FROM", "build"}, {"DISALLOW", "*"}}, nil, alice),
	}, alice)
	dir := "build." + alice.Key().KeyID[:8] + "/"
	obj := "OBJ"
	if tamper {
		obj = "OBJ2"
	}
	links := fstest.MapFS{
		linkFile("build", alice):         {Data: signDoc(t, intoto.FormatMetablock, sub, alice)},
		dir + linkFile("compile", carol): {Data: signDoc(t, intoto.FormatMetablock, newLink("compile", nil, map[string]string{"main.o": "OBJ"}), carol)},
		dir + linkFile("link", carol):    {Data: signDoc(t, intoto.FormatMetablock, newLink("link", map[string]string{"main.o": obj}, map[string]string{"app": "ELF"}), carol)},
		linkFile("ship", alice):          {Data: signDoc(t, intoto.FormatMetablock, newLink("ship", map[string]string{"app": "ELF"}, nil), alice)},
	}
	return readDoc(t, signDoc(t, intoto.FormatMetablock, root, owner)), owner, links
}

func TestSublayout(t *testing.T) {
	doc, owner, links := sublayoutFixture(t, false)
	rep, err := Verify(context.Background(), doc, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links})
	checkVerdict(t, rep, err, nil)
	if rep.Steps[0].Sublayout == nil || len(rep.Steps[0].Sublayout.Steps) != 2 {
		t.Fatalf("the report has no sublayout for build: %+v", rep.Steps[0])
	}

	doc, owner, links = sublayoutFixture(t, true)
	rep, err = Verify(context.Background(), doc, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links})
	checkVerdict(t, rep, err, ErrSublayout, "build/link")
	if !errors.Is(err, ErrRule) {
		t.Errorf("a rule failure inside a sublayout should also match ErrRule: %v", err)
	}

	doc, owner, links = sublayoutFixture(t, false)
	rep, err = Verify(context.Background(), doc, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links, MaxDepth: -1})
	checkVerdict(t, rep, err, ErrInvalidOptions)
}

func inspectionLayout(t *testing.T, run []string, mats, prods [][]string) (*intoto.Document, keys.Signer, fstest.MapFS) {
	owner, alice := newSigner(t, "ed25519"), newSigner(t, "ed25519")
	lay := newLayout([]intoto.Step{step("package", 1, nil, [][]string{{"CREATE", "app.tar"}}, alice)}, alice)
	lay.Inspect = []intoto.Inspection{{Type: intoto.TypeInspection, Name: "check", Run: run, ExpectedMaterials: mats, ExpectedProducts: prods}}
	links := fstest.MapFS{linkFile("package", alice): {Data: signDoc(t, intoto.FormatMetablock, newLink("package", nil, map[string]string{"app.tar": "TAR"}), alice)}}
	return readDoc(t, signDoc(t, intoto.FormatMetablock, lay, owner)), owner, links
}

func TestInspections(t *testing.T) {
	matchTar := [][]string{{"MATCH", "app.tar", "WITH", "PRODUCTS", "FROM", "package"}, {"DISALLOW", "app.tar"}}
	tests := []struct {
		name    string
		files   map[string]string
		run     []string
		mats    [][]string
		prods   [][]string
		refuse  bool
		timeout time.Duration
		wantErr error
		want    []string
	}{
		{name: "passes and records the work dir", files: map[string]string{"app.tar": "TAR"}, run: []string{"true"}, mats: matchTar},
		{name: "product replaced", files: map[string]string{"app.tar": "EVIL"}, run: []string{"true"}, mats: matchTar,
			wantErr: ErrRule, want: []string{"check", "changed in between"}},
		{name: "non-zero exit", run: []string{"sh", "-c", "echo broken archive >&2; exit 3"},
			wantErr: ErrInspection, want: []string{"exited with status 3"}},
		{name: "command not found", run: []string{"no-such-command-signet"}, wantErr: ErrInspection},
		{name: "timeout", run: []string{"sleep", "10"}, timeout: 100 * time.Millisecond, wantErr: ErrInspection, want: []string{"timed out"}},
		{name: "inspector refused", run: []string{"true"}, refuse: true, wantErr: ErrInspectionsRefused},
		{name: "creates a file the rules disallow", run: []string{"sh", "-c", "echo x > new"},
			prods: [][]string{{"DISALLOW", "new"}}, wantErr: ErrRule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			doc, owner, links := inspectionLayout(t, tt.run, tt.mats, tt.prods)
			opts := Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links}
			if !tt.refuse {
				opts.Inspector = &CommandInspector{Dir: dir, Timeout: tt.timeout, PersistLinks: true}
			}
			rep, err := Verify(context.Background(), doc, opts)
			checkVerdict(t, rep, err, tt.wantErr, tt.want...)
			if tt.wantErr == nil {
				data, err := os.ReadFile(filepath.Join(dir, "check.link"))
				if err != nil {
					t.Fatalf("the inspection link was not written: %v", err)
				}
				l, err := readDoc(t, data).Link()
				if err != nil || l.Name != "check" || len(l.Materials) != 1 {
					t.Errorf("inspection link = %+v, %v; want name check and one material (app.tar)", l, err)
				}
			}
		})
	}
}
