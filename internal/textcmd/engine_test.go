package textcmd_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/textmsg"
	"github.com/kios-h2h/kios/internal/upstream/simroute"
	"golang.org/x/crypto/bcrypt"
)

type clock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.d)
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.d += d
	c.mu.Unlock()
}

type bundle struct {
	db    *store.DB
	svc   *core.Service
	eng   *textcmd.Engine
	clock *clock
	user  string
	rid   int64
	msgs  int
}

const pin = "1234"

// setup: a catalog (S5 once a day per number, X5 multi, OFF inactive), a reseller with
// Rp 100.000 bound on Telegram as 555 with PIN 1234.
func setup(t *testing.T, be storetest.Backend) *bundle {
	t.Helper()
	ctx := context.Background()
	clk := &clock{}
	db := be.OpenOptions(t, backend.Options{Options: store.Options{Now: clk.Now}})
	svc, err := core.New(ctx, db, core.Config{Now: clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Router: simroute.New(0)})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.SaveCatalog(ctx, []catalog.Product{{Code: "tsel", Name: "Telkomsel", Active: true}},
		[]catalog.Variant{
			{ProductCode: "tsel", Code: "S5", Name: "5.000", Active: true, UnlimitedStock: true, Multi: false, Prices: map[string]int64{"default": 5005}},
			{ProductCode: "tsel", Code: "S10", Name: "10.000", Active: true, UnlimitedStock: true, Multi: false, Prices: map[string]int64{"default": 10005}},
			{ProductCode: "tsel", Code: "X5", Name: "Multi 5.000", Active: true, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 5100}},
			{ProductCode: "tsel", Code: "OFF", Name: "Off", Active: false, UnlimitedStock: true, Multi: true, Prices: map[string]int64{"default": 100}},
		})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateReseller(ctx, core.NewReseller{Name: "Toko Budi", Username: "budi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credit(ctx, "budi", 100000, "test"); err != nil {
		t.Fatal(err)
	}
	eng := textcmd.New(svc, textcmd.Options{PinCost: bcrypt.MinCost, Throttle: textcmd.Throttle{Rate: 1000, Burst: 1000}, Banks: core.Banks{{Bank: "BCA", AccountNo: "1234567890", Holder: "PT Kios"}}})
	if err := eng.SetPIN(ctx, "budi", pin); err != nil {
		t.Fatal(err)
	}
	if _, _, err := eng.Bind(ctx, "budi", textcmd.Telegram, "555"); err != nil {
		t.Fatal(err)
	}
	return &bundle{db: db, svc: svc, eng: eng, clock: clk, user: "budi", rid: cr.Reseller.ID}
}

// say runs a message through Handle (as a transport would) and returns the answer queued.
func (b *bundle) say(t *testing.T, text string) string {
	t.Helper()
	b.msgs++
	return b.sayID(t, "555", fmt.Sprint(b.msgs), text)
}

func (b *bundle) sayID(t *testing.T, sender, id, text string) string {
	t.Helper()
	ctx := context.Background()
	before := b.outbox(t, sender)
	if err := b.eng.Handle(ctx, textcmd.Message{Channel: textcmd.Telegram, Sender: sender, ID: id, Text: text, Time: b.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	after := b.outbox(t, sender)
	if len(after) == len(before) {
		return ""
	}
	return after[0].Body
}

func (b *bundle) outbox(t *testing.T, chat string) []store.TextOutbox {
	t.Helper()
	out, err := b.db.TextOutboxList(context.Background(), textcmd.Telegram, chat, 100)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (b *bundle) balance(t *testing.T) int64 {
	t.Helper()
	bal, err := b.svc.Balance(context.Background(), b.rid)
	if err != nil {
		t.Fatal(err)
	}
	return bal
}

func (b *bundle) orders(t *testing.T) []order.Order {
	t.Helper()
	os, err := b.db.ResellerOrders(context.Background(), store.ResellerOrderFilter{ResellerID: b.rid, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return os
}

func (b *bundle) ledgerOK(t *testing.T) {
	t.Helper()
	rep, err := b.svc.LedgerCheck(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ledger: %+v", rep)
	}
}

func match(t *testing.T, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(got) {
		t.Fatalf("answer %q does not match %q", got, pattern)
	}
}

// A bound reseller buys in text: the accept answer in the market's form, charged once; the
// order carries the text dialect and its record; a textfinal job comes at settlement.
func TestBuyAcceptAndFinalJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		got := b.say(t, "s5.081234567890.1234")
		match(t, got, `^R#T[A-Z2-7]{10} S5\.081234567890 sedang diproses\. Harga: 5\.005\. Saldo: 94\.995$`)
		if b.balance(t) != 94995 {
			t.Fatalf("balance %d", b.balance(t))
		}
		os := b.orders(t)
		if len(os) != 1 || os[0].Dialect != core.DialectText {
			t.Fatalf("orders %+v", os)
		}
		rec, err := b.db.TextOrderByOrderID(context.Background(), os[0].ID)
		if err != nil || rec.Chat != "555" || rec.Channel != textcmd.Telegram || rec.MessageID != "1" {
			t.Fatalf("text order record %+v %v", rec, err)
		}
		audit, err := b.db.AuditList(context.Background(), store.AuditFilter{Action: "text.order"})
		if err != nil || len(audit) != 1 || audit[0].Actor != "telegram:555" || !strings.Contains(audit[0].After, `.081234567890.****"`) {
			t.Fatalf("audit %+v %v", audit, err)
		}
		b.ledgerOK(t)
	})
}

// Malformed messages charge nothing and make no order; each gets an answer.
func TestMalformedChargeNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		for _, m := range malformedMessages() {
			if got := b.say(t, m); got == "" {
				t.Errorf("%q: no answer", m)
			}
		}
		if b.balance(t) != 100000 || len(b.orders(t)) != 0 {
			t.Fatalf("balance %d, orders %d", b.balance(t), len(b.orders(t)))
		}
	})
}

func malformedMessages() []string {
	return []string{"S5", "S5.0812", "S5..1234", "S5.0812.123", "S5.0812.12a4", "S5.0.0812.1234", "S5.0812.1234 X#1",
		"S5 0812 1234", "S5.0812,X5.1234", "S5.08'12.1234", "S5.0812;DROP.1234", "SAL", "SAL.12", "H.S5", "TIKET.abc.1234",
		"GP.1234.1234", "UNKNOWN.1234", "S5.0812.1234 R#a b", "\u202eS5.0812.1234", strings.Repeat("x", 2000)}
}

// The counter rule: a second S5 to the same number today is refused with the hint; its counted
// form takes a slot of its own, once.
func TestCounterRule(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		match(t, b.say(t, "S5.0812.1234"), `sedang diproses`)
		match(t, b.say(t, "S5.0812.1234"), `GAGAL\. Sudah ada transaksi S5 ke 0812 hari ini; untuk transaksi ke-2 kirim S5\.2\.0812\.PIN\. Saldo: 94\.995$`)
		match(t, b.say(t, "S5.2.0812.1234"), `S5\.0812 sedang diproses\. Harga: 5\.005\. Saldo: 89\.990$`)
		match(t, b.say(t, "S5.2.0812.1234"), `GAGAL\. Sudah ada transaksi`)
		match(t, b.say(t, "S5.3.0812.1234"), `Saldo: 84\.985$`)
		if n := len(b.orders(t)); n != 3 {
			t.Fatalf("%d orders", n)
		}
		b.ledgerOK(t)
	})
}

// A redelivered message (same transport id) never buys twice nor answers twice; an explicit
// R#REF sent again is a status check, charged once.
func TestRedeliveryAndStatusCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		first := b.sayID(t, "555", "m1", "X5.0812.1234")
		match(t, first, `sedang diproses`)
		if again := b.sayID(t, "555", "m1", "X5.0812.1234"); again != "" {
			t.Fatalf("redelivery answered %q", again)
		}
		match(t, b.say(t, "X5.0812.1234 R#abc"), `^R#abc X5\.0812 sedang diproses\. Harga: 5\.100\. Saldo: 89\.800$`)
		match(t, b.say(t, "X5.0812.1234 R#abc"), `^R#abc X5\.0812 sedang diproses\. Harga: 5\.100\. Saldo: 89\.800$`)
		match(t, b.say(t, "X5.0899.1234 R#abc"), `^R#abc X5\.0899 GAGAL\. R#REF sudah dipakai untuk transaksi lain\. Saldo: 89\.800$`)
		if n := len(b.orders(t)); n != 2 || b.balance(t) != 89800 {
			t.Fatalf("%d orders, balance %d", n, b.balance(t))
		}
		b.ledgerOK(t)
	})
}

// Several purchases in one message: each stands or fails alone.
func TestMultiOrderPartial(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		got := b.say(t, "S5.0811,NOPE.0812,OFF.0813,S10.0814,X5.0815.1234 R#m")
		lines := strings.Split(got, "\n")
		if len(lines) != 5 {
			t.Fatalf("answer %q", got)
		}
		match(t, lines[0], `^R#m S5\.0811 sedang diproses\. Harga: 5\.005\. Saldo: 94\.995$`)
		match(t, lines[1], `^R#m-2 NOPE\.0812 GAGAL\. Produk NOPE tidak dikenal\. Saldo: 94\.995$`)
		match(t, lines[2], `^R#m-3 OFF\.0813 GAGAL\. Produk sedang gangguan\. Saldo: 94\.995$`)
		match(t, lines[3], `^R#m-4 S10\.0814 sedang diproses\. Harga: 10\.005\. Saldo: 84\.990$`)
		match(t, lines[4], `^R#m-5 X5\.0815 sedang diproses`)
		// Not enough for all: the ones that fit are taken, the rest refused.
		match(t, b.say(t, "TIKET.100000.1234"), `Tiket`)
		for i := 0; i < 15; i++ {
			b.say(t, fmt.Sprintf("X5.09%02d.1234", i))
		}
		if bal := b.balance(t); bal < 0 || bal >= 5100 {
			t.Fatalf("balance %d", bal)
		}
		match(t, b.say(t, "X5.0999.1234"), `GAGAL\. Saldo tidak cukup\. Saldo: `)
		b.ledgerOK(t)
	})
}

// Five wrong PINs lock the identity for 30 minutes, even against the right PIN; then it works.
func TestPinLockout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		for i := 1; i < textcmd.PinTries; i++ {
			match(t, b.say(t, "S5.0812.9999"), fmt.Sprintf(`^PIN salah \(%d/5\)\.$`, i))
		}
		match(t, b.say(t, "S5.0812.9999"), `^PIN salah 5 kali: akun ini diblokir sampai \d\d:\d\d WIB\.$`)
		match(t, b.say(t, "S5.0812.1234"), `diblokir sampai`)
		match(t, b.say(t, "SAL.1234"), `diblokir sampai`)
		if b.balance(t) != 100000 || len(b.orders(t)) != 0 {
			t.Fatal("charged while locked")
		}
		b.clock.Advance(textcmd.PinLock + time.Second)
		match(t, b.say(t, "SAL.1234"), `^Saldo budi: 100\.000$`)
		// A right PIN clears the count: four more wrong ones do not lock.
		for i := 1; i < textcmd.PinTries; i++ {
			match(t, b.say(t, "SAL.0000"), fmt.Sprintf(`\(%d/5\)`, i))
		}
		match(t, b.say(t, "SAL.1234"), `Saldo`)
		match(t, b.say(t, "SAL.0000"), `\(1/5\)`)
	})
}

// Daily limits per identity and per reseller refuse the order and move nothing.
func TestDailyLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		if err := b.db.Batch(ctx, func(tx *store.Tx) error {
			return tx.TextLimitsSet(ctx, b.rid, store.TextLimits{IdentitySpend: 12000, IdentityCount: 2, ResellerSpend: 100000, ResellerCount: 3})
		}); err != nil {
			t.Fatal(err)
		}
		match(t, b.say(t, "X5.0811.1234"), `sedang diproses`)
		match(t, b.say(t, "X5.0812.1234"), `sedang diproses`)
		match(t, b.say(t, "X5.0813.1234"), `GAGAL\. Batas transaksi harian`)
		// Another identity of the same reseller has its own count, under the reseller's.
		if _, _, err := b.eng.Bind(ctx, "budi", textcmd.Telegram, "777"); err != nil {
			t.Fatal(err)
		}
		match(t, b.sayID(t, "777", "x1", "X5.0814.1234"), `sedang diproses`)
		match(t, b.sayID(t, "777", "x2", "X5.0815.1234"), `GAGAL\. Batas transaksi harian`)
		if n := len(b.orders(t)); n != 3 || b.balance(t) != 100000-3*5100 {
			t.Fatalf("%d orders, balance %d", n, b.balance(t))
		}
		if textcmd.DefaultLimits.IdentityCount <= 0 || textcmd.DefaultLimits.ResellerSpend <= 0 {
			t.Fatal("default limits off")
		}
		b.ledgerOK(t)
	})
}

// Unbound senders get one short refusal, then silence; old messages are not run; a suspended
// reseller is refused.
func TestRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		if got := b.sayID(t, "999", "u1", "S5.0812.1234"); got != "Akun ini belum terdaftar." {
			t.Fatalf("unbound: %q", got)
		}
		if got := b.sayID(t, "999", "u2", "SAL.1234"); got != "" {
			t.Fatalf("unbound again: %q", got)
		}
		err := b.eng.Handle(ctx, textcmd.Message{Channel: textcmd.Telegram, Sender: "555", ID: "old", Text: "S5.0812.1234", Time: b.clock.Now().Add(-3 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		match(t, b.outbox(t, "555")[0].Body, `lebih dari 2 menit`)
		if err := b.svc.SetStatus(ctx, "budi", "suspended"); err != nil {
			t.Fatal(err)
		}
		match(t, b.say(t, "S5.0812.1234"), `ditangguhkan`)
		if len(b.orders(t)) != 0 || b.balance(t) != 100000 {
			t.Fatal("charged")
		}
	})
}

// Balance, price list, deposit ticket, status check, today's report, PIN change and help.
func TestOtherCommands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		match(t, b.say(t, "SAL.1234"), `^Saldo budi: 100\.000$`)
		match(t, b.say(t, "H.S.1234"), `^Harga S:\nS10 Telkomsel 10\.000: 10\.005\nS5 Telkomsel 5\.000: 5\.005$`)
		match(t, b.say(t, "H.OFF.1234"), `OFF Telkomsel Off: 100 \(gangguan\)`)
		match(t, b.say(t, "H.ZZ.1234"), `Tidak ada produk`)
		match(t, b.say(t, "TIKET.100000.1234"), `^Tiket DEP-\S+: transfer tepat 100\.\d{3} ke BCA 1234567890 a\.n\. PT Kios, berita DEP-\S+\. Berlaku sampai \d\d/\d\d \d\d:\d\d WIB\.`)
		match(t, b.say(t, "TIKET.5.1234"), `^Nominal deposit 10\.000`)
		match(t, b.say(t, "CEK.0812.1234"), `^Tidak ada transaksi ke 0812\.$`)
		b.say(t, "S5.0812.1234 R#c1")
		match(t, b.say(t, "CEK.0812.1234"), `^R#c1 S5\.0812 (PROSES|BERHASIL)`)
		match(t, b.say(t, "LAP.1234"), `^Laporan \d\d/\d\d/\d{4}: 1 transaksi, \d berhasil \(\S+\), 0 gagal, \d proses\. Saldo: 94\.995$`)
		match(t, b.say(t, "GP.1234.654321"), `^PIN berhasil diganti\.$`)
		match(t, b.say(t, "SAL.1234"), `PIN salah`)
		match(t, b.say(t, "SAL.654321"), `Saldo`)
		if got := b.say(t, "HELP"); got != textcmd.HelpLine {
			t.Fatalf("help: %q", got)
		}
		if got := b.say(t, "APA.KABAR"); got != textcmd.HelpLine {
			t.Fatalf("unknown: %q", got)
		}
	})
}

// The final answer is pushed through the outbox when the order settles: success with its SN,
// failure with the refund; the sender gets each once.
func TestFinalAnswersPushed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		sent, stop := b.runWorkers(t)
		b.say(t, "X5.081200001234.1234 R#ok")
		b.say(t, "X5.081200000000.1234 R#bad")
		want := map[string]string{
			"ok":  `^R#ok X5\.081200001234 BERHASIL\. SN: \S+\. Harga: 5\.100\. Saldo: \d`,
			"bad": `^R#bad X5\.081200000000 GAGAL\. Saldo dikembalikan: 5\.100\. Saldo: \d`,
		}
		seen := map[string]bool{}
		deadline := time.After(20 * time.Second)
		for len(seen) < 2 {
			select {
			case body := <-sent.ch:
				if strings.Contains(body, "sedang diproses") {
					continue
				}
				ref := strings.TrimPrefix(strings.Fields(body)[0], "R#")
				if seen[ref] {
					t.Fatalf("final answer for %s sent twice", ref)
				}
				seen[ref] = true
				match(t, body, want[ref])
			case <-deadline:
				t.Fatalf("final answers seen: %v", seen)
			}
		}
		stop()
		if b.balance(t) != 100000-5100 {
			t.Fatalf("balance %d", b.balance(t))
		}
		b.ledgerOK(t)
	})
}

// runWorkers runs the fulfilment workers and the text worker, which sends through the fake
// sender it returns; stop ends both and waits for them (at the test's end if not before).
func (b *bundle) runWorkers(t *testing.T) (sent *fakeSender, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sent = &fakeSender{ch: make(chan string, 16)}
	done := make(chan struct{}, 2)
	go func() { _ = b.svc.RunWorkers(ctx, core.WorkerConfig{Poll: 20 * time.Millisecond}); done <- struct{}{} }()
	go func() {
		_ = b.eng.Run(ctx, map[string]textcmd.Sender{textcmd.Telegram: sent}, textcmd.WorkerConfig{Poll: 20 * time.Millisecond})
		done <- struct{}{}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done; <-done }) }
	t.Cleanup(stop)
	return sent, stop
}

type fakeSender struct {
	mu   sync.Mutex
	fail int
	ch   chan string
}

func (f *fakeSender) Send(_ context.Context, chat, replyTo, body string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("down")
	}
	f.ch <- body
	return nil
}

// One sender cannot loop on the channel: past its burst, messages are dropped unanswered and
// run nothing; other senders are unaffected.
func TestThrottle(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.Backends()[0])
	b.eng = textcmd.New(b.svc, textcmd.Options{PinCost: bcrypt.MinCost, Throttle: textcmd.Throttle{Rate: 0.001, Burst: 3}})
	ctx := context.Background()
	if _, _, err := b.eng.Bind(ctx, "budi", textcmd.Telegram, "777"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		match(t, b.say(t, fmt.Sprintf("X5.081%d.1234", i)), `sedang diproses`)
	}
	if got := b.say(t, "X5.0819.1234"); got != "" {
		t.Fatalf("throttled sender answered %q", got)
	}
	if n := len(b.orders(t)); n != 3 {
		t.Fatalf("%d orders", n)
	}
	match(t, b.sayID(t, "777", "o1", "SAL.1234"), `Saldo`)
}

// An order that settles before Handle has queued its acceptance (an instant supplier) gets its
// final answer only after the acceptance: the chat reads "sedang diproses" before "BERHASIL".
func TestFinalAfterAcceptance(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		b := setup(t, be)
		ctx := context.Background()
		sent, stop := b.runWorkers(t)
		// Handle's two steps, with the order settled and its final answer due in between.
		m := textcmd.Message{Channel: textcmd.Telegram, Sender: "555", ID: "m1", Text: "X5.081200001234.1234 R#early", Time: b.clock.Now()}
		accept, err := b.eng.Answer(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			jobs, err := b.db.JobList(ctx, store.JobTextFinal)
			if err != nil {
				t.Fatal(err)
			}
			os := b.orders(t)
			if len(os) == 1 && os[0].Status.Final() && (len(jobs) == 0 || jobs[0].Attempts > 0) {
				break // settled, and its final answer tried at least once (or written)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the final answer was not tried: jobs %+v, outbox %+v", jobs, b.outbox(t, "555"))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if out := b.outbox(t, "555"); len(out) != 0 {
			t.Fatalf("final answer queued before the acceptance: %+v", out)
		}
		if err := b.svc.QueueText(ctx, textmsg.Outbox{Channel: textcmd.Telegram, Chat: "555", ReplyTo: "m1", Body: accept}); err != nil {
			t.Fatal(err)
		}
		var bodies []string
		for len(bodies) < 2 {
			select {
			case body := <-sent.ch:
				bodies = append(bodies, body)
			case <-time.After(20 * time.Second):
				t.Fatalf("sent %q", bodies)
			}
		}
		match(t, bodies[0], `^R#early X5\.081200001234 sedang diproses\.`)
		match(t, bodies[1], `^R#early X5\.081200001234 BERHASIL\. SN: `)
		stop()
		b.ledgerOK(t)
	})
}
