package node

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/fsm"
)

// Snapshot archive format identifiers.
const (
	ArchiveFormat  = "signet-snapshot-archive"
	ArchiveVersion = 1
	maxMetaSize    = 64 << 10
)

// SnapshotInfo describes a snapshot archive (its meta.json).
type SnapshotInfo struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Node    string    `json:"node"`
	Created time.Time `json:"created"`
	Index   uint64    `json:"index"`
	Term    uint64    `json:"term"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
}

// Snapshot takes a snapshot of the state now and writes it to w as an
// archive (operator snapshot save): a gzipped tar of meta.json
// (SnapshotInfo) and state.json (the FSM snapshot). Any node can take
// one; a follower's may lag the leader by a few entries.
func (n *Node) Snapshot(ctx context.Context, w io.Writer) (SnapshotInfo, error) {
	meta, rc, err := n.openSnapshot(ctx)
	if err != nil {
		return SnapshotInfo{}, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, n.maxSnapshot()+1))
	if err != nil {
		return SnapshotInfo{}, fmt.Errorf("reading snapshot %s: %w", meta.ID, err)
	}
	if int64(len(data)) > n.maxSnapshot() {
		return SnapshotInfo{}, fmt.Errorf("snapshot %s is larger than %d bytes (MaxSnapshotSize)", meta.ID, n.maxSnapshot())
	}
	sum := sha256.Sum256(data)
	info := SnapshotInfo{Format: ArchiveFormat, Version: ArchiveVersion, Node: n.cfg.NodeID, Created: n.cfg.Now().UTC(),
		Index: meta.Index, Term: meta.Term, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	if err := writeArchive(w, info, data); err != nil {
		return SnapshotInfo{}, fmt.Errorf("writing the snapshot archive: %w", err)
	}
	return info, nil
}

func (n *Node) maxSnapshot() int64 {
	if n.cfg.MaxSnapshotSize > 0 {
		return n.cfg.MaxSnapshotSize
	}
	return fsm.DefaultMaxSnapshotSize
}

// openSnapshot takes a new snapshot, or opens the latest one when nothing
// was applied since.
func (n *Node) openSnapshot(ctx context.Context) (*raft.SnapshotMeta, io.ReadCloser, error) {
	f := n.raft.Snapshot()
	err := wait(ctx, f)
	if errors.Is(err, raft.ErrNothingNewToSnapshot) {
		list, lerr := n.snaps.List()
		if lerr != nil || len(list) == 0 {
			return nil, nil, fmt.Errorf("no snapshot to save: %w", errors.Join(err, lerr))
		}
		return n.snaps.Open(list[0].ID)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("taking a snapshot: %w", n.raftErr(err))
	}
	return f.Open()
}

// Restore replaces the cluster's state with a snapshot archive written by
// Snapshot (operator snapshot restore); leader only. The archive is
// checked and its state loaded into a scratch FSM first, so a bad archive
// changes nothing. Raft then installs it on the leader and sends it to the
// followers; the raft configuration (membership) is kept. Meant for
// disaster recovery: writes in flight are aborted.
func (n *Node) Restore(ctx context.Context, r io.Reader) error {
	if !n.IsLeader() {
		return n.notLeader(nil)
	}
	info, data, err := readArchive(r, n.maxSnapshot())
	if err != nil {
		return err
	}
	scratch := fsm.New(fsm.Options{MaxSnapshotSize: n.maxSnapshot()})
	if err := scratch.Restore(io.NopCloser(bytes.NewReader(data))); err != nil {
		return fmt.Errorf("%w: its state does not load: %w", ErrSnapshotArchive, err)
	}
	timeout, err := n.timeout(ctx)
	if err != nil {
		return err
	}
	meta := &raft.SnapshotMeta{Version: raft.SnapshotVersionMax, Index: info.Index, Term: info.Term, Size: int64(len(data))}
	if err := n.raft.Restore(meta, bytes.NewReader(data), timeout); err != nil {
		return fmt.Errorf("restoring snapshot of index %d: %w", info.Index, n.raftErr(err))
	}
	return nil
}

func writeArchive(w io.Writer, info SnapshotInfo, data []byte) error {
	meta, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		data []byte
	}{{"meta.json", meta}, {"state.json", data}} {
		hdr := &tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.data)), ModTime: info.Created, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	return errors.Join(tw.Close(), gz.Close())
}

// readArchive reads and checks an archive: meta.json then state.json, no
// other entries, sizes bounded, the checksum right.
func readArchive(r io.Reader, maxState int64) (SnapshotInfo, []byte, error) {
	bad := func(format string, args ...any) (SnapshotInfo, []byte, error) {
		return SnapshotInfo{}, nil, fmt.Errorf("%w: %s", ErrSnapshotArchive, fmt.Sprintf(format, args...))
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return bad("not a gzipped snapshot archive: %v", err)
	}
	tr := tar.NewReader(gz)
	metaBytes, err := readEntry(tr, "meta.json", maxMetaSize)
	if err != nil {
		return bad("%v", err)
	}
	var info SnapshotInfo
	dec := json.NewDecoder(bytes.NewReader(metaBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		return bad("meta.json: %v", err)
	}
	if info.Format != ArchiveFormat || info.Version != ArchiveVersion {
		return bad("format %q version %d, want %q version %d", info.Format, info.Version, ArchiveFormat, ArchiveVersion)
	}
	if info.Size < 0 || info.Size > maxState {
		return bad("state size %d is outside 0..%d", info.Size, maxState)
	}
	data, err := readEntry(tr, "state.json", info.Size)
	if err != nil {
		return bad("%v", err)
	}
	return checkArchiveRest(tr, info, data)
}

func checkArchiveRest(tr *tar.Reader, info SnapshotInfo, data []byte) (SnapshotInfo, []byte, error) {
	if int64(len(data)) != info.Size {
		return SnapshotInfo{}, nil, fmt.Errorf("%w: state.json has %d bytes, meta.json says %d", ErrSnapshotArchive, len(data), info.Size)
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != info.SHA256 {
		return SnapshotInfo{}, nil, fmt.Errorf("%w: state.json does not match the SHA-256 in meta.json (damaged archive)", ErrSnapshotArchive)
	}
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		return SnapshotInfo{}, nil, fmt.Errorf("%w: unexpected data after state.json", ErrSnapshotArchive)
	}
	return info, data, nil
}

func readEntry(tr *tar.Reader, name string, limit int64) ([]byte, error) {
	hdr, err := tr.Next()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", name, err)
	}
	if hdr.Name != name || hdr.Typeflag != tar.TypeReg {
		return nil, fmt.Errorf("entry %q where %s was expected", hdr.Name, name)
	}
	if hdr.Size < 0 || hdr.Size > limit {
		return nil, fmt.Errorf("%s has %d bytes, more than %d", name, hdr.Size, limit)
	}
	data, err := io.ReadAll(io.LimitReader(tr, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", name, err)
	}
	return data, nil
}
