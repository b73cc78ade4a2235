package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/store"

	"github.com/kios-h2h/kios/internal/notify"
)

// TestCheckProviders: the market services come from flags or env, in the order VIP Reseller then
// Apigames; the simulator answers only when neither is configured.
func TestCheckProviders(t *testing.T) {
	env := map[string]string{"KIOS_CHECKID_APIGAMES_URL": "http://127.0.0.1:1", "KIOS_CHECKID_APIGAMES_MERCHANT": "M1",
		"KIOS_CHECKID_APIGAMES_SECRET": "s", "KIOS_CHECKID_VIP_ID": "id", "KIOS_CHECKID_VIP_KEY": "k"}
	cfg := Config{CheckIDVIP: CheckIDProvider{URL: "http://127.0.0.1:2/api", Fee: 50}}.withDefaults(func(k string) string { return env[k] })
	if cfg.CheckIDVIP.ID != "id" || cfg.CheckIDVIP.Key != "k" || cfg.CheckIDApigames.ID != "M1" || cfg.CheckIDApigames.Key != "s" {
		t.Fatalf("config %+v %+v", cfg.CheckIDVIP, cfg.CheckIDApigames)
	}
	var names []string
	for _, p := range checkProviders(cfg) {
		names = append(names, p.Name())
	}
	if len(names) != 2 || names[0] != "vip" || names[1] != "apigames" {
		t.Fatalf("providers %v", names)
	}
	if ps := checkProviders(Config{}); len(ps) != 1 || ps[0].Name() != "simulator" {
		t.Fatalf("without services: %v", ps)
	}
}

// TestBuyerNotifier: the log alone by default; WhatsApp, email, or both through Multi.
func TestBuyerNotifier(t *testing.T) {
	env := map[string]string{"KIOS_NOTIFY_SMTP_ADDR": "127.0.0.1:2525", "KIOS_NOTIFY_SMTP_FROM": "toko@kios.example", "KIOS_NOTIFY_SMTP_USER": "u"}
	cfg := Config{}.withDefaults(func(k string) string { return env[k] })
	if cfg.NotifySMTPAddr != "127.0.0.1:2525" || cfg.NotifySMTPUser != "u" {
		t.Fatalf("config %+v", cfg)
	}
	if n, ok := buyerNotifier(cfg, nil).(notify.SMTP); !ok || n.From != "toko@kios.example" {
		t.Fatalf("email only: %#v", n)
	}
	cfg.NotifyWhatsAppURL = "http://127.0.0.1:1/send"
	if n, ok := buyerNotifier(cfg, nil).(notify.Multi); !ok || len(n.Notifiers) != 2 {
		t.Fatalf("both: %#v", n)
	}
	if _, ok := buyerNotifier(Config{}, nil).(notify.Log); !ok {
		t.Fatal("default is not the log")
	}
}

// TestCheckIDSupplierRefused: kios serve refuses to start when --checkid-supplier names a
// supplier that does not exist or is not a Kios upstream (kind basstore), and says which; a
// basstore supplier is accepted.
func TestCheckIDSupplierRefused(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "kios.db")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := New(context.Background(), Config{DB: db, Addr: "127.0.0.1:0", Logger: quiet, Stdout: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.Service().AddSupplier(ctx, core.NewSupplier{Name: "sim", Kind: store.KindSimulator}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Service().AddSupplier(ctx, core.NewSupplier{Name: "up", Kind: store.KindBasstore, BaseURL: "http://127.0.0.1:1", Token: "t"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		names []string
		want  string
	}{
		{[]string{"nosuch"}, "--checkid-supplier nosuch"},
		{[]string{"up", "sim"}, "--checkid-supplier sim: kind simulator, want basstore"},
	} {
		_, err := New(ctx, Config{DB: db, Addr: "127.0.0.1:0", Logger: quiet, Stdout: io.Discard, CheckIDSuppliers: tc.names})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Fatalf("%v: %v, want an error naming %q", tc.names, err, tc.want)
		}
	}
	ok, err := New(ctx, Config{DB: db, Addr: "127.0.0.1:0", Logger: quiet, Stdout: io.Discard, CheckIDSuppliers: []string{"up"}})
	if err != nil {
		t.Fatalf("a basstore supplier refused: %v", err)
	}
	if err := ok.Close(); err != nil {
		t.Fatal(err)
	}
}
