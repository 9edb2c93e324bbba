package verify

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/keys"
)

// BenchmarkVerifyLarge verifies two steps whose links hold 10,000
// artifacts each, with five rules per list (the benchmark shape;
// scripts/benchrun compares the whole tool with the reference).
func BenchmarkVerifyLarge(b *testing.B) {
	owner, fn := newSigner(b, "ed25519"), newSigner(b, "ed25519")
	files := map[string]string{}
	for i := range 10000 {
		files[fmt.Sprintf("many/f%05d", i)] = fmt.Sprint(i)
	}
	lay := newLayout([]intoto.Step{
		step("build", 1,
			[][]string{{"ALLOW", "many/*.tmp"}, {"ALLOW", "many/f0*"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "many/*"}, {"DISALLOW", "*"}},
			[][]string{{"MATCH", "many/*", "WITH", "MATERIALS", "FROM", "build"}, {"ALLOW", "many/*.tmp"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "*.txt"}, {"DISALLOW", "*"}}, fn),
		step("package", 1,
			[][]string{{"MATCH", "many/*", "WITH", "PRODUCTS", "FROM", "build"}, {"ALLOW", "many/*.tmp"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "*.txt"}, {"DISALLOW", "*"}},
			[][]string{{"MATCH", "many/f0*", "WITH", "MATERIALS", "FROM", "package"}, {"MATCH", "many/*", "WITH", "PRODUCTS", "FROM", "build"}, {"DISALLOW", "many/*.bak"}, {"ALLOW", "*.txt"}, {"DISALLOW", "*"}}, fn),
	}, fn)
	links := fstest.MapFS{
		linkFile("build", fn):   {Data: signDoc(b, intoto.FormatMetablock, newLink("build", files, files), fn)},
		linkFile("package", fn): {Data: signDoc(b, intoto.FormatMetablock, newLink("package", files, files), fn)},
	}
	layoutBytes := signDoc(b, intoto.FormatMetablock, lay, owner)
	b.ReportAllocs()
	for b.Loop() {
		doc, err := intoto.ReadDocument(layoutBytes)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Verify(context.Background(), doc, Options{Now: testNow, Keys: []keys.Key{owner.Key()}, Links: links}); err != nil {
			b.Fatal(err)
		}
	}
}
