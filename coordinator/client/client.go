package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/signet-dev/signet/coordinator/api"
)

// Defaults of Config.
const (
	// DefaultMaxResponseSize bounds a response body: 64 MiB.
	DefaultMaxResponseSize = 64 << 20
	// DefaultRetryFor is how long calls retry while no node answers.
	DefaultRetryFor = 30 * time.Second
)

// Config configures a Client. Endpoints is required.
type Config struct {
	// Endpoints are base URLs of coordinator nodes (https://host:port).
	Endpoints []string
	// Token is a bearer token (signet_...); empty to use TLS client
	// certificates only.
	Token string
	// TLS is the TLS configuration (roots, client certificate). Ignored
	// when HTTPClient is set.
	TLS *tls.Config
	// HTTPClient replaces the default client (its Timeout must be zero or
	// longer than blocking waits).
	HTTPClient *http.Client
	// MaxResponseSize bounds response bodies; DefaultMaxResponseSize when
	// zero.
	MaxResponseSize int64
	// Wait is the wait of blocking queries; 60 s when zero.
	Wait time.Duration
	// RetryFor is how long a call keeps trying while the cluster has no
	// leader (nodes answer 503: an election, a node restarting): every
	// round tries each endpoint once, then waits, from 100 ms doubling up
	// to 2 s. Writes are idempotent, so retrying them is safe. When no
	// endpoint answers at all (a typo, the whole cluster down) it gives
	// up after 2 s. 30 s when zero; negative tries one round only.
	RetryFor time.Duration
}

// Client talks to a coordinator cluster. It is safe for concurrent use.
type Client struct {
	cfg  Config
	urls []*url.URL
	hc   *http.Client
	mu   sync.Mutex
	cur  int // endpoint that answered last
	// seen is the highest X-Signet-Index of any answer: reads of requests
	// wait until the answering node has applied it (read-your-writes
	// across nodes).
	seen atomic.Uint64
}

// New returns a Client.
func New(cfg Config) (*Client, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, fmt.Errorf("%w: give at least one endpoint", ErrConfig)
	}
	c := &Client{cfg: cfg, hc: cfg.HTTPClient}
	for _, e := range cfg.Endpoints {
		u, err := url.Parse(strings.TrimRight(e, "/"))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("%w: endpoint %q: give a URL such as https://coordinator:8443", ErrConfig, e)
		}
		c.urls = append(c.urls, u)
	}
	if strings.ContainsAny(cfg.Token, " \r\n\t") {
		return nil, fmt.Errorf("%w: the token contains white space", ErrConfig)
	}
	if c.cfg.MaxResponseSize <= 0 {
		c.cfg.MaxResponseSize = DefaultMaxResponseSize
	}
	if c.cfg.Wait <= 0 {
		c.cfg.Wait = time.Minute
	}
	if c.cfg.RetryFor == 0 {
		c.cfg.RetryFor = DefaultRetryFor
	}
	if c.hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = cfg.TLS
		c.hc = &http.Client{Transport: tr}
	}
	return c, nil
}

// call is one API call.
type call struct {
	method string
	path   string
	query  url.Values
	body   any
	out    any
	// once: not safe to resend after the request may have arrived.
	once bool
	// raw is sent as the body with Content-Type rawType instead of body.
	raw     []byte
	rawType string
	// sink receives a successful answer's body, at most sinkMax bytes,
	// instead of out.
	sink    io.Writer
	sinkMax int64
}

// do runs a call against the endpoints, failing over on connection
// errors and 503s, in rounds until Config.RetryFor has passed. It returns
// the X-Signet-Index of the answer.
func (c *Client) do(ctx context.Context, cl call) (uint64, error) {
	start := time.Now()
	delay := 100 * time.Millisecond
	for {
		idx, answered, err := c.round(ctx, cl)
		if err == nil {
			c.note(idx)
		}
		limit := c.cfg.RetryFor
		if !answered {
			limit = min(limit, unreachableRetry)
		}
		if err == nil || !errors.Is(err, ErrUnavailable) || time.Since(start)+delay > limit {
			return idx, err
		}
		select {
		case <-ctx.Done():
			return 0, errors.Join(err, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// note raises seen to idx.
func (c *Client) note(idx uint64) {
	for {
		old := c.seen.Load()
		if idx <= old || c.seen.CompareAndSwap(old, idx) {
			return
		}
	}
}

// floor is the index a read must find applied to reflect this client's
// earlier answers, as a blocking-query index (0: none).
func (c *Client) floor() uint64 {
	if s := c.seen.Load(); s > 1 {
		return s - 1
	}
	return 0
}

// unreachableRetry bounds retrying when no endpoint answers at all.
const unreachableRetry = 2 * time.Second

// round tries each endpoint once, starting with the one that answered
// last; answered says whether any node answered over HTTP.
func (c *Client) round(ctx context.Context, cl call) (idx uint64, answered bool, err error) {
	var body []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return 0, false, fmt.Errorf("encoding the request: %w", err)
		}
		body = b
	}
	if cl.raw != nil {
		body = cl.raw
	}
	c.mu.Lock()
	start := c.cur
	c.mu.Unlock()
	var last error
	for i := range c.urls {
		n := (start + i) % len(c.urls)
		idx, retry, err := c.send(ctx, c.urls[n], cl, body)
		if err == nil {
			c.mu.Lock()
			c.cur = n
			c.mu.Unlock()
			return idx, true, nil
		}
		var e *Error
		answered = answered || errors.As(err, &e)
		if !retry || ctx.Err() != nil {
			return 0, answered, err
		}
		last = err
	}
	return 0, answered, fmt.Errorf("%w: no coordinator answered: %w", ErrUnavailable, last)
}

// send sends the call to one node; retry says whether another node may be
// tried.
func (c *Client) send(ctx context.Context, base *url.URL, cl call, body []byte) (uint64, bool, error) {
	u := *base
	u.Path = base.Path + cl.path
	u.RawQuery = cl.query.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), rd)
	if err != nil {
		return 0, false, fmt.Errorf("building the request: %w", err)
	}
	switch {
	case cl.raw != nil:
		req.Header.Set("Content-Type", cl.rawType)
	case body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, !cl.once || refused(err), fmt.Errorf("coordinator %s: %w", base.Host, err)
	}
	defer resp.Body.Close()
	return c.answer(resp, base.Host, cl)
}

// answer reads a response within the size bound into cl.out, or into an
// *Error; retry is set for a 503.
func (c *Client) answer(resp *http.Response, host string, cl call) (uint64, bool, error) {
	if cl.sink != nil && resp.StatusCode < 300 {
		return c.stream(resp, host, cl)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxResponseSize+1))
	if err != nil {
		return 0, !cl.once, fmt.Errorf("coordinator %s: reading the answer: %w", host, err)
	}
	if int64(len(data)) > c.cfg.MaxResponseSize {
		return 0, false, fmt.Errorf("%w: coordinator %s answered more than %d bytes", ErrTooLarge, host, c.cfg.MaxResponseSize)
	}
	idx, _ := strconv.ParseUint(resp.Header.Get(api.IndexHeader), 10, 64)
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode, Node: host}
		var eb api.ErrorBody
		if json.Unmarshal(data, &eb) == nil {
			e.Code, e.Message = eb.Code, eb.Error
		}
		return 0, resp.StatusCode == http.StatusServiceUnavailable, e
	}
	if cl.out != nil {
		if err := json.Unmarshal(data, cl.out); err != nil {
			return 0, false, fmt.Errorf("coordinator %s: decoding the answer: %w", host, err)
		}
	}
	return idx, false, nil
}

// stream copies a successful answer's body into cl.sink. A failure after
// the first byte is not retried elsewhere: the sink holds part of it.
func (c *Client) stream(resp *http.Response, host string, cl call) (uint64, bool, error) {
	n, err := io.Copy(cl.sink, io.LimitReader(resp.Body, cl.sinkMax+1))
	switch {
	case err != nil:
		return 0, false, fmt.Errorf("coordinator %s: reading the answer: %w", host, err)
	case n > cl.sinkMax:
		return 0, false, fmt.Errorf("%w: coordinator %s answered more than %d bytes", ErrTooLarge, host, cl.sinkMax)
	}
	idx, _ := strconv.ParseUint(resp.Header.Get(api.IndexHeader), 10, 64)
	return idx, false, nil
}

// refused reports whether err means the request never reached a server.
func refused(err error) bool {
	var op *net.OpError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &op) && op.Op == "dial"
}
