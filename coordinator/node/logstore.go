package node

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	wal "github.com/hashicorp/raft-wal"
	"github.com/hashicorp/raft-wal/metadb"
	"github.com/hashicorp/raft-wal/migrate"
	"github.com/signet-dev/signet/pkg/atomicfile"
	"go.etcd.io/bbolt"
)

// The raft log and stable store live in <data-dir>/raft/wal, written by
// hashicorp/raft-wal: append-only segment files with one fsync per append
// batch, where BoltDB needs two and rewrites B-tree pages (docs/adr/0009-raft-log-store.md).
// Nodes of earlier versions kept them in raft/raft.db (raft-boltdb); such
// a log is copied into a new WAL once, at start, and kept beside it as
// raft.db.migrated.

const (
	walDirName   = "wal"
	boltFileName = "raft.db"
	lockFileName = "LOCK"
)

// lockTimeout bounds the wait for the data directory's lock, which another
// process using the same data directory holds.
const lockTimeout = 2 * time.Second

// logStore is what raft needs of the log: entries, stable keys, Close.
type logStore interface {
	raft.LogStore
	raft.StableStore
	Close() error
}

// dirLock is an exclusive flock on a file of the raft directory, held for
// the node's life.
type dirLock struct{ f *os.File }

// lockDir takes the lock, waiting up to lockTimeout for another process to
// let go of it.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file: %w", err)
	}
	deadline := time.Now().Add(lockTimeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &dirLock{f: f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("the raft directory %s is locked: is another node running on this data directory?", dir)
			}
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (l *dirLock) unlock() error {
	if l == nil {
		return nil
	}
	return l.f.Close() // closing the descriptor drops the flock
}

// openLogStore opens (or creates) the WAL in dir, first moving an old
// BoltDB log into it.
func openLogStore(ctx context.Context, dir string, log *slog.Logger) (logStore, error) {
	walDir := filepath.Join(dir, walDirName)
	boltPath := filepath.Join(dir, boltFileName)
	if _, err := os.Stat(walDir); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(boltPath); err == nil {
			if err := migrateBolt(ctx, dir, log); err != nil {
				return nil, fmt.Errorf("moving the raft log from %s to %s: %w (the old log is unchanged; the node can be started again)", boltPath, walDir, err)
			}
		} else if err := os.Mkdir(walDir, 0o700); err != nil {
			return nil, fmt.Errorf("creating the raft log directory: %w", err)
		}
	}
	store, err := openWAL(walDir, log)
	if err != nil {
		return nil, fmt.Errorf("opening the raft log %s: %w", walDir, err)
	}
	return store, nil
}

// walStore is a WAL with its metadata database, which WAL.Close leaves
// open (raft-wal v0.4.0): Close closes both, so that the same process can
// open the directory again.
type walStore struct {
	*wal.WAL
	meta *metadb.BoltMetaDB
}

func openWAL(dir string, log *slog.Logger) (*walStore, error) {
	meta := &metadb.BoltMetaDB{}
	w, err := wal.Open(dir, wal.WithMetaStore(meta), wal.WithLogger(newHCLog(log, "raft-wal")))
	if err != nil {
		return nil, errors.Join(err, meta.Close())
	}
	return &walStore{WAL: w, meta: meta}, nil
}

func (w *walStore) Close() error { return errors.Join(w.WAL.Close(), w.meta.Close()) }

// migrateBolt copies raft.db into a WAL built in a temporary directory,
// renames that into place and only then renames raft.db aside, so that a
// crash at any point leaves one complete log to start from.
func migrateBolt(ctx context.Context, dir string, log *slog.Logger) error {
	boltPath := filepath.Join(dir, boltFileName)
	tmp := filepath.Join(dir, walDirName+".tmp")
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return err
	}
	log.Info("moving the raft log to the WAL format", "from", boltPath)
	old, err := raftboltdb.New(raftboltdb.Options{Path: boltPath, BoltOptions: &bbolt.Options{Timeout: lockTimeout, ReadOnly: true}})
	if err != nil {
		return fmt.Errorf("opening %s: %w", boltPath, err)
	}
	dst, err := openWAL(tmp, log)
	if err != nil {
		return errors.Join(err, old.Close())
	}
	err = migrate.CopyLogs(ctx, dst, old, 4<<20, nil)
	if err == nil {
		err = copyStable(dst, old)
	}
	err = errors.Join(err, dst.Close(), old.Close())
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, walDirName))
	}
	if err == nil {
		err = atomicfile.SyncDir(dir)
	}
	if err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	if err := os.Rename(boltPath, boltPath+".migrated"); err != nil {
		return err
	}
	log.Info("raft log moved; the old file is kept", "old", boltPath+".migrated")
	return atomicfile.SyncDir(dir)
}

// closeStore closes the log store and then lets go of the directory lock.
func (n *Node) closeStore() error {
	return errors.Join(n.store.Close(), n.lock.unlock())
}

// copyStable copies the stable keys hashicorp/raft keeps (term and vote)
// that src has; migrate.CopyStable instead fails when a node never voted.
func copyStable(dst, src raft.StableStore) error {
	for _, k := range []string{"CurrentTerm", "LastVoteTerm"} {
		v, err := src.GetUint64([]byte(k))
		switch {
		case errors.Is(err, raftboltdb.ErrKeyNotFound):
			continue
		case err != nil:
			return fmt.Errorf("reading %s: %w", k, err)
		}
		if err := dst.SetUint64([]byte(k), v); err != nil {
			return err
		}
	}
	v, err := src.Get([]byte("LastVoteCand"))
	switch {
	case errors.Is(err, raftboltdb.ErrKeyNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("reading LastVoteCand: %w", err)
	}
	return dst.Set([]byte("LastVoteCand"), v)
}
