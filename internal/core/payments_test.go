package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/keyring"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/payment/paytest"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

const publicURL = "https://kios.example"

// paidWord is each fake provider's word for a paid transaction.
var paidWord = map[string]string{payment.Tripay: "PAID", payment.Sandbox: "PAID", payment.Midtrans: "settlement", payment.Duitku: "00",
	payment.Xendit: "PAID"}

func addGateway(t *testing.T, b *ticketBundle, f *paytest.Fake, kind string, mutate ...func(*store.Gateway)) *store.Gateway {
	t.Helper()
	c := f.Config("gw-"+kind, kind)
	g := store.Gateway{Name: c.Name, Kind: c.Kind, BaseURL: c.BaseURL, MerchantCode: c.MerchantCode, APIKey: c.APIKey,
		PrivateKey: c.PrivateKey, ServerKey: c.ServerKey, CallbackToken: c.CallbackToken, Secret: c.Secret, Methods: c.Methods}
	if kind == payment.Sandbox {
		g.BaseURL = "" // its pay page is on this server
	}
	for _, m := range mutate {
		m(&g)
	}
	out, err := b.svc.AddGateway(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// paySetup is a core on a fresh database whose clock is the real one (the gateways' fakes
// compare expiry times with it), and a fake of every provider.
func paySetup(t *testing.T, be storetest.Backend) (*ticketBundle, *paytest.Fake) {
	t.Helper()
	b := ticketSetup(t, be)
	b.now.Store(time.Now().UnixMicro())
	return b, paytest.New(t)
}

func ledgerClean(t *testing.T, db *store.DB) {
	t.Helper()
	rep, err := db.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

func pay(t *testing.T, b *ticketBundle, r *reseller.Reseller, gw string, amount int64) *core.PayResult {
	t.Helper()
	res, err := b.svc.DepositPay(context.Background(), core.PayParams{Reseller: r, Amount: amount, Gateway: gw, PublicURL: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func callback(b *ticketBundle, gw string, h http.Header, body []byte) (*core.CallbackOut, error) {
	return b.svc.PaymentCallback(context.Background(), core.CallbackIn{Gateway: gw, Header: h, Body: body, RemoteAddr: "203.0.113.9"})
}

// TestGatewaysCreditOnce: for every gateway, a paid callback credits the ticket exactly once,
// whether it arrives once, twenty times at once, or again later; forged copies (a bad
// signature, or a good one over another body) are refused and move nothing; the ledger check is
// clean after. Both backends.
func TestGatewaysCreditOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		for _, kind := range []string{payment.Tripay, payment.Midtrans, payment.Duitku, payment.Xendit, payment.Sandbox, payment.Moota} {
			t.Run(kind, func(t *testing.T) {
				b, f := paySetup(t, be)
				g := addGateway(t, b, f, kind)
				r := b.reseller(t, "r"+kind)
				res := pay(t, b, r, g.Name, 100_000)
				tk := res.Ticket
				var h http.Header
				var body []byte
				switch kind {
				case payment.Moota:
					if res.Payment != nil {
						t.Fatalf("moota opened a payment %+v", res.Payment)
					}
					h, body = paytest.SignedCallback(kind, paytest.Tx{Reference: "mut-1", OrderID: tk.Code, Amount: tk.Amount})
				case payment.Sandbox:
					if !strings.HasPrefix(res.Payment.CheckoutURL, publicURL+"/sandbox/pay/SBX-") || res.Payment.QRString == "" {
						t.Fatalf("sandbox instructions %+v", res.Payment)
					}
					h, body = paytest.SignedCallback(kind, paytest.Tx{Reference: res.Payment.Reference, OrderID: tk.Code, Amount: res.Payment.Amount, Method: "QRIS"})
				default:
					if res.Payment.Reference != f.Tx(tk.Code).Reference || res.Payment.Amount != tk.Amount {
						t.Fatalf("payment %+v, fake %+v", res.Payment, f.Tx(tk.Code))
					}
					f.SetStatus(tk.Code, paidWord[kind], "accept")
					h, body = f.Callback(kind, tk.Code)
				}
				// Forgeries first: nothing moves.
				for _, c := range paytest.Malformed(kind, paytest.Tx{Reference: "x", OrderID: tk.Code, Amount: tk.Amount, Status: paidWord[kind]}) {
					if !strings.Contains(c.Name, "signature") && !strings.Contains(c.Name, "token") {
						continue
					}
					if _, err := callback(b, g.Name, c.Header, c.Body); !errors.Is(err, payment.ErrSignature) && !errors.Is(err, payment.ErrMalformed) {
						t.Fatalf("forged %q: %v", c.Name, err)
					}
				}
				if bal := b.balance(t, r); bal != 0 {
					t.Fatalf("balance %d after forgeries", bal)
				}
				var wg sync.WaitGroup
				errs := make(chan error, 20)
				for i := 0; i < 20; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := callback(b, g.Name, h, body); err != nil {
							errs <- err
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
				out, err := callback(b, g.Name, h, body)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(strings.Join(out.Results, ";"), "nothing moved") {
					t.Fatalf("replay answered %v", out.Results)
				}
				if bal := b.balance(t, r); bal != tk.Amount {
					t.Fatalf("balance %d, want %d (credited once)", bal, tk.Amount)
				}
				cur, err := b.svc.Ticket(context.Background(), tk.Code)
				if err != nil || cur.Status != deposit.Approved {
					t.Fatalf("ticket %+v %v", cur, err)
				}
				ps, err := b.svc.Payments(context.Background(), store.PaymentFilter{})
				if err != nil || len(ps) != 1 || ps[0].Status != store.PaymentPaid || ps[0].Flag != "" {
					t.Fatalf("payments %+v %v", ps, err)
				}
				cbs, err := b.svc.PaymentCallbacks(context.Background(), g.Name, 0)
				if err != nil || len(cbs) < 22 {
					t.Fatalf("%d callbacks recorded (%v), want every one", len(cbs), err)
				}
				ledgerClean(t, b.db)
			})
		}
	})
}

// TestPaymentRules: an amount other than the ticket's is held, not credited; a payment for an
// expired ticket is credited and flagged late, one for a rejected ticket credited and flagged
// rejected, one for a ticket approved otherwise held; expired and failed callbacks move nothing;
// the fee is its own posting, borne by the distributor or the reseller as configured. Both
// backends; the ledger check is clean after each.
func TestPaymentRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b, f := paySetup(t, be)
		g := addGateway(t, b, f, payment.Tripay)
		gr := addGateway(t, b, f, payment.Tripay, func(g *store.Gateway) { g.Name, g.FeePolicy = "tripay-rf", store.FeeReseller })
		r := b.reseller(t, "rules")
		send := func(gw, order string, mutate func(*paytest.Tx)) *core.CallbackOut {
			t.Helper()
			tx := *f.Tx(order)
			tx.Status = "PAID"
			if mutate != nil {
				mutate(&tx)
			}
			h, body := paytest.SignedCallback(payment.Tripay, tx)
			out, err := callback(b, gw, h, body)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		paymentOf := func(code string) store.Payment {
			t.Helper()
			ps, err := b.svc.Payments(ctx, store.PaymentFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Ticket == code {
					return p
				}
			}
			t.Fatalf("no payment of %s", code)
			return store.Payment{}
		}
		bal := int64(0)
		want := func(delta int64) {
			t.Helper()
			bal += delta
			if got := b.balance(t, r); got != bal {
				t.Fatalf("balance %d, want %d", got, bal)
			}
			ledgerClean(t, b.db)
		}

		// Amount differs: held, nothing credited; the right amount later moves nothing either
		// (the operator decides).
		a := pay(t, b, r, g.Name, 50_000)
		out := send(g.Name, a.Ticket.Code, func(x *paytest.Tx) { x.Amount -= 1 })
		if p := paymentOf(a.Ticket.Code); p.Status != store.PaymentHeld || p.Flag != "amount" || !strings.Contains(out.Results[0], "held") {
			t.Fatalf("short payment %+v %v", p, out.Results)
		}
		send(g.Name, a.Ticket.Code, nil)
		want(0)

		// Fee, distributor's policy: the reseller gets the whole ticket; the fee is its own entry.
		d := pay(t, b, r, g.Name, 60_000)
		send(g.Name, d.Ticket.Code, func(x *paytest.Tx) { x.Fee = 750 })
		want(d.Ticket.Amount)
		if fees, _ := b.db.Balance(ctx, "payment_fees"); fees != 750 {
			t.Fatalf("fees %d, want 750", fees)
		}
		// Reseller's policy: the fee comes out of the credit.
		e := pay(t, b, r, gr.Name, 70_000)
		send(gr.Name, e.Ticket.Code, func(x *paytest.Tx) { x.Fee = 1_000 })
		want(e.Ticket.Amount - 1_000)

		// Expired ticket: credited, flagged late.
		x := pay(t, b, r, g.Name, 80_000)
		b.now.Add((deposit.Lifetime + time.Hour).Microseconds())
		if _, err := b.svc.ExpireTickets(ctx); err != nil {
			t.Fatal(err)
		}
		send(g.Name, x.Ticket.Code, nil)
		want(x.Ticket.Amount)
		if p := paymentOf(x.Ticket.Code); p.Flag != "late" || p.Status != store.PaymentPaid {
			t.Fatalf("late payment %+v", p)
		}

		// Rejected ticket: the money arrived, so it is credited and flagged.
		rj := pay(t, b, r, g.Name, 90_000)
		if _, err := b.svc.RejectTicket(ctx, rj.Ticket.Code, "operator"); err != nil {
			t.Fatal(err)
		}
		send(g.Name, rj.Ticket.Code, nil)
		want(rj.Ticket.Amount)
		if p := paymentOf(rj.Ticket.Code); p.Flag != "rejected" || p.CreditTxn != fmt.Sprintf("payment:%d", p.ID) {
			t.Fatalf("rejected-ticket payment %+v", p)
		}
		send(g.Name, rj.Ticket.Code, nil)
		want(0)

		// Approved by an operator already: held, not paid twice.
		ap := pay(t, b, r, g.Name, 95_000)
		if _, _, err := b.svc.ApproveTicket(ctx, ap.Ticket.Code, "operator"); err != nil {
			t.Fatal(err)
		}
		want(ap.Ticket.Amount)
		send(g.Name, ap.Ticket.Code, nil)
		want(0)
		if p := paymentOf(ap.Ticket.Code); p.Status != store.PaymentHeld || p.Flag != "settled" {
			t.Fatalf("payment of an approved ticket %+v", p)
		}

		// Expired and failed callbacks move nothing, and a paid one after a failed one still pays.
		fl := pay(t, b, r, g.Name, 99_000)
		send(g.Name, fl.Ticket.Code, func(x *paytest.Tx) { x.Status = "EXPIRED" })
		send(g.Name, fl.Ticket.Code, func(x *paytest.Tx) { x.Status = "FAILED" })
		want(0)
		if p := paymentOf(fl.Ticket.Code); p.Status != store.PaymentExpired {
			t.Fatalf("expired payment %+v", p)
		}
		send(g.Name, fl.Ticket.Code, nil)
		want(fl.Ticket.Amount)
	})
}

// TestPaymentBeforeRecord: a gateway's paid callback for a ticket whose payment row was never
// written (the process died between asking the gateway and recording its answer) finds the
// ticket by its code and credits it once; one naming no ticket of the gateway is left for the
// operator.
func TestPaymentBeforeRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b, f := paySetup(t, be)
		g := addGateway(t, b, f, payment.Tripay)
		r := b.reseller(t, "lost")
		tk, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 40_000, Bank: g.Name, OwnerName: "QRIS"})
		if err != nil {
			t.Fatal(err)
		}
		f.Put(paytest.Tx{Kind: payment.Tripay, Reference: "DEV-T999", OrderID: tk.Code, Amount: tk.Amount, Status: "PAID"})
		for i := 0; i < 3; i++ {
			h, body := f.Callback(payment.Tripay, tk.Code)
			if _, err := callback(b, g.Name, h, body); err != nil {
				t.Fatal(err)
			}
		}
		if bal := b.balance(t, r); bal != tk.Amount {
			t.Fatalf("balance %d, want %d", bal, tk.Amount)
		}
		f.Put(paytest.Tx{Kind: payment.Tripay, Reference: "DEV-T998", OrderID: "DEP-NOSUCH", Amount: 12_345, Status: "PAID"})
		h, body := f.Callback(payment.Tripay, "DEP-NOSUCH")
		out, err := callback(b, g.Name, h, body)
		if err != nil || !strings.Contains(out.Results[0], "operator") {
			t.Fatalf("unknown ticket: %v %v", out, err)
		}
		ps, _ := b.svc.Payments(ctx, store.PaymentFilter{Status: store.PaymentUnmatched})
		if len(ps) != 1 || ps[0].Flag != "unmatched" {
			t.Fatalf("unmatched payments %+v", ps)
		}
		ledgerClean(t, b.db)
	})
}

// TestMidtransCaptureThroughCore: a capture under fraud challenge credits nothing; once the
// status API says accept, the next notification credits once.
func TestMidtransCaptureThroughCore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b, f := paySetup(t, be)
		g := addGateway(t, b, f, payment.Midtrans)
		r := b.reseller(t, "mid")
		res := pay(t, b, r, g.Name, 30_000)
		for _, st := range []struct{ status, fraud string }{{"capture", "challenge"}, {"capture", "deny"}, {"pending", ""}} {
			f.SetStatus(res.Ticket.Code, st.status, st.fraud)
			h, body := f.Callback(payment.Midtrans, res.Ticket.Code)
			if _, err := callback(b, g.Name, h, body); err != nil {
				t.Fatal(err)
			}
			if bal := b.balance(t, r); bal != 0 {
				t.Fatalf("%s/%s credited %d", st.status, st.fraud, bal)
			}
		}
		f.SetStatus(res.Ticket.Code, "capture", "accept")
		h, body := f.Callback(payment.Midtrans, res.Ticket.Code)
		for i := 0; i < 2; i++ {
			if _, err := callback(b, g.Name, h, body); err != nil {
				t.Fatal(err)
			}
		}
		if bal := b.balance(t, r); bal != res.Ticket.Amount {
			t.Fatalf("balance %d, want %d", bal, res.Ticket.Amount)
		}
		ledgerClean(t, b.db)
	})
}

// TestMutationMatching: a credit mutation pays the one ticket holding its amount (not one paid
// at a gateway); one matching no ticket, or two (an expired and an open one of one amount), is
// left for the operator; a replayed mutation moves nothing.
func TestMutationMatching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b, f := paySetup(t, be)
		m := addGateway(t, b, f, payment.Moota)
		tp := addGateway(t, b, f, payment.Tripay)
		r := b.reseller(t, "mut")
		webhook := func(specs ...payment.MootaMutationSpec) *core.CallbackOut {
			t.Helper()
			body := payment.MootaWebhookBody(specs...)
			out, err := callback(b, m.Name, http.Header{"Signature": {payment.HMACSHA256(paytest.Secret, body)}}, body)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		// A ticket paid at Tripay is not matched by a transfer of its amount.
		gwTicket := pay(t, b, r, tp.Name, 20_000).Ticket
		out := webhook(payment.MootaMutationSpec{ID: "m0", Amount: gwTicket.Amount})
		if !strings.Contains(out.Results[0], "operator") || b.balance(t, r) != 0 {
			t.Fatalf("gateway ticket matched by a transfer: %v", out.Results)
		}
		open, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 25_000, Bank: "BCA"})
		if err != nil {
			t.Fatal(err)
		}
		out = webhook(payment.MootaMutationSpec{ID: "m1", Amount: open.Amount}, payment.MootaMutationSpec{ID: "m2", Amount: 7_777_777},
			payment.MootaMutationSpec{ID: "m3", Amount: open.Amount, Type: "DB"})
		if len(out.Results) != 2 || !strings.Contains(out.Results[0], "credited") || !strings.Contains(out.Results[1], "operator") {
			t.Fatalf("results %v", out.Results)
		}
		webhook(payment.MootaMutationSpec{ID: "m1", Amount: open.Amount})
		if bal := b.balance(t, r); bal != open.Amount {
			t.Fatalf("balance %d, want %d", bal, open.Amount)
		}
		// Two candidates: an expired ticket and a new open one holding the same amount.
		old, err := b.svc.OpenTicket(ctx, core.DepositParams{Reseller: r, Amount: 33_000, Bank: "BCA"})
		if err != nil {
			t.Fatal(err)
		}
		b.now.Add((deposit.Lifetime + time.Minute).Microseconds())
		if _, err := b.svc.ExpireTickets(ctx); err != nil {
			t.Fatal(err)
		}
		// The open twin is written straight to the store: drawing the amount again by chance (one in
		// 999 a try) made the test fail about one run in twenty.
		now := b.svc.Now()
		twin := &deposit.Ticket{Code: "DEP-TWIN0001", ResellerID: r.ID, Requested: 33_000, Amount: old.Amount, Bank: "BCA",
			CreatedAt: now, ExpiresAt: now.Add(deposit.Lifetime)}
		if err := b.db.Batch(ctx, func(tx *store.Tx) error {
			if ok, err := tx.TicketInsert(ctx, twin); err != nil || !ok {
				return fmt.Errorf("insert twin (inserted %v): %w", ok, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		out = webhook(payment.MootaMutationSpec{ID: "m4", Amount: old.Amount})
		if !strings.Contains(out.Results[0], "matches 2 tickets") {
			t.Fatalf("ambiguous mutation: %v", out.Results)
		}
		ps, _ := b.svc.Payments(ctx, store.PaymentFilter{Gateway: m.Name, Flagged: true})
		if len(ps) != 3 {
			t.Fatalf("%d flagged mutations, want 3: %+v", len(ps), ps)
		}
		if bal := b.balance(t, r); bal != open.Amount {
			t.Fatalf("balance %d, want %d", bal, open.Amount)
		}
		ledgerClean(t, b.db)
	})
}

// TestDepositPayRefused: a gateway that refuses rejects the new ticket; one that is down leaves
// it open (its payment may still be made); a method the gateway does not offer, an unknown or
// disabled gateway open nothing.
func TestDepositPayRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		ctx := context.Background()
		b := ticketSetup(t, be)
		f := paytest.New(t)
		bad := addGateway(t, b, f, payment.Xendit, func(g *store.Gateway) { g.APIKey = "wrong" })
		g := addGateway(t, b, f, payment.Tripay)
		r := b.reseller(t, "refused")
		if _, err := b.svc.DepositPay(ctx, core.PayParams{Reseller: r, Amount: 10_000, Gateway: bad.Name, PublicURL: publicURL}); !errors.Is(err, payment.ErrRefused) {
			t.Fatalf("refused: %v", err)
		}
		ts, _ := b.svc.Tickets(ctx, store.TicketFilter{})
		if len(ts) != 1 || ts[0].Status != deposit.Rejected {
			t.Fatalf("tickets %+v", ts)
		}
		f.Down = true
		if _, err := b.svc.DepositPay(ctx, core.PayParams{Reseller: r, Amount: 10_000, Gateway: g.Name, PublicURL: publicURL}); !errors.Is(err, payment.ErrUpstream) {
			t.Fatalf("down: %v", err)
		}
		ts, _ = b.svc.Tickets(ctx, store.TicketFilter{Status: deposit.Open})
		if len(ts) != 1 {
			t.Fatalf("open tickets %+v", ts)
		}
		f.Down = false
		if _, err := b.svc.DepositPay(ctx, core.PayParams{Reseller: r, Amount: 10_000, Gateway: g.Name, Method: "CASH"}); err == nil {
			t.Fatal("method CASH accepted")
		} else if _, ok := core.IsFieldError(err); !ok {
			t.Fatalf("method CASH: %v", err)
		}
		if _, err := b.svc.DepositPay(ctx, core.PayParams{Reseller: r, Amount: 10_000, Gateway: "nope"}); !errors.Is(err, store.ErrGatewayNotFound) {
			t.Fatalf("unknown gateway: %v", err)
		}
		if err := b.svc.SetGatewayEnabled(ctx, g.Name, false); err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.DepositPay(ctx, core.PayParams{Reseller: r, Amount: 10_000, Gateway: g.Name}); !errors.Is(err, core.ErrGatewayDisabled) {
			t.Fatalf("disabled gateway: %v", err)
		}
		ts, _ = b.svc.Tickets(ctx, store.TicketFilter{})
		if len(ts) != 2 {
			t.Fatalf("%d tickets, want 2", len(ts))
		}
	})
}

// TestGatewaySecretsSealed: a gateway's keys are stored sealed, like every other secret, and
// read back in clear only through the store.
func TestGatewaySecretsSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b, f := paySetup(t, be)
		addGateway(t, b, f, payment.Tripay)
		var api, priv string
		if err := b.db.Reader().QueryRow(`SELECT api_key, private_key FROM gateways`).Scan(&api, &priv); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{api, priv} {
			if !keyring.Sealed(v) || strings.Contains(v, paytest.PrivateKey) || strings.Contains(v, paytest.APIKey) {
				t.Fatalf("stored %q, want a sealed value", v)
			}
		}
		gs, err := b.svc.Gateways(context.Background())
		if err != nil || len(gs) != 1 || gs[0].PrivateKey != paytest.PrivateKey || gs[0].APIKey != paytest.APIKey {
			t.Fatalf("gateways read back %+v %v", gs, err)
		}
	})
}
