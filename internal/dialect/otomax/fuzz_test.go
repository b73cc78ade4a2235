package otomax_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// FuzzTrx: whatever the query, the dialect answers one line with HTTP 200 (or 404/405 for
// another path or method; never a fault of its own), and no query without the member's sign
// places an order.
func FuzzTrx(f *testing.F) {
	for _, s := range []string{"", "memberID=downline", "memberID=downline&product=MLBB_ID_5&dest=0812&refID=a&sign=x",
		"memberID=downline&product=%00&dest=%0A&refID=%FF&sign=%", "check=1&check=1", "qty=-0&memberID=a&product=b&dest=c&refID=d&pin=1",
		"memberid=downline&MEMBERID=x&product=p&dest=d&refid=r&sign=s", strings.Repeat("a=b&", 500)} {
		f.Add(s)
	}
	bb := setup(f, storetest.Backends()[0])
	f.Fuzz(func(t *testing.T, rawQuery string) {
		for _, path := range []string{"/otomax/trx", "/otomax/balance"} {
			resp, err := http.Get(bb.Server.URL + path + "?" + rawQuery)
			if err != nil {
				return // a query net/http itself refuses to send
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("%s?%q: HTTP %d %q", path, rawQuery, resp.StatusCode, body)
			}
			if strings.ContainsAny(string(body), "\r\n") {
				t.Fatalf("%s?%q: answer of more than one line %q", path, rawQuery, body)
			}
		}
		orders, err := bb.DB.OrderList(context.Background(), store.OrderFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != 0 {
			t.Fatalf("%q placed an order without the member's sign", rawQuery)
		}
	})
}
