package fsm

import (
	"testing"
)

// BenchmarkSnapshot measures FSM.Snapshot, which raft calls on the FSM
// goroutine (applies wait for it), on a state of 10,000 released requests.
func BenchmarkSnapshot(b *testing.B) {
	w := newWorkload(b)
	f := New(Options{})
	entries := w.setup(b)
	for i := range 10000 {
		entries = append(entries, w.request(b, i)...)
	}
	applyAll(f, entries, 1)
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
	w := newWorkload(b)
	f := New(Options{})
	entries := w.setup(b)
	for i := range 10000 {
		entries = append(entries, w.request(b, i)...)
	}
	applyAll(f, entries, 1)
	s, err := f.Snapshot()
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
