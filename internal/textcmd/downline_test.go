package textcmd_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
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

// TRANS moves balance to a downline (direct or further down) once per reference (R#REF or the
// message's own); sideways, up, beyond the balance, to an unknown ID and with a wrong PIN it is
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
			"TRANS.cici.100.1234":      `^R#T\S+ TRANS cici 100 GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\. Saldo: 75\.000$`,
			"TRANS.budi.100.1234":      `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\.`,
			"TRANS.ani.75001.1234":     `GAGAL\. Saldo tidak cukup\. Saldo: 75\.000$`,
			"TRANS.nobody.100.1234":    `GAGAL\. ID tidak dikenal\.`,
			"TRANS.ani.0.1234":         `^Format salah: jumlah harus angka`,
			"TRANS.ani.100.9999":       `^PIN salah \(1/5\)\.$`,
			"TRANS.ani.100.1234 R#a/b": `^Format salah: R#REF hanya`,
		} {
			match(t, b.say(t, msg), want)
		}
		// Up the tree, from ani's own chat.
		match(t, b.sayID(t, "666", "a1", "TRANS.budi.100.4321"), `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\. Saldo: 25\.000$`)
		match(t, b.sayID(t, "666", "a2", "TRANS.dodi.1000.4321"), `BERHASIL\. Saldo: 24\.000$`)
		// Two levels down: budi to ani's downline dodi.
		match(t, b.say(t, "TRANS.dodi.500.1234"), `^R#T\S+ TRANS dodi 500 BERHASIL\. Saldo: 74\.500$`)
		match(t, b.sayID(t, "666", "a3", "TRANS.cici.100.4321"), `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\. Saldo: 24\.000$`)
		got := []int64{b.balance(t), b.balanceOf(t, ani), b.balanceOf(t, dodi), b.balanceOf(t, cici)}
		if want := []int64{74500, 24000, 1500, 0}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
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

// REG registers a direct downline (a PIN told once, its number bound on WhatsApp) within the
// depth and max_markup; MP sets its markups per variant or product, all or none, only on a
// direct downline.
func TestRegisterAndMarkupCommands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		ani, dodi, _ := b.downlines(t)
		reply := b.say(t, "REG.TokoEka.081299998888.150.1234")
		match(t, reply, `^REG BERHASIL\. ID: tokoeka, markup 150, PIN \d{6} \(ganti dengan GP\.PINLAMA\.PINBARU\)\. WhatsApp 6281299998888 terikat\.$`)
		pin := regexp.MustCompile(`PIN (\d{6})`).FindStringSubmatch(reply)[1]
		eka, err := b.svc.Reseller(ctx, "tokoeka")
		if err != nil {
			t.Fatal(err)
		}
		if d, err := b.svc.UplineOf(ctx, eka.ID); err != nil || d.UplineID != b.rid || d.Markup != 150 {
			t.Fatalf("tree row %+v %v", d, err)
		}
		if err := b.eng.Handle(ctx, textcmd.Message{Channel: textcmd.WhatsApp, Sender: "6281299998888", ID: "w1", Text: "SAL." + pin, Time: b.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		out, err := b.db.TextOutboxList(ctx, textcmd.WhatsApp, "6281299998888", 10)
		if err != nil || len(out) != 1 || out[0].Body != "Saldo tokoeka: 0" {
			t.Fatalf("the new downline's own chat: %+v %v", out, err)
		}
		price := func(r *reseller.Reseller, code string) int64 {
			t.Helper()
			v, err := b.svc.Variant(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			p, ok, err := b.svc.PriceOf(ctx, r, v)
			if err != nil || !ok {
				t.Fatalf("price of %s: %v %v", code, ok, err)
			}
			return p
		}
		if got := price(eka, "S5"); got != 5005+150 {
			t.Fatalf("eka's S5 %d", got)
		}
		match(t, b.say(t, "MP.tokoeka.s5=200,TSEL=120.1234"), `^MP tokoeka BERHASIL: S5=200, TSEL=120\.$`)
		if p5, p10, px := price(eka, "S5"), price(eka, "S10"), price(eka, "X5"); p5 != 5005+200 || p10 != 10005+120 || px != 5100+120 {
			t.Fatalf("after MP: S5 %d S10 %d X5 %d", p5, p10, px)
		}
		if err := b.svc.SetSetting(ctx, core.SettingMaxMarkup, "300"); err != nil {
			t.Fatal(err)
		}
		for msg, want := range map[string]string{
			"MP.tokoeka.S10=10,S5=301.1234":     `^MP tokoeka GAGAL\. Markup melebihi batas distributor\.$`,
			"MP.dodi.S5=1.1234":                 `^MP dodi GAGAL\. Hanya untuk downline langsung Anda\.$`,
			"MP.cici.S5=1.1234":                 `^MP cici GAGAL\. Hanya untuk downline langsung Anda\.$`,
			"MP.nobody.S5=1.1234":               `^MP nobody GAGAL\. ID tidak dikenal\.$`,
			"MP.tokoeka.ZZ9=1.1234":             `^MP tokoeka GAGAL\. Kode ZZ9 tidak dikenal\.$`,
			"MP.tokoeka.S5=1,s5=2.1234":         `^Format salah: kode S5 dua kali`,
			"MP.tokoeka.S5=1.1234 R#x":          `^Format salah: R#REF hanya untuk transaksi`,
			"REG.Greedy.081277776666.301.1234":  `^REG Greedy GAGAL\. Markup melebihi batas distributor\.$`,
			"REG.Bad.0812.100.1234":             `^Format salah: NOHP harus`,
			"REG.Bad.081277776666.1O0.1234":     `^Format salah: MARKUP harus`,
			"REG.Bad Name.081277776666.10.1234": `^Format salah`,
		} {
			match(t, b.say(t, msg), want)
		}
		if p10 := price(eka, "S10"); p10 != 10005+120 {
			t.Fatalf("a refused MP changed S10: %d", p10)
		}
		// ani registers under itself until the depth limit.
		match(t, b.sayID(t, "666", "a1", "MP.dodi.S5=50.4321"), `^MP dodi BERHASIL: S5=50\.$`)
		if err := b.svc.SetSetting(ctx, core.SettingDownlineDepth, "2"); err != nil {
			t.Fatal(err)
		}
		match(t, b.sayID(t, "666", "a2", "REG.Fina.081255554444.0.4321"), `^REG BERHASIL\. ID: fina,`)
		match(t, b.sayID(t, "666", "a3", "MP.tokoeka.S5=1.4321"), `GAGAL\. Hanya untuk downline langsung Anda\.$`)
		if err := b.svc.SetSetting(ctx, core.SettingDownlineDepth, "1"); err != nil {
			t.Fatal(err)
		}
		match(t, b.sayID(t, "666", "a4", "REG.Gita.081233332222.0.4321"), `^REG Gita GAGAL\. Kedalaman jaringan downline sudah maksimal\.$`)
		if _, err := b.svc.Reseller(ctx, "gita"); err == nil {
			t.Fatal("a refused REG made a reseller")
		}
		if p := price(dodi, "S5"); p != 5005+100+50 {
			t.Fatalf("dodi's S5 %d", p)
		}
		_ = ani
		if a := b.auditOf(t, "reseller:budi"); len(a) == 0 || a[0].Action != "downline.register" {
			t.Fatalf("audit: %+v", a)
		}
		b.ledgerOK(t)
	})
}

func (b *bundle) auditOf(t *testing.T, target string) []store.AuditEntry {
	t.Helper()
	es, err := b.db.AuditList(context.Background(), store.AuditFilter{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// H. answers the caller's own price: a downline's is its upline's plus its markup.
func TestPriceCommandShowsTheDownlinesPrice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		b.downlines(t)
		match(t, b.say(t, "H.S5.1234"), `\nS5 Telkomsel 5\.000: 5\.005$`)
		match(t, b.sayID(t, "666", "a1", "H.S5.4321"), `\nS5 Telkomsel 5\.000: 5\.105$`)
		match(t, b.say(t, "MP.ani.S5=250.1234"), `BERHASIL`)
		match(t, b.sayID(t, "666", "a2", "H.S5.4321"), `\nS5 Telkomsel 5\.000: 5\.255$`)
		match(t, b.say(t, "H.S5.1234"), `\nS5 Telkomsel 5\.000: 5\.005$`)
	})
}

// TestDownlineBadInputs: malformed, refused and out-of-bounds downline-tree messages (TRANS,
// TUKAR, REG, MP) each get their honest answer and change nothing: no money, no reseller, no
// markup, no transfer (storetest.Dump).
func TestDownlineBadInputs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		b.downlines(t)
		if err := b.svc.SetSetting(ctx, core.SettingMaxMarkup, "300"); err != nil {
			t.Fatal(err)
		}
		rows := []struct {
			sender, text, want string
		}{
			{"555", "TRANS.ani.0.1234", `^Format salah: jumlah harus angka`},
			{"555", "TRANS.ani.-5.1234", `^Format salah: jumlah harus angka`},
			{"555", "TRANS.ani.1000000000000000.1234", `^Format salah: jumlah harus angka`},
			{"555", "TRANS.ani.5O00.1234", `^Format salah: jumlah harus angka`},
			{"555", "TRANS.a.100.1234", `^Format salah: ID harus 3-32 karakter`},
			{"555", "TRANS.an!.100.1234", `^Format salah: ID hanya huruf`},
			{"555", "TRANS.ani.100.1234 R#bad/ref", `^Format salah: R#REF hanya huruf`},
			{"555", "TRANS.ani.100001.1234", `GAGAL\. Saldo tidak cukup\. Saldo: 100\.000$`},
			{"555", "TRANS.cici.100.1234", `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\.`},
			{"666", "TRANS.cici.100.4321", `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\.`},
			{"555", "TRANS.budi.100.1234", `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\.`},
			{"555", "TRANS.nobody.100.1234", `GAGAL\. ID tidak dikenal\.`},
			{"666", "TRANS.budi.100.4321", `GAGAL\. Hanya bisa ke downline Anda \(di bawah Anda\)\.`},
			{"555", "TRANS.ani.100.9999", `^PIN salah \(1/5\)\.$`},
			{"555", "TUKAR.12", `^Format salah: PIN harus 4-8 angka`},
			{"555", "TUKAR.1234 R#x", `^Format salah: R#REF hanya untuk transaksi`},
			{"555", "TUKAR.1.1234", `^Format salah: format: TUKAR\.PIN`},
			{"555", "REG.Eka.0812.100.1234", `^Format salah: NOHP harus`},
			{"555", "REG.Eka!.081234567890.100.1234", `^Format salah: NAMA hanya`},
			{"555", "REG.Eka.081234567890.1O0.1234", `^Format salah: MARKUP harus`},
			{"555", "REG.Eka.081234567890.100.1234 R#1", `^Format salah: R#REF hanya untuk transaksi`},
			{"555", "REG.Eka.081234567890.301.1234", `^REG Eka GAGAL\. Markup melebihi batas distributor\.$`},
			{"555", "REG.A.B.C.D.E.1234", `^Format salah: format: REG\.NAMA\.NOHP\.MARKUP\.PIN`},
			{"555", "MP.ani.S5=301.1234", `^MP ani GAGAL\. Markup melebihi batas distributor\.$`},
			{"555", "MP.ani.S10=1,S5=301.1234", `^MP ani GAGAL\. Markup melebihi batas distributor\.$`},
			{"555", "MP.ani.S5=1,s5=2.1234", `^Format salah: kode S5 dua kali`},
			{"555", "MP.ani.ZZ9=1.1234", `^MP ani GAGAL\. Kode ZZ9 tidak dikenal\.$`},
			{"555", "MP.dodi.S5=1.1234", `^MP dodi GAGAL\. Hanya untuk downline langsung Anda\.$`},
			{"555", "MP.cici.S5=1.1234", `^MP cici GAGAL\. Hanya untuk downline langsung Anda\.$`},
			{"555", "MP.nobody.S5=1.1234", `^MP nobody GAGAL\. ID tidak dikenal\.$`},
			{"555", "MP.ani.S5=x.1234", `^Format salah: N harus angka`},
			{"555", "MP.ani.S5=1.1234 R#1", `^Format salah: R#REF hanya untuk transaksi`},
			{"555", "MP.ani.S5=1", `^Format salah: format: MP\.ID\.KODE=N,KODE=N\.PIN`},
			{"555", "MP.ani.=1.1234", `^Format salah: format: MP\.ID\.KODE=N,KODE=N\.PIN`},
			{"666", "MP.budi.S5=1.4321", `^MP budi GAGAL\. Hanya untuk downline langsung Anda\.$`},
		}
		// Each answer queues its own send job (the outbox): every other row must stay as it was.
		dump := func() string {
			t.Helper()
			return regexp.MustCompile(`(?m)^jobs=\d+\n`).ReplaceAllString(storetest.Dump(t, b.db), "")
		}
		before := dump()
		for _, r := range rows {
			b.msgs++
			got := b.sayID(t, r.sender, fmt.Sprint("bad-", b.msgs), r.text)
			if !regexp.MustCompile(r.want).MatchString(got) {
				t.Errorf("%s from %s: %q, want %q", r.text, r.sender, got, r.want)
			}
			if after := dump(); after != before {
				t.Fatalf("%s changed the database:\nbefore:\n%s\nafter:\n%s", r.text, before, after)
			}
		}
		// The depth limit, last: it refuses ani's REG.
		if err := b.svc.SetSetting(ctx, core.SettingDownlineDepth, "1"); err != nil {
			t.Fatal(err)
		}
		match(t, b.sayID(t, "666", "deep", "REG.Deep.081234567891.0.4321"), `^REG Deep GAGAL\. Kedalaman jaringan downline sudah maksimal\.$`)
		if after := dump(); after != before {
			t.Fatalf("a REG past the depth changed the database")
		}
		b.ledgerOK(t)
	})
}
