package intoto

// DigestSet maps a hash algorithm name (for example "sha256") to the
// lowercase hex digest of an artifact. It is the value type of a link's
// materials and products and of a Statement subject's digest.
//
// Decoded links share one DigestSet among artifacts whose digests are the
// same (an unchanged file is a material and a product): treat the digest
// sets of decoded metadata as read-only and copy one before changing it.
type DigestSet map[string]string

// ArtifactMap maps an artifact path (always with forward slashes) to its
// digests, as recorded in a link's materials or products.
type ArtifactMap map[string]DigestSet
