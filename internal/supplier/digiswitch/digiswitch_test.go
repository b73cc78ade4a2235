package digiswitch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	client "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/digiswitch"
	"github.com/kios-h2h/kios/internal/supplier/suppliertest"
	"github.com/kios-h2h/kios/internal/upstream/inbound"
)

// upstream is a scripted Digiswitch-style server: a transaction is idempotent on ref_id (the
// same request again is the status check), with one fault injected into the first call.
type upstream struct {
	srv      *httptest.Server
	fault    string // "", "timeout", "500", "malformed", "slow", "drop", "refuse", "callback-first"
	pending  int    // answers Pending before the final answer
	finalRC  string // client.RCSuccess (default) or client.RCFailed
	callback string

	mu      sync.Mutex
	txs     map[string]int // ref_id -> calls
	faulted bool
	answers int
}

func newUpstream(t *testing.T, u *upstream) *upstream {
	u.txs = map[string]int{}
	if u.finalRC == "" {
		u.finalRC = client.RCSuccess
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+client.PathTransaction, u.transaction)
	u.srv = httptest.NewServer(mux)
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) answer(req client.TransactionRequest) client.TransactionResponse {
	u.answers++
	rc := u.finalRC
	if u.answers <= u.pending {
		rc = client.RCPending
	}
	resp := client.TransactionResponse{RefID: req.RefID, CustomerNo: req.CustomerNo, Code: req.Code, RC: rc, Status: client.StatusOf(rc), Price: suppliertest.Cost, Balance: 50000}
	if rc == client.RCSuccess {
		resp.SN = "SN-" + req.RefID
	}
	return resp
}

func (u *upstream) transaction(w http.ResponseWriter, r *http.Request) {
	var req client.TransactionRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Sign != client.Sign("kios", "key", req.RefID) {
		w.WriteHeader(200)
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"rc": client.RCSign, "status": "Gagal", "message": "sign"}})
		return
	}
	u.mu.Lock()
	fault := ""
	if !u.faulted {
		fault, u.faulted = u.fault, true
	}
	if fault == "refuse" {
		u.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"ref_id": req.RefID, "rc": client.RCProduct, "status": "Gagal", "message": "Produk tidak aktif"}})
		return
	}
	u.txs[req.RefID]++
	resp := u.answer(req)
	u.mu.Unlock()
	switch fault {
	case "timeout":
		time.Sleep(time.Second)
	case "500":
		http.Error(w, "oops", 500)
		return
	case "malformed":
		_, _ = w.Write([]byte(`{"data":{"ref_id":`))
		return
	case "slow":
		time.Sleep(100 * time.Millisecond)
	case "drop":
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	case "callback-first":
		u.mu.Lock()
		cbURL := u.callback
		u.mu.Unlock()
		final := resp
		final.RC, final.Status, final.SN = client.RCSuccess, client.StatusSuccess, "SN-CB"
		body, _ := json.Marshal(client.Envelope[client.TransactionResponse]{Data: final})
		creq, _ := http.NewRequest(http.MethodPost, cbURL, bytes.NewReader(body))
		creq.Header.Set(client.HeaderSignature, client.CallbackSignature(body, "key"))
		if cresp, err := http.DefaultClient.Do(creq); err == nil {
			cresp.Body.Close()
		}
		resp.RC, resp.Status, resp.SN = client.RCPending, client.StatusPending, ""
	}
	_ = json.NewEncoder(w).Encode(client.Envelope[client.TransactionResponse]{Data: resp})
}

func (u *upstream) counts() (refs, calls int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, n := range u.txs {
		calls += n
	}
	return len(u.txs), calls
}

func setup(t *testing.T, u *upstream) *suppliertest.Bundle {
	return suppliertest.Setup(t, 300*time.Millisecond, func(s store.Supplier) (supplier.Supplier, error) {
		return digiswitch.New(s.Name, u.srv.URL, "kios", "key", ""), nil
	})
}

func TestFaults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fault   string
		pending int
		finalRC string
		want    order.Status
	}{
		{fault: "", want: order.Success},
		{fault: "timeout", want: order.Success},
		{fault: "500", want: order.Success},
		{fault: "malformed", want: order.Success},
		{fault: "slow", want: order.Success},
		{fault: "drop", want: order.Success},
		{fault: "", pending: 3, want: order.Success},
		{fault: "drop", pending: 2, finalRC: client.RCFailed, want: order.Failed},
		{fault: "refuse", want: order.Failed},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/pending%d/%s", c.fault, c.pending, c.want), func(t *testing.T) {
			t.Parallel()
			u := newUpstream(t, &upstream{fault: c.fault, pending: c.pending, finalRC: c.finalRC})
			b := setup(t, u)
			o := b.Order(t, "r1", "0812")
			cost := int64(suppliertest.Cost)
			if c.want != order.Success {
				cost = 0
			}
			b.Expect(t, o, c.want, cost)
			refs, _ := u.counts()
			wantRefs := 1
			if c.fault == "refuse" {
				wantRefs = 0
			}
			if refs != wantRefs {
				t.Fatalf("%d references upstream, want %d: an unknown outcome must be asked after under the same ref_id", refs, wantRefs)
			}
			if at := b.Attempts(t, o); len(at) != 1 {
				t.Fatalf("attempts %+v", at)
			}
		})
	}
}

func TestCallbackBeforeOrderReply(t *testing.T) {
	t.Parallel()
	u := newUpstream(t, &upstream{fault: "callback-first", pending: 1000})
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
	if refs, _ := u.counts(); refs != 1 {
		t.Fatalf("%d references upstream", refs)
	}
}

// TestStatusNeverFailsOnRequestRefusal: a status check that cannot connect, or that the upstream
// refuses for the account (sign, IP, rate), says nothing about a purchase sent before: unknown,
// never Failed (which would release the hold and try the next supplier). A purchase so refused
// is a definite failure.
func TestStatusNeverFailsOnRequestRefusal(t *testing.T) {
	t.Parallel()
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"data":{"rc":"41","status":"Gagal","message":"Signature salah"}}`))
	}))
	defer refusing.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	req := supplier.Request{Reference: "r1", SKU: "s5", Destination: "0812"}
	for name, url := range map[string]string{"refused": refusing.URL, "down": downURL} {
		s := digiswitch.New("up", url, "kios", "key", "")
		if res, err := s.Status(context.Background(), req); !errors.Is(err, supplier.ErrUnknownOutcome) {
			t.Errorf("%s: status %+v %v, want unknown", name, res, err)
		}
		if res, err := s.Purchase(context.Background(), req); err != nil || res.State != supplier.Failed || !res.Unreachable {
			t.Errorf("%s: purchase %+v %v, want failed and unreachable", name, res, err)
		}
	}
}
