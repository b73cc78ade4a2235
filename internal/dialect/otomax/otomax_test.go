package otomax_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/access"
	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/dialect/otomax"
	"github.com/kios-h2h/kios/internal/dialect/registry"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

const (
	member = "downline"
	pin    = "1234"
	funds  = 1_000_000
)

// bundle is the test kit (see internal/kiostest: every dialect's server, otomax's at
// otomax.Prefix) on the demo catalog, with its reseller a member with a PIN, and its workers
// running.
type bundle struct {
	*kiostest.Kit
}

func setup(t testing.TB, b storetest.Backend) *bundle {
	t.Helper()
	products, variants := demo.Catalog()
	// Refusals are not rate limited here: each bad input is answered for what it is.
	guard := access.New(access.Policy{RefusalRate: 1000, RefusalBurst: 100000})
	k := kiostest.Setup(t, kiostest.Options{Backend: &b, Products: products, Variants: variants, Username: member, Name: "Downline",
		Balance: funds, Guard: guard})
	if err := otomax.SetMember(context.Background(), k.Svc, member, pin, false); err != nil {
		t.Fatal(err)
	}
	k.Run()
	return &bundle{Kit: k}
}

// get sends a raw query to path and returns the status and the answer.
func (b *bundle) get(path, rawQuery string) (int, string) {
	b.T.Helper()
	resp, err := http.Get(b.Server.URL + path + "?" + rawQuery)
	if err != nil {
		b.T.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *bundle) client() *wire.Client {
	return wire.New(b.Server.URL+otomax.Prefix, member, pin, b.Reseller.APIKey)
}

func TestTrxCheckBalance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		c := b.client()
		v, err := b.Svc.Variant(ctx, "MLBB_ID_5")
		if err != nil {
			t.Fatal(err)
		}
		price := v.Prices["default"]
		r, err := c.Buy(ctx, wire.Trx{Product: "mlbb_id_5", Dest: "081234567890", RefID: "ref-1"})
		if err != nil {
			t.Fatal(err)
		}
		// The text channel's answer to an order taken.
		if r.Status != wire.StatusPending || r.RefID != "ref-1" || r.Price != price || r.Balance != funds-price ||
			!strings.HasPrefix(r.Text, "R#ref-1 MLBB_ID_5.081234567890 sedang diproses. Harga: ") {
			t.Fatalf("buy: %+v", r)
		}
		b.WaitOrder(b.T, "ref-1")
		r, err = c.Check(ctx, wire.Trx{Product: "mlbb_id_5", Dest: "081234567890", RefID: "ref-1"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != wire.StatusSuccess || r.SN == "" || r.Price != price || r.RefID != "ref-1" {
			t.Fatalf("check: %+v", r)
		}
		// The same refID sent again is the same order: nothing charged twice.
		again, err := c.Buy(ctx, wire.Trx{Product: "mlbb_id_5", Dest: "081234567890", RefID: "ref-1"})
		if err != nil || again.Status != wire.StatusSuccess || again.SN != r.SN {
			t.Fatalf("resend: %+v %v", again, err)
		}
		if bal, err := c.Balance(ctx); err != nil || bal != funds-price {
			t.Fatalf("balance %d %v", bal, err)
		}
		// A check of a refID never sent names no outcome.
		r, err = c.Check(ctx, wire.Trx{Product: "mlbb_id_5", Dest: "081234567890", RefID: "never"})
		if err != nil || r.Status != wire.StatusUnknown || !strings.Contains(r.Text, "tidak ditemukan") {
			t.Fatalf("check of an unknown refID: %+v %v", r, err)
		}
		// A failure upstream is refunded and answered GAGAL.
		if _, err := c.Buy(ctx, wire.Trx{Product: "MLBB_ID_5", Dest: "081200000000", RefID: "ref-2"}); err != nil {
			t.Fatal(err)
		}
		b.WaitOrder(b.T, "ref-2")
		r, err = c.Check(ctx, wire.Trx{Product: "MLBB_ID_5", Dest: "081200000000", RefID: "ref-2"})
		if err != nil || r.Status != wire.StatusFailed || r.Balance != funds-price {
			t.Fatalf("failed order: %+v %v", r, err)
		}
		// Plain credentials are refused until the operator allows them for the member.
		q := url.Values{"memberID": {member}, "product": {"MLBB_ID_5"}, "dest": {"081234567891"}, "refID": {"plain-1"},
			"pin": {pin}, "password": {b.Reseller.APIKey}}
		if _, text := b.get("/otomax/trx", q.Encode()); !strings.Contains(text, "salah") {
			t.Fatalf("plain credentials not allowed: %q", text)
		}
		if err := otomax.SetMember(ctx, b.Svc, member, pin, true); err != nil {
			t.Fatal(err)
		}
		if _, text := b.get("/otomax/trx", q.Encode()); !strings.HasPrefix(text, "R#plain-1 MLBB_ID_5.081234567891 sedang diproses") {
			t.Fatalf("plain credentials allowed: %q", text)
		}
	})
}

// TestReportBack: the reseller's callback URL receives the Otomax report-back GET at the final
// state.
func TestReportBack(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.Backends()[0])
	ctx := context.Background()
	got := make(chan url.Values, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("report-back by %s", r.Method)
		}
		got <- r.URL.Query()
	}))
	t.Cleanup(hook.Close)
	if _, err := b.client().Buy(ctx, wire.Trx{Product: "MLBB_ID_5", Dest: "081234567890", RefID: "rb-1"}); err != nil {
		t.Fatal(err)
	}
	pending := &order.Order{Dialect: otomax.Dialect, Status: order.Pending}
	if _, ok, err := registry.Default().Prepare(ctx, b.Svc, pending, b.Reseller.APIKey, "d", hook.URL+"/report?key=abc"); ok || err != nil {
		t.Fatalf("a pending order reported (%v, %v)", ok, err)
	}
	o := b.WaitOrder(b.T, "rb-1")
	if o.Status != order.Success || o.Dialect != otomax.Dialect {
		t.Fatalf("order %+v", o)
	}
	d, ok, err := registry.Default().Prepare(ctx, b.Svc, o, b.Reseller.APIKey, "d", hook.URL+"/report?key=abc")
	if err != nil || !ok || d.Method != http.MethodGet {
		t.Fatalf("prepare: %+v %v %v", d, ok, err)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if status, _, err := callback.Send(sctx, http.DefaultClient, d); err != nil || status != http.StatusOK {
		t.Fatalf("send: %d %v", status, err)
	}
	q := <-got
	rep, err := wire.ParseReport(q)
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("key") != "abc" || rep.ServerID != o.Invoice || rep.ClientID != "rb-1" || rep.StatusCode != wire.ReportSuccess ||
		rep.KP != "MLBB_ID_5" || rep.MSISDN != "081234567890" || rep.SN != o.SN || !strings.Contains(rep.Msg, "BERHASIL. SN: "+o.SN) {
		t.Fatalf("report %+v (query %v)", rep, q)
	}
}

// TestConcurrentSameRefID: the same transaction sent many times at once (a downline's retries)
// is one order, charged once.
func TestConcurrentSameRefID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		c := b.client()
		const n = 16
		replies := make(chan wire.Reply, n)
		errs := make(chan error, n)
		for range n {
			go func() {
				r, err := c.Buy(ctx, wire.Trx{Product: "MLBB_ID_5", Dest: "081234567890", RefID: "same"})
				replies <- r
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			if r := <-replies; r.RefID != "same" || r.Status == wire.StatusFailed || r.Status == wire.StatusUnknown {
				t.Fatalf("reply %+v", r)
			}
		}
		o := b.WaitOrder(b.T, "same")
		orders, err := b.DB.OrderList(ctx, store.OrderFilter{ResellerID: b.Reseller.Reseller.ID, Limit: 100})
		if err != nil || len(orders) != 1 {
			t.Fatalf("%d orders (%v), want 1", len(orders), err)
		}
		if bal, err := b.Svc.Balance(ctx, b.Reseller.Reseller.ID); err != nil || bal != funds-o.Price {
			t.Fatalf("balance %d, want %d (%v)", bal, funds-o.Price, err)
		}
	})
}

// TestResendAfterProductOff: a transaction resent after its product was switched off is
// answered with its order, never as a failure.
func TestResendAfterProductOff(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.Backends()[0])
	ctx := context.Background()
	c := b.client()
	trx := wire.Trx{Product: "MLBB_ID_5", Dest: "081234567890", RefID: "off-1"}
	if _, err := c.Buy(ctx, trx); err != nil {
		t.Fatal(err)
	}
	o := b.WaitOrder(b.T, "off-1")
	products, variants := demo.Catalog()
	for _, v := range variants {
		if v.Code == "MLBB_ID_5" {
			v.Active = false
			if err := b.Svc.SaveCatalog(ctx, products, []catalog.Variant{v}); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := c.Buy(ctx, trx)
	if err != nil || r.Status != wire.StatusSuccess || r.SN != o.SN {
		t.Fatalf("resend: %+v %v", r, err)
	}
	// Under another destination the refID is refused, whatever the product's state.
	r, err = c.Buy(ctx, wire.Trx{Product: "MLBB_ID_5", Dest: "081234567891", RefID: "off-1"})
	if err != nil || r.Status != wire.StatusFailed || !strings.Contains(r.Text, "R#REF sudah dipakai") {
		t.Fatalf("another destination: %+v %v", r, err)
	}
}
