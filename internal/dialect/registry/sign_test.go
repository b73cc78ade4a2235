package registry_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/kiostest"
)

// signedCall is one endpoint of a Digiflazz-family dialect whose request carries a sign.
type signedCall struct {
	name, path string
	// suffix is what the right sign covers, after username and key.
	suffix string
	// body is the request of the kit reseller u, carrying sign.
	body func(u, sign string) string
	// ok tells a served answer.
	ok func(raw string) bool
}

// signedCalls is each signed endpoint of the Digiflazz and Digiswitch dialects.
var signedCalls = map[string][]signedCall{
	"digiflazz": {
		// Filtered: the server's Digiflazz allows one full list per 5 minutes (TestPriceListLimit).
		{"price-list", "/v1/price-list", "pricelist", func(u, s string) string {
			return fmt.Sprintf(`{"cmd":"prepaid","username":%q,"sign":%q,"brand":"TELKOMSEL"}`, u, s)
		}, func(raw string) bool { return strings.HasPrefix(raw, `{"data":[`) }},
		{"cek-saldo", "/v1/cek-saldo", "depo", func(u, s string) string {
			return fmt.Sprintf(`{"cmd":"deposit","username":%q,"sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"deposit":`) }},
		{"deposit", "/v1/deposit", "deposit", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"amount":20000,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"00"`) }},
		{"transaction", "/v1/transaction", "sig-1", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"buyer_sku_code":"s5","customer_no":"0812","ref_id":"sig-1","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"03"`) }},
		{"inq-pasca", "/v1/transaction", "sig-2", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"commands":"inq-pasca","buyer_sku_code":"aetra","customer_no":"1234567","ref_id":"sig-2","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"00"`) }},
		{"inquiry-pln", "/v1/inquiry-pln", "530000000001", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"customer_no":"530000000001","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"meter_no":`) }},
	},
	"digiswitch": {
		{"price-list", ds.PathPriceList, "pricelist", func(u, s string) string {
			return fmt.Sprintf(`{"command":"prepaid","username":%q,"sign":%q}`, u, s)
		}, func(raw string) bool { return strings.HasPrefix(raw, `{"data":[`) }},
		{"cek-saldo", ds.PathBalance, "depo", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"deposit":`) }},
		{"deposit", ds.PathDeposit, "depo", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"amount":20000,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"00"`) }},
		{"transaction", ds.PathTransaction, "sig-1", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"code":"s5","customer_no":"0812","ref_id":"sig-1","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"03"`) }},
		{"inq-pasca", ds.PathTransaction, "sig-2", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"command":"inq-pasca","code":"aetra","customer_no":"1234567","ref_id":"sig-2","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"rc":"00"`) }},
		{"token", ds.PathToken, "530000000001", func(u, s string) string {
			return fmt.Sprintf(`{"username":%q,"customer_no":"530000000001","sign":%q}`, u, s)
		}, func(raw string) bool { return strings.Contains(raw, `"meter_no":`) }},
	},
}

// TestSigns checks every signed endpoint of each dialect of the Digiflazz family: the right sign
// passes (in either case of its hex), and a wrong one, the sign of another endpoint or call, the
// right one with another reseller's key, and one a digit too long are rc 41. One table for the
// Digiflazz and Digiswitch dialects (Digiswitch had its own; Digiflazz's were rows of its
// refusals test).
func TestSigns(t *testing.T) {
	t.Parallel()
	for _, d := range flazzDialects {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			products, variants := kiostest.Catalog()
			pp, pv := demo.Postpaid()
			k := kiostest.Setup(t, kiostest.Options{Products: append(products, pp...), Variants: append(variants, pv...)})
			other, err := k.Svc.CreateReseller(context.Background(), core.NewReseller{Username: "another", Name: "Another"})
			if err != nil {
				t.Fatal(err)
			}
			u, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
			calls := signedCalls[d.name]
			var others []string
			for _, c := range calls {
				others = append(others, c.suffix)
			}
			others = append(others, "pricelist", "depo", "deposit", "")
			refused := func(c signedCall, why, sign string) {
				t.Helper()
				if _, a, raw := flazzCall(t, k, c.path, c.body(u, sign)); a.RC != dfz.RCSign || a.Status != dfz.StatusOf(dfz.RCSign) {
					t.Errorf("%s, %s: %s", c.name, why, raw)
				}
			}
			for _, c := range calls {
				for _, o := range others {
					if o != c.suffix {
						refused(c, fmt.Sprintf("sign of %q", o), d.sign(u, key, o))
					}
				}
				refused(c, "another reseller's key", d.sign(u, other.APIKey, c.suffix))
				refused(c, "a made-up sign", strings.Repeat("f", 32))
				refused(c, "a digit too long", d.sign(u, key, c.suffix)+"0")
				if _, raw := post(t, k, c.path, nil, c.body(u, d.sign(u, key, c.suffix))); !c.ok(raw) {
					t.Errorf("%s: right sign refused: %s", c.name, raw)
				}
				if _, raw := post(t, k, c.path, nil, c.body(u, strings.ToUpper(d.sign(u, key, c.suffix)))); !c.ok(raw) {
					t.Errorf("%s: upper-case sign refused: %s", c.name, raw)
				}
			}
		})
	}
}
