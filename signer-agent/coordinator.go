package signeragent

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/pkg/intoto"
)

// ClientCoordinator is the Coordinator of a real agent: the coordinator's
// /v1 API through coordinator/client (failover between nodes, bounded
// responses).
type ClientCoordinator struct {
	Client *client.Client
	// LayoutPolicy, when set, names the policy whose released layouts are
	// the project's layouts; "" takes the newest released layout request.
	LayoutPolicy string
}

// WaitRequests implements Coordinator: pending requests its keys may sign.
func (c *ClientCoordinator) WaitRequests(ctx context.Context, index uint64, keyIDs []string, _ time.Duration) ([]Request, uint64, error) {
	list, err := c.Client.WaitRequests(ctx, index, api.Filter{Status: api.PhasePending, KeyIDs: keyIDs})
	if err != nil {
		return nil, index, err
	}
	out := make([]Request, 0, len(list.Requests))
	for _, v := range list.Requests {
		out = append(out, fromAPI(v.Request))
	}
	return out, list.Index, nil
}

// GetRequest implements Coordinator.
func (c *ClientCoordinator) GetRequest(ctx context.Context, id string) (Request, error) {
	v, err := c.Client.GetRequest(ctx, id)
	if err != nil {
		return Request{}, err
	}
	return fromAPI(v.Request), nil
}

// ReleasedLayout implements Coordinator: the newest released layout.
func (c *ClientCoordinator) ReleasedLayout(ctx context.Context) (*intoto.Layout, error) {
	list, err := c.Client.ListRequests(ctx, api.Filter{Status: api.PhaseReleased, Kind: api.KindLayout, Policy: c.LayoutPolicy})
	if err != nil {
		return nil, err
	}
	var newest *api.Request
	for i := range list.Requests {
		r := &list.Requests[i].Request
		if newest == nil || r.ClosedAt.After(newest.ClosedAt) {
			newest = r
		}
	}
	if newest == nil {
		return nil, nil
	}
	lay, err := intoto.DecodeLayout(newest.Payload)
	if err != nil {
		return nil, fmt.Errorf("released layout %s: %w", newest.ID, err)
	}
	return lay, nil
}

// SubmitSignature implements Coordinator.
func (c *ClientCoordinator) SubmitSignature(ctx context.Context, requestID string, sig Signature) error {
	_, err := c.Client.AddSignature(ctx, requestID, api.SignatureBody{KeyID: sig.KeyID, Sig: sig.Sig, MetaSig: sig.MetaSig})
	return err
}

// Reject implements Coordinator.
func (c *ClientCoordinator) Reject(ctx context.Context, requestID, keyID, reason string) error {
	_, err := c.Client.Reject(ctx, requestID, keyID, clipReason(reason))
	return err
}

func fromAPI(r api.Request) Request {
	return Request{ID: r.ID, Kind: string(r.Kind), Requester: r.Requester, PayloadType: r.PayloadType, Payload: r.Payload}
}

// clipReason keeps a rejection reason within what the coordinator stores:
// one line of valid UTF-8, at most 1 KiB.
func clipReason(s string) string {
	const max = 1024
	s = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max-3], "") + "..."
	}
	return s
}
