package digiswitch_test

import (
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// TestSignOfAnotherEndpointBuysNothing: a transaction's sign covers only its ref_id, so a ref_id
// equal to another endpoint's sign suffix ("depo" of cek-saldo and deposit, "pricelist", the
// Digiflazz dialect's "deposit", the meter number of a token inquiry) would let a sign captured
// there buy. Refused rc 40.
func TestSignOfAnotherEndpointBuysNothing(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{})
	for _, ref := range []string{"depo", "pricelist", "deposit", "53000000001", "530000000001"} {
		for _, cmd := range []string{"", ds.CommandInquiry} {
			code, cust := "s5", "0812"
			if cmd != "" {
				code, cust = "dspln", "530000000001"
			}
			b.wantRC(ds.PathTransaction, b.trx(cmd, code, cust, ref), ds.RCPayload)
		}
	}
	if n := b.orders(); n != 0 {
		t.Fatalf("%d orders placed with another endpoint's sign", n)
	}
}
