package client

import (
	"context"
	"fmt"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

// ErrAuditChain means an audit log's hash chain is broken: an entry was
// changed, dropped, inserted or reordered. VerifyAuditChain's errors match
// it with errors.Is.
var ErrAuditChain = state.ErrAuditChain

// DefaultAuditPage is the page size AuditAll asks for by default.
const DefaultAuditPage = 1000

// MaxAuditEntries bounds what AuditAll reads: 10 million entries.
const MaxAuditEntries = 10_000_000

// AuditAll fetches the whole audit log, pageSize entries at a time
// (DefaultAuditPage when zero), from the first entry. It does not verify
// the chain (see VerifyAuditChain).
func (c *Client) AuditAll(ctx context.Context, pageSize int) ([]api.AuditEntry, error) {
	if pageSize <= 0 {
		pageSize = DefaultAuditPage
	}
	var all []api.AuditEntry
	for len(all) <= MaxAuditEntries {
		page, err := c.Audit(ctx, uint64(len(all)), pageSize)
		if err != nil {
			return all, err
		}
		for i, e := range page.Entries {
			if want := uint64(len(all) + 1); e.Seq != want {
				return all, fmt.Errorf("%w: entry %d of a page starting after %d has sequence number %d, want %d", ErrAuditChain, i+1, len(all), e.Seq, want)
			}
			all = append(all, e)
		}
		if !page.Truncated || len(page.Entries) == 0 {
			return all, nil
		}
	}
	return all, fmt.Errorf("%w: the audit log has more than %d entries", ErrTooLarge, MaxAuditEntries)
}

// VerifyAuditChain checks an audit log from its first entry: sequence
// numbers 1, 2, 3 ..., every entry's hash over its content, and every
// entry's link to the one before. It returns the head hash (the last
// entry's; 64 zeros for an empty log). Errors wrap ErrAuditChain and name
// the first bad entry.
func VerifyAuditChain(entries []api.AuditEntry) (head string, err error) {
	if err := state.VerifyAudit(entries); err != nil {
		return "", err
	}
	if len(entries) == 0 {
		return fmt.Sprintf("%064d", 0), nil
	}
	return entries[len(entries)-1].Hash, nil
}
