package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// genesis is the Prev of the first audit entry: 64 zeros.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// AuditEntry records one state change. Hash is the hex SHA-256 of the
// entry's JSON with Hash empty; Prev is the Hash of the entry before, so
// changing, dropping or reordering any entry breaks the chain.
type AuditEntry struct {
	Seq     uint64    `json:"seq"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Digest  string    `json:"digest"`
	Detail  string    `json:"detail,omitempty"`
	Prev    string    `json:"prev"`
	Hash    string    `json:"hash"`
}

func (e AuditEntry) computeHash() string {
	e.Hash = ""
	b, err := json.Marshal(e)
	if err != nil { // cannot happen: only strings, integers and times
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// record appends an entry to the audit log.
func (s *State) record(st Stamp, action, subject, digest, detail string) {
	prev := genesis
	if n := len(s.Audit); n > 0 {
		prev = s.Audit[n-1].Hash
	}
	e := AuditEntry{
		Seq: uint64(len(s.Audit)) + 1, At: st.At.UTC(), Actor: st.Actor, Action: action,
		Subject: subject, Digest: digest, Detail: detail, Prev: prev,
	}
	e.Hash = e.computeHash()
	s.Audit = append(s.Audit, e)
}

// VerifyAudit checks an audit log: sequence numbers 1, 2, 3 ..., every
// entry's Hash, and every Prev link. The error names the first bad entry.
func VerifyAudit(log []AuditEntry) error {
	prev := genesis
	for i, e := range log {
		switch {
		case e.Seq != uint64(i)+1:
			return fmt.Errorf("%w: entry %d has sequence number %d", ErrAuditChain, i+1, e.Seq)
		case e.Prev != prev:
			return fmt.Errorf("%w: entry %d does not link to entry %d (prev %q, want %q)", ErrAuditChain, e.Seq, i, e.Prev, prev)
		case e.computeHash() != e.Hash:
			return fmt.Errorf("%w: entry %d was altered (its hash does not match its content)", ErrAuditChain, e.Seq)
		}
		prev = e.Hash
	}
	return nil
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
