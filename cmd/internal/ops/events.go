package ops

// Stage is a point in an operation that a front end may report as it
// happens; the reference's tools print one -v line at each.
type Stage int

// Stages, in the order an operation reaches them.
const (
	// StageLoad: record stop is about to read the preliminary link (Path).
	StageLoad Stage = iota + 1
	// StageVerify: record stop is about to check the preliminary link's
	// signature (Path).
	StageVerify
	// StageMaterials: materials are about to be recorded (Args: the paths,
	// as given). Not reported when there are none.
	StageMaterials
	// StageCommand: the command is about to run (Args: the command).
	StageCommand
	// StageProducts: products are about to be recorded (Args: the paths).
	// Not reported when there are none.
	StageProducts
	// StageLink: the link is about to be created.
	StageLink
	// StageSign: the link is about to be signed (not reported for unsigned
	// links).
	StageSign
	// StageWrite: the link is about to be written to Path.
	StageWrite
	// StageRemove: record stop is about to remove the preliminary link
	// (Path).
	StageRemove
)

// Event tells an observer which stage an operation has reached.
type Event struct {
	Stage Stage
	// Args are the artifact paths (StageMaterials, StageProducts) or the
	// command (StageCommand).
	Args []string
	// Path is the file about to be read, written or removed.
	Path string
	// KeyID is the key about to sign (StageSign), when known before
	// signing: "" for gpg's default key.
	KeyID string
}

// notify calls observe, if set.
func notify(observe func(Event), e Event) {
	if observe != nil {
		observe(e)
	}
}
