package digiflazz_test

import (
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
)

// TestSignOfAnotherEndpointBuysNothing: a transaction's sign covers only its ref_id, so a ref_id
// equal to another endpoint's sign suffix (cek-saldo "depo", price-list "pricelist", deposit
// "deposit", inquiry-pln's meter number) would let a sign captured there buy. Refused rc 40.
func TestSignOfAnotherEndpointBuysNothing(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{})
	for _, ref := range []string{"depo", "pricelist", "deposit", "53000000001", "530000000001"} {
		for _, cmd := range []string{"", "inq-pasca"} {
			req := f.tx("s5", "0812", ref) // signed with f.sign(ref): exactly the other endpoint's sign
			if cmd != "" {
				req["commands"], req["buyer_sku_code"], req["customer_no"] = cmd, "pln", "530000000001"
			}
			st, a := f.rc(t, "/v1/transaction", req)
			if st != 200 || a.RC != "40" || a.Status != "Gagal" {
				t.Errorf("ref_id %q commands %q: HTTP %d %+v, want rc 40", ref, cmd, st, a)
			}
		}
	}
	if n := len(f.orders(t)); n != 0 {
		t.Fatalf("%d orders placed with another endpoint's sign", n)
	}
	// A ref_id of another length or with letters still buys.
	if st, a := f.rc(t, "/v1/transaction", f.tx("s5", "0812", "5300000000012")); st != 200 || a.RC != "03" {
		t.Fatalf("13-digit ref_id: %d %+v", st, a)
	}
}
