package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"lantu/sync/wire"
)

// Client speaks the exchange protocol to one server with one token. It is
// safe for concurrent use.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
	// Retries is how many times a transient failure is tried again; Backoff
	// the first wait, doubled each time (capped at 30 s). A 429's
	// Retry-After replaces the wait.
	retries int
	backoff time.Duration
}

// NewClient makes a client of the server at rawURL.
func NewClient(rawURL, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(rawURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: server %q is not an http(s) URL", ErrBadInput, rawURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Minute}
	}
	return &Client{base: u, token: token, http: hc, retries: 6, backoff: 200 * time.Millisecond}, nil
}

// SetRetry sets how often and how soon transient failures are retried.
// It must not be called while requests are under way.
func (c *Client) SetRetry(retries int, backoff time.Duration) {
	c.retries, c.backoff = retries, backoff
}

// Collections lists the server's collection ids.
func (c *Client) Collections(ctx context.Context) ([]string, error) {
	infos, err := c.CollectionInfos(ctx)
	ids := make([]string, len(infos))
	for i, in := range infos {
		ids[i] = in.ID
	}
	return ids, err
}

// CollectionInfo is what the server says of a collection. It is a value.
type CollectionInfo struct {
	ID    string `json:"id"`
	Count int64  `json:"lantu:count"` // live features
}

// CollectionInfos lists the server's collections with their counts.
func (c *Client) CollectionInfos(ctx context.Context) ([]CollectionInfo, error) {
	var body struct {
		Collections []CollectionInfo `json:"collections"`
	}
	if err := c.do(ctx, "collections", http.MethodGet, "/collections", nil, nil, &body); err != nil {
		return nil, err
	}
	return body.Collections, nil
}

// ChangesQuery asks for one page of a collection's change feed.
type ChangesQuery struct {
	Collection string
	Since      string
	Limit      int
	SRID       int        // crs of the features (x=east); 0: CRS84
	BBox       [4]float64 // in SRID, x=east; all zero: none
}

// Changes reads one page of a collection's change feed.
func (c *Client) Changes(ctx context.Context, q ChangesQuery) (*wire.ChangePage, error) {
	v := url.Values{}
	if q.Since != "" {
		v.Set("since", q.Since)
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.SRID != 0 {
		v.Set("crs", wire.CRSURI(q.SRID))
	}
	if q.BBox != [4]float64{} {
		s := make([]string, 4)
		for i, f := range q.BBox {
			s[i] = strconv.FormatFloat(f, 'f', -1, 64)
		}
		v.Set("bbox", strings.Join(s, ","))
		if q.SRID != 0 {
			v.Set("bbox-crs", wire.CRSURI(q.SRID))
		}
	}
	var page wire.ChangePage
	path := "/collections/" + url.PathEscape(q.Collection) + "/changes?" + v.Encode()
	if err := c.do(ctx, "pull "+q.Collection, http.MethodGet, path, nil, nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// Push sends a batch of changes; the answer has one result per change, in
// order.
func (c *Client) Push(ctx context.Context, req *wire.PushRequest) (*wire.PushResponse, error) {
	body, err := req.AppendJSON(make([]byte, 0, 1024*len(req.Changes)+64))
	if err != nil {
		return nil, &Error{Op: "push", Kind: Invalid, Err: err}
	}
	var res wire.PushResponse
	if err := c.do(ctx, "push", http.MethodPost, "/sync/push", body, map[string]string{"Content-Type": wire.MediaJSON}, &res); err != nil {
		return nil, err
	}
	if len(res.Results) != len(req.Changes) {
		return nil, opErr("push", Invalid, "%d results for %d changes", len(res.Results), len(req.Changes))
	}
	return &res, nil
}

// do sends a request, retrying transient failures, and decodes a 200's
// JSON body into out.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, hdr map[string]string, out any) error {
	wait := c.backoff
	for try := 0; ; try++ {
		retryAfter, err := c.once(ctx, op, method, path, body, hdr, out)
		if err == nil || KindOf(err) != Transient || try >= c.retries || ctx.Err() != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		d := wait
		if retryAfter > 0 {
			d = retryAfter
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// once sends one request; it returns a Retry-After wait with a 429.
func (c *Client) once(ctx context.Context, op, method, path string, body []byte, hdr map[string]string, out any) (time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, rd)
	if err != nil {
		return 0, &Error{Op: op, Kind: Invalid, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", wire.MediaJSON)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, &Error{Op: op, Kind: netKind(err), Err: err}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, &Error{Op: op, Kind: Transient, Err: fmt.Errorf("reading the answer: %w", err)}
	}
	if res.StatusCode != http.StatusOK {
		return retryAfter(res), statusError(op, res.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		// A 200 with a body cut short or garbled: the request may have been
		// applied; retrying with the same idempotency keys is safe.
		return 0, &Error{Op: op, Kind: Transient, Err: fmt.Errorf("answer is not the expected JSON: %w", err)}
	}
	return 0, nil
}

func retryAfter(res *http.Response) time.Duration {
	if res.StatusCode != http.StatusTooManyRequests {
		return 0
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	return time.Second
}

func statusError(op string, status int, body []byte) *Error {
	msg := strings.TrimSpace(string(body))
	var p wire.Problem
	if json.Unmarshal(body, &p) == nil && (p.Detail != "" || p.Title != "") {
		msg = p.Title
		if p.Detail != "" {
			msg = p.Detail
		}
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	k := Invalid
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		k = Permission
	case status == http.StatusTooManyRequests || status >= 500 || status == http.StatusRequestTimeout:
		k = Transient
	}
	return &Error{Op: op, Kind: k, Err: fmt.Errorf("HTTP %d: %s", status, msg)}
}

// netKind classifies a transport error: a request that could not be
// built is invalid; every network failure (refused, reset, EOF mid-answer,
// timeout) is transient.
func netKind(err error) Kind {
	var ue *url.Error
	if errors.As(err, &ue) && strings.Contains(ue.Err.Error(), "unsupported protocol") {
		return Invalid
	}
	return Transient
}
