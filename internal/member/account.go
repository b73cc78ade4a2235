package member

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	wire "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/callback"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/dialect/basstore"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/session"
)

// Errors the member area answers with (each a 4xx with its text).
var (
	ErrPasswordAgain  = errors.New("wrong password: enter your member-area password again to confirm")
	ErrAllowFull      = errors.New("the allowlist holds at most 10 entries; remove one first")
	ErrAllowRange     = errors.New("private, loopback, link-local and unspecified addresses cannot be added here; ask your distributor")
	ErrAllowWide      = errors.New("a range wider than /16 (IPv4) or /32 (IPv6) cannot be added here; ask your distributor")
	ErrCallbackURL    = errors.New("callback URL must be an absolute http or https URL to a public host, without a user name or password")
	ErrNoCallback     = errors.New("set a callback URL first")
	ErrBankUnknown    = errors.New("choose one of the distributor's banks")
	ErrPasswordReused = errors.New("the new password must differ from the old one")
)

// MaxAllowIPs is how many allowlist entries a reseller may hold through the member area.
const MaxAllowIPs = 10

// signIn checks a reseller's username, password and (when on) second factor, and opens a
// session, returning its id.
func (h *handler) signIn(ctx context.Context, username, password, code, ip string) (string, error) {
	username = strings.TrimSpace(username)
	try, err := h.login.Begin(username, ip)
	if err != nil {
		return "", err
	}
	r, err := h.svc.ResellerByUsername(ctx, username)
	if err != nil && !errors.Is(err, reseller.ErrNotFound) {
		return "", err
	}
	hash := ""
	if r != nil {
		hash, err = h.svc.ResellerLoginHash(ctx, r.ID)
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			return "", err
		}
	}
	if !h.login.CheckPassword(hash, password) {
		return "", session.ErrBadLogin
	}
	if err := h.svc.CheckSecondFactor(ctx, Subject(r.ID), code); err != nil {
		return "", err
	}
	try.Succeeded()
	sid := session.NewID()
	err = h.svc.OpenMemberSession(ctx, session.Hash(sid), r.ID, h.svc.Now().Add(h.opts.SessionTTL))
	if err != nil {
		return "", fmt.Errorf("member login %s: %w", username, err)
	}
	h.log.Info("member login", "reseller", r.Username, "ip", ip)
	return sid, nil
}

// confirm asks for the password again before a change of credentials. Wrong answers count
// against the same login limits as the login form, so a stolen session cannot guess at it.
func (h *handler) confirm(ctx context.Context, cl *caller, password, ip string) error {
	try, err := h.login.Begin(cl.r.Username, ip)
	if err != nil {
		return err
	}
	hash, err := h.svc.ResellerLoginHash(ctx, cl.r.ID)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return err
	}
	if !h.login.CheckPassword(hash, password) {
		return ErrPasswordAgain
	}
	try.Succeeded()
	return nil
}

// changePassword sets a password the reseller chose; its other sessions end.
func (h *handler) changePassword(ctx context.Context, cl *caller, old, next, ip string) error {
	if err := h.confirm(ctx, cl, old, ip); err != nil {
		return err
	}
	if len(next) < session.MinPasswordLen || len(next) > 128 {
		return session.ErrWeakPassword
	}
	if next == old {
		return ErrPasswordReused
	}
	hash, err := h.login.Hash(next)
	if err != nil {
		return err
	}
	return h.svc.SetResellerLogin(ctx, cl.r.ID, hash, session.Hash(cl.sid))
}

// refused are the ranges a reseller may not allow itself: traffic from them comes from inside
// the distributor's own network (or nowhere), which only the operator can vouch for.
var refused = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.168.0.0/16", "::/128", "::1/128", "::ffff:0:0/96", "fc00::/7", "fe80::/10"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// checkAllow applies the self-service rules to a CIDR a reseller adds.
func checkAllow(p netip.Prefix) error {
	for _, bad := range refused {
		if p.Overlaps(bad) {
			return ErrAllowRange
		}
	}
	if (p.Addr().Is4() && p.Bits() < 16) || (p.Addr().Is6() && p.Bits() < 32) {
		return ErrAllowWide
	}
	return nil
}

func (h *handler) allowIP(ctx context.Context, cl *caller, cidr string) ([]netip.Prefix, error) {
	p, err := reseller.ParsePrefix(cidr)
	if err != nil {
		return nil, &core.FieldError{Field: "cidr", Reason: "is not an IP address or CIDR"}
	}
	if err := checkAllow(p); err != nil {
		return nil, err
	}
	for _, have := range cl.r.AllowIPs {
		if have == p {
			return cl.r.AllowIPs, nil
		}
	}
	if len(cl.r.AllowIPs) >= MaxAllowIPs {
		return nil, ErrAllowFull
	}
	if err := h.svc.AllowIP(ctx, cl.r.Username, p); err != nil {
		return nil, err
	}
	return h.allowList(ctx, cl)
}

func (h *handler) denyIP(ctx context.Context, cl *caller, cidr string) ([]netip.Prefix, error) {
	p, err := reseller.ParsePrefix(cidr)
	if err != nil {
		return nil, &core.FieldError{Field: "cidr", Reason: "is not an IP address or CIDR"}
	}
	if err := h.svc.DenyIP(ctx, cl.r.Username, p); err != nil {
		return nil, err
	}
	return h.allowList(ctx, cl)
}

func (h *handler) allowList(ctx context.Context, cl *caller) ([]netip.Prefix, error) {
	r, err := h.svc.ResellerByID(ctx, cl.r.ID)
	if err != nil {
		return nil, err
	}
	return r.AllowIPs, nil
}

// checkCallbackURL applies the rules of orders' cb_url, and refuses at once a host that is an
// address callbacks would never be sent to (the worker checks the dialled address again).
func (h *handler) checkCallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(raw) > 512 {
		return ErrCallbackURL
	}
	if h.opts.AllowPrivateCallbacks {
		return nil
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return ErrCallbackURL
	}
	if ip, err := netip.ParseAddr(host); err == nil && !callback.PublicAddr(ip) {
		return ErrCallbackURL
	}
	return nil
}

func (h *handler) setCallback(ctx context.Context, cl *caller, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw != "" {
		if err := h.checkCallbackURL(raw); err != nil {
			return err
		}
	}
	return h.svc.SetCallback(ctx, cl.r.Username, raw)
}

// testCallback sends a signed sample callback (BASSTORE form, a Success order) to the reseller's
// URL and records what it answered.
func (h *handler) testCallback(ctx context.Context, cl *caller) (reseller.CallbackDelivery, error) {
	r, err := h.svc.ResellerByID(ctx, cl.r.ID)
	if err != nil {
		return reseller.CallbackDelivery{}, err
	}
	if r.CallbackURL == "" {
		return reseller.CallbackDelivery{}, ErrNoCallback
	}
	now := h.svc.Now()
	o := &order.Order{Invoice: "KIOS-TEST-" + strings.ToUpper(reseller.NewSecret(4)), Reference: "test-callback", VariantCode: "TEST",
		ProductName: "Test callback", Destination: "0800000000", Status: order.Success, SN: "TEST", Message: "test callback from the member area",
		CreatedAt: now, UpdatedAt: now}
	body, hd, err := basstore.CallbackPost(ctx, h.svc, o, r.APIKey, o.Invoice+"-test")
	if err != nil {
		return reseller.CallbackDelivery{}, err
	}
	hd.Set(wire.HeaderSignature, wire.CallbackSignature(body, r.APIKey))
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	status, head, err := callback.Post(tctx, h.cb, r.CallbackURL, body, hd)
	d := reseller.CallbackDelivery{ResellerID: r.ID, Invoice: o.Invoice, URL: r.CallbackURL, Status: status, Result: head, Test: true}
	if err != nil {
		d.Result = err.Error()
	}
	if err := h.svc.RecordCallbackDelivery(ctx, &d); err != nil {
		return d, err
	}
	return d, nil
}

// orderView is an order as the reseller sees it: nothing of suppliers or costs.
type orderView struct {
	Invoice     string    `json:"invoice"`
	Reference   string    `json:"reference"`
	Product     string    `json:"product"`
	Code        string    `json:"code"`
	Destination string    `json:"destination"`
	Price       int64     `json:"price"`
	Status      string    `json:"status"`
	SN          string    `json:"sn"`
	Message     string    `json:"message"`
	Testing     bool      `json:"testing"`
	Dialect     string    `json:"dialect"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func viewOrder(o *order.Order) orderView {
	return orderView{Invoice: o.Invoice, Reference: o.Reference, Product: o.ProductName, Code: o.VariantCode, Destination: o.Destination,
		Price: o.Price, Status: string(o.Status), SN: o.SN, Message: o.Message, Testing: o.Testing, Dialect: o.Dialect,
		CreatedAt: o.CreatedAt.In(catalog.Jakarta), UpdatedAt: o.UpdatedAt.In(catalog.Jakarta)}
}

// orderQuery is the filter of the order list, from the query string. Dates are Jakarta days.
func orderQuery(q url.Values, resellerID int64) (order.ResellerFilter, error) {
	f := order.ResellerFilter{ResellerID: resellerID, Search: strings.TrimSpace(q.Get("q")), Status: order.Status(q.Get("status"))}
	switch f.Status {
	case "", order.Pending, order.Success, order.Failed:
	default:
		return f, &core.FieldError{Field: "status", Reason: "must be Pending, Success or Failed"}
	}
	var err error
	if f.From, err = day(q.Get("from"), "from", 0); err != nil {
		return f, err
	}
	if f.To, err = day(q.Get("to"), "to", 1); err != nil {
		return f, err
	}
	if s := q.Get("limit"); s != "" {
		if f.Limit, err = strconv.Atoi(s); err != nil || f.Limit < 1 || f.Limit > 500 {
			return f, &core.FieldError{Field: "limit", Reason: "must be 1 to 500"}
		}
	}
	if s := q.Get("before"); s != "" {
		if f.Before, err = strconv.ParseInt(s, 10, 64); err != nil || f.Before < 1 {
			return f, &core.FieldError{Field: "before", Reason: "must be an order id"}
		}
	}
	return f, nil
}

// day parses a YYYY-MM-DD Jakarta day, plus add days (1 turns an inclusive "to" into an end).
func day(s, field string, add int) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, catalog.Jakarta)
	if err != nil {
		return time.Time{}, &core.FieldError{Field: field, Reason: "must be a date, YYYY-MM-DD"}
	}
	return t.AddDate(0, 0, add), nil
}

// step is one event of an order's timeline.
type step struct {
	At     time.Time `json:"at"`
	What   string    `json:"what"`
	Amount int64     `json:"amount,omitempty"`
}

// timeline is an order's life as the reseller may see it: accepted, its money moves, its end,
// and the callbacks sent about it.
func (h *handler) timeline(ctx context.Context, cl *caller, o *order.Order) ([]step, error) {
	out := []step{{At: o.CreatedAt, What: "accepted"}}
	ps, err := h.svc.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":")
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		kind := p.Txn[strings.LastIndexByte(p.Txn, ':')+1:]
		if kind == "cost" {
			continue // what the distributor paid upstream is not the reseller's business
		}
		out = append(out, step{At: time.UnixMicro(p.CreatedAt), What: kind, Amount: p.Amount})
	}
	if o.Status.Final() {
		out = append(out, step{At: o.UpdatedAt, What: strings.ToLower(string(o.Status))})
	}
	ds, err := h.svc.CallbackDeliveries(ctx, cl.r.ID, 50)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.Invoice == o.Invoice {
			out = append(out, step{At: d.At, What: "callback " + strconv.Itoa(d.Status)})
		}
	}
	for i := range out {
		out[i].At = out[i].At.In(catalog.Jakarta)
	}
	return out, nil
}

// mutation is one line of the statement: a posting on the reseller's accounts.
type mutation struct {
	At          time.Time `json:"at"`
	Description string    `json:"description"`
	Ref         string    `json:"ref"` // the invoice or deposit ticket/reference it belongs to
	Kind        string    `json:"kind"`
	Available   int64     `json:"available"` // change of the available balance (negative: out)
	Held        int64     `json:"held"`      // change of the held balance
	Balance     int64     `json:"balance"`   // available balance after it
	HeldAfter   int64     `json:"held_after"`
}

// maxMutations bounds one statement.
const maxMutations = 5000

// mutations is the statement of [from, to): every posting on the reseller's accounts with the
// running balance after it, newest first. The running balance is walked back from the current
// balance, so it is exact whatever the range.
func (h *handler) mutations(ctx context.Context, cl *caller, from, to time.Time) ([]mutation, error) {
	if from.IsZero() {
		from = time.Now().In(catalog.Jakarta).AddDate(0, 0, -30)
	}
	ps, err := h.svc.ResellerPostings(ctx, cl.r.ID, from, maxMutations)
	if err != nil {
		return nil, err
	}
	av, err := h.svc.AccountBalance(ctx, ledger.AvailableCode(cl.r.ID))
	if err != nil {
		return nil, err
	}
	held, err := h.svc.AccountBalance(ctx, ledger.HeldCode(cl.r.ID))
	if err != nil {
		return nil, err
	}
	avCode, heldCode := ledger.AvailableCode(cl.r.ID), ledger.HeldCode(cl.r.ID)
	out := make([]mutation, 0, len(ps))
	for _, p := range ps {
		m := mutation{At: time.UnixMicro(p.CreatedAt).In(catalog.Jakarta), Description: p.Memo, Balance: av, HeldAfter: held}
		m.Ref, m.Kind = txnRef(p.Txn)
		if p.SourceCode == avCode {
			m.Available -= p.Amount
		}
		if p.DestCode == avCode {
			m.Available += p.Amount
		}
		if p.SourceCode == heldCode {
			m.Held -= p.Amount
		}
		if p.DestCode == heldCode {
			m.Held += p.Amount
		}
		av -= m.Available
		held -= m.Held
		if to.IsZero() || m.At.Before(to) {
			out = append(out, m)
		}
	}
	return out, nil
}

// archivedSince returns the cut of the newest archive when a statement starting at from (zero:
// the default 30 days) reaches before it: its postings before the cut were archived (kios
// archive) and are not listed. Zero otherwise.
func (h *handler) archivedSince(ctx context.Context, from time.Time) (time.Time, error) {
	if from.IsZero() {
		from = time.Now().In(catalog.Jakarta).AddDate(0, 0, -30)
	}
	cut, err := h.svc.ArchiveCut(ctx)
	if err != nil || cut.IsZero() || !from.Before(cut) {
		return time.Time{}, err
	}
	return cut, nil
}

// txnRef splits a posting's txn into what it belongs to and its kind: "order:INV:hold" → INV,
// hold; "ticket:DEP-…" → DEP-…, ticket; "deposit:…" → the txn, deposit.
func txnRef(txn string) (string, string) {
	parts := strings.Split(txn, ":")
	switch {
	case len(parts) == 3 && parts[0] == "order":
		return parts[1], parts[2]
	case len(parts) >= 2:
		return strings.Join(parts[1:], ":"), parts[0]
	}
	return txn, txn
}

// ticketView is a deposit ticket with where to pay it.
type ticketView struct {
	Code          string          `json:"code"`
	Requested     int64           `json:"requested"`
	Amount        int64           `json:"amount"`
	Bank          string          `json:"bank"`
	AccountNo     string          `json:"account_no"`
	Holder        string          `json:"holder,omitempty"`
	PaymentMethod string          `json:"payment_method"`
	Notes         string          `json:"notes"`
	Status        string          `json:"status"`
	CreatedAt     time.Time       `json:"created_at"`
	ExpiresAt     time.Time       `json:"expires_at"`
	Pay           []PaymentMethod `json:"pay,omitempty"`
	// Payment is how to pay a ticket opened with a method, through a payment gateway.
	Payment *core.PayView `json:"payment,omitempty"`
}

func (h *handler) viewTicket(ctx context.Context, t *deposit.Ticket, banks []BankAccount) ticketView {
	acct, _ := bankNamed(banks, t.Bank)
	v := ticketView{Code: t.Code, Requested: t.Requested, Amount: t.Amount, Bank: t.Bank, AccountNo: acct.AccountNo, Holder: acct.Holder,
		PaymentMethod: acct.PaymentMethod, Notes: t.Notes, Status: string(t.Status), CreatedAt: t.CreatedAt.In(catalog.Jakarta),
		ExpiresAt: t.ExpiresAt.In(catalog.Jakarta)}
	if h.opts.Payments != nil && t.Status == deposit.Open {
		v.Pay = h.opts.Payments.Methods(ctx, t)
	}
	if t.Status == deposit.Open {
		if p, err := h.svc.TicketPayment(ctx, t); err == nil {
			pv := core.ViewPay(&core.PayResult{Ticket: t, Payment: p})
			v.Payment = &pv
			v.PaymentMethod, v.AccountNo = p.Method, p.PayCode
		} else if !errors.Is(err, payment.ErrPaymentNotFound) {
			h.log.Error("member deposit payment", "ticket", t.Code, "err", err)
		}
	}
	return v
}

// banks are the distributor's accounts now, never nil.
func (h *handler) banks(ctx context.Context) ([]BankAccount, error) {
	if h.opts.Banks == nil {
		return []BankAccount{}, nil
	}
	bs, err := h.opts.Banks.BankAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("bank accounts: %w", err)
	}
	if bs == nil {
		bs = []BankAccount{}
	}
	return bs, nil
}

// bankNamed finds the distributor's account at a bank, as the Digiflazz dialect's deposit does.
func bankNamed(banks []BankAccount, name string) (BankAccount, bool) {
	name = strings.TrimSpace(name)
	if len(banks) == 0 {
		return BankAccount{Bank: strings.ToUpper(name), PaymentMethod: "Transfer Bank"}, name != ""
	}
	for _, a := range banks {
		if strings.EqualFold(a.Bank, name) {
			if a.PaymentMethod == "" {
				a.PaymentMethod = "Transfer Bank"
			}
			return a, true
		}
	}
	return BankAccount{}, false
}

// openDeposit opens a ticket at one of the distributor's banks, or, with a method (e.g. QRIS),
// paid through the first enabled payment gateway offering it, and returns it as shown.
func (h *handler) openDeposit(ctx context.Context, cl *caller, amount int64, bank, method string) (ticketView, error) {
	banks, err := h.banks(ctx)
	if err != nil {
		return ticketView{}, err
	}
	if method = strings.TrimSpace(method); method != "" {
		res, err := h.svc.DepositPay(ctx, core.PayParams{Reseller: cl.r, Amount: amount, Method: method})
		if err != nil {
			return ticketView{}, err
		}
		return h.viewTicket(ctx, res.Ticket, banks), nil
	}
	acct, ok := bankNamed(banks, bank)
	if !ok {
		return ticketView{}, ErrBankUnknown
	}
	t, err := h.svc.OpenTicket(ctx, core.DepositParams{Reseller: cl.r, Amount: amount, Bank: acct.Bank, OwnerName: cl.r.Name})
	if err != nil {
		return ticketView{}, err
	}
	return h.viewTicket(ctx, t, banks), nil
}

// tickets are the reseller's latest deposit tickets as shown, and the banks it may pay to.
func (h *handler) tickets(ctx context.Context, cl *caller, limit int) ([]ticketView, []BankAccount, error) {
	banks, err := h.banks(ctx)
	if err != nil {
		return nil, nil, err
	}
	ts, err := h.svc.Tickets(ctx, deposit.Filter{ResellerID: cl.r.ID, Limit: limit})
	if err != nil {
		return nil, nil, err
	}
	out := make([]ticketView, len(ts))
	for i := range ts {
		out[i] = h.viewTicket(ctx, &ts[i], banks)
	}
	return out, banks, nil
}

// price is one line of the caller's price list.
type price struct {
	Product string `json:"product"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Price   int64  `json:"price"`
	Admin   int64  `json:"admin,omitempty"`
	Active  bool   `json:"active"`
	InStock bool   `json:"in_stock"`
}

// priceList is the caller's own prices (a downline's: its upline's plus markups), optionally
// filtered by a word of the product, code or name.
func (h *handler) priceList(ctx context.Context, cl *caller, q string) ([]price, error) {
	vs, err := h.svc.Variants(ctx, catalog.VariantFilter{})
	if err != nil {
		return nil, err
	}
	pr, err := h.svc.PricerFor(ctx, cl.r)
	if err != nil {
		return nil, err
	}
	q = strings.ToLower(strings.TrimSpace(q))
	out := []price{}
	for _, v := range vs {
		p, ok := pr.PriceFor(&v.Variant)
		if !ok {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(v.ProductName+" "+v.Code+" "+v.Name), q) {
			continue
		}
		out = append(out, price{Product: v.ProductName, Code: v.Code, Name: v.Name, Kind: string(v.Kind), Price: p, Admin: v.Admin,
			Active: v.Active && v.ProductActive && !v.Down, InStock: v.UnlimitedStock || v.Stock > 0})
	}
	return out, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
