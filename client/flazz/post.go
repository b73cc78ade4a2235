package flazz

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// Poster makes the round trips of one API's client: a JSON POST and its {"data": …} answer.
// Whether an answer is a refusal is each member's own rule, decided from the Answer it returns.
type Poster struct {
	API     string       // starts every error: "digiflazz"
	Unknown error        // wrapped by every error after which the request may have been acted on
	HTTP    *http.Client // sends the requests
	MaxBody int64        // how much of an answer is read
	// DialNotSent makes a failed connection a plain error (nothing was sent, so a retry under any
	// ref_id is safe) rather than an unknown outcome.
	DialNotSent bool
}

// Answer is a server's answer below HTTP 500.
type Answer struct {
	StatusCode int
	Status     string          // "404 Not Found"
	Data       json.RawMessage // the envelope's data; nil when the body is not an envelope
}

// Refusal reads rc, status and message from the answer's data. ok is false when the data is not a
// JSON object of that shape; the rc may still be success or pending (see IsRefusal).
func (a Answer) Refusal() (r Refusal, ok bool) {
	if len(a.Data) == 0 || a.Data[0] != '{' {
		return r, false
	}
	return r, json.Unmarshal(a.Data, &r) == nil
}

// Post sends req as JSON to url. A timeout or broken connection after sending, an unreadable
// answer and an HTTP 5xx wrap p.Unknown; an error before sending does not.
func (p *Poster) Post(ctx context.Context, url, endpoint string, req any) (Answer, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return Answer{}, fmt.Errorf("%s %s: encode: %w", p.API, endpoint, err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return Answer{}, fmt.Errorf("%s %s: %w", p.API, endpoint, err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	resp, err := p.HTTP.Do(hreq)
	if err != nil {
		var op *net.OpError
		if p.DialNotSent && errors.As(err, &op) && op.Op == "dial" {
			return Answer{}, fmt.Errorf("%s %s: request not sent: %w", p.API, endpoint, err)
		}
		return Answer{}, fmt.Errorf("%s %s: %w: %w", p.API, endpoint, p.Unknown, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, p.MaxBody))
	if err != nil {
		return Answer{}, fmt.Errorf("%s %s: read answer: %w: %w", p.API, endpoint, p.Unknown, err)
	}
	if resp.StatusCode >= 500 {
		return Answer{}, fmt.Errorf("%s %s: HTTP %d: %w", p.API, endpoint, resp.StatusCode, p.Unknown)
	}
	a := Answer{StatusCode: resp.StatusCode, Status: resp.Status}
	var env Envelope[json.RawMessage]
	if json.Unmarshal(raw, &env) == nil {
		a.Data = env.Data
	}
	return a, nil
}
