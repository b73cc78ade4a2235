package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/channel/telegram/telegramtest"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestOperatorSettingsReachResellers: the seller name and the bank accounts the operator keeps in
// the database (kios settings, kios bank) are what a running server's Digiflazz dialect, member
// area and text channels give resellers, and a change shows at the next request.
func TestOperatorSettingsReachResellers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		dbURL := b.URL(t)
		api := telegramtest.New(t, "42:tok")
		db := storetest.OpenURL(t, dbURL)
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "tsel", Name: "Telkomsel", Active: true}},
			[]catalog.Variant{{ProductCode: "tsel", Code: "S5", Name: "5.000", Active: true, UnlimitedStock: true, Prices: map[string]int64{"default": 5005}}}); err != nil {
			t.Fatal(err)
		}
		creds, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Budi", Username: "budi"})
		if err != nil {
			t.Fatal(err)
		}
		portal, err := member.SetPassword(ctx, svc, "budi", bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		eng := textcmd.New(svc, textcmd.Options{PinCost: bcrypt.MinCost})
		if err := eng.SetPIN(ctx, "budi", "2468"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := eng.Bind(ctx, "budi", textcmd.Telegram, "555"); err != nil {
			t.Fatal(err)
		}
		if err := channel.Save(ctx, svc, channel.Config{Kind: channel.Telegram, Token: "42:tok", APIBase: api.URL}); err != nil {
			t.Fatal(err)
		}
		cfg := app.Config{DB: dbURL, AdminAddr: "off", SimDelay: time.Millisecond}
		if backend.Kind(dbURL) == "postgres" {
			cfg.SecretKey = storetest.SecretKey
		}
		a, _ := runApp(t, cfg)
		flazz := wire.New(a.BaseURL()+"/v1", "budi", creds.APIKey)

		// Before the operator sets anything: the default seller, any bank, no account number.
		if name := sellerName(t, flazz); name != "KIOS" {
			t.Errorf("default seller_name %q", name)
		}
		if d, err := flazz.Deposit(ctx, 100000, "bri", "Budi"); err != nil || d.Bank != "BRI" || d.AccountNo != "" {
			t.Errorf("deposit without accounts: %+v, %v", d, err)
		}

		// The operator sets them while the server runs (as kios settings / kios bank do).
		if err := svc.SetSetting(ctx, core.SettingSellerName, "Toko Budi Pulsa"); err != nil {
			t.Fatal(err)
		}
		for _, acct := range []core.BankAccount{{Bank: "bca", AccountNo: "8730123456", Holder: "PT Kios Digital"},
			{Bank: "Mandiri", AccountNo: "1370098765432", Holder: "PT Kios Digital", PaymentMethod: "Transfer Mandiri"}} {
			if _, err := svc.AddBankAccount(ctx, acct); err != nil {
				t.Fatal(err)
			}
		}
		if name := sellerName(t, flazz); name != "Toko Budi Pulsa" {
			t.Errorf("seller_name after the change %q", name)
		}
		d, err := flazz.Deposit(ctx, 150000, "Mandiri", "Budi")
		if err != nil || d.Bank != "MANDIRI" || d.AccountNo != "1370098765432" || d.PaymentMethod != "Transfer Mandiri" {
			t.Errorf("deposit at Mandiri: %+v, %v", d, err)
		}
		if _, err := flazz.Deposit(ctx, 150000, "BRI", "Budi"); err == nil || !strings.Contains(err.Error(), "BCA, MANDIRI") {
			t.Errorf("a bank without an account: %v", err)
		}

		// The member area's Deposit page lists the accounts.
		page := memberPage(t, a.BaseURL(), "budi", portal, "/member/deposit")
		for _, want := range []string{"8730123456", "1370098765432", "PT Kios Digital", "MANDIRI"} {
			if !strings.Contains(page, want) {
				t.Errorf("member Deposit page lacks %q", want)
			}
		}

		// The text channels' ticket names the first account.
		api.Message(555, 555, 9, "TIKET.200000.2468", time.Now())
		sent := api.WaitSent(t, 1)
		if !strings.Contains(sent[0].Text, "ke BCA 8730123456 a.n. PT Kios Digital") {
			t.Errorf("ticket reply %q", sent[0].Text)
		}

		// A removed account is gone at once.
		if err := svc.RemoveBankAccount(ctx, "mandiri"); err != nil {
			t.Fatal(err)
		}
		if _, err := flazz.Deposit(ctx, 150000, "Mandiri", "Budi"); err == nil {
			t.Error("a removed account still takes deposits")
		}
	})
}

func sellerName(t *testing.T, c *wire.Client) string {
	t.Helper()
	items, err := c.PriceList(context.Background(), wire.PriceFilter{Code: "S5"}) // filtered: not rate limited
	if err != nil || len(items) != 1 {
		t.Fatalf("price list: %+v, %v", items, err)
	}
	return items[0].SellerName
}

// memberPage signs in to the member area and returns a page's HTML.
func memberPage(t *testing.T, base, username, password, path string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(base+"/member/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return string(body)
}
