package intoto

// DigestSet maps a hash algorithm name (for example "sha256") to the
// lowercase hex digest of an artifact. It is the value type of a link's
// materials and products and of a Statement subject's digest.
//
// Decoded links may share one DigestSet among artifacts whose digests are
// the same (an unchanged file is a material and a product): treat the
// digest sets of decoded metadata as read-only and copy one before
// changing it.
type DigestSet map[string]string

// ArtifactMap maps an artifact path (always with forward slashes) to its
// digests, as recorded in a link's materials or products.
type ArtifactMap map[string]DigestSet

// digestInterner shares single-hash digest sets with equal contents
// within one decoded document (see DigestSet). SHA-256, the usual case,
// has its own map keyed by the digest alone, which is cheaper to hash.
type digestInterner struct {
	sha256 map[string]DigestSet
	other  map[[2]string]DigestSet
}

func newDigestInterner(size int) *digestInterner {
	return &digestInterner{sha256: make(map[string]DigestSet, size)}
}

// get returns the shared {alg: h} digest set.
func (in *digestInterner) get(alg, h string) DigestSet {
	if alg == "sha256" {
		ds, ok := in.sha256[h]
		if !ok {
			ds = DigestSet{alg: h}
			in.sha256[h] = ds
		}
		return ds
	}
	if in.other == nil {
		in.other = map[[2]string]DigestSet{}
	}
	key := [2]string{alg, h}
	ds, ok := in.other[key]
	if !ok {
		ds = DigestSet{alg: h}
		in.other[key] = ds
	}
	return ds
}
