package digiflazz_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBadInputs sends more than fifty malformed, hostile or replayed requests. Each must be
// answered in the dialect's format ({"data":{"rc","status":"Gagal","message"}}) with the expected
// rc, and leave the database exactly as it was.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	f := setup(t, digiflazz.Options{MaxBody: 4 << 10})
	ctx := context.Background()
	u, key := f.cr.Reseller.Username, f.cr.APIKey
	other, err := f.svc.CreateReseller(ctx, core.NewReseller{Username: "lain", Name: "Lain"})
	if err != nil {
		t.Fatal(err)
	}
	fenced := f.restrictedReseller(t)
	if _, err := f.svc.Credit(ctx, fenced.Reseller.Username, 100_000, "test"); err != nil {
		t.Fatal(err)
	}
	sign := func(suffix string) string { return wire.Sign(u, key, suffix) }
	trx := func(ref, rest string) string {
		return fmt.Sprintf(`{"username":%q,"ref_id":%q,"sign":%q%s}`, u, ref, sign(ref), rest)
	}
	// A transaction to replay.
	if status, raw := f.post(t, "/v1/transaction", trx("taken", `,"buyer_sku_code":"s5","customer_no":"081234567890"`)); status != http.StatusOK || !strings.Contains(raw, `"rc":"03"`) && !strings.Contains(raw, `"rc":"00"`) {
		t.Fatalf("first transaction: %d %s", status, raw)
	}
	big := strings.Repeat("9", 5<<10)
	const P, T, B, D = "/v1/price-list", "/v1/transaction", "/v1/cek-saldo", "/v1/deposit"

	cases := []struct {
		name string
		path string
		hdr  map[string]string
		body string
		rc   string
	}{
		// Wrong types.
		{"sku number", T, nil, trx("t1", `,"buyer_sku_code":5,"customer_no":"0812"`), wire.RCPayload},
		{"customer_no number", T, nil, trx("t2", `,"buyer_sku_code":"s5","customer_no":81234567890`), wire.RCPayload},
		{"ref_id number", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":12,"sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, sign("12")), wire.RCPayload},
		{"username array", T, nil, fmt.Sprintf(`{"username":[%q],"ref_id":"t3","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, sign("t3")), wire.RCPayload},
		{"sign number", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t4","sign":1,"buyer_sku_code":"s5","customer_no":"0812"}`, u), wire.RCPayload},
		{"testing string", T, nil, trx("t5", `,"buyer_sku_code":"s5","customer_no":"0812","testing":"true"`), wire.RCPayload},
		{"max_price string", T, nil, trx("t6", `,"buyer_sku_code":"s5","customer_no":"0812","max_price":"6000"`), wire.RCPayload},
		{"max_price float", T, nil, trx("t7", `,"buyer_sku_code":"s5","customer_no":"0812","max_price":5005.5`), wire.RCPayload},
		{"max_price overflow", T, nil, trx("t8", `,"buyer_sku_code":"s5","customer_no":"0812","max_price":99999999999999999999999`), wire.RCPayload},
		{"max_price negative", T, nil, trx("t9", `,"buyer_sku_code":"s5","customer_no":"0812","max_price":-1`), wire.RCPayload},
		{"deposit amount string", D, nil, fmt.Sprintf(`{"username":%q,"amount":"50000","bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("deposit")), wire.RCPayload},
		{"deposit amount negative", D, nil, fmt.Sprintf(`{"username":%q,"amount":-50000,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("deposit")), wire.RCPayload},
		{"deposit amount overflow", D, nil, fmt.Sprintf(`{"username":%q,"amount":9223372036854775808,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("deposit")), wire.RCPayload},
		{"deposit amount huge", D, nil, fmt.Sprintf(`{"username":%q,"amount":9223372036854775807,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("deposit")), wire.RCPayload},
		{"deposit amount zero", D, nil, fmt.Sprintf(`{"username":%q,"amount":0,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("deposit")), wire.RCPayload},
		{"deposit amount exponent", D, nil, fmt.Sprintf(`{"username":%q,"amount":1e5,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("deposit")), wire.RCPayload},
		{"price-list cmd number", P, nil, fmt.Sprintf(`{"cmd":1,"username":%q,"sign":%q}`, u, sign("pricelist")), wire.RCPayload},
		{"body array", T, nil, `[` + trx("t10", `,"buyer_sku_code":"s5","customer_no":"0812"`) + `]`, wire.RCPayload},
		{"body string", T, nil, `"s5"`, wire.RCPayload},
		{"body null", T, nil, `null`, wire.RCPayload},
		{"body empty", T, nil, ``, wire.RCPayload},
		{"body truncated", T, nil, trx("t11", `,"buyer_sku_code":"s5","customer_no":"0812"`)[:30], wire.RCPayload},
		{"form encoded", T, nil, "username=" + u + "&ref_id=t12&buyer_sku_code=s5", wire.RCPayload},
		// Missing fields.
		{"no username", T, nil, fmt.Sprintf(`{"ref_id":"t13","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, sign("t13")), wire.RCPayload},
		{"no sign", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t14","buyer_sku_code":"s5","customer_no":"0812"}`, u), wire.RCPayload},
		{"no ref_id", T, nil, fmt.Sprintf(`{"username":%q,"sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, sign("")), wire.RCPayload},
		{"no sku", T, nil, trx("t15", `,"customer_no":"0812"`), wire.RCPayload},
		{"no customer_no", T, nil, trx("t16", `,"buyer_sku_code":"s5"`), wire.RCPayload},
		// Huge bodies and fields.
		{"body over limit", T, nil, trx("t17", `,"buyer_sku_code":"s5","customer_no":"`+big+`"`), wire.RCPayload},
		{"long ref_id", T, nil, trx(strings.Repeat("r", 65), `,"buyer_sku_code":"s5","customer_no":"0812"`), wire.RCPayload},
		{"long customer_no", T, nil, trx("t18", `,"buyer_sku_code":"s5","customer_no":"`+strings.Repeat("1", 65)+`"`), wire.RCPayload},
		{"long sku", T, nil, trx("t19", `,"buyer_sku_code":"`+strings.Repeat("C", 2000)+`","customer_no":"0812"`), wire.RCProduct},
		{"long username", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t20","sign":"x","buyer_sku_code":"s5","customer_no":"0812"}`, strings.Repeat("u", 3000)), wire.RCSign},
		// Unicode.
		{"fullwidth sku", T, nil, trx("t21", `,"buyer_sku_code":"ｓ5","customer_no":"0812"`), wire.RCProduct},
		{"unicode ref_id", T, nil, trx("réf", `,"buyer_sku_code":"s5","customer_no":"0812"`), wire.RCPayload},
		{"emoji customer_no", T, nil, trx("t22", `,"buyer_sku_code":"s5","customer_no":"0812😀"`), wire.RCPayload},
		{"nul in customer_no", T, nil, trx("t23", `,"buyer_sku_code":"s5","customer_no":"0812\u0000"`), wire.RCPayload},
		{"invalid utf8", T, nil, trx("t24", ",\"buyer_sku_code\":\"s5\",\"customer_no\":\"0812\xff\""), wire.RCPayload},
		{"cyrillic username", T, nil, fmt.Sprintf(`{"username":"%sі","ref_id":"t25","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, sign("t25")), wire.RCSign},
		// SQL injection.
		{"sql in username", T, nil, fmt.Sprintf(`{"username":"x' OR '1'='1","ref_id":"t26","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, sign("t26")), wire.RCSign},
		{"sql in sku", T, nil, trx("t27", `,"buyer_sku_code":"s5' OR '1'='1","customer_no":"0812"`), wire.RCProduct},
		{"sql in sku drop", T, nil, trx("t28", `,"buyer_sku_code":"x'; DROP TABLE orders; --","customer_no":"0812"`), wire.RCProduct},
		{"sql in ref_id", T, nil, trx("x' OR 1=1 --", `,"buyer_sku_code":"s5","customer_no":"0812"`), wire.RCPayload},
		{"sql in price-list username", P, nil, fmt.Sprintf(`{"cmd":"prepaid","username":"%s' --","sign":%q}`, u, sign("pricelist")), wire.RCSign},
		// Wrong signatures.
		{"sign of another ref", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t29","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, sign("t30")), wire.RCSign},
		{"sign of another key", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t31","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, wire.Sign(u, other.APIKey, "t31")), wire.RCSign},
		{"sign of another user", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t32","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, other.Reseller.Username, sign("t32")), wire.RCSign},
		{"sign truncated", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t33","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, sign("t33")[:31]), wire.RCSign},
		{"sign md5 of nothing", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t34","sign":"d41d8cd98f00b204e9800998ecf8427e","buyer_sku_code":"s5","customer_no":"0812"}`, u), wire.RCSign},
		{"sign without key", T, nil, fmt.Sprintf(`{"username":%q,"ref_id":"t35","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, u, wire.Sign(u, "", "t35")), wire.RCSign},
		{"balance sign for price-list", B, nil, fmt.Sprintf(`{"cmd":"deposit","username":%q,"sign":%q}`, u, sign("pricelist")), wire.RCSign},
		{"deposit sign for balance", D, nil, fmt.Sprintf(`{"username":%q,"amount":50000,"bank":"BCA","owner_name":"Budi","sign":%q}`, u, sign("depo")), wire.RCSign},
		{"unknown username", B, nil, `{"cmd":"deposit","username":"nobody","sign":"00"}`, wire.RCSign},
		// Header injection.
		{"spoofed forwarded-for", T, map[string]string{"X-Forwarded-For": "10.9.9.9", "X-Real-IP": "10.9.9.9"},
			fmt.Sprintf(`{"username":%q,"ref_id":"f1","sign":%q,"buyer_sku_code":"s5","customer_no":"0812"}`, fenced.Reseller.Username, wire.Sign(fenced.Reseller.Username, fenced.APIKey, "f1")), wire.RCSign},
		// Replayed references.
		{"replay other sku", T, nil, trx("taken", `,"buyer_sku_code":"s50","customer_no":"081234567890"`), wire.RCRefConflict},
		{"replay other customer", T, nil, trx("taken", `,"buyer_sku_code":"s5","customer_no":"089999999999"`), wire.RCRefConflict},
		// Catalog rules.
		{"inactive product", T, nil, trx("t36", `,"buyer_sku_code":"s1off","customer_no":"0812"`), wire.RCProduct},
		{"cut-off", T, nil, trx("t37", `,"buyer_sku_code":"s20","customer_no":"0812"`), wire.RCCutoff},
		{"price above max", T, nil, trx("t38", `,"buyer_sku_code":"s5","customer_no":"0812","max_price":5000`), wire.RCPriceAboveMax},
		{"unknown path", "/v1/transactions", nil, trx("t39", `,"buyer_sku_code":"s5","customer_no":"0812"`), wire.RCPayload},
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases", len(cases))
	}
	before := storetest.Dump(t, f.db)
	for _, c := range cases {
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+c.path, strings.NewReader(c.body))
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
			Data wire.ErrorData `json:"data"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Errorf("%s: not an envelope: %d %q", c.name, resp.StatusCode, raw)
			continue
		}
		if resp.StatusCode >= 500 || env.Data.RC != c.rc || env.Data.Status != wire.StatusFailed || env.Data.Message == "" {
			t.Errorf("%s: got %d %s, want rc %s", c.name, resp.StatusCode, raw, c.rc)
		}
		if after := storetest.Dump(t, f.db); after != before {
			t.Fatalf("%s changed the database:\nbefore:\n%s\nafter:\n%s", c.name, before, after)
		}
	}
	f.checkLedger(t)
}
