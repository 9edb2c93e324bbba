package journal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func rec(req, key, payload string) Record {
	return Record{RequestID: req, KeyID: key, Digest: Digest([]byte(payload)), Signature: []byte("sig:" + payload),
		At: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
}

func TestJournalSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	j, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(rec("r1", "k1", "layout v1")); err != nil {
		t.Fatal(err)
	}
	if err := j.Append(rec("r1", "k1", "layout v1")); err != nil {
		t.Fatalf("the same record again must be a no-op: %v", err)
	}
	if err := j.Append(rec("r1", "k1", "layout v2")); !errors.Is(err, ErrConflictingPayload) {
		t.Fatalf("a second payload: %v; want ErrConflictingPayload", err)
	}
	if err := j.Append(rec("r1", "k2", "layout v1")); err != nil {
		t.Fatal(err)
	}
	j.Close()

	j, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.Check("r1", "k1", Digest([]byte("layout v1")))
	if err != nil || got == nil || !bytes.Equal(got.Signature, []byte("sig:layout v1")) {
		t.Fatalf("after a restart the signature must be reused: %+v, %v", got, err)
	}
	if _, err := j.Check("r1", "k1", Digest([]byte("layout v2"))); !errors.Is(err, ErrConflictingPayload) {
		t.Fatalf("after a restart a second payload: %v", err)
	}
	if r, err := j.Check("r2", "k1", Digest([]byte("x"))); r != nil || err != nil {
		t.Fatalf("unknown request: %+v, %v", r, err)
	}
	fi, _ := os.Stat(filepath.Join(dir, FileName))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestTornLastRecordIsDropped(t *testing.T) {
	dir := t.TempDir()
	j, _ := Open(dir)
	_ = j.Append(rec("r1", "k1", "a"))
	j.Close()
	path := filepath.Join(dir, FileName)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"request_id":"r2","key_id":"k1","dig`)
	f.Close()
	j, err := Open(dir)
	if err != nil {
		t.Fatalf("a torn last record must be dropped, not fatal: %v", err)
	}
	if err := j.Append(rec("r2", "k1", "b")); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j, err = Open(dir)
	if err != nil {
		t.Fatalf("after repairing: %v", err)
	}
	defer j.Close()
	if _, ok := j.Lookup("r2", "k1"); !ok {
		t.Fatal("the record written after the torn one is lost")
	}
}

func TestCorruptJournalStops(t *testing.T) {
	for name, content := range map[string]string{
		"garbage line":   "not json\n",
		"unknown field":  `{"request_id":"r","key_id":"k","digest":"` + Digest(nil) + `","signature":"c2ln","at":"2026-11-22T00:00:00Z","x":1}` + "\n",
		"two payloads":   line(rec("r", "k", "a")) + line(rec("r", "k", "b")),
		"missing digest": `{"request_id":"r","key_id":"k","digest":"","signature":"c2ln","at":"2026-11-22T00:00:00Z"}` + "\n",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(dir); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Open = %v; want ErrCorrupt", name, err)
		}
	}
}

func line(r Record) string {
	dir, _ := os.MkdirTemp("", "j")
	defer os.RemoveAll(dir)
	j, _ := Open(dir)
	_ = j.Append(r)
	j.Close()
	data, _ := os.ReadFile(filepath.Join(dir, FileName))
	return string(data)
}

func TestConcurrentAppend(t *testing.T) {
	j, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := range 16 {
		wg.Go(func() {
			// Every goroutine tries its own payload for the same request:
			// exactly one may win.
			if j.Append(rec("r", "k", string(rune('a'+i)))) == nil {
				mu.Lock()
				accepted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if accepted != 1 {
		t.Fatalf("%d different payloads were recorded for one request; want 1", accepted)
	}
}

func FuzzOpen(f *testing.F) {
	f.Add([]byte(line(rec("r", "k", "a"))))
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := Open(dir)
		if err != nil {
			return
		}
		defer j.Close()
		// An opened journal accepts a new record and keeps it.
		if err := j.Append(rec("fuzz-new", "k", "p")); err != nil && !errors.Is(err, ErrConflictingPayload) {
			t.Fatal(err)
		}
	})
}
