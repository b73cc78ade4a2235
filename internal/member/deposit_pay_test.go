package member_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// TestDepositByGateway: with no gateway enabled the Deposit page offers no method; once one
// is, the page (Indonesian first) and GET /member/api/deposits offer its methods, a deposit
// opened with method QRIS through the form shows the gateway's instructions and its pay link,
// the API's deposit takes the optional method and answers them in "payment", a method no
// gateway offers is refused in the reseller's language, and the paid ticket is credited once.
// Without method the ticket is today's bank transfer. Both backends; the ledger check is clean.
func TestDepositByGateway(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setup(t, be, member.Options{Banks: member.Banks{{Bank: "BCA", AccountNo: "1234567890"}}})
		ctx := context.Background()
		b := e.mustLogin(t)
		if _, body := b.page(t, "/member/deposit"); strings.Contains(body, `name="method"`) {
			t.Fatal("a method is offered with no gateway")
		}
		if _, err := e.svc.AddGateway(ctx, store.Gateway{Name: "sandbox", Kind: payment.Sandbox, BaseURL: "https://kios.example",
			Methods: []string{"QRIS", "BRIVA"}}); err != nil {
			t.Fatal(err)
		}
		var deps struct {
			Methods []string `json:"methods"`
		}
		b.json(t, "GET", "/member/api/deposits", nil, 200, &deps)
		if strings.Join(deps.Methods, ",") != "QRIS,BRIVA" {
			t.Fatalf("methods %v", deps.Methods)
		}
		if st, to := b.form(t, "/member/deposit", url.Values{"amount": {"100.000"}, "method": {"QRIS"}}); st != 303 || to != "/member/deposit" {
			t.Fatalf("deposit by QRIS: %d %s", st, to)
		}
		_, body := b.page(t, "/member/deposit")
		for _, want := range []string{`name="method"`, "Cara bayar", "Bayar sekarang", "https://kios.example/sandbox/pay/SBX-", "Data QRIS"} {
			if !strings.Contains(body, want) {
				t.Fatalf("deposit page lacks %q: %.1500s", want, body)
			}
		}
		var tk struct {
			Code    string        `json:"code"`
			Amount  int64         `json:"amount"`
			Bank    string        `json:"bank"`
			Payment *core.PayView `json:"payment"`
		}
		b.json(t, "POST", "/member/api/deposit", map[string]any{"amount": 60000, "method": "BRIVA"}, 200, &tk)
		if tk.Payment == nil || tk.Payment.PayCode == "" || tk.Payment.Ticket != tk.Code || tk.Bank != "sandbox" || tk.Payment.Amount != tk.Amount {
			t.Fatalf("API deposit by BRIVA: %+v %+v", tk, tk.Payment)
		}
		raw := b.json(t, "POST", "/member/api/deposit", map[string]any{"amount": 60000, "method": "GOPAY"}, 400, nil)
		if !strings.Contains(string(raw), "Cara bayar ini tidak tersedia") {
			t.Errorf("method not offered: %s", raw)
		}
		var plain struct {
			Bank    string        `json:"bank"`
			Payment *core.PayView `json:"payment"`
		}
		b.json(t, "POST", "/member/api/deposit", map[string]any{"amount": 70000, "bank": "bca"}, 200, &plain)
		if plain.Bank != "BCA" || plain.Payment != nil {
			t.Errorf("bank transfer ticket: %+v", plain)
		}

		before, _ := e.svc.Balance(ctx, e.shop.Reseller.ID)
		for i := 0; i < 2; i++ {
			if _, _, err := e.svc.SandboxPay(ctx, tk.Payment.Reference); err != nil {
				t.Fatal(err)
			}
		}
		if after, _ := e.svc.Balance(ctx, e.shop.Reseller.ID); after-before != tk.Amount {
			t.Fatalf("credited %d, want %d", after-before, tk.Amount)
		}
		rep, err := e.db.LedgerCheck(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("ledger check: %v %v", err, rep)
		}
	})
}
