package registry_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/kiostest"
)

// inquiryBody is a signed dialect's postpaid inquiry of the kit's PLN bill, as username signs it
// for ref.
var inquiryBody = map[string]func(username, sign, ref string) any{
	"digiflazz": func(username, sign, ref string) any {
		return dfz.TransactionRequest{Username: username, Commands: dfz.CommandInquiry, BuyerSKUCode: "pln", CustomerNo: "530000000001", RefID: ref, Sign: sign}
	},
	"digiswitch": func(username, sign, ref string) any {
		return ds.TransactionRequest{Username: username, Command: ds.CommandInquiry, Code: "pln", CustomerNo: "530000000001", RefID: ref, Sign: sign}
	},
}

// TestSignOfAnotherEndpointBuysNothing: in the Digiflazz family a transaction's sign covers only
// its ref_id, so a ref_id equal to another endpoint's sign suffix (cek-saldo's and deposit's
// "depo", "pricelist", the Digiflazz dialect's "deposit", a token or bill inquiry's meter number)
// would let a sign captured there buy or inquire. Each signed dialect refuses such a ref_id with
// rc 40 (payload) and places nothing; a ref_id of another length still buys. One table for the
// Digiflazz and Digiswitch dialects, which had a copy each.
func TestSignOfAnotherEndpointBuysNothing(t *testing.T) {
	t.Parallel()
	products, variants := kiostest.Catalog()
	products = append(products, catalog.Product{Code: "PLN", Name: "PLN Pascabayar", Category: "Pascabayar", Brand: "PLN", Active: true})
	variants = append(variants, catalog.Variant{ProductCode: "PLN", Code: "pln", Kind: catalog.Postpaid, Description: "-",
		Active: true, UnlimitedStock: true, Multi: true, Admin: 2500, Commission: 100})
	for _, d := range signedDialects {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			k := kiostest.Setup(t, kiostest.Options{Products: products, Variants: variants})
			user, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
			rc := func(body any) (int, string) {
				t.Helper()
				b, _ := json.Marshal(body)
				r := httptest.NewRequest(http.MethodPost, d.path, strings.NewReader(string(b)))
				r.RemoteAddr = "127.0.0.1:40000"
				w := httptest.NewRecorder()
				k.Server.Config.Handler.ServeHTTP(w, r)
				var env struct {
					Data struct {
						RC string `json:"rc"`
					} `json:"data"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
					t.Fatalf("answer is not the envelope: %d %s", w.Code, w.Body.Bytes())
				}
				return w.Code, env.Data.RC
			}
			for _, ref := range []string{"depo", "pricelist", "deposit", "53000000001", "530000000001"} {
				sign := d.sign(user, key, ref) // exactly the other endpoint's sign
				for what, body := range map[string]any{"purchase": d.body(user, sign, ref), "inquiry": inquiryBody[d.name](user, sign, ref)} {
					if st, got := rc(body); st != http.StatusOK || got != dfz.RCPayload {
						t.Errorf("%s with ref_id %q: HTTP %d rc %q, want rc %s", what, ref, st, got, dfz.RCPayload)
					}
				}
			}
			if n := k.OrderCount(t); n != 0 {
				t.Fatalf("%d orders placed with another endpoint's sign", n)
			}
			// The refusal is for those ref_ids only: one digit longer, the same request buys.
			ref := "5300000000012"
			if st, got := rc(d.body(user, d.sign(user, key, ref), ref)); st != http.StatusOK || got != dfz.RCPending {
				t.Fatalf("13-digit ref_id: HTTP %d rc %q, want rc %s (pending)", st, got, dfz.RCPending)
			}
		})
	}
}
