package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// flazzDialect is how one dialect of the Digiflazz family words the calls the bad-input table
// sends: its paths and field names, and the suffix its deposit's sign covers.
type flazzDialect struct {
	name                             string
	transaction, priceList, balance  string
	deposit                          string
	sku, priceListCommand            string
	depositSuffix, otherDepositSufix string
	unknownPath                      string
	sign                             func(user, key, suffix string) string
	// faultBalanceStatus is the status word of a balance's answer to a fault of Kios's own
	// (TestServerFault): Digiflazz says failed, Digiswitch pending (as its transactions do).
	faultBalanceStatus string
}

var flazzDialects = []flazzDialect{
	{name: "digiflazz", transaction: "/v1/transaction", priceList: "/v1/price-list", balance: "/v1/cek-saldo", deposit: "/v1/deposit",
		sku: "buyer_sku_code", priceListCommand: "cmd", depositSuffix: "deposit", otherDepositSufix: "depo",
		unknownPath: "/v1/transactions", sign: dfz.Sign, faultBalanceStatus: dfz.StatusFailed},
	{name: "digiswitch", transaction: ds.PathTransaction, priceList: ds.PathPriceList, balance: ds.PathBalance, deposit: ds.PathDeposit,
		sku: "code", priceListCommand: "command", depositSuffix: "depo", otherDepositSufix: "deposit",
		unknownPath: "/v1/user/api/transactions", sign: ds.Sign, faultBalanceStatus: ds.StatusPending},
}

// badInputCatalog is the kit's catalog with s10 closed (cut-off from 09:30 to 10:15 WIB, the
// clock of the table's kit is 10:00 WIB).
func badInputCatalog() ([]catalog.Product, []catalog.Variant) {
	products, variants := kiostest.Catalog()
	for i := range variants {
		if variants[i].Code == "s10" {
			variants[i].CutoffStart, variants[i].CutoffEnd = 9*60+30, 10*60+15
		}
	}
	return products, variants
}

// TestBadInputs sends more than fifty malformed, hostile or replayed requests to each dialect of
// the Digiflazz family, worded as it words them. Each must be answered in the dialect's format
// ({"data":{"rc","status":"Gagal","message"}}) with the expected rc, and leave the database
// exactly as it was, on each backend. One table for the Digiflazz and Digiswitch dialects, which had a copy each.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	products, variants := badInputCatalog()
	eachFlazzDialect(t, kiostest.Options{Products: products, Variants: variants, MaxBody: 4 << 10}, badInputs)
}

// eachFlazzDialect runs fn against each dialect of the Digiflazz family, on a kit made with o
// over each backend, its clock standing at 10:00 WIB on 2 March 2026 (within s10's cut-off).
func eachFlazzDialect(t *testing.T, o kiostest.Options, fn func(t *testing.T, k *kiostest.Kit, d flazzDialect)) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, catalog.Jakarta)
	o.Now = func() time.Time { return at }
	for _, d := range flazzDialects {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			kiostest.Each(t, o, func(t *testing.T, k *kiostest.Kit) { fn(t, k, d) })
		})
	}
}

func badInputs(t *testing.T, k *kiostest.Kit, d flazzDialect) {
	ctx := context.Background()
	u, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
	other, err := k.Svc.CreateReseller(ctx, core.NewReseller{Username: "lain", Name: "Lain"})
	if err != nil {
		t.Fatal(err)
	}
	fenced, err := k.Svc.CreateReseller(ctx, core.NewReseller{Username: "pagar", Name: "Pagar", AllowIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Svc.Credit(ctx, "pagar", 100_000, "test"); err != nil {
		t.Fatal(err)
	}
	sign := func(suffix string) string { return d.sign(u, key, suffix) }
	// item is one field of a transaction, as the dialect names it.
	item := func(sku, customer string) string { return fmt.Sprintf(`,%q:%s,"customer_no":%s`, d.sku, sku, customer) }
	trx := func(ref, rest string) string {
		return fmt.Sprintf(`{"username":%q,"ref_id":%q,"sign":%q%s}`, u, ref, sign(ref), rest)
	}
	s5 := item(`"s5"`, `"0812"`)
	// A transaction to replay.
	if st, raw := post(t, k, d.transaction, nil, trx("taken", item(`"s5"`, `"081234567890"`))); st != http.StatusOK || !strings.Contains(raw, `"rc":"03"`) {
		t.Fatalf("first transaction: %d %s", st, raw)
	}
	big := strings.Repeat("9", 5<<10)
	T, P, B, D := d.transaction, d.priceList, d.balance, d.deposit
	deposit := func(amount string) string {
		return fmt.Sprintf(`{"username":%q,"amount":%s,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, amount, sign(d.depositSuffix))
	}
	signed := func(user, ref, sig string) string {
		return fmt.Sprintf(`{"username":%q,"ref_id":%q,"sign":%q%s}`, user, ref, sig, s5)
	}

	cases := []struct {
		name string
		path string
		hdr  map[string]string
		body string
		rc   string
	}{
		// Wrong types.
		{"sku number", T, nil, trx("t1", item(`5`, `"0812"`)), dfz.RCPayload},
		{"customer_no number", T, nil, trx("t2", item(`"s5"`, `81234567890`)), dfz.RCPayload},
		{"ref_id number", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":12,"sign":%q%s}`, u, sign("12"), s5), dfz.RCPayload},
		{"username array", T, nil, fmt.Sprintf(`{"username":[%q],"ref_id":"t3","sign":%q%s}`, u, sign("t3"), s5), dfz.RCPayload},
		{"sign number", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t4","sign":1%s}`, u, s5), dfz.RCPayload},
		{"testing string", T, nil, trx("t5", s5+`,"testing":"true"`), dfz.RCPayload},
		{"max_price string", T, nil, trx("t6", s5+`,"max_price":"6000"`), dfz.RCPayload},
		{"max_price float", T, nil, trx("t7", s5+`,"max_price":5005.5`), dfz.RCPayload},
		{"max_price overflow", T, nil, trx("t8", s5+`,"max_price":99999999999999999999999`), dfz.RCPayload},
		{"max_price negative", T, nil, trx("t9", s5+`,"max_price":-1`), dfz.RCPayload},
		{"deposit amount string", D, nil, deposit(`"50000"`), dfz.RCPayload},
		{"deposit amount negative", D, nil, deposit(`-50000`), dfz.RCPayload},
		{"deposit amount overflow", D, nil, deposit(`9223372036854775808`), dfz.RCPayload},
		{"deposit amount huge", D, nil, deposit(`9223372036854775807`), dfz.RCPayload},
		{"deposit amount zero", D, nil, deposit(`0`), dfz.RCPayload},
		{"deposit amount exponent", D, nil, deposit(`1e5`), dfz.RCPayload},
		{"price-list command number", P, nil, fmt.Sprintf(`{%q:1,"username":%q,"sign":%q}`, d.priceListCommand, u, sign("pricelist")), dfz.RCPayload},
		{"price-list unknown command", P, nil, fmt.Sprintf(`{%q:"all","username":%q,"sign":%q}`, d.priceListCommand, u, sign("pricelist")), dfz.RCPayload},
		{"body array", T, nil, `[` + trx("t10", s5) + `]`, dfz.RCPayload},
		{"body string", T, nil, `"s5"`, dfz.RCPayload},
		{"body null", T, nil, `null`, dfz.RCPayload},
		{"body empty", T, nil, ``, dfz.RCPayload},
		{"body truncated", T, nil, trx("t11", s5)[:30], dfz.RCPayload},
		{"form encoded", T, nil, "username=" + u + "&ref_id=t12&" + d.sku + "=s5", dfz.RCPayload},
		// Missing fields.
		{"no username", T, nil, fmt.Sprintf(`{"ref_id":"t13","sign":%q%s}`, sign("t13"), s5), dfz.RCPayload},
		{"no sign", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t14"%s}`, u, s5), dfz.RCPayload},
		{"no ref_id", T, nil, fmt.Sprintf(`{"username":%q,"sign":%q%s}`, u, sign(""), s5), dfz.RCPayload},
		{"no sku", T, nil, trx("t15", `,"customer_no":"0812"`), dfz.RCPayload},
		{"no customer_no", T, nil, trx("t16", fmt.Sprintf(`,%q:"s5"`, d.sku)), dfz.RCPayload},
		// Huge bodies and fields.
		{"body over limit", T, nil, trx("t17", item(`"s5"`, `"`+big+`"`)), dfz.RCPayload},
		{"long ref_id", T, nil, trx(strings.Repeat("r", 65), s5), dfz.RCPayload},
		{"long customer_no", T, nil, trx("t18", item(`"s5"`, `"`+strings.Repeat("1", 65)+`"`)), dfz.RCPayload},
		{"long sku", T, nil, trx("t19", item(`"`+strings.Repeat("C", 2000)+`"`, `"0812"`)), dfz.RCProduct},
		{"long username", T, nil, signed(strings.Repeat("u", 3000), "t20", "x"), dfz.RCSign},
		// Unicode.
		{"fullwidth sku", T, nil, trx("t21", item(`"ｓ5"`, `"0812"`)), dfz.RCProduct},
		{"unicode ref_id", T, nil, trx("réf", s5), dfz.RCPayload},
		{"emoji customer_no", T, nil, trx("t22", item(`"s5"`, `"0812😀"`)), dfz.RCPayload},
		{"nul in customer_no", T, nil, trx("t23", item(`"s5"`, `"0812\u0000"`)), dfz.RCPayload},
		{"invalid utf8", T, nil, trx("t24", item(`"s5"`, "\"0812\xff\"")), dfz.RCPayload},
		{"cyrillic username", T, nil, signed(u+"і", "t25", sign("t25")), dfz.RCSign},
		// SQL injection.
		{"sql in username", T, nil, signed("x' OR '1'='1", "t26", sign("t26")), dfz.RCSign},
		{"sql in sku", T, nil, trx("t27", item(`"s5' OR '1'='1"`, `"0812"`)), dfz.RCProduct},
		{"sql in sku drop", T, nil, trx("t28", item(`"x'; DROP TABLE orders; --"`, `"0812"`)), dfz.RCProduct},
		{"sql in ref_id", T, nil, trx("x' OR 1=1 --", s5), dfz.RCPayload},
		{"sql in price-list username", P, nil, fmt.Sprintf(`{%q:"prepaid","username":"%s' --","sign":%q}`, d.priceListCommand, u, sign("pricelist")), dfz.RCSign},
		// Wrong signatures.
		{"sign of another ref", T, nil, signed(u, "t29", sign("t30")), dfz.RCSign},
		{"sign of another key", T, nil, signed(u, "t31", d.sign(u, other.APIKey, "t31")), dfz.RCSign},
		{"sign of another user", T, nil, signed(other.Reseller.Username, "t32", sign("t32")), dfz.RCSign},
		{"sign truncated", T, nil, signed(u, "t33", sign("t33")[:31]), dfz.RCSign},
		{"sign md5 of nothing", T, nil, signed(u, "t34", "d41d8cd98f00b204e9800998ecf8427e"), dfz.RCSign},
		{"sign without key", T, nil, signed(u, "t35", d.sign(u, "", "t35")), dfz.RCSign},
		{"balance sign for price-list", B, nil, fmt.Sprintf(`{"cmd":"deposit","username":%q,"sign":%q}`, u, sign("pricelist")), dfz.RCSign},
		{"deposit signed as the other dialect's", D, nil, fmt.Sprintf(`{"username":%q,"amount":50000,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign(d.otherDepositSufix)), dfz.RCSign},
		{"unknown username", B, nil, `{"cmd":"deposit","username":"nobody","sign":"00"}`, dfz.RCSign},
		// Header injection: the address a fenced reseller may call from is the connection's.
		{"spoofed forwarded-for", T, map[string]string{"X-Forwarded-For": "10.9.9.9", "X-Real-IP": "10.9.9.9"},
			signed("pagar", "f1", d.sign("pagar", fenced.APIKey, "f1")), dfz.RCSign},
		// Replayed references.
		{"replay other sku", T, nil, trx("taken", item(`"s100"`, `"081234567890"`)), dfz.RCRefConflict},
		{"replay other customer", T, nil, trx("taken", item(`"s5"`, `"089999999999"`)), dfz.RCRefConflict},
		// Catalog rules.
		{"inactive product", T, nil, trx("t36", item(`"s100"`, `"0812"`)), dfz.RCProduct},
		{"cut-off", T, nil, trx("t37", item(`"s10"`, `"0812"`)), dfz.RCCutoff},
		{"price above max", T, nil, trx("t38", s5+`,"max_price":5000`), dfz.RCPriceAboveMax},
		{"unknown path", d.unknownPath, nil, trx("t39", s5), dfz.RCPayload},
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases", len(cases))
	}
	before := storetest.Dump(t, k.DB)
	for _, c := range cases {
		st, raw := post(t, k, c.path, c.hdr, c.body)
		var env struct {
			Data dfz.ErrorData `json:"data"`
		}
		if err := json.Unmarshal([]byte(raw), &env); err != nil {
			t.Errorf("%s: not an envelope: %d %q", c.name, st, raw)
			continue
		}
		if st >= 500 || env.Data.RC != c.rc || env.Data.Status != dfz.StatusFailed || env.Data.Message == "" {
			t.Errorf("%s: got %d %s, want rc %s", c.name, st, raw, c.rc)
		}
		if after := storetest.Dump(t, k.DB); after != before {
			t.Fatalf("%s changed the database:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	rep, err := k.Svc.LedgerCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger check: %v", rep.Discrepancies)
	}
}

// post sends body as JSON to the kit's server over the network (from 127.0.0.1), with hdr.
func post(t *testing.T, k *kiostest.Kit, path string, hdr map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, k.Server.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for h, v := range hdr {
		req.Header.Set(h, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}
