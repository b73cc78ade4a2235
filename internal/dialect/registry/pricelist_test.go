package registry_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/kiostest"
)

// priceListRow is what the price-list limit table varies by dialect of the Digiflazz family.
type priceListRow struct {
	flazzDialect
	// filters are filtered lists (extra fields of the request), never limited.
	filters []string
	// onePerReseller: one allowance covers every kind of list (Digiflazz); otherwise each kind
	// ("prepaid", "pasca") has its own (Digiswitch).
	onePerReseller bool
}

var priceListRows = []priceListRow{
	{flazzDialect: flazzDialects[0], filters: []string{`"code":"s5"`, `"brand":"TELKOMSEL"`}, onePerReseller: true},
	{flazzDialect: flazzDialects[1], filters: []string{`"code":"s5"`}},
}

// TestPriceListLimit: in each dialect of the Digiflazz family, as the server mounts it with a
// limit of one full list per 5 minutes, a reseller's second full (unfiltered) price list within
// them is rc 83 (HTTP 200, failed); filtered lists and other resellers are not limited; the other
// kind of list is limited with it where one allowance covers every list (Digiflazz), not where
// each kind has its own (Digiswitch); 5 minutes later a full list is served again. One table for
// the Digiflazz and Digiswitch dialects, which had a copy each.
func TestPriceListLimit(t *testing.T) {
	t.Parallel()
	for _, d := range priceListRows {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			clk := kiostest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
			// Both take the server's setting (2 minutes here, not their default of 5).
			k := kiostest.Setup(t, kiostest.Options{Now: clk.Now, PriceListEvery: 2 * time.Minute})
			u, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
			list := func(user, key, command, filter string) string {
				if filter != "" {
					filter = "," + filter
				}
				return fmt.Sprintf(`{%q:%q,"username":%q,"sign":%q%s}`, d.priceListCommand, command, user, d.sign(user, key, "pricelist"), filter)
			}
			served := func(what, body string) {
				t.Helper()
				if st, raw := post(t, k, d.priceList, nil, body); st != http.StatusOK || !strings.HasPrefix(raw, `{"data":[`) {
					t.Fatalf("%s: HTTP %d %s", what, st, raw)
				}
			}
			limited := func(what, body string) {
				t.Helper()
				if st, a, raw := flazzCall(t, k, d.priceList, body); st != http.StatusOK || a.RC != dfz.RCPriceListLimited || a.Status != dfz.StatusOf(a.RC) ||
					a.Status != dfz.StatusFailed || a.Message == "" {
					t.Fatalf("%s: HTTP %d %s", what, st, raw)
				}
			}
			for _, f := range d.filters {
				served("filtered list "+f, list(u, key, "prepaid", f))
			}
			served("first full list", list(u, key, "prepaid", ""))
			limited("second full list", list(u, key, "prepaid", ""))
			for _, f := range d.filters {
				served("filtered list after the full one "+f, list(u, key, "prepaid", f))
			}
			if d.onePerReseller {
				limited("pasca list after the prepaid one", list(u, key, "pasca", ""))
			} else {
				served("pasca list after the prepaid one", list(u, key, "pasca", ""))
			}
			other, err := k.Svc.CreateReseller(context.Background(), core.NewReseller{Username: "lain", Name: "Lain"})
			if err != nil {
				t.Fatal(err)
			}
			served("another reseller's full list", list("lain", other.APIKey, "prepaid", ""))
			clk.Add(time.Minute)
			limited("full list after 1 minute", list(u, key, "prepaid", ""))
			clk.Add(time.Minute)
			served("full list after 2 minutes", list(u, key, "prepaid", ""))
		})
	}
}
