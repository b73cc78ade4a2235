package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	dfz "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/kiostest"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// refusalCatalog is the kit's catalog with what the refusals need: s10 closed (cut-off 09:30 to
// 10:15 WIB; the kit's clock is 10:00 WIB), s50 not multi with a stock of 3, ml5 a game with a
// stock of 1, mlgold priced for the gold tier only, and the demo's postpaid products (dspln).
func refusalCatalog() ([]catalog.Product, []catalog.Variant) {
	products, variants := badInputCatalog()
	products = append(products, catalog.Product{Code: "mobile-legends", Name: "Mobile Legends", Category: "Games", Brand: "MOBILE LEGENDS", Active: true})
	variants = append(variants,
		catalog.Variant{ProductCode: "telkomsel", Code: "s50", Name: "50.000", Kind: catalog.Prepaid, Type: "Umum", Active: true,
			Stock: 3, Prices: map[string]int64{catalog.DefaultTier: 49030}},
		catalog.Variant{ProductCode: "mobile-legends", Code: "ml5", Name: "5 Diamonds", Kind: catalog.Prepaid, Type: "Umum", Active: true,
			Stock: 1, Multi: true, Prices: map[string]int64{catalog.DefaultTier: 1389}},
		catalog.Variant{ProductCode: "mobile-legends", Code: "mlgold", Name: "Gold only", Kind: catalog.Prepaid, Type: "Membership", Active: true,
			UnlimitedStock: true, Multi: true, Prices: map[string]int64{"gold": 100}})
	pp, pv := demo.Postpaid()
	return append(products, pp...), append(variants, pv...)
}

// refusalWording is what the refusal table needs of a dialect beyond flazzDialect: its command
// field, its PLN customer check and its balance request.
type refusalWording struct {
	command, pln, balanceCmd string
}

var refusalWordings = map[string]refusalWording{
	"digiflazz":  {command: "commands", pln: "/v1/inquiry-pln", balanceCmd: `"cmd":"deposit",`},
	"digiswitch": {command: "command", pln: "/v1/user/api/token"},
}

// TestRefusalsChangeNothing sends every kind of refused request to each dialect of the Digiflazz
// family, worded as it words them: each is answered HTTP 200 with its rc, the failed status word
// and a message, and leaves the database exactly as it was (storetest.Dump: balances, postings,
// orders, stock, inquiries, tickets), on each backend. A refused transaction still shows the
// caller's balance, and allow_dot lets a number with dots through. One table for the Digiflazz
// and Digiswitch dialects (Digiflazz's TestRefusalsChangeNothing and Digiswitch's
// TestBadInputsChangeNothing).
func TestRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	products, variants := refusalCatalog()
	eachFlazzDialect(t, kiostest.Options{Products: products, Variants: variants, Balance: 100_000}, refusalsChangeNothing)
}

func refusalsChangeNothing(t *testing.T, k *kiostest.Kit, d flazzDialect) {
	ctx := context.Background()
	w := refusalWordings[d.name]
	u, key := k.Reseller.Reseller.Username, k.Reseller.APIKey
	sign := func(suffix string) string { return d.sign(u, key, suffix) }
	newReseller := func(name string, funds int64, ips ...netip.Prefix) core.Credentials {
		cr, err := k.Svc.CreateReseller(ctx, core.NewReseller{Username: name, Name: name, AllowIPs: ips})
		if err != nil {
			t.Fatal(err)
		}
		if funds > 0 {
			if _, err := k.Svc.Credit(ctx, name, funds, "test"); err != nil {
				t.Fatal(err)
			}
		}
		return cr
	}
	sleeper := newReseller("sleeper", 0)
	if err := k.Svc.SetStatus(ctx, "sleeper", reseller.Suspended); err != nil {
		t.Fatal(err)
	}
	poor := newReseller("poorbuyer", 0)
	far := newReseller("faraway", 100_000, netip.MustParsePrefix("10.0.0.0/8"))

	// tx is a transaction of the kit reseller, signed for its ref; kv adds or replaces fields
	// ("command" is the dialect's command field; a value "-" leaves the field out).
	tx := func(sku, customer, ref string, kv ...any) string {
		m := map[string]any{"username": u, d.sku: sku, "customer_no": customer, "ref_id": ref, "sign": sign(ref)}
		for i := 0; i < len(kv); i += 2 {
			f := kv[i].(string)
			if f == "command" {
				f = w.command
			}
			m[f] = kv[i+1]
			if kv[i+1] == "-" {
				delete(m, f)
			}
		}
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	// Orders and an inquiry that the later cases collide with.
	for _, req := range []string{tx("s50", "081299990001", "once"), tx("ml5", "12345678(1234)", "last")} {
		if st, a, raw := flazzCall(t, k, d.transaction, req); st != http.StatusOK || a.RC != flazz.RCPending {
			t.Fatalf("setup order: %s", raw)
		}
	}
	if st, a, raw := flazzCall(t, k, d.transaction, tx("dspln", "530000000001", "inq", "command", flazz.CommandInquiry)); st != http.StatusOK || a.RC != flazz.RCSuccess {
		t.Fatalf("setup inquiry: %s", raw)
	}

	balance := func(user, sig string) string {
		return fmt.Sprintf(`{%s"username":%q,"sign":%q}`, w.balanceCmd, user, sig)
	}
	deposit := func(amount any, bank, owner, sig string) string {
		m := map[string]any{"username": u, "amount": amount, "bank": bank, "owner_name": owner, "sign": sig}
		for f, v := range m {
			if v == "" {
				delete(m, f)
			}
		}
		raw, _ := json.Marshal(m)
		return string(raw)
	}
	pln := func(customer, sig string) string {
		return fmt.Sprintf(`{"username":%q,"customer_no":%q,"sign":%q}`, u, customer, sig)
	}
	other := func(user, apiKey, ref string) string {
		return fmt.Sprintf(`{"username":%q,%q:"s5","customer_no":"0812","ref_id":%q,"sign":%q}`, user, d.sku, ref, d.sign(user, apiKey, ref))
	}
	T, P, B, D := d.transaction, d.priceList, d.balance, d.deposit
	inq, pay, status := flazz.CommandInquiry, flazz.CommandPay, flazz.CommandStatus
	cases := []struct {
		name, path, body, rc string
		// only is the one dialect that refuses the request, if not both: Digiswitch takes a
		// balance request without cmd, a deposit without bank or owner, and a number with dots;
		// a status check of another product's inquiry is rc 50 there.
		only string
	}{
		{"malformed json", T, `{"username":`, flazz.RCPayload, ""},
		{"malformed json, cut short", T, `{"username":"` + u + `","code":"s5"`, flazz.RCPayload, ""},
		{"not an object", B, `[1,2]`, flazz.RCPayload, ""},
		{"an array", T, `[]`, flazz.RCPayload, ""},
		{"a string", T, `"x"`, flazz.RCPayload, ""},
		{"username a number", T, `{"username":1}`, flazz.RCPayload, ""},
		{"max_price a string", T, tx("s5", "0812", "w1", "max_price", "5000"), flazz.RCPayload, ""},
		{"body too large", B, `{"cmd":"deposit","pad":"` + strings.Repeat("x", 70<<10) + `"}`, flazz.RCPayload, ""},
		{"no username", B, fmt.Sprintf(`{%s"sign":%q}`, w.balanceCmd, sign("depo")), flazz.RCPayload, ""},
		{"no sign", B, fmt.Sprintf(`{%s"username":%q}`, w.balanceCmd, u), flazz.RCPayload, ""},
		{"bad cmd", B, fmt.Sprintf(`{"cmd":"saldo","username":%q,"sign":%q}`, u, sign("depo")), flazz.RCPayload, "digiflazz"},
		{"bad price-list cmd", P, fmt.Sprintf(`{%q:"all","username":%q,"sign":%q}`, d.priceListCommand, u, sign("pricelist")), flazz.RCPayload, ""},
		{"no sku", T, tx("", "0812", "w2"), flazz.RCPayload, ""},
		{"no customer_no", T, tx("s5", "", "w3"), flazz.RCPayload, ""},
		{"no ref_id", T, tx("s5", "0812", ""), flazz.RCPayload, ""},
		{"ref_id with space", T, tx("s5", "0812", "a b"), flazz.RCPayload, ""},
		{"ref_id too long", T, tx("s5", "0812", strings.Repeat("r", 65)), flazz.RCPayload, ""},
		{"bad cb_url", T, tx("s5", "0812", "w4", "cb_url", "ftp://x"), flazz.RCPayload, ""},
		{"negative max_price", T, tx("s5", "0812", "w5", "max_price", -1), flazz.RCPayload, ""},
		{"bad command", T, tx("dspln", "5300", "w6", "command", "pln-subscribe"), flazz.RCPayload, ""},
		{"deposit amount 0", D, deposit(0, "BCA", "B", sign(d.depositSuffix)), flazz.RCPayload, ""},
		{"deposit amount 1", D, deposit(1, "BCA", "B", sign(d.depositSuffix)), flazz.RCPayload, ""},
		{"deposit too small", D, deposit(9999, "BCA", "B", sign(d.depositSuffix)), flazz.RCPayload, ""},
		{"deposit amount not a number", D, deposit("50000", "BCA", "B", sign(d.depositSuffix)), flazz.RCPayload, ""},
		{"deposit amount a fraction", D, deposit(1.5, "BCA", "B", sign(d.depositSuffix)), flazz.RCPayload, ""},
		{"deposit bank", D, deposit(10000, "", "B", sign(d.depositSuffix)), flazz.RCPayload, "digiflazz"},
		{"deposit owner", D, deposit(10000, "BCA", "", sign(d.depositSuffix)), flazz.RCPayload, "digiflazz"},
		{"pln no customer", w.pln, pln("", sign("")), flazz.RCPayload, ""},
		{"sign of another endpoint", B, balance(u, sign("pricelist")), flazz.RCSign, ""},
		{"deposit signed as another call", D, deposit(100000, "BCA", "B", sign(d.otherDepositSufix)), flazz.RCSign, ""},
		{"deposit signed as the price list", D, deposit(100000, "BCA", "B", sign("pricelist")), flazz.RCSign, ""},
		{"tx sign of another ref", T, tx("s5", "0812", "w7", "sign", sign("w8")), flazz.RCSign, ""},
		{"tx sign of the balance", T, tx("s5", "0812", "w7", "sign", sign("depo")), flazz.RCSign, ""},
		{"tx sign made up", T, tx("s5", "0812", "w7", "sign", strings.Repeat("0", 32)), flazz.RCSign, ""},
		{"tx sign with another key", T, tx("s5", "0812", "w7", "sign", d.sign(u, "dev-key", "w7")), flazz.RCSign, ""},
		{"pln sign", w.pln, pln("123", sign("124")), flazz.RCSign, ""},
		{"token signed as the balance", w.pln, pln("530000000001", sign("depo")), flazz.RCSign, ""},
		{"unknown username", T, other("ghost", "x", "g"), flazz.RCSign, ""}, // issue 14: answered as a wrong sign
		{"suspended, wrong sign", B, balance("sleeper", "x"), flazz.RCSign, ""},
		{"suspended", B, balance("sleeper", d.sign("sleeper", sleeper.APIKey, "depo")), flazz.RCUsername, ""},
		{"unknown sku", T, tx("nope", "0812", "w9"), flazz.RCProduct, ""},
		{"inactive sku", T, tx("s100", "0812", "w10"), flazz.RCProduct, ""},
		{"no price for tier", T, tx("mlgold", "0812", "w11"), flazz.RCProduct, ""},
		{"postpaid sku as prepaid", T, tx("dspln", "5300", "w12"), flazz.RCProduct, ""},
		{"inq-pasca of a prepaid sku", T, tx("s5", "530000000001", "w13", "command", inq), flazz.RCProduct, ""},
		{"inq-pasca of an unknown sku", T, tx("nope", "530000000001", "w13", "command", inq), flazz.RCProduct, ""},
		{"inq-pasca bad cb_url", T, tx("dspln", "530000000001", "w13", "command", inq, "cb_url", "x"), flazz.RCPayload, ""},
		{"inq-pasca no customer_no", T, tx("dspln", "", "w13", "command", inq), flazz.RCPayload, ""},
		{"inq-pasca ref of a prepaid order", T, tx("dspln", "530000000001", "once", "command", inq), flazz.RCRefConflict, ""},
		{"inq-pasca ref inquired for another customer", T, tx("dspln", "530000000002", "inq", "command", inq), flazz.RCRefConflict, ""},
		{"pay-pasca without inquiry", T, tx("dspln", "530000000001", "w19", "command", pay), flazz.RCNotFound, ""},
		{"pay-pasca for another customer", T, tx("dspln", "530000000002", "inq", "command", pay), flazz.RCRefConflict, ""},
		{"status-pasca without inquiry", T, tx("dspln", "530000000001", "w20", "command", status), flazz.RCNotFound, ""},
		{"status-pasca not paid", T, tx("dspln", "530000000001", "inq", "command", status), flazz.RCNotFound, ""},
		{"status-pasca for another sku", T, tx("s5", "530000000001", "inq", "command", status), flazz.RCRefConflict, "digiflazz"},
		{"no bill", T, tx("dspln", "530000010000", "w21", "command", inq), flazz.RCBillUnavailable, ""},
		{"insufficient balance", T, other("poorbuyer", poor.APIKey, "p"), flazz.RCBalance, ""},
		{"ip not allowed", T, other("faraway", far.APIKey, "f"), flazz.RCSign, ""},
		{"ip not allowed, bad sign", B, balance("faraway", "x"), flazz.RCSign, ""},
		{"ref reused: other customer", T, tx("s50", "081299990002", "once"), flazz.RCRefConflict, ""},
		{"ref reused: other sku", T, tx("s5", "081299990001", "once"), flazz.RCRefConflict, ""},
		{"ref reused: testing", T, tx("s50", "081299990001", "once", "testing", true), flazz.RCRefConflict, ""},
		{"dot without allow_dot", T, tx("s5", "budi.santoso", "w14"), flazz.RCDestination, "digiflazz"},
		{"cut-off", T, tx("s10", "0812", "w15"), flazz.RCCutoff, ""},
		{"not multi", T, tx("s50", "081299990001", "twice"), flazz.RCMulti, ""},
		{"out of stock", T, tx("ml5", "87654321(4321)", "w16"), flazz.RCOutOfStock, ""},
		{"above max_price", T, tx("s5", "0812", "w17", "max_price", 5004), flazz.RCPriceAboveMax, ""},
		{"above max_price of 1", T, tx("s5", "0812", "w17", "max_price", 1), flazz.RCPriceAboveMax, ""},
		{"pln customer format", w.pln, pln("123", sign("123")), flazz.RCDestination, ""},
		{"pln unknown customer", w.pln, pln("123456780000", sign("123456780000")), flazz.RCDestination, ""},
	}
	for _, c := range cases {
		if c.only != "" && c.only != d.name {
			continue
		}
		before := storetest.Dump(t, k.DB)
		st, a, raw := flazzCall(t, k, c.path, c.body)
		if st != http.StatusOK || a.RC != c.rc || a.Status != dfz.StatusFailed || a.Status != flazz.StatusOf(a.RC) || a.Message == "" {
			t.Errorf("%s: HTTP %d %s, want rc %s %s", c.name, st, raw, c.rc, dfz.StatusFailed)
		}
		if after := storetest.Dump(t, k.DB); after != before {
			t.Errorf("%s: the database changed:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	// A transaction refused after the caller is known shows its balance.
	var env struct {
		Data struct {
			BuyerLastSaldo *int64 `json:"buyer_last_saldo"`
		} `json:"data"`
	}
	if _, raw := post(t, k, T, nil, tx("nope", "0812", "w18")); json.Unmarshal([]byte(raw), &env) != nil ||
		(env.Data.BuyerLastSaldo != nil && *env.Data.BuyerLastSaldo != k.Balance(t)) || (d.name == "digiflazz" && env.Data.BuyerLastSaldo == nil) {
		t.Errorf("a refused transaction's balance: %s, balance %d", raw, k.Balance(t))
	}
	// allow_dot lets a customer number with dots through.
	if d.name == "digiflazz" {
		if _, a, raw := flazzCall(t, k, T, tx("s5", "budi.santoso", "dot", "allow_dot", true)); a.RC != flazz.RCPending {
			t.Errorf("allow_dot: %s", raw)
		}
	}
	k.CheckLedger(t)
}
