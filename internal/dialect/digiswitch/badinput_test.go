package digiswitch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	ds "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiswitch"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBadInputs sends more than fifty malformed, hostile or replayed requests. Each must be
// answered in the dialect's format ({"data":{"rc","status":"Gagal","message"}}) with the expected
// rc, and leave the database exactly as it was.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	b := setup(t, setupOpts{handler: digiswitchOpts(4 << 10)})
	u, key := b.user(), b.cr.APIKey
	other, otherKey := b.other("lain", 100_000)
	sign := func(suffix string) string { return ds.Sign(u, key, suffix) }
	trx := func(ref, rest string) string {
		return fmt.Sprintf(`{"username":%q,"ref_id":%q,"sign":%q%s}`, u, ref, sign(ref), rest)
	}
	// A transaction to replay.
	b.wantRC(ds.PathTransaction, trx("taken", `,"code":"s5","customer_no":"081234567890"`), ds.RCPending)
	big := strings.Repeat("9", 5<<10)
	fenced := fencedTrx(b)

	cases := []struct {
		name string
		path string
		hdr  map[string]string
		body string
		rc   string
	}{
		// Wrong types.
		{"code number", ds.PathTransaction, nil, trx("t1", `,"code":5,"customer_no":"0812"`), ds.RCPayload},
		{"customer_no number", ds.PathTransaction, nil, trx("t2", `,"code":"s5","customer_no":81234567890`), ds.RCPayload},
		{"ref_id number", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":12,"sign":%q,"code":"s5","customer_no":"0812"}`, u, sign("12")), ds.RCPayload},
		{"username array", ds.PathTransaction, nil, fmt.Sprintf(`{"username":[%q],"ref_id":"t3","sign":%q,"code":"s5","customer_no":"0812"}`, u, sign("t3")), ds.RCPayload},
		{"sign number", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t4","sign":1,"code":"s5","customer_no":"0812"}`, u), ds.RCPayload},
		{"testing string", ds.PathTransaction, nil, trx("t5", `,"code":"s5","customer_no":"0812","testing":"true"`), ds.RCPayload},
		{"max_price string", ds.PathTransaction, nil, trx("t6", `,"code":"s5","customer_no":"0812","max_price":"6000"`), ds.RCPayload},
		{"max_price float", ds.PathTransaction, nil, trx("t7", `,"code":"s5","customer_no":"0812","max_price":5005.5`), ds.RCPayload},
		{"max_price overflow", ds.PathTransaction, nil, trx("t8", `,"code":"s5","customer_no":"0812","max_price":99999999999999999999999`), ds.RCPayload},
		{"max_price negative", ds.PathTransaction, nil, trx("t9", `,"code":"s5","customer_no":"0812","max_price":-1`), ds.RCPayload},
		{"deposit amount string", ds.PathDeposit, nil, fmt.Sprintf(`{"username":%q,"amount":"50000","bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), ds.RCPayload},
		{"deposit amount negative", ds.PathDeposit, nil, fmt.Sprintf(`{"username":%q,"amount":-50000,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), ds.RCPayload},
		{"deposit amount overflow", ds.PathDeposit, nil, fmt.Sprintf(`{"username":%q,"amount":9223372036854775808,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), ds.RCPayload},
		{"deposit amount huge", ds.PathDeposit, nil, fmt.Sprintf(`{"username":%q,"amount":9223372036854775807,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), ds.RCPayload},
		{"deposit amount zero", ds.PathDeposit, nil, fmt.Sprintf(`{"username":%q,"amount":0,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), ds.RCPayload},
		{"deposit amount exponent", ds.PathDeposit, nil, fmt.Sprintf(`{"username":%q,"amount":1e5,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), ds.RCPayload},
		{"price-list command number", ds.PathPriceList, nil, fmt.Sprintf(`{"command":1,"username":%q,"sign":%q}`, u, sign("pricelist")), ds.RCPayload},
		{"price-list unknown command", ds.PathPriceList, nil, fmt.Sprintf(`{"command":"all","username":%q,"sign":%q}`, u, sign("pricelist")), ds.RCPayload},
		{"body array", ds.PathTransaction, nil, `[` + trx("t10", `,"code":"s5","customer_no":"0812"`) + `]`, ds.RCPayload},
		{"body string", ds.PathTransaction, nil, `"s5"`, ds.RCPayload},
		{"body null", ds.PathTransaction, nil, `null`, ds.RCPayload},
		{"body empty", ds.PathTransaction, nil, ``, ds.RCPayload},
		{"body truncated", ds.PathTransaction, nil, trx("t11", `,"code":"s5","customer_no":"0812"`)[:30], ds.RCPayload},
		{"form encoded", ds.PathTransaction, nil, "username=" + u + "&ref_id=t12&code=s5", ds.RCPayload},
		// Missing fields.
		{"no username", ds.PathTransaction, nil, fmt.Sprintf(`{"ref_id":"t13","sign":%q,"code":"s5","customer_no":"0812"}`, sign("t13")), ds.RCPayload},
		{"no sign", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t14","code":"s5","customer_no":"0812"}`, u), ds.RCPayload},
		{"no ref_id", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"sign":%q,"code":"s5","customer_no":"0812"}`, u, sign("")), ds.RCPayload},
		{"no code", ds.PathTransaction, nil, trx("t15", `,"customer_no":"0812"`), ds.RCPayload},
		{"no customer_no", ds.PathTransaction, nil, trx("t16", `,"code":"s5"`), ds.RCPayload},
		// Huge bodies and fields.
		{"body over limit", ds.PathTransaction, nil, trx("t17", `,"code":"s5","customer_no":"`+big+`"`), ds.RCPayload},
		{"long ref_id", ds.PathTransaction, nil, trx(strings.Repeat("r", 65), `,"code":"s5","customer_no":"0812"`), ds.RCPayload},
		{"long customer_no", ds.PathTransaction, nil, trx("t18", `,"code":"s5","customer_no":"`+strings.Repeat("1", 65)+`"`), ds.RCPayload},
		{"long code", ds.PathTransaction, nil, trx("t19", `,"code":"`+strings.Repeat("C", 2000)+`","customer_no":"0812"`), ds.RCProduct},
		{"long username", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t20","sign":"x","code":"s5","customer_no":"0812"}`, strings.Repeat("u", 3000)), ds.RCSign},
		// Unicode.
		{"fullwidth code", ds.PathTransaction, nil, trx("t21", `,"code":"ｓ5","customer_no":"0812"`), ds.RCProduct},
		{"unicode ref_id", ds.PathTransaction, nil, trx("réf", `,"code":"s5","customer_no":"0812"`), ds.RCPayload},
		{"emoji customer_no", ds.PathTransaction, nil, trx("t22", `,"code":"s5","customer_no":"0812😀"`), ds.RCPayload},
		{"nul in customer_no", ds.PathTransaction, nil, trx("t23", `,"code":"s5","customer_no":"0812\u0000"`), ds.RCPayload},
		{"invalid utf8", ds.PathTransaction, nil, trx("t24", ",\"code\":\"s5\",\"customer_no\":\"0812\xff\""), ds.RCPayload},
		{"unicode username", ds.PathTransaction, nil, fmt.Sprintf(`{"username":"tokobudі","ref_id":"t25","sign":%q,"code":"s5","customer_no":"0812"}`, sign("t25")), ds.RCSign},
		// SQL injection.
		{"sql in username", ds.PathTransaction, nil, fmt.Sprintf(`{"username":"x' OR '1'='1","ref_id":"t26","sign":%q,"code":"s5","customer_no":"0812"}`, sign("t26")), ds.RCSign},
		{"sql in code", ds.PathTransaction, nil, trx("t27", `,"code":"s5' OR '1'='1","customer_no":"0812"`), ds.RCProduct},
		{"sql in code drop", ds.PathTransaction, nil, trx("t28", `,"code":"x'; DROP TABLE orders; --","customer_no":"0812"`), ds.RCProduct},
		{"sql in ref_id", ds.PathTransaction, nil, trx("x' OR 1=1 --", `,"code":"s5","customer_no":"0812"`), ds.RCPayload},
		{"sql in price-list code", ds.PathPriceList, nil, fmt.Sprintf(`{"command":"prepaid","username":"%s' --","sign":%q}`, u, sign("pricelist")), ds.RCSign},
		// Wrong signatures.
		{"sign of another ref", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t29","sign":%q,"code":"s5","customer_no":"0812"}`, u, sign("t30")), ds.RCSign},
		{"sign of another key", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t31","sign":%q,"code":"s5","customer_no":"0812"}`, u, ds.Sign(u, otherKey, "t31")), ds.RCSign},
		{"sign of another user", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t32","sign":%q,"code":"s5","customer_no":"0812"}`, other, ds.Sign(u, key, "t32")), ds.RCSign},
		{"sign truncated", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t33","sign":%q,"code":"s5","customer_no":"0812"}`, u, sign("t33")[:31]), ds.RCSign},
		{"sign md5 of nothing", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t34","sign":"d41d8cd98f00b204e9800998ecf8427e","code":"s5","customer_no":"0812"}`, u), ds.RCSign},
		{"sign without key", ds.PathTransaction, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t35","sign":%q,"code":"s5","customer_no":"0812"}`, u, ds.Sign(u, "", "t35")), ds.RCSign},
		{"balance sign for price-list", ds.PathBalance, nil, fmt.Sprintf(`{"cmd":"deposit","username":%q,"sign":%q}`, u, sign("pricelist")), ds.RCSign},
		{"unknown username", ds.PathBalance, nil, `{"cmd":"deposit","username":"nobody","sign":"00"}`, ds.RCSign},
		// Header injection.
		{"spoofed forwarded-for", ds.PathTransaction, map[string]string{"X-Forwarded-For": "10.9.9.9", "X-Real-IP": "10.9.9.9"}, fenced, ds.RCSign},
		// Replayed references.
		{"replay other code", ds.PathTransaction, nil, trx("taken", `,"code":"s10","customer_no":"081234567890"`), ds.RCRefConflict},
		{"replay other customer", ds.PathTransaction, nil, trx("taken", `,"code":"s5","customer_no":"089999999999"`), ds.RCRefConflict},
		// Catalog rules.
		{"inactive product", ds.PathTransaction, nil, trx("t36", `,"code":"s100","customer_no":"0812"`), ds.RCProduct},
		{"cut-off", ds.PathTransaction, nil, trx("t37", `,"code":"s10","customer_no":"0812"`), ds.RCCutoff},
		{"price above max", ds.PathTransaction, nil, trx("t38", `,"code":"s5","customer_no":"0812","max_price":5000`), ds.RCPriceAboveMax},
		{"unknown path", "/v1/user/api/transactions", nil, trx("t39", `,"code":"s5","customer_no":"0812"`), ds.RCPayload},
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases", len(cases))
	}
	before := storetest.Dump(t, b.db)
	for _, c := range cases {
		req, err := http.NewRequest(http.MethodPost, b.srv.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		req.Header.Set("Content-Type", "application/json")
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var env struct {
			Data ds.ErrorData `json:"data"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Errorf("%s: not an envelope: %d %q", c.name, resp.StatusCode, raw)
			continue
		}
		if resp.StatusCode >= 500 || env.Data.RC != c.rc || env.Data.Status != ds.StatusFailed || env.Data.Message == "" {
			t.Errorf("%s: got %d %s, want rc %s", c.name, resp.StatusCode, raw, c.rc)
		}
		if after := storetest.Dump(t, b.db); after != before {
			t.Fatalf("%s changed the database:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	b.checkLedger()
}

func digiswitchOpts(maxBody int64) digiswitch.Options {
	return digiswitch.Options{MaxBody: maxBody}
}

// fencedTrx is a correctly signed transaction of a reseller allowed only from 10.0.0.0/8.
func fencedTrx(b *bundle) string {
	b.t.Helper()
	ctx := context.Background()
	cr, err := b.svc.CreateReseller(ctx, core.NewReseller{Username: "pagar", Name: "Pagar", AllowIPs: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := b.svc.Credit(ctx, "pagar", 100_000, "test"); err != nil {
		b.t.Fatal(err)
	}
	return fmt.Sprintf(`{"username":"pagar","ref_id":"f1","sign":%q,"code":"s5","customer_no":"0812"}`, ds.Sign("pagar", cr.APIKey, "f1"))
}
