package digiswitch_test

import (
	"strings"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// TestSigns checks every endpoint's sign: the right one passes, a wrong one and the sign of
// another endpoint (or another reseller's key) are rc 41.
func TestSigns(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	_, otherKey := b.other("another", 0)
	cases := []struct {
		name   string
		path   string
		suffix string
		body   func(sign string) any
		ok     func(raw string) bool
	}{
		{"price-list", ds.PathPriceList, "pricelist", func(s string) any {
			return ds.PriceListRequest{Command: "prepaid", Username: b.user(), Sign: s}
		}, func(raw string) bool { return strings.HasPrefix(raw, `{"data":[`) }},
		{"cek-saldo", ds.PathBalance, "depo", func(s string) any {
			return ds.BalanceRequest{Username: b.user(), Sign: s}
		}, func(raw string) bool { return strings.Contains(raw, `"deposit":`) }},
		{"deposit", ds.PathDeposit, "depo", func(s string) any {
			return ds.DepositRequest{Username: b.user(), Amount: 20000, Bank: "BCA", OwnerName: "Budi", Sign: s}
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"00"`) }},
		{"transaction", ds.PathTransaction, "sig-1", func(s string) any {
			return ds.TransactionRequest{Username: b.user(), Code: "s5", CustomerNo: "0812", RefID: "sig-1", Sign: s}
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"03"`) }},
		{"inq-pasca", ds.PathTransaction, "sig-2", func(s string) any {
			return ds.TransactionRequest{Username: b.user(), Command: "inq-pasca", Code: "aetra", CustomerNo: "1234567", RefID: "sig-2", Sign: s}
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"00"`) }},
		{"token", ds.PathToken, "530000000001", func(s string) any {
			return ds.TokenRequest{Username: b.user(), CustomerNo: "530000000001", Sign: s}
		}, func(raw string) bool { return strings.Contains(raw, `"meter_no":`) }},
	}
	others := []string{"pricelist", "depo", "deposit", "sig-1", "530000000001", ""}
	for _, c := range cases {
		for _, o := range others {
			if o == c.suffix {
				continue
			}
			b.wantRC(c.path, c.body(b.sign(o)), ds.RCSign)
		}
		b.wantRC(c.path, c.body(ds.Sign(b.user(), otherKey, c.suffix)), ds.RCSign)
		b.wantRC(c.path, c.body(strings.Repeat("f", 32)), ds.RCSign)
		b.wantRC(c.path, c.body(b.sign(c.suffix)+"0"), ds.RCSign)
		if _, raw := b.post(c.path, c.body(b.sign(c.suffix))); !c.ok(string(raw)) {
			t.Errorf("%s: right sign refused: %s", c.name, raw)
		}
		// Hex case does not matter.
		if _, raw := b.post(c.path, c.body(strings.ToUpper(b.sign(c.suffix)))); !c.ok(string(raw)) {
			t.Errorf("%s: upper-case sign refused: %s", c.name, raw)
		}
	}
}
