package textcmd_test

import (
	"context"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// downlines gives budi a direct downline ani (bound on Telegram as 666, PIN 4321) with a downline
// of its own, dodi, and makes cici, a top reseller of its own.
func (b *bundle) downlines(t *testing.T) (ani, dodi, cici *reseller.Reseller) {
	t.Helper()
	ctx := context.Background()
	mk := func(n core.NewReseller) *reseller.Reseller {
		t.Helper()
		cr, err := b.svc.CreateReseller(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return cr.Reseller
	}
	ani = mk(core.NewReseller{Name: "Ani", Username: "ani", Upline: "budi", Markup: 100})
	dodi = mk(core.NewReseller{Name: "Dodi", Username: "dodi", Upline: "ani"})
	cici = mk(core.NewReseller{Name: "Cici", Username: "cici"})
	if err := b.eng.SetPIN(ctx, "ani", "4321"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.eng.Bind(ctx, "ani", textcmd.Telegram, "666"); err != nil {
		t.Fatal(err)
	}
	return ani, dodi, cici
}

func (b *bundle) balanceOf(t *testing.T, r *reseller.Reseller) int64 {
	t.Helper()
	bal, err := b.svc.Balance(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return bal
}

// TRANS moves balance to a direct downline once per reference (R#REF or the message's own);
// sideways, up, past a level, beyond the balance, to an unknown ID and with a wrong PIN it is
// refused in words and moves nothing.
func TestTransferCommand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ani, dodi, cici := b.downlines(t)
		match(t, b.say(t, "TRANS.ani.20000.1234"), `^R#T[A-Z2-7]{10} TRANS ani 20\.000 BERHASIL\. Saldo: 80\.000$`)
		// The same message delivered again is not run again.
		if got := b.sayID(t, "555", "1", "TRANS.ani.20000.1234"); got != "" {
			t.Fatalf("redelivery answered %q", got)
		}
		match(t, b.say(t, "trans.ANI.5000.1234 R#tr-1"), `^R#tr-1 TRANS ani 5\.000 BERHASIL\. Saldo: 75\.000$`)
		match(t, b.say(t, "TRANS.ani.5000.1234 R#tr-1"), `^R#tr-1 TRANS ani 5\.000 sudah berhasil sebelumnya\. Saldo: 75\.000$`)
		match(t, b.say(t, "TRANS.ani.6000.1234 R#tr-1"), `GAGAL\. R#REF sudah dipakai untuk transfer lain\. Saldo: 75\.000$`)
		if got := b.balanceOf(t, ani); got != 25000 {
			t.Fatalf("ani's balance %d, want 25000", got)
		}
		for msg, want := range map[string]string{
			"TRANS.cici.100.1234":      `^R#T\S+ TRANS cici 100 GAGAL\. Hanya bisa ke downline langsung Anda\. Saldo: 75\.000$`,
			"TRANS.dodi.100.1234":      `GAGAL\. Hanya bisa ke downline langsung Anda\.`,
			"TRANS.budi.100.1234":      `GAGAL\. Hanya bisa ke downline langsung Anda\.`,
			"TRANS.ani.75001.1234":     `GAGAL\. Saldo tidak cukup\. Saldo: 75\.000$`,
			"TRANS.nobody.100.1234":    `GAGAL\. ID tidak dikenal\.`,
			"TRANS.ani.0.1234":         `^Format salah: jumlah harus angka`,
			"TRANS.ani.100.9999":       `^PIN salah \(1/5\)\.$`,
			"TRANS.ani.100.1234 R#a/b": `^Format salah: R#REF hanya`,
		} {
			match(t, b.say(t, msg), want)
		}
		// Up the tree, from ani's own chat.
		match(t, b.sayID(t, "666", "a1", "TRANS.budi.100.4321"), `GAGAL\. Hanya bisa ke downline langsung Anda\. Saldo: 25\.000$`)
		match(t, b.sayID(t, "666", "a2", "TRANS.dodi.1000.4321"), `BERHASIL\. Saldo: 24\.000$`)
		got := []int64{b.balance(t), b.balanceOf(t, ani), b.balanceOf(t, dodi), b.balanceOf(t, cici)}
		if want := []int64{75000, 24000, 1000, 0}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Fatalf("balances %v, want %v", got, want)
		}
		b.ledgerOK(t)
	})
}

// TUKAR moves the sender's accrued commission into its balance, once: sent again it finds
// nothing; a downline without downlines of its own has none.
func TestExchangeCommand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = b.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 20 * time.Millisecond}); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		if err := b.svc.SetSetting(ctx, core.SettingCommission, core.CommissionAccrue); err != nil {
			t.Fatal(err)
		}
		ani, _, _ := b.downlines(t)
		if _, err := b.svc.Credit(ctx, "ani", 20000, "test"); err != nil {
			t.Fatal(err)
		}
		match(t, b.say(t, "TUKAR.1234"), `^Tidak ada komisi untuk ditukar\. Saldo: 100\.000$`)
		p, err := b.svc.PlaceOrder(ctx, core.PlaceParams{Reseller: ani, VariantCode: "X5", Reference: "k1", Destination: "081200001234"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Order.Price != 5100+100 {
			t.Fatalf("ani paid %d, want 5200", p.Order.Price)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			o, err := b.svc.Order(ctx, ani.ID, p.Order.Invoice)
			if err != nil {
				t.Fatal(err)
			}
			if o.Status.Final() {
				if o.Status != order.Success {
					t.Fatalf("order %+v", o)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("order not final in time")
			}
			time.Sleep(10 * time.Millisecond)
		}
		match(t, b.say(t, "TUKAR.1234"), `^Komisi 100 ditukar ke saldo\. Saldo: 100\.100$`)
		match(t, b.say(t, "tukar.1234"), `^Tidak ada komisi untuk ditukar\. Saldo: 100\.100$`)
		match(t, b.sayID(t, "666", "a1", "TUKAR.4321"), `^Tidak ada komisi untuk ditukar\. Saldo: 14\.800$`)
		match(t, b.say(t, "TUKAR.9999"), `^PIN salah`)
		if c, _ := b.svc.CommissionBalance(ctx, b.rid); c != 0 {
			t.Fatalf("commission left %d", c)
		}
		b.ledgerOK(t)
	})
}
