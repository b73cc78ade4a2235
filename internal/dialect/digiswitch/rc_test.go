package digiswitch_test

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

// other creates a second reseller with balance and returns its username and api key.
func (b *bundle) other(name string, balance int64) (string, string) {
	b.T.Helper()
	ctx := context.Background()
	cr, err := b.Svc.CreateReseller(ctx, core.NewReseller{Username: name, Name: name})
	if err != nil {
		b.T.Fatal(err)
	}
	if balance > 0 {
		if _, err := b.Svc.Credit(ctx, name, balance, "test"); err != nil {
			b.T.Fatal(err)
		}
	}
	return cr.Reseller.Username, cr.APIKey
}

// TestRCs produces every rc of the table that Kios can produce, through the API.
func TestRCs(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	b.Run()
	ctx := context.Background()
	T := ds.PathTransaction

	{ // 40 payload
		for name, body := range map[string]string{
			"malformed":        `{"username":`,
			"not an object":    `["tokobudi"]`,
			"empty":            ``,
			"null":             `null`,
			"testing string":   `{"username":"tokobudi","code":"s5","customer_no":"0812","ref_id":"x","sign":"x","testing":"true"}`,
			"max_price string": `{"username":"tokobudi","code":"s5","customer_no":"0812","ref_id":"x","sign":"x","max_price":"5000"}`,
			"missing ref_id":   `{"username":"tokobudi","code":"s5","customer_no":"0812","sign":"x"}`,
			"missing code":     `{"username":"tokobudi","customer_no":"0812","ref_id":"x","sign":"x"}`,
			"bad command":      `{"username":"tokobudi","command":"bayar","code":"s5","customer_no":"0812","ref_id":"x","sign":"x"}`,
			"bad cb_url":       `{"username":"tokobudi","code":"s5","customer_no":"0812","ref_id":"x","sign":"x","cb_url":"ftp://x"}`,
			"negative max":     `{"username":"tokobudi","code":"s5","customer_no":"0812","ref_id":"x","sign":"x","max_price":-1}`,
		} {
			d := b.wantRC(T, body, ds.RCPayload)
			if d["message"] == "" {
				t.Errorf("%s: no message", name)
			}
		}
		b.wantRC(ds.PathPriceList, `{"username":"tokobudi","sign":"x"}`, ds.RCPayload)
		b.wantRC(ds.PathPriceList, `{"username":"tokobudi","sign":"x","command":"all"}`, ds.RCPayload)
		b.wantRC(ds.PathDeposit, `{"username":"tokobudi","sign":"x","amount":"100000"}`, ds.RCPayload)
		b.wantRC(ds.PathToken, `{"username":"tokobudi","sign":"x"}`, ds.RCPayload)
		// Signed, but a field breaks the core's rules.
		long := strings.Repeat("r", 65)
		b.wantRC(T, b.trx("", "s5", "0812", long), ds.RCPayload)
		b.wantRC(ds.PathDeposit, ds.DepositRequest{Username: b.user(), Amount: 5000, Sign: b.sign("depo")}, ds.RCPayload)
		status, raw := b.post(T, strings.Repeat(" ", 70<<10)+"{}")
		if status != http.StatusOK || !strings.Contains(string(raw), `"rc":"40"`) {
			t.Errorf("oversized body: HTTP %d %s", status, raw)
		}
	}
	{ // 41 sign
		req := b.trx("", "s5", "0812", "r41")
		req.Sign = b.sign("another")
		b.wantRC(T, req, ds.RCSign)
	}
	{ // 42 suspended; an unknown username is answered as a wrong sign (issue 14)
		b.wantRC(ds.PathBalance, ds.BalanceRequest{Username: "nobody", Sign: b.sign("depo")}, ds.RCSign)
		u, k := b.other("suspended1", 0)
		if err := b.Svc.SetStatus(ctx, u, reseller.Suspended); err != nil {
			t.Fatal(err)
		}
		d := b.wantRC(ds.PathBalance, ds.BalanceRequest{Username: u, Sign: ds.Sign(u, k, "depo")}, ds.RCUsername)
		if !strings.Contains(d["message"].(string), "suspended") {
			t.Errorf("suspended message: %v", d["message"])
		}
	}
	{ // 43 product
		b.wantRC(T, b.trx("", "nope", "0812", "r43a"), ds.RCProduct)
		b.wantRC(T, b.trx("", "s100", "0812", "r43b"), ds.RCProduct)              // inactive
		b.wantRC(T, b.trx("", "sgold", "0812", "r43c"), ds.RCProduct)             // no price for this tier
		b.wantRC(T, b.trx("", "dspln", "0812", "r43d"), ds.RCProduct)             // postpaid bought as prepaid
		b.wantRC(T, b.trx(ds.CommandInquiry, "s5", "0812", "r43e"), ds.RCProduct) // prepaid inquired as a bill
	}
	{ // 44 balance
		u, k := b.other("poor1", 5000)
		d := b.wantRC(T, ds.TransactionRequest{Username: u, Code: "s5", CustomerNo: "0812", RefID: "r44", Sign: ds.Sign(u, k, "r44")}, ds.RCBalance)
		if d["ref_id"] != "r44" || d["code"] != "s5" || d["customer_no"] != "0812" {
			t.Errorf("no echo: %v", d)
		}
	}
	{ // an IP off the allowlist, even with the right sign, is answered as a wrong sign (issue 14)
		u, k := b.other("faraway", 100000)
		if err := b.Svc.AllowIP(ctx, u, netip.MustParsePrefix("10.0.0.0/8")); err != nil {
			t.Fatal(err)
		}
		b.wantRC(ds.PathBalance, ds.BalanceRequest{Username: u, Sign: ds.Sign(u, k, "depo")}, ds.RCSign)
	}
	{ // 49 ref conflict
		b.wantRC(T, b.trx("", "s5", "0812000001", "r49"), ds.RCPending)
		b.wantRC(T, b.trx("", "s5", "0812000002", "r49"), ds.RCRefConflict)
		b.wantRC(T, b.trx(ds.CommandInquiry, "dspln", "530000000001", "r49"), ds.RCRefConflict)
	}
	{ // 50 not found
		b.wantRC(T, b.trx(ds.CommandStatus, "dspln", "530000000001", "r50"), ds.RCNotFound)
		b.wantRC(T, b.trx(ds.CommandPay, "dspln", "530000000001", "r50"), ds.RCNotFound)
		b.wantRC(T, b.trx(ds.CommandInquiry, "dspln", "530000000003", "r50b"), ds.RCSuccess)
		b.wantRC(T, b.trx(ds.CommandStatus, "dspln", "530000000003", "r50b"), ds.RCNotFound) // inquired, never paid
	}
	{ // 54 destination
		b.wantRC(ds.PathToken, ds.TokenRequest{Username: b.user(), CustomerNo: "123", Sign: b.sign("123")}, ds.RCDestination)
		b.wantRC(ds.PathToken, ds.TokenRequest{Username: b.user(), CustomerNo: "530000000000", Sign: b.sign("530000000000")}, ds.RCDestination)
	}
	{ // 58 cutoff
		b.wantRC(T, b.trx("", "s10", "0812", "r58"), ds.RCCutoff)
	}
	{ // 60 bill
		b.wantRC(T, b.trx(ds.CommandInquiry, "dspln", "530000010000", "r60"), ds.RCBillUnavailable)
	}
	{ // 63 multi
		b.wantRC(T, b.trx("", "s50", "0813000001", "r63a"), ds.RCPending)
		b.wantRC(T, b.trx("", "s50", "0813000001", "r63b"), ds.RCMulti)
	}
	{ // 64 deposit
		u, k := b.other("depositor", 0)
		for i := 0; i < 5; i++ {
			if d := b.data(ds.PathDeposit, ds.DepositRequest{Username: u, Amount: 50000, Sign: ds.Sign(u, k, "depo")}); d["rc"] != ds.RCSuccess {
				t.Fatalf("deposit %d: %v", i, d)
			}
		}
		b.wantRC(ds.PathDeposit, ds.DepositRequest{Username: u, Amount: 50000, Sign: ds.Sign(u, k, "depo")}, ds.RCDepositRefused)
	}
	{ // 68 stock
		// s50 had one unit, taken by the multi test's first order.
		b.wantRC(T, b.trx("", "s50", "0813000002", "r68"), ds.RCOutOfStock)
	}
	{ // 69 max price
		req := b.trx("", "s5", "0812", "r69")
		req.MaxPrice = 5000
		b.wantRC(T, req, ds.RCPriceAboveMax)
		req.RefID, req.MaxPrice, req.Sign = "r69b", 5005, b.sign("r69b")
		b.wantRC(T, req, ds.RCPending)
	}
	{ // 01 biller
		b.sup.billerErr = errors.New("biller timeout")
		defer func() { b.sup.billerErr = nil }()
		b.wantRC(T, b.trx(ds.CommandInquiry, "aetra", "7654321", "r01"), ds.RCBillerTimeout)
	}
	b.CheckLedger(b.T)
}
