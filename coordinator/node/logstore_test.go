package node

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// TestLogStoreMovesBoltLog: a raft directory of an earlier version (the
// log in raft.db) is moved into the WAL once, with every entry and the
// stable keys raft keeps; the old file stays as raft.db.migrated, and the
// next start opens the WAL without migrating again.
func TestLogStoreMovesBoltLog(t *testing.T) {
	dir := t.TempDir()
	old, err := raftboltdb.NewBoltStore(filepath.Join(dir, boltFileName))
	if err != nil {
		t.Fatal(err)
	}
	var logs []*raft.Log
	for i := uint64(1); i <= 50; i++ {
		logs = append(logs, &raft.Log{Index: i, Term: 3, Type: raft.LogCommand, Data: []byte{byte(i)}})
	}
	if err := old.StoreLogs(logs); err != nil {
		t.Fatal(err)
	}
	if err := old.SetUint64([]byte("CurrentTerm"), 3); err != nil {
		t.Fatal(err)
	}
	if err := old.Set([]byte("LastVoteCand"), []byte("n2")); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.DiscardHandler)
	check := func(when string, wantLast uint64) {
		t.Helper()
		st, err := openLogStore(context.Background(), dir, log)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		defer func() {
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
		}()
		first, _ := st.FirstIndex()
		last, _ := st.LastIndex()
		if first != 1 || last != wantLast {
			t.Errorf("%s: the WAL holds %d..%d, want 1..%d", when, first, last, wantLast)
		}
		var l raft.Log
		if err := st.GetLog(42, &l); err != nil || l.Term != 3 || len(l.Data) != 1 || l.Data[0] != 42 {
			t.Errorf("%s: entry 42 = %+v, %v", when, l, err)
		}
		if term, err := st.GetUint64([]byte("CurrentTerm")); err != nil || term != 3 {
			t.Errorf("%s: CurrentTerm = %d, %v; want 3", when, term, err)
		}
		if cand, err := st.Get([]byte("LastVoteCand")); err != nil || string(cand) != "n2" {
			t.Errorf("%s: LastVoteCand = %q, %v; want n2", when, cand, err)
		}
		if _, err := os.Stat(filepath.Join(dir, boltFileName)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: raft.db is still in place (%v)", when, err)
		}
		if _, err := os.Stat(filepath.Join(dir, boltFileName+".migrated")); err != nil {
			t.Errorf("%s: raft.db.migrated: %v", when, err)
		}
		if _, err := os.Stat(filepath.Join(dir, walDirName+".tmp")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: the temporary WAL is left over (%v)", when, err)
		}
		if wantLast == 50 {
			// Written after the move: the next start must find it.
			if err := st.StoreLog(&raft.Log{Index: 51, Term: 4, Type: raft.LogCommand}); err != nil {
				t.Fatal(err)
			}
		}
	}
	check("first start", 50)
	check("second start", 51)
}

// TestLockDir: a second lock on the same raft directory fails with a
// message that names the likely cause, and the lock is free again after
// unlock.
func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	l, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(dir); err == nil {
		t.Fatal("a second lock on the same directory succeeded")
	}
	if err := l.unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := lockDir(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	_ = l2.unlock()
}

// TestLogStoreMovesBoltLogOfNodeThatNeverVoted: a follower that never
// voted has a term but no vote keys; its log moves all the same (raft-wal's
// migrate.CopyStable refuses such a store).
func TestLogStoreMovesBoltLogOfNodeThatNeverVoted(t *testing.T) {
	dir := t.TempDir()
	old, err := raftboltdb.NewBoltStore(filepath.Join(dir, boltFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := old.StoreLog(&raft.Log{Index: 1, Term: 2, Type: raft.LogCommand, Data: []byte{1}}); err != nil {
		t.Fatal(err)
	}
	if err := old.SetUint64([]byte("CurrentTerm"), 2); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := openLogStore(context.Background(), dir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("moving the log of a node that never voted: %v", err)
	}
	defer st.Close()
	if term, err := st.GetUint64([]byte("CurrentTerm")); err != nil || term != 2 {
		t.Errorf("CurrentTerm = %d, %v; want 2", term, err)
	}
	if cand, _ := st.Get([]byte("LastVoteCand")); len(cand) != 0 {
		t.Errorf("LastVoteCand = %q, want none", cand)
	}
	if last, _ := st.LastIndex(); last != 1 {
		t.Errorf("the WAL ends at %d, want 1", last)
	}
}
