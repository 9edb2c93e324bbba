package fsm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

func applyAll(f *FSM, entries [][]byte, from uint64) []*Response {
	var out []*Response
	for i, e := range entries {
		r, _ := f.Apply(&raft.Log{Index: from + uint64(i), Type: raft.LogCommand, Data: e}).(*Response)
		out = append(out, r)
	}
	return out
}

func TestApply(t *testing.T) {
	w := newWorkload(t)
	f := New(Options{})
	for _, r := range applyAll(f, w.setup(t), 1) {
		if r == nil || r.Err != nil || !r.Result.Changed {
			t.Fatalf("setup: %+v", r)
		}
	}
	resp := applyAll(f, w.request(t, 1), 10)
	if resp[0].Err != nil || resp[0].Type != command.TypeCreateRequest {
		t.Fatalf("create: %+v", resp[0])
	}
	if !errors.Is(resp[1].Err, state.ErrBadSignature) {
		t.Errorf("bad signature: %+v", resp[1])
	}
	if resp[3].Err != nil || resp[3].Result.Phase != state.PhaseReleased {
		t.Errorf("second signature: %+v", resp[3])
	}
	if f.Index() != 13 {
		t.Errorf("Index = %d, want 13", f.Index())
	}

	tests := []struct {
		name    string
		log     *raft.Log
		wantErr error
		ignored bool
	}{
		{"garbage", &raft.Log{Index: 20, Type: raft.LogCommand, Data: []byte("garbage")}, command.ErrUnknownType, false},
		{"empty", &raft.Log{Index: 21, Type: raft.LogCommand}, command.ErrMalformed, false},
		{"ignorable", &raft.Log{Index: 22, Type: raft.LogCommand, Data: []byte{0x90, '{', '}'}}, nil, true},
		{"unknown policy", &raft.Log{Index: 23, Type: raft.LogCommand, Data: mustEncode(t, &state.CreateRequest{
			Stamp: stampAt(1, "ci"), ID: "x", Kind: state.KindStatement, Policy: "nope"})}, state.ErrUnknownPolicy, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.Hash()
			r, ok := f.Apply(tt.log).(*Response)
			if !ok || !errors.Is(r.Err, tt.wantErr) || r.Ignored != tt.ignored {
				t.Fatalf("response %+v, want err %v ignored %v", r, tt.wantErr, tt.ignored)
			}
			if after, _ := f.Hash(); after != before {
				t.Error("a refused entry changed the state")
			}
		})
	}
	if r := f.Apply(&raft.Log{Index: 30, Type: raft.LogNoop}); r != nil {
		t.Errorf("no-op entry: %v", r)
	}
	if r := f.Apply(nil); r != nil {
		t.Errorf("nil entry: %v", r)
	}
}

func mustEncode(t *testing.T, op state.Op) []byte {
	t.Helper()
	b, err := command.Encode(op)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestApplyBatchMatchesApply(t *testing.T) {
	w := newWorkload(t)
	entries := w.setup(t)
	for i := range 5 {
		entries = append(entries, w.request(t, i)...)
	}
	one, batch := New(Options{}), New(Options{})
	applyAll(one, entries, 1)
	logs := make([]*raft.Log, len(entries))
	for i, e := range entries {
		logs[i] = &raft.Log{Index: uint64(i) + 1, Type: raft.LogCommand, Data: e}
	}
	if got := batch.ApplyBatch(logs); len(got) != len(logs) {
		t.Fatalf("%d responses for %d entries", len(got), len(logs))
	}
	h1, _ := one.Hash()
	if h2, _ := batch.Hash(); h1 != h2 {
		t.Fatal("ApplyBatch and Apply reached different states")
	}
}

type memSink struct {
	bytes.Buffer
	cancelled bool
}

func (s *memSink) ID() string    { return "mem" }
func (s *memSink) Cancel() error { s.cancelled = true; return nil }
func (s *memSink) Close() error  { return nil }

func TestSnapshotRestore(t *testing.T) {
	w := newWorkload(t)
	f := New(Options{})
	applyAll(f, w.setup(t), 1)
	for i := range 3 {
		applyAll(f, w.request(t, i), uint64(10+4*i))
	}
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Applying after Snapshot must not change what Persist writes.
	applyAll(f, w.request(t, 99), 100)
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()

	g := New(Options{})
	if err := g.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	if g.Index() != 21 {
		t.Errorf("restored index %d, want 21", g.Index())
	}
	applyAll(g, w.request(t, 99), 100)
	h1, _ := f.Hash()
	if h2, _ := g.Hash(); h1 != h2 {
		t.Fatal("restored FSM diverged from the original after the same entries")
	}
	g.Read(func(st *state.State, index uint64) {
		if r, ok := st.Request("req-2"); !ok || r.Phase != state.PhaseReleased {
			t.Errorf("req-2 after restore: %+v", r)
		}
	})
}

func TestRestoreErrors(t *testing.T) {
	w := newWorkload(t)
	f := New(Options{})
	applyAll(f, w.setup(t), 1)
	snap, _ := f.Snapshot()
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	good := sink.String()
	tests := []struct {
		name    string
		data    string
		max     int64
		wantErr error
	}{
		{"not JSON", "garbage", 0, ErrSnapshot},
		{"other format", strings.Replace(good, SnapshotFormat, "etcd", 1), 0, ErrSnapshot},
		{"newer version", strings.Replace(good, `"version":1`, `"version":2`, 1), 0, ErrSnapshot},
		{"unknown field", strings.Replace(good, `{"format"`, `{"x":1,"format"`, 1), 0, ErrSnapshot},
		{"broken audit chain", strings.Replace(good, `"actor":"admin"`, `"actor":"eve"`, 1), 0, ErrSnapshot},
		{"too large", good, 10, ErrSnapshotTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(Options{MaxSnapshotSize: tt.max})
			applyAll(g, w.setup(t)[:1], 1)
			before, _ := g.Hash()
			if err := g.Restore(io.NopCloser(strings.NewReader(tt.data))); !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if after, _ := g.Hash(); after != before {
				t.Error("a failed Restore changed the state")
			}
		})
	}
}

func TestWaitIndex(t *testing.T) {
	f := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.WaitIndex(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	done := make(chan error, 1)
	go func() { done <- f.WaitIndex(context.Background(), 2) }()
	f.Apply(&raft.Log{Index: 1, Type: raft.LogNoop})
	f.Apply(&raft.Log{Index: 2, Type: raft.LogNoop})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func FuzzApply(f *testing.F) {
	w := newWorkload(f)
	for _, e := range append(w.setup(f), w.request(f, 1)...) {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := New(Options{})
		for i, e := range w.setup(t) {
			m.Apply(&raft.Log{Index: uint64(i) + 1, Type: raft.LogCommand, Data: e})
		}
		r, ok := m.Apply(&raft.Log{Index: 100, Type: raft.LogCommand, Data: data}).(*Response)
		if !ok || r == nil {
			t.Fatal("a command entry gave no *Response")
		}
		if _, err := m.Hash(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestUnreadableEntries: an entry this version cannot decode goes to
// Options.Unreadable with its index; a command it reads and refuses does
// not, nor does an ignorable unknown type.
func TestUnreadableEntries(t *testing.T) {
	w := newWorkload(t)
	type call struct {
		index uint64
		err   error
	}
	var calls []call
	f := New(Options{Unreadable: func(i uint64, err error) { calls = append(calls, call{i, err}) }})
	applyAll(f, w.setup(t), 1)
	good := w.request(t, 1)[0]
	unknownField := append(bytes.Clone(good[:len(good)-1]), []byte(`,"future":1}`)...)
	refused := mustEncode(t, &state.CreateRequest{Stamp: stampAt(1, "ci"), ID: "r-x", Kind: state.KindStatement,
		PayloadType: "application/vnd.in-toto+json", Payload: payload(1), Policy: "no-such-policy"})
	for i, e := range []struct {
		name string
		data []byte
		want error // nil: Unreadable is not called
	}{
		{"unknown type", append([]byte{42}, good[1:]...), command.ErrUnknownType},
		{"unknown field", unknownField, command.ErrMalformed},
		{"ignorable unknown type", append([]byte{byte(command.IgnoreUnknownFlag | 42)}, good[1:]...), nil},
		{"refused by the state", refused, nil},
		{"good", good, nil},
	} {
		calls = nil
		index := uint64(100 + i)
		f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: e.data})
		switch {
		case e.want == nil && len(calls) > 0:
			t.Errorf("%s: Unreadable called with %v", e.name, calls[0].err)
		case e.want != nil && (len(calls) != 1 || calls[0].index != index || !errors.Is(calls[0].err, e.want)):
			t.Errorf("%s: Unreadable calls %+v, want one at index %d with %v", e.name, calls, index, e.want)
		}
	}
}

// TestSnapshotEncoding: the snapshot file is exactly what json.Marshal
// writes for snapshotFile (encode skips its second pass over the state).
func TestSnapshotEncoding(t *testing.T) {
	f := releasedFSM(t, 3)
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, err := snap.(*snapshot).encode()
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(snapshotFile{Format: SnapshotFormat, Version: SnapshotVersion, Index: f.Index(), State: st})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("snapshot file differs from json.Marshal's:\n got %.200s\nwant %.200s", got, want)
	}
}
