package textcmd

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textmsg"
	"golang.org/x/crypto/bcrypt"
)

// Channels an identity may be bound on.
const (
	Telegram = "telegram"
	Jabber   = "jabber"
	WhatsApp = "whatsapp"
)

// Channels lists them.
var Channels = []string{Telegram, Jabber, WhatsApp}

// Safety rules of the issue.
const (
	// PinTries wrong PINs in a row lock an identity for PinLock.
	PinTries = 5
	PinLock  = 30 * time.Minute
	// MaxAge is how old (by the transport's timestamp) a message may be and still be run.
	MaxAge = 2 * time.Minute
)

// DefaultLimits apply to every reseller until the operator sets others (kios text limits).
var DefaultLimits = reseller.TextLimits{IdentitySpend: 5_000_000, IdentityCount: 200, ResellerSpend: 20_000_000, ResellerCount: 1000}

// Message is one inbound text, as a transport received it.
type Message struct {
	Channel string    // telegram, jabber, whatsapp
	Sender  string    // the identity's id on the channel (Telegram user id, bare JID, phone number)
	Chat    string    // where the answer goes; "" means Sender
	ID      string    // the transport's message id, for de-duplication; "" for none
	Text    string    // as received
	Time    time.Time // the transport's timestamp; zero means now
	// Via names who passed the message on when it did not come from the transport itself
	// (`kios text`: "cli:user@host"); recorded with the order's audit row.
	Via string
}

func (m Message) chat() string {
	if m.Chat != "" {
		return m.Chat
	}
	return m.Sender
}

// BankAccount is an account of the distributor's that a deposit ticket names.
type BankAccount = core.BankAccount

// Options configure an Engine.
type Options struct {
	// Banks lists the distributor's accounts, read at every ticket so a change shows at once (the
	// app gives *core.Service: the accounts of `kios bank`); a ticket names the first. Nil or
	// none: "Transfer Bank".
	Banks core.BankSource
	// PinCost is the bcrypt cost of PIN hashes; 0 means bcrypt.DefaultCost. Tests lower it.
	PinCost int
	// Throttle bounds messages per sender; zero means DefaultThrottle.
	Throttle Throttle
	// Logger; nil means the service's.
	Logger *slog.Logger
}

// Engine runs text commands on the core.
type Engine struct {
	svc   *core.Service
	opts  Options
	log   *slog.Logger
	gate  *gate
	wakes chan struct{}
}

// New returns an Engine on svc.
func New(svc *core.Service, opts Options) *Engine {
	if opts.PinCost == 0 {
		opts.PinCost = bcrypt.DefaultCost
	}
	if opts.Logger == nil {
		opts.Logger = svc.Logger()
	}
	return &Engine{svc: svc, opts: opts, log: opts.Logger.With("channel", "text"), gate: newGate(opts.Throttle, svc.Now),
		wakes: make(chan struct{}, 1)}
}

// Handle runs one inbound message from a transport: it records it (a message id seen before is
// a redelivery and is dropped), answers it, and queues the answer in the outbox, from which the
// sender delivers it (Run). It returns an error only when the answer could not be queued.
func (e *Engine) Handle(ctx context.Context, m Message) error {
	if m.ID != "" {
		fresh, err := e.svc.ClaimTextInbox(ctx, m.Channel, m.ID, m.Sender, Mask(m.Text))
		if err != nil {
			return err
		}
		if !fresh {
			e.log.Info("text message redelivered; not run again", "via", m.Channel, "sender", m.Sender, "id", m.ID)
			return nil
		}
	}
	reply, err := e.Answer(ctx, m)
	if err != nil {
		e.log.Error("text message failed", "via", m.Channel, "sender", m.Sender, "text", Mask(m.Text), "err", err)
		reply = "Maaf, sistem sedang gangguan. Kirim ulang dengan R#REF yang sama untuk cek status."
	}
	if reply == "" {
		return nil
	}
	err = e.svc.QueueText(ctx, textmsg.Outbox{Channel: m.Channel, Chat: m.chat(), ReplyTo: m.ID, Body: reply})
	if err != nil {
		return fmt.Errorf("queue answer: %w", err)
	}
	e.wake()
	return nil
}

func (e *Engine) wake() {
	select {
	case e.wakes <- struct{}{}:
	default:
	}
}

// Answer runs one message and returns the answer ("" for none: a throttled sender). It records
// nothing about the message itself (Handle does); `kios text` calls it directly.
func (e *Engine) Answer(ctx context.Context, m Message) (string, error) {
	now := e.svc.Now()
	id, err := e.svc.TextIdentityByExt(ctx, m.Channel, m.Sender)
	if errors.Is(err, core.ErrNotFound) {
		e.log.Info("text from an unbound identity", "via", m.Channel, "sender", m.Sender, "text", Mask(m.Text))
		if !e.gate.refuseOnce(m.Channel + ":" + m.Sender) {
			return "", nil
		}
		return "Akun ini belum terdaftar.", nil
	}
	if err != nil {
		return "", err
	}
	if !e.gate.allow(m.Channel + ":" + m.Sender) {
		return "", nil
	}
	r, err := e.svc.ResellerByID(ctx, id.ResellerID)
	if err != nil {
		return "", err
	}
	log := e.log.With("via", m.Channel, "sender", m.Sender, "reseller", r.Username)
	log.Info("text message", "text", Mask(m.Text))
	if r.Status != reseller.Active {
		return "Akun ditangguhkan. Hubungi distributor.", nil
	}
	if !m.Time.IsZero() && now.Sub(m.Time) > MaxAge {
		return "Pesan dikirim lebih dari 2 menit lalu (" + clock(m.Time) + ") dan tidak dijalankan. Kirim ulang bila masih perlu.", nil
	}
	c, err := Parse(m.Text)
	var pe *ParseError
	if errors.As(err, &pe) {
		if strings.Contains(pe.Reason, "format tidak dikenal") {
			return HelpLine, nil
		}
		return "Format salah: " + pe.Reason + ". Ketik HELP.", nil
	}
	if c.Kind == Help {
		return HelpLine, nil
	}
	if id.LockedUntil.After(now) {
		return "PIN salah " + strconv.Itoa(PinTries) + " kali: akun ini diblokir sampai " + clock(id.LockedUntil) + ".", nil
	}
	ok, err := e.checkPIN(ctx, id, r, c.PIN)
	if err != nil || ok != "" {
		return ok, err
	}
	s := &session{e: e, m: m, id: id, r: r, c: c, now: now}
	switch c.Kind {
	case Buy:
		return s.buy(ctx)
	case Balance:
		bal, err := e.svc.Balance(ctx, r.ID)
		if err != nil {
			return "", err
		}
		return BalanceAnswer(r.Username, bal), nil
	case Price:
		return s.price(ctx)
	case Ticket:
		return s.ticket(ctx)
	case Check:
		return s.check(ctx)
	case Report:
		return s.report(ctx)
	case Transfer:
		return s.transfer(ctx)
	case Exchange:
		return s.exchange(ctx)
	case Register:
		return s.register(ctx)
	case SetMarkup:
		return s.setMarkup(ctx)
	case ChangePIN:
		if err := e.setPIN(ctx, r.ID, c.NewPIN); err != nil {
			return "", err
		}
		log.Info("pin changed in text")
		return "PIN berhasil diganti.", nil
	}
	return HelpLine, nil
}

// checkPIN compares the message's PIN with the reseller's; a refusal is returned as the answer
// ("" when the PIN is right). A wrong one counts against the identity.
func (e *Engine) checkPIN(ctx context.Context, id *textmsg.Identity, r *reseller.Reseller, pin string) (string, error) {
	hash, err := e.svc.TextPinHash(ctx, r.ID)
	if errors.Is(err, core.ErrNotFound) {
		return "PIN belum diatur. Minta distributor mengatur PIN Anda.", nil
	}
	if err != nil {
		return "", err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil {
		if id.PinFailures > 0 {
			err := e.svc.TextPinOK(ctx, r.ID, id.ID)
			if err != nil {
				return "", err
			}
		}
		return "", nil
	}
	n, until, err := e.svc.TextPinFailed(ctx, r.ID, id.ID, PinTries, e.svc.Now().Add(PinLock))
	if err != nil {
		return "", err
	}
	e.log.Warn("wrong text pin", "via", id.Channel, "sender", id.ExtID, "reseller", r.Username, "failures", n)
	if !until.IsZero() {
		return "PIN salah " + strconv.Itoa(PinTries) + " kali: akun ini diblokir sampai " + clock(until) + ".", nil
	}
	return "PIN salah (" + strconv.Itoa(n) + "/" + strconv.Itoa(PinTries) + ").", nil
}

// session is one command of one identity being run.
type session struct {
	e   *Engine
	m   Message
	id  *textmsg.Identity
	r   *reseller.Reseller
	c   Command
	now time.Time
}

// limits are the daily limits of the session's reseller.
func (s *session) limits(ctx context.Context) (reseller.TextLimits, error) {
	return Limits(ctx, s.e.svc, s.r.ID)
}

// Limits are a reseller's daily text limits: its own row, else the default row, else
// DefaultLimits.
func Limits(ctx context.Context, db interface {
	TextLimitsRow(context.Context, int64) (reseller.TextLimits, error)
}, resellerID int64) (reseller.TextLimits, error) {
	for _, id := range []int64{resellerID, 0} {
		l, err := db.TextLimitsRow(ctx, id)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, core.ErrNotFound) {
			return l, err
		}
	}
	return DefaultLimits, nil
}

// ErrLimit refuses a text order over a daily limit.
var ErrLimit = core.ErrTextLimit

// reference is the order reference of the i-th purchase (0-based) of n: the one given (R#REF,
// suffixed -2, -3… after the first when there are several), else one derived from the
// transport's message id, so that a redelivered message finds its orders instead of buying
// again, else (no message id: `kios text`) a random one.
func (s *session) reference(i, n int) string {
	if s.c.Ref != "" {
		if i == 0 {
			return s.c.Ref
		}
		return s.c.Ref + "-" + strconv.Itoa(i+1)
	}
	var seed []byte
	if s.m.ID != "" {
		sum := sha256.Sum256([]byte(s.m.Channel + "\x00" + s.m.Sender + "\x00" + s.m.ID))
		seed = sum[:]
	} else {
		seed = make([]byte, 8)
		if _, err := rand.Read(seed); err != nil {
			panic("crypto/rand: " + err.Error())
		}
	}
	ref := "T" + base32.StdEncoding.EncodeToString(seed)[:10]
	if n > 1 {
		ref += "-" + strconv.Itoa(i+1)
	}
	return ref
}

// buy places each purchase on its own: one refused does not stop the others (each answer line
// says what became of its purchase).
func (s *session) buy(ctx context.Context) (string, error) {
	lim, err := s.limits(ctx)
	if err != nil {
		return "", err
	}
	lines := make([]string, 0, len(s.c.Items))
	for i, it := range s.c.Items {
		ref := s.reference(i, len(s.c.Items))
		line, err := s.buyOne(ctx, it, ref, lim)
		if err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

func (s *session) buyOne(ctx context.Context, it Item, ref string, lim reseller.TextLimits) (string, error) {
	v, err := s.e.variant(ctx, it.Code)
	code := strings.ToUpper(it.Code)
	if errors.Is(err, catalog.ErrVariantNotFound) {
		return s.refusal(ctx, ref, code, it.Dest, "Produk "+code+" tidak dikenal")
	}
	if err != nil {
		return "", err
	}
	p := core.PlaceParams{
		Reseller: s.r, VariantCode: v.Code, Reference: ref, Destination: it.Dest, Dialect: core.DialectText,
		RefField: "R#", CodeField: "KODE", DestField: "TUJUAN",
	}
	if it.Count > 1 {
		p.MultiSlot = it.Dest + "#" + strconv.Itoa(it.Count)
	}
	rec := map[string]string{"message": Mask(s.m.Text), "reference": ref}
	if s.m.Via != "" {
		rec["via"] = s.m.Via
	}
	after, _ := json.Marshal(rec)
	p.Text = &core.TextPlace{Identity: s.id.ID, Channel: s.m.Channel, Chat: s.m.chat(), MessageID: s.m.ID, Limits: lim,
		Audit: audit.Entry{Actor: s.m.Channel + ":" + s.m.Sender, Action: "text.order", After: string(after)}}
	placed, err := s.e.svc.PlaceOrder(ctx, p)
	if err != nil {
		if why := refusalReason(err, it); why != "" {
			return s.refusal(ctx, ref, v.Code, it.Dest, why)
		}
		return "", err
	}
	o := placed.Order
	if !placed.Created {
		// A resent reference is a status check.
		bal, err := s.e.svc.Balance(ctx, s.r.ID)
		if err != nil {
			return "", err
		}
		return FinalAnswer(o, bal), nil
	}
	bal, err := s.e.svc.BalanceAfter(ctx, placed)
	if err != nil {
		return "", err
	}
	if o.Status.Final() {
		return FinalAnswer(o, bal), nil
	}
	return acceptAnswer(o, bal), nil
}

// refusal answers a purchase that was not taken: nothing was charged.
func (s *session) refusal(ctx context.Context, ref, code, dest, why string) (string, error) {
	bal, err := s.e.svc.Balance(ctx, s.r.ID)
	if err != nil {
		return "", err
	}
	return RefusalAnswer(ref, code, dest, why, bal), nil
}

// refusalReason says in Indonesian why the core refused an order; "" for an error that is not a
// refusal (the store failed).
func refusalReason(err error, it Item) string {
	switch {
	case errors.Is(err, order.ErrInsufficientBalance):
		return "Saldo tidak cukup"
	case errors.Is(err, order.ErrMultiRefused):
		n := max(it.Count, 1) + 1
		return "Sudah ada transaksi " + strings.ToUpper(it.Code) + " ke " + it.Dest + " hari ini; untuk transaksi ke-" + strconv.Itoa(n) +
			" kirim " + strings.ToUpper(it.Code) + "." + strconv.Itoa(n) + "." + it.Dest + ".PIN"
	case errors.Is(err, order.ErrReferenceConflict):
		return "R#REF sudah dipakai untuk transaksi lain"
	case errors.Is(err, order.ErrReferenceArchived):
		return "R#REF sudah dipakai untuk transaksi yang sudah diarsipkan"
	case errors.Is(err, catalog.ErrInactive), errors.Is(err, catalog.ErrCutoff), errors.Is(err, catalog.ErrDisrupted):
		return "Produk sedang gangguan"
	case errors.Is(err, catalog.ErrWrongOperator):
		return "Nomor tidak sesuai operator"
	case errors.Is(err, catalog.ErrIDNotFound):
		return "ID tidak ditemukan"
	case errors.Is(err, catalog.ErrOutOfStock):
		return "Stok habis"
	case errors.Is(err, catalog.ErrNoPrice):
		return "Produk tidak tersedia untuk akun Anda"
	case errors.Is(err, order.ErrPriceAboveMax):
		return "Harga melebihi batas harga Anda"
	case errors.Is(err, ErrLimit):
		return "Batas transaksi harian lewat SMS/chat tercapai"
	case errors.Is(err, catalog.ErrVariantNotFound):
		return "Produk tidak dikenal"
	}
	if fe, ok := core.IsFieldError(err); ok {
		return "Data salah: " + fe.Error()
	}
	return ""
}

// variant finds a variant by a code typed in any case: as typed, then upper, then lower case.
func (e *Engine) variant(ctx context.Context, code string) (*catalog.VariantRow, error) {
	var err error
	for _, c := range []string{code, strings.ToUpper(code), strings.ToLower(code)} {
		var v *catalog.VariantRow
		if v, err = e.svc.Variant(ctx, c); err == nil {
			return v, nil
		}
		if !errors.Is(err, catalog.ErrVariantNotFound) {
			return nil, err
		}
	}
	return nil, err
}

// price lists the variants whose code begins with the prefix asked, at the reseller's price.
func (s *session) price(ctx context.Context) (string, error) {
	rows, err := s.e.svc.Variants(ctx, catalog.VariantFilter{})
	if err != nil {
		return "", err
	}
	pr, err := s.e.svc.PricerFor(ctx, s.r)
	if err != nil {
		return "", err
	}
	prefix := strings.ToUpper(s.c.Arg)
	type line struct {
		code string
		text string
	}
	var out []line
	for _, v := range rows {
		if v.Kind != catalog.Prepaid || !strings.HasPrefix(strings.ToUpper(v.Code), prefix) {
			continue
		}
		p, ok := pr.PriceFor(&v.Variant)
		if !ok {
			continue
		}
		state := ""
		if v.Sellable(v.ProductActive, s.now) != nil || v.Down {
			state = " (gangguan)"
		}
		out = append(out, line{v.Code, v.Code + " " + v.ProductName + " " + v.Name + ": " + num(p) + state})
	}
	if len(out) == 0 {
		return "Tidak ada produk berkode " + prefix + "…", nil
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	const most = 20
	var b strings.Builder
	b.WriteString("Harga " + prefix + ":")
	for i, l := range out {
		if i == most {
			b.WriteString("\n… dan " + strconv.Itoa(len(out)-most) + " lagi; perjelas kodenya")
			break
		}
		b.WriteString("\n" + l.text)
	}
	return b.String(), nil
}

// ticket opens a deposit ticket and says the exact amount to transfer and where.
func (s *session) ticket(ctx context.Context) (string, error) {
	acct := BankAccount{Bank: core.DefaultPaymentMethod}
	if s.e.opts.Banks != nil {
		banks, err := s.e.opts.Banks.BankAccounts(ctx)
		if err != nil {
			return "", fmt.Errorf("bank accounts: %w", err)
		}
		if len(banks) > 0 {
			acct = banks[0]
		}
	}
	t, err := s.e.svc.OpenTicket(ctx, core.DepositParams{Reseller: s.r, Amount: s.c.Amount, Bank: acct.Bank, OwnerName: s.r.Name})
	switch {
	case errors.Is(err, deposit.ErrAmount):
		return "Nominal deposit " + num(deposit.MinAmount) + " sampai " + num(deposit.MaxAmount) + ".", nil
	case errors.Is(err, deposit.ErrTooManyOpen):
		return "Terlalu banyak tiket deposit terbuka; transfer atau tunggu tiket lama kedaluwarsa.", nil
	case errors.Is(err, deposit.ErrNoFreeAmount):
		return "Nominal itu sedang ramai; coba nominal lain.", nil
	case err != nil:
		return "", err
	}
	to := acct.Bank
	if acct.AccountNo != "" {
		to += " " + acct.AccountNo
	}
	if acct.Holder != "" {
		to += " a.n. " + acct.Holder
	}
	return "Tiket " + t.Code + ": transfer tepat " + num(t.Amount) + " ke " + to + ", berita " + t.Notes +
		". Berlaku sampai " + stamp(t.ExpiresAt) + " WIB. Saldo bertambah setelah transfer diterima.", nil
}

// check lists the reseller's last orders to a destination.
func (s *session) check(ctx context.Context) (string, error) {
	orders, err := s.e.svc.ResellerOrders(ctx, order.ResellerFilter{ResellerID: s.r.ID, Search: s.c.Arg, Limit: 10})
	if err != nil {
		return "", err
	}
	var lines []string
	for _, o := range orders {
		if o.Destination != s.c.Arg {
			continue // the search also matches references and SNs
		}
		l := head(o.Reference, o.VariantCode, o.Destination) + " " + statusWord(o.Status) + " " + stamp(o.CreatedAt)
		if o.SN != "" && o.Status == order.Success {
			l += " SN: " + o.SN
		}
		lines = append(lines, l)
		if len(lines) == 5 {
			break
		}
	}
	if len(lines) == 0 {
		return "Tidak ada transaksi ke " + s.c.Arg + ".", nil
	}
	return strings.Join(lines, "\n"), nil
}

// report is today's (Jakarta) summary.
func (s *session) report(ctx context.Context) (string, error) {
	j := s.now.In(catalog.Jakarta)
	start := time.Date(j.Year(), j.Month(), j.Day(), 0, 0, 0, 0, catalog.Jakarta)
	d, err := s.e.svc.TextDayReport(ctx, s.r.ID, start)
	if err != nil {
		return "", err
	}
	bal, err := s.e.svc.Balance(ctx, s.r.ID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Laporan %s: %d transaksi, %d berhasil (%s), %d gagal, %d proses. Saldo: %s",
		start.Format("02/01/2006"), d.Orders, d.Success, num(d.Spend), d.Failed, d.Pending, num(bal)), nil
}
