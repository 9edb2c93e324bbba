package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
)

func reqPath(id, tail string) string { return "/v1/requests/" + url.PathEscape(id) + tail }

// CreateRequest creates a signing request (idempotent for the same id and
// content).
func (c *Client) CreateRequest(ctx context.Context, b api.CreateRequestBody) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/requests", body: b, out: &out})
	return out, err
}

// GetRequest returns a request with its threshold status.
func (c *Client) GetRequest(ctx context.Context, id string) (api.RequestView, error) {
	var out api.RequestView
	_, err := c.do(ctx, call{method: http.MethodGet, path: reqPath(id, ""), query: c.blocking(url.Values{}, 0), out: &out})
	return out, err
}

// ListRequests lists requests matching f.
func (c *Client) ListRequests(ctx context.Context, f api.Filter) (api.RequestList, error) {
	var out api.RequestList
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/requests", query: c.blocking(f.Query(), 0), out: &out})
	return out, err
}

// WaitRequests is a blocking ListRequests: it returns once the state has
// moved past index (or Config.Wait passed), with the list and its index
// to pass to the next call. Index 0 answers at once.
func (c *Client) WaitRequests(ctx context.Context, index uint64, f api.Filter) (api.RequestList, error) {
	var out api.RequestList
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/requests", query: c.blocking(f.Query(), index), out: &out})
	return out, err
}

// blocking adds a blocking query for index to q; with index 0 it asks
// only that the answering node has caught up with this client's earlier
// answers (floor), which it does at once when it has.
func (c *Client) blocking(q url.Values, index uint64) url.Values {
	if index == 0 {
		index = c.floor()
	}
	if index > 0 {
		q.Set("index", strconv.FormatUint(index, 10))
		q.Set("wait", c.cfg.Wait.String())
	}
	return q
}

// Released returns a request's released files (empty until released).
func (c *Client) Released(ctx context.Context, id string) (api.ReleasedBody, error) {
	var out api.ReleasedBody
	_, err := c.do(ctx, call{method: http.MethodGet, path: reqPath(id, "/released"), query: c.blocking(url.Values{}, 0), out: &out})
	return out, err
}

// WaitReleased blocks until request id is released and returns its
// files; it returns ErrNotReleased if the request ends otherwise.
func (c *Client) WaitReleased(ctx context.Context, id string) ([]api.File, error) {
	var index uint64
	for {
		var out api.ReleasedBody
		idx, err := c.do(ctx, call{method: http.MethodGet, path: reqPath(id, "/released"), query: c.blocking(url.Values{}, index), out: &out})
		if err != nil {
			return nil, err
		}
		switch out.Phase {
		case api.PhaseReleased:
			return out.Files, nil
		case api.PhasePending:
		default:
			return nil, fmt.Errorf("%w: request %s is %s", ErrNotReleased, id, out.Phase)
		}
		if idx <= index { // a node that lags or restarted: wait a moment
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
		index = idx
	}
}

// AddSignature submits a signature for a key.
func (c *Client) AddSignature(ctx context.Context, requestID string, b api.SignatureBody) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: reqPath(requestID, "/signatures"), body: b, out: &out})
	return out, err
}

// SubmitLink submits a signed link to a step-collect request.
func (c *Client) SubmitLink(ctx context.Context, requestID string, document []byte) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: reqPath(requestID, "/links"), body: api.LinkBody{Document: document}, out: &out})
	return out, err
}

// Reject records a key's refusal of a request.
func (c *Client) Reject(ctx context.Context, requestID, keyID, reason string) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: reqPath(requestID, "/reject"), body: api.RejectBody{KeyID: keyID, Reason: reason}, out: &out})
	return out, err
}

// Cancel cancels a pending request.
func (c *Client) Cancel(ctx context.Context, requestID, reason string) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: reqPath(requestID, "/cancel"), body: api.CancelBody{Reason: reason}, out: &out})
	return out, err
}

// EnrollKey enrols a public key (admin).
func (c *Client) EnrollKey(ctx context.Context, b api.EnrollKeyBody) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/keys", body: b, out: &out})
	return out, err
}

// RevokeKey revokes an enrolled key (admin).
func (c *Client) RevokeKey(ctx context.Context, keyID, reason string) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/keys/" + url.PathEscape(keyID) + "/revoke", body: api.RevokeBody{Reason: reason}, out: &out})
	return out, err
}

// Keys lists enrolled keys (read).
func (c *Client) Keys(ctx context.Context) ([]api.EnrolledKey, error) {
	var out []api.EnrolledKey
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/keys", query: c.blocking(url.Values{}, 0), out: &out})
	return out, err
}

// ApplyPolicy creates or updates a policy (admin).
func (c *Client) ApplyPolicy(ctx context.Context, p api.Policy) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/policies", body: api.PolicyBody{Policy: p}, out: &out})
	return out, err
}

// Policies lists policies (read).
func (c *Client) Policies(ctx context.Context) ([]api.Policy, error) {
	var out []api.Policy
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/policies", query: c.blocking(url.Values{}, 0), out: &out})
	return out, err
}

// Policy returns one policy (read).
func (c *Client) Policy(ctx context.Context, name string) (api.Policy, error) {
	var out api.Policy
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/policies/" + url.PathEscape(name), query: c.blocking(url.Values{}, 0), out: &out})
	return out, err
}

// CreateToken creates an API token (admin); the secret is in the answer
// only. It is not resent to another node once it may have arrived.
func (c *Client) CreateToken(ctx context.Context, b api.CreateTokenBody) (api.NewToken, error) {
	var out api.NewToken
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/tokens", body: b, out: &out, once: true})
	return out, err
}

// Bootstrap asks for the cluster's first admin token (works once, where
// the nodes allow it).
func (c *Client) Bootstrap(ctx context.Context, identity string) (api.NewToken, error) {
	var out api.NewToken
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/bootstrap", body: api.BootstrapBody{Identity: identity}, out: &out, once: true})
	return out, err
}

// RevokeToken revokes an API token (admin).
func (c *Client) RevokeToken(ctx context.Context, id, reason string) (api.WriteResult, error) {
	var out api.WriteResult
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/v1/tokens/" + url.PathEscape(id) + "/revoke", body: api.RevokeBody{Reason: reason}, out: &out})
	return out, err
}

// Tokens lists API tokens without their secrets (admin).
func (c *Client) Tokens(ctx context.Context) ([]api.TokenInfo, error) {
	var out []api.TokenInfo
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/tokens", query: c.blocking(url.Values{}, 0), out: &out})
	return out, err
}

// Audit returns audit entries after sequence number after (read).
func (c *Client) Audit(ctx context.Context, after uint64, limit int) (api.AuditList, error) {
	q := url.Values{"after": {strconv.FormatUint(after, 10)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out api.AuditList
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/audit", query: c.blocking(q, 0), out: &out})
	return out, err
}

// Health asks one node after another for its health; the first answer
// wins.
func (c *Client) Health(ctx context.Context) (api.Health, error) {
	var out api.Health
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/v1/health", out: &out})
	return out, err
}
