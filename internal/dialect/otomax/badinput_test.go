package otomax_test

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	wire "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/demo"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestBadInputs: requests that must not place an order, each answered with a line that reads as
// no success and no order taken, and none of them changes the ledger or the orders.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		// A member without an Otomax PIN, and one order already placed, whose refID the
		// duplicates below reuse.
		other, err := b.Svc.CreateReseller(ctx, core.NewReseller{Username: "nopin", Name: "No PIN"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Svc.Credit(ctx, "nopin", funds, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.client().Buy(ctx, wire.Trx{Product: "MLBB_ID_5", Dest: "081234567890", RefID: "taken"}); err != nil {
			t.Fatal(err)
		}
		b.WaitOrder(b.T, "taken")
		// A variant sold once a day per number, already bought for this one today.
		products, variants := demo.Catalog()
		for _, v := range variants {
			if v.Code == "MLBB_ID_5" {
				v.Code, v.Multi = "ONCE_5", false
				if err := b.Svc.SaveCatalog(ctx, products, []catalog.Variant{v}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := b.client().Buy(ctx, wire.Trx{Product: "ONCE_5", Dest: "081234567800", RefID: "once-1"}); err != nil {
			t.Fatal(err)
		}
		b.WaitOrder(b.T, "once-1")
		before := b.snapshot(other.Reseller.ID)

		signed := func(member, product, dest, ref, p, pw string) url.Values {
			return url.Values{"memberID": {member}, "product": {product}, "dest": {dest}, "refID": {ref},
				"sign": {wire.Sign(member, product, dest, ref, p, pw)}}
		}
		ok := func() url.Values { return signed(member, "MLBB_ID_5", "081234567891", "new-1", pin, b.Reseller.APIKey) }
		with := func(mod func(q url.Values)) string {
			q := ok()
			mod(q)
			return q.Encode()
		}
		long := strings.Repeat("9", 200)
		stdSign := func(s string) string {
			sum := sha1.Sum([]byte(s))
			return base64.StdEncoding.EncodeToString(sum[:])
		}
		bal := func(q url.Values) string { return q.Encode() }
		balSigned := wire.SignBalance(member, pin, b.Reseller.APIKey)
		cases := []struct {
			name, method, path, query string
			status                    int
			want                      string // in the answer
		}{
			{"no query", "", "/otomax/trx", "", 200, "Format salah"},
			{"no memberID", "", "/otomax/trx", with(func(q url.Values) { q.Del("memberID") }), 200, "memberID"},
			{"no product", "", "/otomax/trx", with(func(q url.Values) { q.Del("product") }), 200, "product"},
			{"no dest", "", "/otomax/trx", with(func(q url.Values) { q.Del("dest") }), 200, "dest"},
			{"no refID", "", "/otomax/trx", with(func(q url.Values) { q.Del("refID") }), 200, "refID"},
			{"no sign", "", "/otomax/trx", with(func(q url.Values) { q.Del("sign") }), 200, "sign"},
			{"empty sign", "", "/otomax/trx", with(func(q url.Values) { q.Set("sign", "") }), 200, "sign"},
			{"blank refID", "", "/otomax/trx", with(func(q url.Values) { q.Set("refID", "   ") }), 200, "refID"},
			{"blank dest", "", "/otomax/trx", with(func(q url.Values) { q.Set("dest", " ") }), 200, "dest"},
			{"blank memberID", "", "/otomax/trx", with(func(q url.Values) { q.Set("memberID", "") }), 200, "memberID"},
			{"wrong pin in sign", "", "/otomax/trx", signed(member, "MLBB_ID_5", "081234567891", "new-1", "9999", b.Reseller.APIKey).Encode(), 200, "sign salah"},
			{"wrong password in sign", "", "/otomax/trx", signed(member, "MLBB_ID_5", "081234567891", "new-1", pin, "nope").Encode(), 200, "sign salah"},
			{"sign of another refID", "", "/otomax/trx", with(func(q url.Values) { q.Set("refID", "new-2") }), 200, "sign salah"},
			{"sign of another dest", "", "/otomax/trx", with(func(q url.Values) { q.Set("dest", "081234567892") }), 200, "sign salah"},
			{"sign of another product", "", "/otomax/trx", with(func(q url.Values) { q.Set("product", "MLBB_ID_12") }), 200, "sign salah"},
			{"sign garbage", "", "/otomax/trx", with(func(q url.Values) { q.Set("sign", "!!!") }), 200, "sign salah"},
			{"sign hex md5-like", "", "/otomax/trx", with(func(q url.Values) { q.Set("sign", strings.Repeat("ab", 16)) }), 200, "sign salah"},
			{"sign without OtomaX prefix", "", "/otomax/trx", with(func(q url.Values) {
				q.Set("sign", stdSign(member+"|MLBB_ID_5|081234567891|new-1|"+pin+"|"+b.Reseller.APIKey))
			}), 200, "sign salah"},
			{"sign overlong", "", "/otomax/trx", with(func(q url.Values) { q.Set("sign", strings.Repeat("A", 1000)) }), 200, "sign terlalu panjang"},
			{"sign twice", "", "/otomax/trx", with(func(q url.Values) { q.Add("sign", "x") }), 200, "sign given 2 times"},
			{"memberID twice", "", "/otomax/trx", with(func(q url.Values) { q.Add("memberid", "nopin") }), 200, "memberID given 2 times"},
			{"refID twice", "", "/otomax/trx", with(func(q url.Values) { q.Add("refid", "new-2") }), 200, "refID given 2 times"},
			{"unknown member", "", "/otomax/trx", signed("ghost", "MLBB_ID_5", "081234567891", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "sign salah"},
			{"member without otomax pin", "", "/otomax/trx", signed("nopin", "MLBB_ID_5", "081234567891", "new-1", "", other.APIKey).Encode(), 200, "sign salah"},
			{"member case changed", "", "/otomax/trx", signed("DOWNLINE", "MLBB_ID_5", "081234567891", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "sign salah"},
			{"injection in memberID", "", "/otomax/trx", signed("' OR 1=1 --", "MLBB_ID_5", "081234567891", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "sign salah"},
			{"memberID overlong", "", "/otomax/trx", with(func(q url.Values) { q.Set("memberID", long) }), 200, "terlalu panjang"},
			{"plain pin not allowed", "", "/otomax/trx", with(func(q url.Values) { q.Del("sign"); q.Set("pin", pin); q.Set("password", b.Reseller.APIKey) }), 200, "sign salah"},
			{"plain pin only", "", "/otomax/trx", with(func(q url.Values) { q.Del("sign"); q.Set("pin", pin) }), 200, "sign salah"},
			{"wrong pin beside a right sign", "", "/otomax/trx", with(func(q url.Values) { q.Set("pin", "0000"); q.Set("password", b.Reseller.APIKey) }), 200, "sign salah"},
			{"unknown product", "", "/otomax/trx", signed(member, "NOPE", "081234567891", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "R#new-1 NOPE.081234567891 GAGAL. Produk NOPE tidak dikenal"},
			{"injection in product", "", "/otomax/trx", signed(member, "X' OR '1'='1", "081234567891", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "tidak dikenal"},
			{"inactive product", "", "/otomax/trx", signed(member, "FF_1000", "081234567891", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. Produk sedang gangguan"},
			{"postpaid product", "", "/otomax/trx", signed(member, "dspln", "530000000123", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL"},
			{"product overlong", "", "/otomax/trx", with(func(q url.Values) { q.Set("product", long) }), 200, "terlalu panjang"},
			{"refID overlong", "", "/otomax/trx", signed(member, "MLBB_ID_5", "081234567891", long, pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. Data salah: refID is longer than 64"},
			{"refID with a space", "", "/otomax/trx", signed(member, "MLBB_ID_5", "081234567891", "a b", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. Data salah: refID"},
			{"refID non-ASCII", "", "/otomax/trx", signed(member, "MLBB_ID_5", "081234567891", "réf", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. Data salah: refID"},
			{"dest overlong", "", "/otomax/trx", signed(member, "MLBB_ID_5", long, "new-1", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. Data salah: dest is longer than 64"},
			{"dest non-ASCII", "", "/otomax/trx", signed(member, "MLBB_ID_5", "0812é", "new-1", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. Data salah: dest"},
			{"dest with a line break", "", "/otomax/trx", with(func(q url.Values) { q.Set("dest", "0812\n34") }), 200, "control character"},
			{"product with NUL", "", "/otomax/trx", with(func(q url.Values) { q.Set("product", "MLBB\x00") }), 200, "control character"},
			{"product not UTF-8", "", "/otomax/trx", with(func(q url.Values) { q.Set("product", "\xff\xfe") }), 200, "terlalu panjang"},
			{"qty letters", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "abc") }), 200, "qty"},
			{"qty zero", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "0") }), 200, "qty"},
			{"qty negative", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "-1") }), 200, "qty"},
			{"qty float", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "1.5") }), 200, "qty"},
			{"qty exponent", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "1e3") }), 200, "qty"},
			{"qty huge", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "99999999999999999999") }), 200, "qty"},
			{"qty two", "", "/otomax/trx", with(func(q url.Values) { q.Set("qty", "2") }), 200, "GAGAL. qty lebih dari 1"},
			{"check two", "", "/otomax/trx", with(func(q url.Values) { q.Set("check", "2") }), 200, "check"},
			{"check yes", "", "/otomax/trx", with(func(q url.Values) { q.Set("check", "yes") }), 200, "check"},
			{"check of an unknown refID", "", "/otomax/trx", with(func(q url.Values) { q.Set("check", "1") }), 200, "tidak ditemukan"},
			{"check with a wrong sign", "", "/otomax/trx", with(func(q url.Values) { q.Set("check", "1"); q.Set("refID", "taken") }), 200, "sign salah"},
			{"duplicate refID, other dest", "", "/otomax/trx", signed(member, "MLBB_ID_5", "081234567899", "taken", pin, b.Reseller.APIKey).Encode(), 200, "R#taken MLBB_ID_5.081234567899 GAGAL. R#REF sudah dipakai"},
			{"duplicate refID, other product", "", "/otomax/trx", signed(member, "MLBB_ID_12", "081234567890", "taken", pin, b.Reseller.APIKey).Encode(), 200, "GAGAL. R#REF sudah dipakai"},
			{"multi: once a day per number", "", "/otomax/trx", signed(member, "ONCE_5", "081234567800", "once-2", pin, b.Reseller.APIKey).Encode(), 200, "R#once-2 ONCE_5.081234567800 GAGAL. Sudah ada transaksi ONCE_5 ke 081234567800 hari ini"},
			{"POST", http.MethodPost, "/otomax/trx", ok().Encode(), 405, "GET"},
			{"PUT", http.MethodPut, "/otomax/balance", ok().Encode(), 405, "GET"},
			{"unknown path", "", "/otomax/topup", ok().Encode(), 404, "tidak dikenal"},
			{"balance without memberID", "", "/otomax/balance", bal(url.Values{"sign": {balSigned}}), 200, "memberID"},
			{"balance without sign", "", "/otomax/balance", bal(url.Values{"memberID": {member}}), 200, "sign"},
			{"balance signed as a trx", "", "/otomax/balance", bal(url.Values{"memberID": {member}, "sign": {wire.Sign(member, "", "", "", pin, b.Reseller.APIKey)}}), 200, "sign salah"},
			{"balance of an unknown member", "", "/otomax/balance", bal(url.Values{"memberID": {"ghost"}, "sign": {wire.SignBalance("ghost", pin, b.Reseller.APIKey)}}), 200, "sign salah"},
			{"balance sign overlong", "", "/otomax/balance", bal(url.Values{"memberID": {member}, "sign": {strings.Repeat("A", 500)}}), 200, "terlalu panjang"},
			{"balance sign twice", "", "/otomax/balance", bal(url.Values{"memberID": {member}, "sign": {balSigned, balSigned}}), 200, "2 times"},
			{"balance plain not allowed", "", "/otomax/balance", bal(url.Values{"memberID": {member}, "pin": {pin}, "password": {b.Reseller.APIKey}}), 200, "sign salah"},
		}
		if len(cases) < 50 {
			t.Fatalf("%d cases, the issue asks for at least 50", len(cases))
		}
		for _, c := range cases {
			method := c.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequest(method, b.Server.URL+c.path+"?"+c.query, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 4096)
			n, _ := resp.Body.Read(buf)
			resp.Body.Close()
			text := string(buf[:n])
			if resp.StatusCode != c.status || !strings.Contains(text, c.want) {
				t.Errorf("%s: HTTP %d %q, want %d with %q", c.name, resp.StatusCode, text, c.status, c.want)
			}
			// No answer may read as an order taken or delivered.
			if r := wire.DefaultPatterns().Parse(text); r.Status == wire.StatusSuccess || r.Status == wire.StatusPending {
				t.Errorf("%s: %q reads as %v", c.name, text, r.Status)
			}
		}
		if after := b.snapshot(other.Reseller.ID); after != before {
			t.Fatalf("bad inputs changed state:\nbefore %+v\nafter  %+v", before, after)
		}
	})
}

// state is what a bad input must not change.
type state struct {
	balance, otherBalance int64
	orders                int
	check                 bool
}

func (b *bundle) snapshot(otherID int64) state {
	b.T.Helper()
	ctx := context.Background()
	s := state{}
	var err error
	if s.balance, err = b.Svc.Balance(ctx, b.Reseller.Reseller.ID); err != nil {
		b.T.Fatal(err)
	}
	if s.otherBalance, err = b.Svc.Balance(ctx, otherID); err != nil {
		b.T.Fatal(err)
	}
	orders, err := b.DB.OrderList(ctx, store.OrderFilter{Limit: 1000})
	if err != nil {
		b.T.Fatal(err)
	}
	s.orders = len(orders)
	rep, err := b.Svc.LedgerCheck(ctx)
	if err != nil {
		b.T.Fatal(err)
	}
	s.check = rep.OK()
	return s
}
