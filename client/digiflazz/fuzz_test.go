package digiflazz_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	df "github.com/kios-h2h/kios/client/digiflazz"
)

// FuzzSignMatches: a sign matches exactly when it is the right digest, in any hex case.
func FuzzSignMatches(f *testing.F) {
	f.Add("tokobudi", "key", "depo", "")
	f.Add("tokobudi", "key", "r1", "D41D8CD98F00B204E9800998ECF8427E")
	f.Fuzz(func(t *testing.T, user, key, suffix, presented string) {
		want := df.Sign(user, key, suffix)
		if !df.SignMatches(want, user, key, suffix) || !df.SignMatches(strings.ToUpper(want), user, key, suffix) {
			t.Fatalf("the right sign %q does not match", want)
		}
		if df.SignMatches(presented, user, key, suffix) != strings.EqualFold(presented, want) {
			t.Fatalf("presented %q, want %q: match is %v", presented, want, !strings.EqualFold(presented, want))
		}
	})
}

// FuzzReadWebhook: with a secret, a webhook is accepted only under its own signature; any body
// gives a webhook or an error, never a panic.
func FuzzReadWebhook(f *testing.F) {
	f.Add([]byte(`{"data":{"ref_id":"r1","status":"Sukses","rc":"00","trx_id":"T1"}}`), "secret", "", true)
	f.Add([]byte(`{"data":null}`), "", "sha1=00", false)
	f.Add([]byte(`not json`), "s", "", true)
	f.Fuzz(func(t *testing.T, body []byte, secret, header string, sign bool) {
		if sign {
			header = df.WebhookSignature(secret, body)
		}
		r := httptest.NewRequest(http.MethodPost, "/callback", bytes.NewReader(body))
		r.Header.Set(df.HeaderSignature, header)
		wh, err := df.ReadWebhook(r, secret, 4096)
		if err != nil {
			if wh != nil {
				t.Fatal("a webhook and an error")
			}
			return
		}
		if secret != "" && !df.WebhookSignatureValid(secret, body, header) {
			t.Fatalf("webhook accepted under a wrong signature %q", header)
		}
		if len(body) > 4096 {
			t.Fatalf("a %d-byte webhook accepted over the limit", len(body))
		}
	})
}

type canned struct {
	status int
	body   []byte
}

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: c.status, Body: io.NopCloser(bytes.NewReader(c.body)), Header: http.Header{}, Request: r}, nil
}

// FuzzClientAnswer: whatever a server answers a balance check with, the client returns a
// balance, an *RCError, or an error wrapping ErrUnknownOutcome; a 5xx is never definite.
func FuzzClientAnswer(f *testing.F) {
	f.Add(200, []byte(`{"data":{"deposit":150000}}`))
	f.Add(200, []byte(`{"data":{"rc":"41","message":"Signature Anda salah"}}`))
	f.Add(400, []byte(`{"data":{"rc":"40","message":"Payload Error"}}`))
	f.Add(500, []byte(`{"data":{"rc":"02"}}`))
	f.Add(200, []byte(`{"data":[]}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		c := df.New("http://kios.invalid", "tokobudi", "key", df.WithHTTPClient(&http.Client{Transport: canned{status, body}}))
		_, err := c.Balance(context.Background())
		_, isRC := df.AsRCError(err)
		switch {
		case err == nil:
			if status >= 300 {
				t.Fatalf("HTTP %d %s taken for success", status, body)
			}
		case isRC:
			if status >= 500 {
				t.Fatalf("HTTP %d taken for a definite refusal: %v", status, err)
			}
		case !errors.Is(err, df.ErrUnknownOutcome):
			t.Fatalf("HTTP %d %s: %v is neither a refusal nor an unknown outcome", status, body, err)
		}
	})
}
