// Package hostile is a fake upstream supplier per dialect (Digiflazz, Digiswitch, BASSTORE) whose
// behaviour each test picks: timeouts, 5xx, garbage, resets, refused connections, rate limits,
// refusals of the purchase or of the status check, answers about another reference, contradictory
// answers and callbacks, raised prices, successes without a serial number or at a huge cost.
//
// Underneath the faults it is an honest upstream: idempotent on the buyer's reference, as every
// dialect promises, so a status check (the same request again, or status-order) reports the
// purchase recorded first and never records a second. It counts what it recorded, which is what
// the suite checks: however hostile the answers, Kios never buys one order twice.
//
// Cases lists the behaviours the permanent suite runs, each with what the connector must make of
// it; docs/RELIABILITY.md shows the same list. Connector tests and core tests use both.
package hostile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	bsclient "github.com/kios-h2h/kios/client/basstore"
	dsclient "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/basstore"
	"github.com/kios-h2h/kios/internal/supplier/digiflazz"
	"github.com/kios-h2h/kios/internal/supplier/digiswitch"
)

// Dialect is the API a fake speaks.
type Dialect string

// The dialects.
const (
	Digiflazz  Dialect = "digiflazz"
	Digiswitch Dialect = "digiswitch"
	Basstore   Dialect = "basstore"
)

// Dialects lists them all.
var Dialects = []Dialect{Digiflazz, Digiswitch, Basstore}

// The credentials every fake accepts, and its normal price.
const (
	Username = "kios"
	Key      = "key" // the api key; also signs the callbacks
	Token    = "tok" // BASSTORE's bearer token
	Cost     = 900
)

// Fault is what happens to one call.
type Fault string

// Faults. Those that say "recorded" record the purchase (if the call is one that may) before
// they strike; the others leave nothing behind.
const (
	OK           Fault = ""            // the honest answer
	Hang         Fault = "hang"        // recorded, then no answer until the caller gives up
	HangFirst    Fault = "hang-first"  // no answer, nothing recorded
	Err500       Fault = "500"         // recorded, then a plain HTTP 500
	Err500Answer Fault = "500-answer"  // recorded, then HTTP 500 with a refusal in the dialect's shape
	Garbage      Fault = "garbage"     // recorded, then HTTP 200 with an HTML page
	Empty        Fault = "empty"       // recorded, then HTTP 200 with nothing
	Truncated    Fault = "truncated"   // recorded, then an answer cut off half-way
	Reset        Fault = "reset"       // recorded, then the connection closed without an answer
	Limited      Fault = "429"         // recorded, then HTTP 429 (with rc 85 in the Digiflazz family)
	LimitedFirst Fault = "429-first"   // HTTP 429 without a body, nothing recorded
	Refuse       Fault = "refuse"      // a refusal with Behaviour.RC or Behaviour.HTTP; nothing recorded
	OtherRef     Fault = "other-ref"   // recorded, then the honest answer naming another reference
	OtherOrder   Fault = "other-order" // BASSTORE status-order: the right invoice, another referenceNumber
	Contradict   Fault = "contradict"  // recorded, then rc 00 with status Gagal; BASSTORE: statusCode "Refunded"
	NoInvoice    Fault = "no-invoice"  // BASSTORE order: recorded, then a success without invoiceNumber
	NotFound     Fault = "not-found"   // recorded, then "not found" (rc 50; BASSTORE status-order 404)
	Down         Fault = "down"        // Behaviour.Calls[0] only: nothing listens at the fake's address
)

// Behaviour is what a fake does. The zero value is an honest upstream that succeeds at once.
type Behaviour struct {
	// Calls[i] is what happens to the i-th transaction call (Digiflazz family: purchase and
	// status checks alike) or order call (BASSTORE) of one reference; beyond it, OK.
	Calls []Fault
	// Polls[i] is what happens to the i-th status-order call of one invoice (BASSTORE).
	Polls []Fault
	RC    string // the rc of Refuse (Digiflazz family)
	HTTP  int    // the HTTP code of Refuse (BASSTORE)
	// Pending is how many honest answers about a recorded purchase say pending before the final.
	Pending int
	Fail    bool  // the final answer is a failure
	NoSN    bool  // a success carries no serial number
	Price   int64 // the price answered; 0 means Cost
	// IgnoreMax buys above the request's max_price; otherwise a new purchase above it is refused
	// with rc 69, as Kios does.
	IgnoreMax bool
	// EarlyCallback posts the final outcome to the callback URL before answering the purchase,
	// which it then answers pending.
	EarlyCallback bool
	// ContradictoryCallbacks posts a success and then a failure callback before answering the
	// purchase pending; the purchase did succeed.
	ContradictoryCallbacks bool
}

type purchase struct {
	ref, invoice, sku, dest string
	answers                 int // honest answers given about it
}

// Server is a running fake.
type Server struct {
	URL     string // the base URL a connector of its dialect takes
	Dialect Dialect
	b       Behaviour
	srv     *httptest.Server
	stop    chan struct{}

	mu        sync.Mutex
	callback  string
	bought    map[string]*purchase // by reference
	byInvoice map[string]*purchase
	calls     map[string]int // transaction/order calls by reference
	polls     map[string]int // status-order calls by invoice
}

// New starts a fake of dialect d behaving as b; it stops when the test ends.
func New(t testing.TB, d Dialect, b Behaviour) *Server {
	t.Helper()
	s := &Server{Dialect: d, b: b, stop: make(chan struct{}), bought: map[string]*purchase{}, byInvoice: map[string]*purchase{},
		calls: map[string]int{}, polls: map[string]int{}}
	mux := http.NewServeMux()
	switch d {
	case Digiflazz:
		mux.HandleFunc("POST /v1/transaction", s.flazz)
	case Digiswitch:
		mux.HandleFunc("POST /v1/user/api/transaction", s.flazz)
	case Basstore:
		mux.HandleFunc("POST "+bsclient.PathOrder, s.order)
		mux.HandleFunc("POST "+bsclient.PathStatusOrder+"{invoice}", s.status)
	}
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(s.stop) }) // runs first: hanging handlers let go
	s.URL = s.srv.URL
	if d == Digiflazz {
		s.URL += "/v1"
	}
	if len(b.Calls) > 0 && b.Calls[0] == Down {
		s.srv.Close()
	}
	return s
}

// Connector is a connector of the fake's dialect at it, named name, each call bounded by timeout.
func (s *Server) Connector(name string, timeout time.Duration) supplier.Supplier {
	switch s.Dialect {
	case Digiflazz:
		c, err := digiflazz.New(digiflazz.Config{Name: name, BaseURL: s.URL, Username: Username, APIKey: Key, Timeout: timeout})
		if err != nil {
			panic(err) // the configuration above is complete
		}
		return c
	case Digiswitch:
		return digiswitch.New(name, s.URL, Username, Key, "", dsclient.WithTimeout(timeout))
	default:
		return basstore.New(name, s.URL, Token, Key, bsclient.Options{Timeout: timeout})
	}
}

// SetCallback sets where the fake posts its callbacks.
func (s *Server) SetCallback(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callback = url
}

// Purchases is how many purchases the fake recorded (each reference at most once).
func (s *Server) Purchases() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bought)
}

// Calls is how many transaction (or order) calls the fake had, all references together.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

func (s *Server) price() int64 {
	if s.b.Price != 0 {
		return s.b.Price
	}
	return Cost
}

func at(faults []Fault, i int) Fault {
	if i < len(faults) {
		return faults[i]
	}
	return OK
}

// record records the purchase under ref once; the caller holds s.mu.
func (s *Server) record(ref, sku, dest string) *purchase {
	p, ok := s.bought[ref]
	if !ok {
		p = &purchase{ref: ref, invoice: fmt.Sprintf("UP-%d", len(s.bought)+1), sku: sku, dest: dest}
		s.bought[ref] = p
		s.byInvoice[p.invoice] = p
	}
	return p
}

// state is the honest state of p at its next answer: "pending", "success" or "failed". The
// caller holds s.mu.
func (s *Server) state(p *purchase) string {
	p.answers++
	switch {
	case p.answers <= s.b.Pending:
		return "pending"
	case s.b.Fail:
		return "failed"
	}
	return "success"
}

func (s *Server) sn(p *purchase) string {
	if s.b.NoSN {
		return ""
	}
	return "SN-" + p.invoice
}

// strike carries out the faults that end a call without an honest answer; it reports whether it
// did.
func (s *Server) strike(w http.ResponseWriter, r *http.Request, f Fault, refusal []byte) bool {
	switch f {
	case Hang, HangFirst:
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
	case Err500:
		http.Error(w, "internal server error", http.StatusInternalServerError)
	case Err500Answer:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write(refusal)
	case Garbage:
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body>Sedang maintenance</body></html>")
	case Empty:
		w.WriteHeader(http.StatusOK)
	case Truncated:
		w.Header().Set("Content-Length", "200")
		_, _ = io.WriteString(w, `{"data":{"rc":"00","ref_id":`)
	case Reset:
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	case LimitedFirst:
		w.WriteHeader(http.StatusTooManyRequests)
	default:
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// post sends a callback body signed by sign; a fake keeps going whatever the answer.
func (s *Server) post(body []byte, header, sig string) {
	s.mu.Lock()
	url := s.callback
	s.mu.Unlock()
	if url == "" {
		return
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(header, sig)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

// callbacks posts what the behaviour's callbacks say about p, through send(state).
func (s *Server) callbacks(send func(state string)) {
	switch {
	case s.b.ContradictoryCallbacks:
		send("success")
		send("failed")
	case s.b.EarlyCallback && s.b.Fail:
		send("failed")
	case s.b.EarlyCallback:
		send("success")
	}
}

// flazzRequest is a Digiflazz or Digiswitch transaction request: the two name the SKU
// differently.
type flazzRequest struct {
	Username   string `json:"username"`
	SKU        string `json:"buyer_sku_code"`
	Code       string `json:"code"`
	CustomerNo string `json:"customer_no"`
	RefID      string `json:"ref_id"`
	Sign       string `json:"sign"`
	MaxPrice   int64  `json:"max_price"`
}

// flazzAnswer is a transaction answer in the fake's dialect.
func (s *Server) flazzAnswer(ref, sku, dest, rc, status, sn string, price int64) map[string]any {
	a := map[string]any{"ref_id": ref, "customer_no": dest, "rc": rc, "status": status, "sn": sn, "price": price,
		"message": "hostile " + rc}
	if s.Dialect == Digiflazz {
		a["buyer_sku_code"], a["buyer_last_saldo"] = sku, 100000
	} else {
		a["code"], a["balance"] = sku, 100000
	}
	return map[string]any{"data": a}
}

var flazzRC = map[string]string{"pending": flazz.RCPending, "success": flazz.RCSuccess, "failed": flazz.RCFailed}

func (s *Server) flazz(w http.ResponseWriter, r *http.Request) {
	var req flazzRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Sign != flazz.Sign(Username, Key, req.RefID) {
		writeJSON(w, http.StatusOK, s.flazzAnswer(req.RefID, "", "", flazz.RCSign, flazz.StatusFailed, "", 0))
		return
	}
	sku := req.SKU
	if s.Dialect == Digiswitch {
		sku = req.Code
	}
	s.mu.Lock()
	f := at(s.b.Calls, s.calls[req.RefID])
	s.calls[req.RefID]++
	_, known := s.bought[req.RefID]
	price := s.price()
	refuse := func(rc string) {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, s.flazzAnswer(req.RefID, sku, req.CustomerNo, rc, flazz.StatusFailed, "", 0))
	}
	switch {
	case f == Refuse:
		refuse(s.b.RC)
		return
	case f == HangFirst || f == LimitedFirst:
		s.mu.Unlock()
		s.strike(w, r, f, nil)
		return
	case !known && req.MaxPrice > 0 && price > req.MaxPrice && !s.b.IgnoreMax:
		refuse(flazz.RCPriceAboveMax)
		return
	}
	p := s.record(req.RefID, sku, req.CustomerNo)
	early := !known && (s.b.EarlyCallback || s.b.ContradictoryCallbacks)
	var st string
	if early {
		st = "pending"
	} else {
		st = s.state(p)
	}
	sn := ""
	if st == "success" {
		sn = s.sn(p)
	}
	s.mu.Unlock()

	if early {
		s.callbacks(func(state string) {
			cs := ""
			if state == "success" {
				cs = s.sn(p)
			}
			body, _ := json.Marshal(s.flazzAnswer(p.ref, sku, p.dest, flazzRC[state], flazz.StatusOf(flazzRC[state]), cs, price))
			s.post(body, "X-Hub-Signature", flazz.HookSignature(Key, body))
		})
	}
	answer := s.flazzAnswer(req.RefID, sku, req.CustomerNo, flazzRC[st], flazz.StatusOf(flazzRC[st]), sn, price)
	switch f {
	case Limited:
		writeJSON(w, http.StatusTooManyRequests, s.flazzAnswer(req.RefID, sku, req.CustomerNo, flazz.RCTooFast, flazz.StatusFailed, "", 0))
	case OtherRef:
		writeJSON(w, http.StatusOK, s.flazzAnswer("OTHER-"+req.RefID, sku, req.CustomerNo, flazzRC[st], flazz.StatusOf(flazzRC[st]), sn, price))
	case Contradict:
		writeJSON(w, http.StatusOK, s.flazzAnswer(req.RefID, sku, req.CustomerNo, flazz.RCSuccess, flazz.StatusFailed, s.sn(p), price))
	case NotFound:
		writeJSON(w, http.StatusOK, s.flazzAnswer(req.RefID, sku, req.CustomerNo, flazz.RCNotFound, flazz.StatusFailed, "", 0))
	default:
		refusal, _ := json.Marshal(s.flazzAnswer(req.RefID, sku, req.CustomerNo, flazz.RCFailed, flazz.StatusFailed, "", 0))
		if !s.strike(w, r, f, refusal) {
			writeJSON(w, http.StatusOK, answer)
		}
	}
}

// basstoreError writes BASSTORE's error envelope.
func basstoreError(w http.ResponseWriter, code int) {
	writeJSON(w, code, bsclient.Envelope{Error: true, Code: code, Message: http.StatusText(code)})
}

func basstoreData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, bsclient.Envelope{Code: http.StatusOK, Message: bsclient.MessageSuccess, Data: data})
}

var basstoreStatus = map[string]string{"pending": bsclient.StatusPending, "success": bsclient.StatusSuccess, "failed": bsclient.StatusFailed}

func (s *Server) orderStatus(p *purchase, state string) bsclient.OrderStatus {
	st := bsclient.OrderStatus{InvoiceNumber: p.invoice, ReferenceNumber: p.ref, Code: p.sku, UserData: p.dest,
		StatusCode: basstoreStatus[state], Price: s.price(), ProductName: p.sku}
	if state == "success" {
		st.SN = s.sn(p)
	}
	return st
}

func (s *Server) order(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+Token {
		basstoreError(w, http.StatusUnauthorized)
		return
	}
	var req bsclient.OrderRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Code == "" || req.ReferenceNumber == "" {
		basstoreError(w, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	f := at(s.b.Calls, s.calls[req.ReferenceNumber])
	s.calls[req.ReferenceNumber]++
	_, known := s.bought[req.ReferenceNumber]
	switch f {
	case Refuse:
		s.mu.Unlock()
		basstoreError(w, s.b.HTTP)
		return
	case HangFirst, LimitedFirst:
		s.mu.Unlock()
		s.strike(w, r, f, nil)
		return
	}
	p := s.record(req.ReferenceNumber, req.Code, req.Data)
	s.mu.Unlock()

	if !known && (s.b.EarlyCallback || s.b.ContradictoryCallbacks) {
		s.callbacks(func(state string) {
			body, _ := json.Marshal(bsclient.Envelope{Code: http.StatusOK, Message: bsclient.MessageSuccess, Data: s.orderStatus(p, state)})
			s.post(body, bsclient.HeaderSignature, bsclient.CallbackSignature(body, Key))
		})
	}
	switch f {
	case Limited:
		basstoreError(w, http.StatusTooManyRequests)
	case NoInvoice:
		basstoreData(w, map[string]string{})
	case OtherRef:
		basstoreData(w, bsclient.OrderAnswer{InvoiceNumber: "OTHER-" + p.invoice})
	default:
		refusal, _ := json.Marshal(bsclient.Envelope{Error: true, Code: http.StatusInternalServerError, Message: "Internal error"})
		if !s.strike(w, r, f, refusal) {
			basstoreData(w, bsclient.OrderAnswer{InvoiceNumber: p.invoice})
		}
	}
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+Token {
		basstoreError(w, http.StatusUnauthorized)
		return
	}
	inv := r.PathValue("invoice")
	s.mu.Lock()
	f := at(s.b.Polls, s.polls[inv])
	s.polls[inv]++
	p, ok := s.byInvoice[inv]
	if !ok || f == Refuse || f == NotFound || f == Limited {
		s.mu.Unlock()
		code := http.StatusNotFound
		switch {
		case f == Refuse:
			code = s.b.HTTP
		case f == Limited:
			code = http.StatusTooManyRequests
		}
		basstoreError(w, code)
		return
	}
	st := s.orderStatus(p, s.state(p))
	s.mu.Unlock()
	switch f {
	case OtherRef:
		st.InvoiceNumber = "OTHER-" + st.InvoiceNumber
		basstoreData(w, st)
	case OtherOrder:
		st.ReferenceNumber = "OTHER-" + st.ReferenceNumber
		basstoreData(w, st)
	case Contradict:
		st.StatusCode = "Refunded"
		basstoreData(w, st)
	default:
		refusal, _ := json.Marshal(bsclient.Envelope{Error: true, Code: http.StatusInternalServerError, Message: "Internal error"})
		if !s.strike(w, r, f, refusal) {
			basstoreData(w, st)
		}
	}
}
