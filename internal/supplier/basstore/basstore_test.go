package basstore_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	client "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/basstore"
	"github.com/kios-h2h/kios/internal/supplier/suppliertest"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
)

// upstream is a scripted BASSTORE-style server: idempotent on referenceNumber like the real one,
// with one fault injected into the first order call.
type upstream struct {
	srv   *httptest.Server
	fault string // "", "timeout", "500", "malformed", "slow", "drop", "refuse", "callback-first"
	// pending is how many status polls answer Pending before the final answer.
	pending int
	final   string // client.StatusSuccess (default) or client.StatusFailed
	// callback, for "callback-first": where to post the callback before answering.
	callback string

	mu       sync.Mutex
	orders   map[string]string // referenceNumber -> invoice
	calls    int               // order calls
	polls    int
	faulted  bool
	cbStatus int
	// cbDone is closed once the "callback-first" callback's answer is in cbStatus. The order
	// turns final when the inbound handler commits, before that answer reaches the fake, so
	// a test reading cbStatus must wait for this, not for the order.
	cbDone chan struct{}
}

func newUpstream(t *testing.T, u *upstream) *upstream {
	u.orders = map[string]string{}
	u.cbDone = make(chan struct{})
	if u.final == "" {
		u.final = client.StatusSuccess
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/order", u.order)
	mux.HandleFunc("POST /api/v1/status-order/{invoice}", u.status)
	u.srv = httptest.NewServer(mux)
	t.Cleanup(u.srv.Close)
	return u
}

func envelope(w http.ResponseWriter, code int, data any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if code != 200 {
		_ = json.NewEncoder(w).Encode(map[string]any{"error": true, "code": code, "message": "Variant inactive", "data": nil})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": false, "code": 200, "message": "Success", "data": data})
}

func (u *upstream) order(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer tok" {
		envelope(w, 401, nil)
		return
	}
	var req client.OrderRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		envelope(w, 400, nil)
		return
	}
	u.mu.Lock()
	u.calls++
	fault := ""
	if !u.faulted {
		fault, u.faulted = u.fault, true
	}
	if fault == "refuse" {
		u.mu.Unlock()
		envelope(w, 422, nil)
		return
	}
	inv, ok := u.orders[req.ReferenceNumber]
	if !ok {
		inv = fmt.Sprintf("UP-%d", len(u.orders)+1)
		u.orders[req.ReferenceNumber] = inv
	}
	u.mu.Unlock()
	switch fault {
	case "timeout":
		time.Sleep(time.Second) // past the caller's upstream timeout
	case "500":
		http.Error(w, "internal error", 500)
		return
	case "malformed":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"error":false,"code":200,"data":{"invoiceNu`))
		return
	case "slow":
		time.Sleep(100 * time.Millisecond)
	case "drop":
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	case "callback-first":
		u.mu.Lock()
		cbURL := u.callback
		u.mu.Unlock()
		body, _ := json.Marshal(map[string]any{"error": false, "code": 200, "message": "Success", "data": client.OrderStatus{
			InvoiceNumber: inv, StatusCode: client.StatusSuccess, ReferenceNumber: req.ReferenceNumber, SN: "SN-CB", Price: suppliertest.Cost}})
		creq, _ := http.NewRequest(http.MethodPost, cbURL, bytes.NewReader(body))
		creq.Header.Set(client.HeaderSignature, client.CallbackSignature(body, "cbsecret"))
		resp, err := http.DefaultClient.Do(creq)
		if err == nil {
			u.mu.Lock()
			u.cbStatus = resp.StatusCode
			u.mu.Unlock()
			resp.Body.Close()
		}
		close(u.cbDone)
	}
	envelope(w, 200, client.OrderAnswer{InvoiceNumber: inv})
}

func (u *upstream) status(w http.ResponseWriter, r *http.Request) {
	inv := r.PathValue("invoice")
	u.mu.Lock()
	u.polls++
	var ref string
	for k, v := range u.orders {
		if v == inv {
			ref = k
		}
	}
	st := u.final
	if u.polls <= u.pending {
		st = client.StatusPending
	}
	u.mu.Unlock()
	if ref == "" {
		envelope(w, 404, nil)
		return
	}
	d := client.OrderStatus{InvoiceNumber: inv, StatusCode: st, ReferenceNumber: ref, Price: suppliertest.Cost}
	if st == client.StatusSuccess {
		d.SN = "SN-" + inv
	}
	envelope(w, 200, d)
}

func (u *upstream) counts() (orders, calls int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.orders), u.calls
}

func setup(t *testing.T, u *upstream) *suppliertest.Bundle {
	return suppliertest.Setup(t, 300*time.Millisecond, func(s store.Supplier) (supplier.Supplier, error) {
		return basstore.New(s.Name, u.srv.URL, "tok", "cbsecret", client.Options{}), nil
	})
}

func TestFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fault   string
		pending int
		final   string
		want    order.Status
		orders  int
	}{
		{fault: "", want: order.Success, orders: 1},
		{fault: "timeout", want: order.Success, orders: 1},
		{fault: "500", want: order.Success, orders: 1},
		{fault: "malformed", want: order.Success, orders: 1},
		{fault: "slow", want: order.Success, orders: 1},
		{fault: "drop", want: order.Success, orders: 1},
		{fault: "", pending: 3, want: order.Success, orders: 1},
		{fault: "drop", pending: 2, final: client.StatusFailed, want: order.Failed, orders: 1},
		{fault: "refuse", want: order.Failed, orders: 0},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/pending%d/%s", c.fault, c.pending, c.want), func(t *testing.T) {
			t.Parallel()
			u := newUpstream(t, &upstream{fault: c.fault, pending: c.pending, final: c.final})
			b := setup(t, u)
			o := b.Order(t, "r1", "0812")
			cost := int64(suppliertest.Cost)
			if c.want != order.Success {
				cost = 0
			}
			b.Expect(t, o, c.want, cost)
			// An unknown outcome is asked after by sending the same order once more, never by a
			// new reference.
			wantCalls := 1
			switch c.fault {
			case "timeout", "500", "malformed", "drop":
				wantCalls = 2
			}
			if n, calls := u.counts(); n != c.orders || calls != wantCalls {
				t.Fatalf("%d orders upstream in %d calls, want %d in %d", n, calls, c.orders, wantCalls)
			}
			at := b.Attempts(t, o)
			if len(at) != 1 || (c.orders == 1 && at[0].UpstreamRef != "UP-1") {
				t.Fatalf("attempts %+v", at)
			}
			if c.want == order.Success && o.SN != "SN-UP-1" {
				t.Fatalf("sn %q", o.SN)
			}
		})
	}
}

func TestCallbackBeforeOrderReply(t *testing.T) {
	t.Parallel()
	u := &upstream{fault: "callback-first", pending: 1000} // polls would never end it
	u = newUpstream(t, u)
	b := setup(t, u)
	in := httptest.NewServer(inbound.Handler(b.Svc, b.Router, nil))
	defer in.Close()
	u.mu.Lock() // the handler reads it in another goroutine
	u.callback = in.URL + "/callback/" + suppliertest.Upstream
	u.mu.Unlock()
	o := b.Order(t, "r1", "0812")
	b.Expect(t, o, order.Success, suppliertest.Cost)
	if o.SN != "SN-CB" {
		t.Fatalf("sn %q", o.SN)
	}
	select {
	case <-u.cbDone:
	case <-time.After(15 * time.Second):
		t.Fatal("the upstream never got its callback's answer")
	}
	u.mu.Lock()
	cbStatus := u.cbStatus
	u.mu.Unlock()
	if n, _ := u.counts(); n != 1 || cbStatus != 200 {
		t.Fatalf("%d orders, callback answered %d", n, cbStatus)
	}
}

func TestReadCallbackRejectsForgery(t *testing.T) {
	t.Parallel()
	s := basstore.New("up", "http://127.0.0.1:1", "tok", "cbsecret", client.Options{})
	body := []byte(`{"error":false,"code":200,"message":"Success","data":{"invoiceNumber":"UP-1","statusCode":"Success","referenceNumber":"KIOS-1-1","sn":"X"}}`)
	for _, sig := range []string{"", "sha256=00", "sha1=" + strings.TrimPrefix(client.CallbackSignature(body, "cbsecret"), "sha256="), client.CallbackSignature(body, "other")} {
		h := http.Header{}
		h.Set("X-Kios-Signature", sig)
		if _, _, err := s.ReadCallback(h, body); err != supplier.ErrBadSignature {
			t.Fatalf("signature %q: %v", sig, err)
		}
	}
	h := http.Header{}
	h.Set("X-Kios-Signature", client.CallbackSignature(body, "cbsecret"))
	ref, res, err := s.ReadCallback(h, body)
	if err != nil || ref != "KIOS-1-1" || res.State != supplier.Success || res.SN != "X" || res.UpstreamRef != "UP-1" {
		t.Fatalf("%q %+v %v", ref, res, err)
	}
}

func TestDownUpstreamFailsDefinitely(t *testing.T) {
	t.Parallel()
	// Nothing listens: the request never leaves, so the order may go elsewhere at once.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	b := suppliertest.Setup(t, 300*time.Millisecond, func(s store.Supplier) (supplier.Supplier, error) {
		return basstore.New(s.Name, url, "tok", "", client.Options{}), nil
	})
	o := b.Order(t, "r1", "0812")
	b.Expect(t, o, order.Failed, 0)
	if at := b.Attempts(t, o); len(at) != 1 || at[0].State != "failed" || !strings.Contains(at[0].Message, "refused") {
		t.Fatalf("attempts %+v", at)
	}
}
