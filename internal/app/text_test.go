package app_test

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/app"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/channel/telegram/telegramtest"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
)

// TestServeRunsTelegram: a Telegram bot configured with `kios channel add` is started by the
// server; a bound reseller's order in a private chat is answered, then its final answer pushed.
func TestServeRunsTelegram(t *testing.T) {
	t.Parallel()
	url := "sqlite:" + filepath.Join(t.TempDir(), "kios.db")
	api := telegramtest.New(t, "42:tok")
	ctx := context.Background()
	func() {
		db, err := backend.Open(ctx, url, backend.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		svc, err := core.New(ctx, db, core.Config{Router: simroute.New(0), Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveCatalog(ctx, []catalog.Product{{Code: "tsel", Name: "Telkomsel", Active: true}},
			[]catalog.Variant{{ProductCode: "tsel", Code: "S5", Name: "5.000", Active: true, UnlimitedStock: true, Prices: map[string]int64{"default": 5005}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Budi", Username: "budi"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Credit(ctx, "budi", 50000, "test"); err != nil {
			t.Fatal(err)
		}
		eng := textcmd.New(svc, textcmd.Options{})
		if err := eng.SetPIN(ctx, "budi", "2468"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := eng.Bind(ctx, "budi", textcmd.Telegram, "555"); err != nil {
			t.Fatal(err)
		}
		if err := channel.Save(ctx, svc, channel.Config{Kind: channel.Telegram, Token: "42:tok", APIBase: api.URL}); err != nil {
			t.Fatal(err)
		}
	}()
	runApp(t, app.Config{DB: url, AdminAddr: "off", SimDelay: time.Millisecond})
	api.Message(555, 555, 7, "S5.081234567890.2468", time.Now())
	sent := api.WaitSent(t, 2)
	if !regexp.MustCompile(`^R#T\S+ S5\.081234567890 sedang diproses\. Harga: 5\.005\. Saldo: 44\.995$`).MatchString(sent[0].Text) ||
		!regexp.MustCompile(`^R#T\S+ S5\.081234567890 BERHASIL\. SN: \S+\. Harga: 5\.005\. Saldo: 44\.995$`).MatchString(sent[1].Text) ||
		sent[0].ReplyTo != 7 || sent[1].ReplyTo != 7 {
		t.Fatalf("sent %+v", sent)
	}
}
