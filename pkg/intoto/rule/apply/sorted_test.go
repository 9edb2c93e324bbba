package apply

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/signet-dev/signet/pkg/intoto"
	"github.com/signet-dev/signet/pkg/intoto/rule"
)

// TestSortedPathsGiveTheSameResult checks that passing the sorted keys
// (SortedMaterials, SortedProducts) changes nothing but the work done, and
// that keys that do not fit are ignored.
func TestSortedPathsGiveTheSameResult(t *testing.T) {
	mats, prods := intoto.ArtifactMap{}, intoto.ArtifactMap{}
	for i := range 50 {
		p := fmt.Sprintf("src/f%02d", i)
		mats[p] = intoto.DigestSet{"sha256": "aa"}
		if i%3 != 0 {
			prods[p] = intoto.DigestSet{"sha256": fmt.Sprintf("%02x", i%2)}
		}
	}
	rules := mustParse(t, "MODIFY src/f1*", "ALLOW src/f2?", "DELETE *", "DISALLOW src/f3*")
	sorted := func(m intoto.ArtifactMap) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	for _, src := range []rule.Destination{rule.Materials, rule.Products} {
		plain := Context{Item: "x", Materials: mats, Products: prods}
		want, wantErr := Rules(rules, src, plain)
		given := plain
		given.SortedMaterials, given.SortedProducts = sorted(mats), sorted(prods)
		got, gotErr := Rules(rules, src, given)
		if !reflect.DeepEqual(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%v: with sorted keys %+v, %v; without %+v, %v", src, got, gotErr, want, wantErr)
		}
		wrong := plain
		wrong.SortedMaterials, wrong.SortedProducts = []string{"a"}, []string{"b"}
		if got, _ := Rules(rules, src, wrong); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: sorted keys of the wrong length were used", src)
		}
	}
}
