package fsm

import (
	"testing"
)

// releasedFSM returns an FSM that has applied n released requests.
func releasedFSM(tb testing.TB, n int) *FSM {
	tb.Helper()
	w := newWorkload(tb)
	f := New(Options{})
	entries := w.setup(tb)
	for i := range n {
		entries = append(entries, w.request(tb, i)...)
	}
	applyAll(f, entries, 1)
	return f
}

// BenchmarkSnapshot measures FSM.Snapshot, which raft calls on the FSM
// goroutine (applies wait for it), on a state of 10,000 released requests.
func BenchmarkSnapshot(b *testing.B) {
	f := releasedFSM(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		s, err := f.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		s.Release()
	}
}

// BenchmarkSnapshotEncode measures what Persist does in the background
// with the copy: encoding 10,000 released requests.
func BenchmarkSnapshotEncode(b *testing.B) {
	s, err := releasedFSM(b, 10000).Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.(*snapshot).encode(); err != nil {
			b.Fatal(err)
		}
	}
}
