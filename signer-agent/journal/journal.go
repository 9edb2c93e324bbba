package journal

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Errors of the journal.
var (
	// ErrConflictingPayload: the key already signed different bytes for
	// this request; signing again would give two contradicting signatures.
	ErrConflictingPayload = errors.New("a different payload was already signed for this request")
	// ErrCorrupt: the journal file is damaged beyond a torn last line.
	ErrCorrupt = errors.New("signing journal is corrupt")
	// ErrInvalid: a record is incomplete or too large.
	ErrInvalid = errors.New("invalid journal record")
)

// Limits.
const (
	// MaxRecordBytes bounds one record (signatures are small).
	MaxRecordBytes = 64 << 10
	// FileName is the journal's name in the state directory.
	FileName = "signed.jsonl"
)

// Record is one signature the agent made.
type Record struct {
	RequestID string `json:"request_id"`
	KeyID     string `json:"key_id"`
	// Digest is the hex SHA-256 of the exact bytes signed.
	Digest    string `json:"digest"`
	Signature []byte `json:"signature"`
	// MetaSignature is the signature over the canonical JSON of a layout
	// or link payload (legacy metablocks), when there is one.
	MetaSignature []byte    `json:"meta_signature,omitempty"`
	At            time.Time `json:"at"`
}

type key struct{ request, keyID string }

// Journal is an open journal. It is safe for concurrent use.
type Journal struct {
	mu    sync.Mutex
	f     *os.File
	index map[key]Record
}

// Digest returns the digest the journal records for msg.
func Digest(msg []byte) string {
	sum := sha256.Sum256(msg)
	return hex.EncodeToString(sum[:])
}

// Open opens (creating it, mode 0600) the journal in dir and reads it.
func Open(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: state directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j := &Journal{f: f, index: map[key]Record{}}
	if err := j.load(path); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// load reads every record, truncating a torn last line.
func (j *Journal) load(path string) error {
	r := bufio.NewReaderSize(j.f, 64<<10)
	var good int64
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("%w: %s line %d is longer than %d bytes", ErrCorrupt, path, n, MaxRecordBytes)
		}
		if errors.Is(err, io.EOF) {
			if len(line) > 0 { // a record cut short by a crash: drop it
				return j.truncate(good)
			}
			_, err = j.f.Seek(good, io.SeekStart)
			return err
		}
		if err != nil {
			return fmt.Errorf("journal: reading %s: %w", path, err)
		}
		var rec Record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil || rec.check() != nil {
			return fmt.Errorf("%w: %s line %d: move the file aside only if you know which signatures were sent", ErrCorrupt, path, n)
		}
		if old, ok := j.index[key{rec.RequestID, rec.KeyID}]; ok && old.Digest != rec.Digest {
			return fmt.Errorf("%w: %s line %d records a second payload for request %s", ErrCorrupt, path, n, rec.RequestID)
		}
		j.index[key{rec.RequestID, rec.KeyID}] = rec
		good += int64(len(line))
	}
}

func (j *Journal) truncate(size int64) error {
	if err := j.f.Truncate(size); err != nil {
		return fmt.Errorf("journal: dropping a torn record: %w", err)
	}
	_, err := j.f.Seek(size, io.SeekStart)
	return err
}

func (r Record) check() error {
	switch {
	case r.RequestID == "" || r.KeyID == "":
		return fmt.Errorf("%w: request and key ids are required", ErrInvalid)
	case len(r.Digest) != 64:
		return fmt.Errorf("%w: digest must be hex SHA-256", ErrInvalid)
	case len(r.Signature) == 0:
		return fmt.Errorf("%w: no signature", ErrInvalid)
	}
	return nil
}

// Lookup returns the signature the key made for the request, if any.
func (j *Journal) Lookup(requestID, keyID string) (Record, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	r, ok := j.index[key{requestID, keyID}]
	return r, ok
}

// Check reports whether signing digest for the request with the key is
// allowed: nil when nothing was signed yet, ErrConflictingPayload when
// different bytes were; a previous signature of the same bytes is returned
// for reuse.
func (j *Journal) Check(requestID, keyID, digest string) (*Record, error) {
	r, ok := j.Lookup(requestID, keyID)
	switch {
	case !ok:
		return nil, nil
	case r.Digest != digest:
		return nil, fmt.Errorf("%w: request %s, key %s: signed %s before, now asked for %s",
			ErrConflictingPayload, requestID, keyID, short(r.Digest), short(digest))
	}
	return &r, nil
}

// Append records a signature durably (fsync) before it may be sent. A
// record identical to one already there is a no-op.
func (j *Journal) Append(r Record) error {
	if err := r.check(); err != nil {
		return err
	}
	line, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(line)+1 > MaxRecordBytes {
		return fmt.Errorf("%w: %d bytes", ErrInvalid, len(line))
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if old, ok := j.index[key{r.RequestID, r.KeyID}]; ok {
		if old.Digest != r.Digest {
			return fmt.Errorf("%w: request %s, key %s", ErrConflictingPayload, r.RequestID, r.KeyID)
		}
		return nil
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal: fsync: %w", err)
	}
	j.index[key{r.RequestID, r.KeyID}] = r
	return nil
}

// Close closes the file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

func short(d string) string {
	if len(d) > 12 {
		return d[:12]
	}
	return d
}
