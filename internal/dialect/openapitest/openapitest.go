// Package openapitest checks requests and answers against an OpenAPI 3.1 description, with
// pb33f/libopenapi-validator (JSON Schema 2020-12, as OpenAPI 3.1 uses). The dialects' tests run
// their golden requests and answers through it, so a description cannot drift from the wire.
package openapitest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/helpers"
)

// Spec is a description ready to check against.
type Spec struct {
	v validator.Validator
}

// New reads a description and fails t unless it is a valid OpenAPI 3.1 document.
func New(t testing.TB, spec []byte) *Spec {
	t.Helper()
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatalf("openapi: %v", err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("openapi: version %q, want 3.1", v)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("openapi: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("openapi document: %s: %s", e.Message, e.Reason)
		}
		t.FailNow()
	}
	return &Spec{v: v}
}

// Call is one request and its answer as sent on the wire.
type Call struct {
	Method string
	// Target is the path with its query, as the client sent it.
	Target string
	Header http.Header // of the request; Content-Type is JSON when a body is set and none is given
	Body   []byte

	Status      int
	ContentType string // of the answer; "" means application/json
	Answer      []byte
}

func (c Call) request() *http.Request {
	var body io.Reader
	if c.Body != nil {
		body = bytes.NewReader(c.Body)
	}
	r := httptest.NewRequest(c.Method, c.Target, body)
	for k, vs := range c.Header {
		r.Header[k] = vs
	}
	if c.Body != nil && r.Header.Get("Content-Type") == "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

// described reports whether c's method and path are an operation of the description.
func (s *Spec) described(c Call) bool {
	_, errs := s.v.ValidateHttpRequestSync(c.request())
	for _, e := range errs {
		if e.ValidationType == helpers.PathValidation && e.ValidationSubType == helpers.ValidationMissing {
			return false
		}
	}
	return true
}

// Request fails t when c's request does not match its operation.
func (s *Spec) Request(t testing.TB, c Call) {
	t.Helper()
	if ok, errs := s.v.ValidateHttpRequestSync(c.request()); !ok {
		for _, e := range errs {
			t.Errorf("%s %s: request: %s: %s%s", c.Method, c.Target, e.Message, e.Reason, schemaErrors(e.SchemaValidationErrors))
		}
	}
}

// Answer fails t when c's answer does not match its operation's answer for its status.
func (s *Spec) Answer(t testing.TB, c Call) {
	t.Helper()
	ct := c.ContentType
	if ct == "" {
		ct = "application/json"
	}
	resp := &http.Response{StatusCode: c.Status, Header: http.Header{"Content-Type": {ct}},
		Body: io.NopCloser(bytes.NewReader(c.Answer)), ContentLength: int64(len(c.Answer)), Request: c.request()}
	if ok, errs := s.v.ValidateHttpResponse(c.request(), resp); !ok {
		for _, e := range errs {
			t.Errorf("%s %s: answer %d: %s: %s%s", c.Method, c.Target, c.Status, e.Message, e.Reason, schemaErrors(e.SchemaValidationErrors))
		}
	}
}

func schemaErrors[E interface{ Error() string }](errs []E) string {
	var b strings.Builder
	for i, e := range errs {
		b.WriteString("\n\t" + strconv.Itoa(i+1) + ". " + e.Error())
	}
	return b.String()
}

// Client is an HTTP client whose every request and answer is checked against s as it passes:
// hand it to a dialect's Go client to check the wire a test makes.
func (s *Spec) Client(t testing.TB) *http.Client {
	return &http.Client{Transport: checking{t: t, s: s}}
}

type checking struct {
	t testing.TB
	s *Spec
}

func (c checking) RoundTrip(r *http.Request) (*http.Response, error) {
	call := Call{Method: r.Method, Target: r.URL.RequestURI(), Header: r.Header.Clone()}
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		call.Body = body
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	call.Status, call.ContentType, call.Answer = resp.StatusCode, resp.Header.Get("Content-Type"), answer
	c.s.Request(c.t, call)
	c.s.Answer(c.t, call)
	return resp, nil
}

// Handler wraps a server's handler so that every call under prefix is checked against s as it is
// served: its answer always, its request when the answer is not a refusal (a test may send a
// malformed request on purpose; the server accepting one the description refuses is the drift).
// Hand it to the server a package's tests share, and every test checks the wire it makes.
func (s *Spec) Handler(t testing.TB, prefix string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			h.ServeHTTP(w, r)
			return
		}
		call := Call{Method: r.Method, Target: r.URL.RequestURI(), Header: r.Header.Clone()}
		if r.Body != nil {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if len(body) > 0 {
				call.Body = body
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		call.Status, call.ContentType, call.Answer = rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()
		if call.Status == http.StatusNotFound && !s.described(call) {
			return // a path the API does not have, answered so
		}
		if call.Status < http.StatusBadRequest {
			s.Request(t, call)
		}
		s.Answer(t, call)
	})
}
