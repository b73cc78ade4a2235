package member_test

import (
	"context"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The Downline page lists the direct downlines and sends balance to one, or to one further down:
// a form posted twice
// (its reference) sends once; sideways, beyond the balance and a bad amount are refused in words
// and move nothing.
func TestDownlineTransferForm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, member.Options{})
		ctx := context.Background()
		if _, err := e.svc.CreateReseller(ctx, core.NewReseller{Name: "Ani", Username: "ani", Upline: "shop", Markup: 150}); err != nil {
			t.Fatal(err)
		}
		e.credit(t, "shop", 100000)
		b := e.mustLogin(t)
		st, body := b.page(t, "/member/downline")
		if st != 200 || !strings.Contains(body, `<option value="ani">`) || !strings.Contains(body, "Rp 150") {
			t.Fatalf("page: %d %.800s", st, body)
		}
		ref := regexp.MustCompile(`name="reference" value="(M[0-9a-f]{16})"`).FindStringSubmatch(body)
		if ref == nil {
			t.Fatalf("no reference in the form: %.800s", body)
		}
		flash := func(v url.Values) string {
			t.Helper()
			if st, loc := b.form(t, "/member/downline/transfer", v); st != 303 || loc != "/member/downline" {
				t.Fatalf("post %v: %d %s", v, st, loc)
			}
			_, body := b.page(t, "/member/downline")
			m := regexp.MustCompile(`<p class="flash (ok|err)"[^>]*>([^<]*)</p>`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no flash after %v", v)
			}
			return m[1] + ": " + m[2]
		}
		send := url.Values{"downline": {"ani"}, "amount": {"25.000"}, "reference": {ref[1]}}
		if got := flash(send); got != "ok: Transfer berhasil: Rp 25.000 → ani" {
			t.Fatalf("sent: %q", got)
		}
		if got := flash(send); got != "ok: Transfer ini sudah dikirim sebelumnya: Rp 25.000 → ani" {
			t.Fatalf("sent twice: %q", got)
		}
		for _, c := range []struct {
			v    url.Values
			want string
		}{
			{url.Values{"downline": {"other"}, "amount": {"1000"}, "reference": {"r2"}}, "err: Hanya ke downline Anda (langsung atau di bawahnya)."},
			{url.Values{"downline": {"ani"}, "amount": {"75001"}, "reference": {"r3"}}, "err: Saldo tidak cukup."},
			{url.Values{"downline": {"ani"}, "amount": {"dua"}, "reference": {"r4"}}, "err: Isian tidak valid: amount"},
			{url.Values{"downline": {"nobody"}, "amount": {"1000"}, "reference": {"r5"}}, "err: Downline tidak dikenal"},
			{url.Values{"downline": {"ani"}, "amount": {"1000"}, "reference": {""}}, "err: Isian tidak valid: reference"},
			{url.Values{"downline": {"ani"}, "amount": {"1000"}, "reference": {ref[1]}}, "err: Referensi ini sudah dipakai"},
		} {
			if got := flash(c.v); !strings.HasPrefix(got, c.want) {
				t.Errorf("%v: %q, want %q", c.v, got, c.want)
			}
		}
		if bal, _ := e.svc.Balance(ctx, e.shop.Reseller.ID); bal != 75000 {
			t.Fatalf("shop's balance %d, want 75000", bal)
		}
		ani, _ := e.svc.Reseller(ctx, "ani")
		if bal, _ := e.svc.Balance(ctx, ani.ID); bal != 25000 {
			t.Fatalf("ani's balance %d, want 25000", bal)
		}
		if _, body := b.page(t, "/member/downline"); !strings.Contains(body, "→ ani") || !strings.Contains(body, ref[1]) {
			t.Fatalf("history: %.1500s", body)
		}
		// A downline of ani is offered too, named with its upline, and a transfer reaches it.
		if _, err := e.svc.CreateReseller(ctx, core.NewReseller{Name: "Dodi", Username: "dodi", Upline: "ani"}); err != nil {
			t.Fatal(err)
		}
		if _, body := b.page(t, "/member/downline"); !strings.Contains(body, `<option value="dodi">dodi · Dodi (lewat ani)</option>`) {
			t.Fatalf("no deeper downline in the form: %.1500s", body)
		}
		if got := flash(url.Values{"downline": {"dodi"}, "amount": {"1.000"}, "reference": {"deep-1"}}); got != "ok: Transfer berhasil: Rp 1.000 → dodi" {
			t.Fatalf("two levels down: %q", got)
		}
		dodi, _ := e.svc.Reseller(ctx, "dodi")
		if bal, _ := e.svc.Balance(ctx, dodi.ID); bal != 1000 {
			t.Fatalf("dodi's balance %d, want 1000", bal)
		}
		// A page form without its CSRF token is refused.
		resp, err := b.c.PostForm(e.srv.URL+"/member/downline/transfer", url.Values{"downline": {"ani"}, "amount": {"1"}, "reference": {"x9"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("no csrf: %d", resp.StatusCode)
		}
		rep, err := e.svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger: %+v %v", rep, err)
		}
	})
}

// The commission card shows what accrued and its button exchanges it into the balance, once.
func TestDownlineExchangeButton(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, member.Options{})
		ctx := context.Background()
		if err := e.svc.SetSetting(ctx, core.SettingCommission, core.CommissionAccrue); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateReseller(ctx, core.NewReseller{Name: "Ani", Username: "ani", Upline: "shop", Markup: 150}); err != nil {
			t.Fatal(err)
		}
		e.credit(t, "ani", 10000)
		o := e.place(t, "ani", "ex-1", "081200001111")
		if o.Price != 1500+150 {
			t.Fatalf("ani paid %d", o.Price)
		}
		if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: order.Success, SN: "SN1", Actor: "test", Force: true}); err != nil {
			t.Fatal(err)
		}
		b := e.mustLogin(t)
		if _, body := b.page(t, "/member/downline"); !strings.Contains(body, "Rp 150</strong>") || !strings.Contains(body, `id="exchange-button"`) {
			t.Fatalf("commission card: %.1200s", body)
		}
		if st, loc := b.form(t, "/member/downline/exchange", url.Values{}); st != 303 || loc != "/member/downline" {
			t.Fatalf("exchange: %d %s", st, loc)
		}
		_, body := b.page(t, "/member/downline")
		if !strings.Contains(body, "Komisi ditukar ke saldo: Rp 150") || strings.Contains(body, `id="exchange-button"`) {
			t.Fatalf("after the exchange: %.1200s", body)
		}
		if st, _ := b.form(t, "/member/downline/exchange", url.Values{}); st != 303 {
			t.Fatalf("exchange again: %d", st)
		}
		if _, body := b.page(t, "/member/downline"); !strings.Contains(body, "Tidak ada komisi untuk ditukar.") {
			t.Fatalf("nothing left: %.1200s", body)
		}
		if bal, _ := e.svc.Balance(ctx, e.shop.Reseller.ID); bal != 150 {
			t.Fatalf("shop's balance %d, want 150", bal)
		}
		if st, _ := b.form(t, "/member/downline/nothing", url.Values{}); st != 404 {
			t.Fatalf("unknown action: %d", st)
		}
		rep, err := e.svc.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger: %+v %v", rep, err)
		}
	})
}

// An upline registers a downline in the member area (its password shown once, and it can sign
// in) and sets its markups, within the depth and max_markup; refusals change nothing.
func TestDownlineRegisterAndMarkupForms(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, member.Options{})
		ctx := context.Background()
		b := e.mustLogin(t)
		st, body := b.form(t, "/member/downline/register", url.Values{"name": {"Toko Eka"}, "phone": {"081299998888"}, "markup": {"120"}})
		m := regexp.MustCompile(`<td class="mono secret">([^<]+)</td></tr><tr><th>Password</th><td class="mono secret">([^<]+)</td>`).FindStringSubmatch(body)
		if st != 200 || m == nil || m[1] != "tokoeka" {
			t.Fatalf("register: %d %.1500s", st, body)
		}
		if _, resp := e.login(t, "tokoeka", html.UnescapeString(m[2]), ""); resp.StatusCode != 303 || resp.Header.Get("Location") != "/member/" {
			t.Fatalf("the new downline's login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		eka, err := e.svc.Reseller(ctx, "tokoeka")
		if err != nil {
			t.Fatal(err)
		}
		v, _ := e.svc.Variant(ctx, "ML5")
		if p, _, _ := e.svc.PriceOf(ctx, eka, v); p != 1500+120 {
			t.Fatalf("eka's price %d", p)
		}
		flash := func(path string, v url.Values) string {
			t.Helper()
			if st, loc := b.form(t, path, v); st != 303 || loc != "/member/downline" {
				t.Fatalf("post %s %v: %d %s", path, v, st, loc)
			}
			_, body := b.page(t, "/member/downline")
			m := regexp.MustCompile(`<p class="flash (ok|err)"[^>]*>([^<]*)</p>`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no flash after %v", v)
			}
			return m[1] + ": " + html.UnescapeString(m[2])
		}
		if got := flash("/member/downline/markup", url.Values{"downline": {"tokoeka"}, "code": {"ml5"}, "rupiah": {"200"}}); got != "ok: Markup disimpan: tokoeka Rp 200" {
			t.Fatalf("markup: %q", got)
		}
		if p, _, _ := e.svc.PriceOf(ctx, eka, v); p != 1500+200 {
			t.Fatalf("eka's price after the override %d", p)
		}
		if err := e.svc.SetSetting(ctx, core.SettingMaxMarkup, "250"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			path string
			v    url.Values
			want string
		}{
			{"/member/downline/markup", url.Values{"downline": {"tokoeka"}, "rupiah": {"251"}}, "err: Markup melebihi batas"},
			{"/member/downline/markup", url.Values{"downline": {"other"}, "rupiah": {"1"}}, "err: Akun itu bukan downline."},
			{"/member/downline/markup", url.Values{"downline": {"tokoeka"}, "code": {"NOPE"}, "rupiah": {"1"}}, "err: Kode produk atau varian tidak dikenal."},
			{"/member/downline/markup", url.Values{"downline": {"tokoeka"}, "rupiah": {"satu"}}, "err: Markup harus bilangan bulat"},
			{"/member/downline/register", url.Values{"name": {"Rakus"}, "markup": {"251"}}, "err: Markup melebihi batas"},
			{"/member/downline/register", url.Values{"name": {""}, "markup": {"1"}}, "err: Nama wajib diisi"},
			{"/member/downline/register", url.Values{"name": {"Minus"}, "markup": {"-5"}}, "err: Markup harus bilangan bulat"},
		} {
			if got := flash(c.path, c.v); !strings.HasPrefix(got, c.want) {
				t.Errorf("%s %v: %q, want %q", c.path, c.v, got, c.want)
			}
		}
		if p, _, _ := e.svc.PriceOf(ctx, eka, v); p != 1500+200 {
			t.Fatalf("a refused form changed eka's price: %d", p)
		}
		if _, err := e.svc.Reseller(ctx, "rakus"); err == nil {
			t.Fatal("a refused register made a reseller")
		}
		// Depth: eka (depth 1) may not register under a limit of 1.
		if err := e.svc.SetSetting(ctx, core.SettingDownlineDepth, "1"); err != nil {
			t.Fatal(err)
		}
		eb, _ := e.login(t, "tokoeka", html.UnescapeString(m[2]), "")
		_, page := eb.page(t, "/member/downline")
		eb.csrf = regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
		if st, _ := eb.form(t, "/member/downline/register", url.Values{"name": {"Deep"}}); st != 303 {
			t.Fatalf("deep register: %d", st)
		}
		if _, page := eb.page(t, "/member/downline"); !strings.Contains(page, "Jaringan downline sudah sedalam batas distributor.") {
			t.Fatalf("depth refusal: %.1500s", page)
		}
	})
}

// Every price list shows the caller its own price: a downline its upline's plus the markups
// along its path, in BASSTORE's /variant, the Digiswitch and Digiflazz price lists and the member
// area, asked in turn by resellers of one tier, so a list cached for one (package pricecache) is
// never served to another.
func TestDownlinesSeeTheirOwnPrices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, member.Options{})
		ctx := context.Background()
		creds := map[string]core.Credentials{"shop": e.shop, "other": e.other}
		for _, n := range []core.NewReseller{
			{Name: "Ani", Username: "ani", Upline: "shop", Markup: 150},
			{Name: "Budi", Username: "budi", Upline: "shop", Markup: 70},
			{Name: "Cici", Username: "cici", Upline: "ani", Markup: 30},
		} {
			cr, err := e.svc.CreateReseller(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			creds[n.Username] = cr
		}
		want := map[string]int64{"shop": 1500, "other": 1500, "ani": 1650, "budi": 1570, "cici": 1680}
		find := func(body, code string) int64 {
			t.Helper()
			var env struct {
				Data json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				t.Fatalf("%v in %s", err, body)
			}
			var items []map[string]any
			if err := json.Unmarshal(env.Data, &items); err != nil {
				t.Fatalf("%v in %s", err, body)
			}
			for _, it := range items {
				if it["code"] == code || it["buyer_sku_code"] == code {
					return int64(it["price"].(float64))
				}
			}
			t.Fatalf("no %s in %s", code, body)
			return 0
		}
		// Twice round, so the second round meets every list the first one cached.
		for round := 0; round < 2; round++ {
			for _, u := range []string{"shop", "ani", "other", "cici", "budi"} {
				cr := creds[u]
				_, body := e.post(t, "/api/v1/variant", cr.Token, map[string]any{"code": "mobile-legends"})
				if got := find(body, "ML5"); got != want[u] {
					t.Errorf("round %d: %s's BASSTORE /variant price %d, want %d", round, u, got, want[u])
				}
				_, body = e.post(t, "/v1/user/api/price-list", "", map[string]any{"command": "prepaid", "code": "ML5", "username": u,
					"sign": flazz.Sign(u, cr.APIKey, "pricelist")})
				if got := find(body, "ML5"); got != want[u] {
					t.Errorf("round %d: %s's Digiswitch price-list price %d, want %d", round, u, got, want[u])
				}
				_, body = e.post(t, "/v1/price-list", "", map[string]any{"cmd": "prepaid", "code": "ML5", "username": u,
					"sign": flazz.Sign(u, cr.APIKey, "pricelist")})
				if got := find(body, "ML5"); got != want[u] {
					t.Errorf("round %d: %s's Digiflazz price-list price %d, want %d", round, u, got, want[u])
				}
			}
		}
		pw, err := member.SetPassword(ctx, e.svc, "cici", bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := e.login(t, "cici", pw, "")
		if _, page := b.page(t, "/member/harga"); !strings.Contains(page, "Rp 1.680") || strings.Contains(page, "Rp 1.500") {
			t.Fatalf("cici's price page: %.2000s", page)
		}
	})
}

// The downline report shows, per day, each downline's delivered orders, spend and the caller's
// commission on them (a deeper downline when it earned the caller one), failures left out; the
// CSV holds the same rows; another reseller sees none of them.
func TestDownlineReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, member.Options{})
		ctx := context.Background()
		for _, n := range []core.NewReseller{
			{Name: "Ani", Username: "ani", Upline: "shop", Markup: 150},
			{Name: "Cici", Username: "cici", Upline: "ani", Markup: 30},
		} {
			if _, err := e.svc.CreateReseller(ctx, n); err != nil {
				t.Fatal(err)
			}
			e.credit(t, n.Username, 10000)
		}
		settle := func(o *order.Order, st order.Status) {
			t.Helper()
			if _, err := e.svc.ResolveOrder(ctx, core.Resolution{Invoice: o.Invoice, Status: st, SN: "SN", Actor: "test", Force: true}); err != nil {
				t.Fatal(err)
			}
		}
		settle(e.place(t, "ani", "r1", "081200000001"), order.Success)
		settle(e.place(t, "ani", "r2", "081200000002"), order.Success)
		settle(e.place(t, "ani", "r3", "081200000003"), order.Failed)
		settle(e.place(t, "cici", "r1", "081200000004"), order.Success)
		e.place(t, "cici", "r2", "081200000005") // pending: not delivered yet
		today := e.clock.Now().In(catalog.Jakarta).Format("2006-01-02")
		b := e.mustLogin(t)
		st, page := b.page(t, "/member/downline/laporan")
		if st != 200 || !strings.Contains(page, `<div class="value" id="total-orders">3</div>`) || !strings.Contains(page, `id="total-commission">Rp 450</div>`) {
			t.Fatalf("report page: %d %.3000s", st, page)
		}
		_, csv := b.page(t, "/member/downline/laporan?format=csv&from="+today+"&to="+today)
		want := "day,downline,level,orders,spend,commission\n" + today + ",ani,1,2,3300,300\n" + today + ",cici,2,1,1680,150\n"
		if csv != want {
			t.Fatalf("csv:\n%s\nwant:\n%s", csv, want)
		}
		yesterday := e.clock.Now().In(catalog.Jakarta).AddDate(0, 0, -1).Format("2006-01-02")
		if _, csv := b.page(t, "/member/downline/laporan?format=csv&from="+yesterday+"&to="+yesterday); csv != "day,downline,level,orders,spend,commission\n" {
			t.Fatalf("yesterday: %q", csv)
		}
		for _, q := range []string{"?from=2026-13-01", "?to=kemarin", "?from=" + today + "&to=" + yesterday, "?from=2020-01-01&to=2026-01-01"} {
			if st, _ := b.page(t, "/member/downline/laporan"+q); st != 400 {
				t.Errorf("%s: %d, want 400", q, st)
			}
		}
		// ani's own report: cici, and its 30.
		pw, err := member.SetPassword(ctx, e.svc, "ani", bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		ab, _ := e.login(t, "ani", pw, "")
		if _, csv := ab.page(t, "/member/downline/laporan?format=csv"); csv != "day,downline,level,orders,spend,commission\n"+today+",cici,1,1,1680,30\n" {
			t.Fatalf("ani's csv: %q", csv)
		}
		opw, err := member.SetPassword(ctx, e.svc, "other", bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		ob, _ := e.login(t, "other", opw, "")
		if _, csv := ob.page(t, "/member/downline/laporan?format=csv"); csv != "day,downline,level,orders,spend,commission\n" {
			t.Fatalf("other's csv: %q", csv)
		}
	})
}
