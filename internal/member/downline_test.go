package member_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// The Downline page lists the direct downlines and sends balance to one: a form posted twice
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
			{url.Values{"downline": {"other"}, "amount": {"1000"}, "reference": {"r2"}}, "err: Hanya bisa ke downline langsung Anda."},
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
