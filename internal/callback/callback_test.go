package callback_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	wire "github.com/kios-h2h/kios/client/basstore"
	df "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// receiver is a reseller's callback endpoint on 127.0.0.1 that answers from a script of status
// codes (the last one repeats) and keeps what it got.
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	codes []int
	got   []delivery
	seen  chan struct{}
}

type delivery struct {
	body   []byte
	header http.Header
}

func newReceiver(t *testing.T, codes ...int) *receiver {
	r := &receiver{codes: codes, seen: make(chan struct{}, 100)}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, delivery{body: body, header: req.Header.Clone()})
		code := r.codes[min(len(r.got), len(r.codes))-1]
		r.mu.Unlock()
		w.WriteHeader(code)
		r.seen <- struct{}{}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

func (r *receiver) wait(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-r.seen:
		case <-time.After(15 * time.Second):
			t.Fatalf("only %d deliveries of %d", i, n)
		}
	}
}

type bundle struct {
	path string
	db   *store.DB
	svc  *core.Service
	cr   core.Credentials
}

func open(t *testing.T, path string) (*store.DB, *core.Service) {
	t.Helper()
	return openClock(t, path, nil)
}

// openClock opens the database and the service on one clock (nil: time.Now), so a test can move
// time for both the orders' ages and the jobs' due times.
func openClock(t *testing.T, path string, now func() time.Time) (*store.DB, *core.Service) {
	t.Helper()
	db := storetest.OpenURLOptions(t, "sqlite:"+path, backend.Options{Options: store.Options{Now: now}})
	svc, err := core.New(context.Background(), db, core.Config{Router: simroute.New(0), Now: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return db, svc
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return setupClock(t, nil)
}

func setupClock(t *testing.T, now func() time.Time) *bundle {
	t.Helper()
	ctx := context.Background()
	b := &bundle{path: filepath.Join(t.TempDir(), "kios.db")}
	b.db, b.svc = openClock(t, b.path, now)
	if err := b.svc.SaveCatalog(ctx, []catalog.Product{{Code: "game", Name: "Game", Active: true}},
		[]catalog.Variant{{ProductCode: "game", Code: "V1", Name: "V1", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 1000}}}); err != nil {
		t.Fatal(err)
	}
	var err error
	if b.cr, err = b.svc.CreateReseller(ctx, core.NewReseller{Name: "Shop"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Credit(ctx, b.cr.Reseller.Username, 10000, "test"); err != nil {
		t.Fatal(err)
	}
	return b
}

// fulfil places an order and runs the fulfilment workers until it is final.
func (b *bundle) fulfil(t *testing.T, p core.PlaceParams) *order.Order {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = b.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 10 * time.Millisecond}); close(done) }()
	defer func() { cancel(); <-done }()
	p.Reseller, p.VariantCode = b.cr.Reseller, "V1"
	placed, err := b.svc.PlaceOrder(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		o, err := b.svc.Order(context.Background(), b.cr.Reseller.ID, placed.Order.Invoice)
		if err != nil {
			t.Fatal(err)
		}
		if o.Status.Final() {
			return o
		}
	}
	t.Fatal("order not final")
	return nil
}

func run(t *testing.T, svc *core.Service) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = callback.Run(ctx, svc, callback.Config{Dialects: registry.Default(), Poll: 10 * time.Millisecond, RetryBase: 20 * time.Millisecond, AllowPrivate: true})
		close(done)
	}()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

func TestBasstoreCallbackSignedRetriedStopped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 500, 200)
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, rcv.srv.URL+"/kios"); err != nil {
		t.Fatal(err)
	}
	o := b.fulfil(t, core.PlaceParams{Reference: "r1", Destination: "08123", Dialect: "basstore"})
	run(t, b.svc)
	rcv.wait(t, 2)
	time.Sleep(200 * time.Millisecond) // long enough for several more retries, were any due
	got := rcv.deliveries()
	if len(got) != 2 {
		t.Fatalf("%d deliveries, want 2 (one 500, one 200)", len(got))
	}
	for _, d := range got {
		sig := d.header.Get("X-Kios-Signature")
		if !wire.VerifyCallback(d.body, sig, b.cr.APIKey) || wire.VerifyCallback(d.body, sig, "wrong key") {
			t.Fatalf("signature %q does not verify", sig)
		}
		var env struct {
			Error bool `json:"error"`
			Code  int  `json:"code"`
			Data  struct {
				InvoiceNumber   string `json:"invoiceNumber"`
				StatusCode      string `json:"statusCode"`
				UserData        string `json:"userData"`
				ReferenceNumber string `json:"referenceNumber"`
				SN              string `json:"sn"`
				Price           int64  `json:"price"`
			} `json:"data"`
		}
		if err := json.Unmarshal(d.body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Error || env.Code != 200 || env.Data.InvoiceNumber != o.Invoice || env.Data.StatusCode != "Success" ||
			env.Data.UserData != "08123" || env.Data.ReferenceNumber != "r1" || env.Data.SN != o.SN || env.Data.Price != 1000 {
			t.Fatalf("body %s", d.body)
		}
	}
	if got[0].header.Get("X-Kios-Delivery") != got[1].header.Get("X-Kios-Delivery") || got[0].header.Get("X-Kios-Delivery") == "" {
		t.Fatal("a retry must carry the same delivery id")
	}
	if n, _ := b.db.JobCounts(context.Background()); n[store.JobCallback] != 0 {
		t.Fatalf("callback jobs left: %v", n)
	}
}

func TestDigiswitchCallbackToOrderURL(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 204)
	// cb_url on the order wins; the reseller has none.
	o := b.fulfil(t, core.PlaceParams{Reference: "r2", Destination: "0000", Dialect: "digiswitch", CallbackURL: rcv.srv.URL})
	if o.Status != order.Failed {
		t.Fatalf("want failed, got %s", o.Status)
	}
	run(t, b.svc)
	rcv.wait(t, 1)
	d := rcv.deliveries()[0]
	sig := d.header.Get("X-Hub-Signature")
	if !ds.VerifyCallback(d.body, sig, b.cr.APIKey) || sig[:5] != "sha1=" {
		t.Fatalf("signature %q", sig)
	}
	if d.header.Get("X-Kios-Event") != "update" || d.header.Get("X-Kios-Delivery") == "" {
		t.Fatalf("headers %v", d.header)
	}
	var body struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(d.body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"ref_id": "r2", "customer_no": "0000", "code": "V1", "status": "Gagal", "rc": "02", "price": float64(1000), "balance": float64(10000)}
	for k, v := range want {
		if body.Data[k] != v {
			t.Fatalf("%s = %#v, want %#v in %s", k, body.Data[k], v, d.body)
		}
	}
}

func TestCallbackSurvivesRestart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 200)
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, rcv.srv.URL); err != nil {
		t.Fatal(err)
	}
	o := b.fulfil(t, core.PlaceParams{Reference: "r3", Destination: "08123"})
	// The process dies before any delivery: the job is in the database.
	if err := b.db.Close(); err != nil {
		t.Fatal(err)
	}
	_, svc := open(t, b.path)
	run(t, svc)
	rcv.wait(t, 1)
	var env struct {
		Data struct {
			InvoiceNumber string `json:"invoiceNumber"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rcv.deliveries()[0].body, &env); err != nil || env.Data.InvoiceNumber != o.Invoice {
		t.Fatalf("%v %s", err, rcv.deliveries()[0].body)
	}
}

func TestNoCallbackURLQueuesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.fulfil(t, core.PlaceParams{Reference: "r4", Destination: "08123"})
	if n, _ := b.db.JobCounts(context.Background()); n[store.JobCallback] != 0 {
		t.Fatalf("jobs %v", n)
	}
}

func TestGivesUpAfterMaxAge(t *testing.T) {
	t.Parallel()
	// The clock is moved by hand: on a loaded machine a short real MaxAge could pass before the
	// first delivery, and the test would then prove nothing about retries.
	var skew atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	b := setupClock(t, now)
	rcv := newReceiver(t, 503)
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, rcv.srv.URL); err != nil {
		t.Fatal(err)
	}
	b.fulfil(t, core.PlaceParams{Reference: "r5", Destination: "08123"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = callback.Run(ctx, b.svc, callback.Config{Dialects: registry.Default(), Poll: 10 * time.Millisecond, RetryBase: 10 * time.Millisecond, RetryMax: 20 * time.Millisecond, MaxAge: time.Hour, AllowPrivate: true})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	// Within MaxAge a failing URL is asked again and the job stays.
	rcv.wait(t, 3)
	if n, err := b.db.JobCounts(context.Background()); err != nil || n[store.JobCallback] != 1 {
		t.Fatalf("callback jobs within MaxAge = %v (%v), want 1", n[store.JobCallback], err)
	}
	skew.Store(int64(2 * time.Hour))
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n, _ := b.db.JobCounts(context.Background()); n[store.JobCallback] == 0 {
			return
		}
	}
	t.Fatal("callback still queued long after MaxAge")
}

func TestPrivateAddressesRefusedByDefault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 200)
	if err := b.svc.SetCallback(context.Background(), b.cr.Reseller.Username, rcv.srv.URL); err != nil {
		t.Fatal(err)
	}
	b.fulfil(t, core.PlaceParams{Reference: "r6", Destination: "08123"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = callback.Run(ctx, b.svc, callback.Config{Dialects: registry.Default(), Poll: 10 * time.Millisecond, RetryBase: time.Hour})
		close(done)
	}()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		jobs, err := b.db.JobList(context.Background(), store.JobCallback)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 1 && strings.Contains(jobs[0].LastError, "private") {
			if n := len(rcv.deliveries()); n != 0 {
				t.Fatalf("%d deliveries to a loopback receiver", n)
			}
			return
		}
	}
	t.Fatal("callback to 127.0.0.1 not refused")
}

func TestDigiflazzWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rcv := newReceiver(t, 200)
	o := b.fulfil(t, core.PlaceParams{Reference: "r7", Destination: "08123", Dialect: "digiflazz", CallbackURL: rcv.srv.URL})
	run(t, b.svc)
	rcv.wait(t, 1)
	d := rcv.deliveries()[0]
	if d.header.Get(df.HeaderSignature) != df.WebhookSignature(b.cr.APIKey, d.body) || d.header.Get(df.HeaderEvent) != "update" {
		t.Fatalf("headers %v", d.header)
	}
	var body struct {
		Data struct {
			RefID  string `json:"ref_id"`
			TrxID  string `json:"trx_id"`
			Status string `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(d.body, &body); err != nil || body.Data.RefID != "r7" || body.Data.TrxID != o.Invoice || body.Data.Status != "Sukses" {
		t.Fatalf("%v %s", err, d.body)
	}
}
