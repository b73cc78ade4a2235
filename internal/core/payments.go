package core

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// Errors of payments.
var (
	ErrGatewayDisabled = errors.New("gateway is disabled")
	ErrNoPublicURL     = errors.New("this gateway needs the server's public URL (serve --public-url, or KIOS_PUBLIC_URL)")
)

// MutationWindow is how far back a bank mutation looks for the ticket it pays: a transfer made
// for a ticket that expired a day or two ago still finds it (credited and flagged late).
const MutationWindow = 3 * deposit.Lifetime

// PayParams asks for a deposit paid through a gateway.
type PayParams struct {
	Reseller *reseller.Reseller
	Amount   int64
	Gateway  string
	Method   string
	// PublicURL is where providers reach this server: callbacks go to
	// {PublicURL}/callback/payment/{gateway}, the sandbox's pay page is under it. "" means the
	// service's (Config.PublicURL).
	PublicURL string
}

// PayResult is a deposit ticket and the payment opened for it (nil for a mutation feed's
// gateway: the ticket's unique amount is transferred to the watched bank account).
type PayResult struct {
	Ticket  *deposit.Ticket
	Payment *payment.Payment
}

// gatewayAdapter builds the adapter of a registered gateway.
func (s *Service) gatewayAdapter(g *store.Gateway, publicURL string) (payment.Gateway, error) {
	c := payment.Config{Name: g.Name, Kind: g.Kind, BaseURL: g.BaseURL, MerchantCode: g.MerchantCode, APIKey: g.APIKey,
		PrivateKey: g.PrivateKey, ServerKey: g.ServerKey, CallbackToken: g.CallbackToken, Secret: g.Secret, Methods: g.Methods,
		HTTPClient: s.payClient, Now: s.now}
	if g.Kind == payment.Sandbox && c.BaseURL == "" {
		c.BaseURL = publicURL
	}
	return payment.New(c)
}

// DepositPay opens a deposit ticket and a payment for it at a gateway, and returns the payer's
// instructions. Money moves only when the gateway's paid callback arrives (PaymentCallback).
//
// The ticket is committed before the gateway is asked, so a callback can always find it by its
// code even if this process dies before the payment row is written. A gateway that refuses
// rejects the ticket; one that answers unclearly leaves it open (a payment made anyway is
// credited when its callback names the ticket).
//
// Without a gateway, the first enabled gateway (by name) that offers the method is used: the
// member area and the dialects' deposit endpoints name only a method.
func (s *Service) DepositPay(ctx context.Context, p PayParams) (*PayResult, error) {
	var g *store.Gateway
	var err error
	if strings.TrimSpace(p.Gateway) == "" {
		g, err = s.gatewayForMethod(ctx, strings.TrimSpace(p.Method))
	} else {
		g, err = s.db.GatewayByName(ctx, strings.TrimSpace(p.Gateway))
	}
	if err != nil {
		return nil, err
	}
	if !g.Enabled {
		return nil, fmt.Errorf("gateway %s: %w", g.Name, ErrGatewayDisabled)
	}
	publicURL := strings.TrimRight(nonEmpty(p.PublicURL, s.publicURL), "/")
	if publicURL == "" && (g.Kind == payment.Sandbox && g.BaseURL == "" || g.Kind == payment.Duitku) {
		return nil, ErrNoPublicURL
	}
	method := strings.TrimSpace(p.Method)
	if err := plainText("method", method); err != nil {
		return nil, err
	}
	if len(method) > 32 {
		return nil, &FieldError{"method", "is longer than 32 characters"}
	}
	if method != "" && len(g.Methods) > 0 && !containsFold(g.Methods, method) {
		return nil, &FieldError{"method", fmt.Sprintf("is not offered by gateway %s (%s)", g.Name, strings.Join(g.Methods, ", "))}
	}
	if method == "" && len(g.Methods) > 0 {
		method = g.Methods[0]
	}
	adapter, err := s.gatewayAdapter(g, publicURL)
	if err != nil {
		return nil, err
	}
	t, err := s.OpenTicket(ctx, DepositParams{Reseller: p.Reseller, Amount: p.Amount, Bank: g.Name, OwnerName: method})
	if err != nil {
		return nil, err
	}
	if g.Kind == payment.Moota {
		return &PayResult{Ticket: t}, nil
	}
	charge := payment.Charge{OrderID: t.Code, Amount: t.Amount, Method: method, CustomerName: p.Reseller.Name,
		CustomerEmail: p.Reseller.Email, CustomerPhone: p.Reseller.Phone, ExpiresAt: t.ExpiresAt}
	if publicURL != "" {
		charge.CallbackURL = publicURL + "/callback/payment/" + url.PathEscape(g.Name)
		charge.ReturnURL = publicURL + "/member/deposit"
	}
	ins, err := adapter.Create(ctx, charge)
	if err != nil {
		if !errors.Is(err, payment.ErrUpstream) {
			if _, rerr := s.RejectTicket(context.WithoutCancel(ctx), t.Code, "gateway "+g.Name+": refused"); rerr != nil {
				s.log.Error("reject ticket after a gateway refusal", "ticket", t.Code, "err", rerr)
			}
		}
		return nil, fmt.Errorf("deposit ticket %s at gateway %s: %w", t.Code, g.Name, err)
	}
	pay := &store.Payment{GatewayID: g.ID, Gateway: g.Name, Reference: ins.Reference, TicketID: t.ID, Ticket: t.Code,
		ResellerID: t.ResellerID, Username: t.Username, Method: nonEmpty(ins.Method, method), Amount: ins.Amount, PayCode: ins.PayCode,
		QRString: ins.QRString, CheckoutURL: ins.CheckoutURL, Status: store.PaymentPending, ExpiresAt: ins.ExpiresAt}
	if pay.ExpiresAt.IsZero() {
		pay.ExpiresAt = t.ExpiresAt
	}
	// Lock domain: the reseller's key, as every movement of its money.
	err = s.db.BatchKey(context.WithoutCancel(ctx), t.ResellerID, func(tx *store.Tx) error {
		pay.ID = 0
		_, err := tx.PaymentInsert(ctx, pay)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record payment %s of ticket %s: %w", ins.Reference, t.Code, err)
	}
	if pay.ID == 0 {
		// Its callback came first and recorded it.
		if cur, err := s.db.PaymentByReference(ctx, g.ID, ins.Reference); err == nil {
			pay = cur
		}
	}
	s.log.Info("deposit payment opened", "ticket", t.Code, "gateway", g.Name, "reference", ins.Reference, "amount", pay.Amount,
		"reseller", t.Username)
	return &PayResult{Ticket: t, Payment: pay}, nil
}

// gatewayForMethod is the first enabled gateway (by name) offering method, not a mutation feed's
// (those are paid by plain transfer). A gateway that lists no methods takes any.
func (s *Service) gatewayForMethod(ctx context.Context, method string) (*store.Gateway, error) {
	if method == "" {
		return nil, &FieldError{"method", "is required"}
	}
	gws, err := s.db.Gateways(ctx)
	if err != nil {
		return nil, err
	}
	for i := range gws {
		g := &gws[i]
		if g.Enabled && g.Kind != payment.Moota && (len(g.Methods) == 0 || containsFold(g.Methods, method)) {
			return g, nil
		}
	}
	return nil, &FieldError{"method", fmt.Sprintf("%q is not offered by any enabled payment gateway", clip(method, 32))}
}

// PaymentMethods lists the methods the enabled gateways offer (mutation feeds aside), each once,
// in the gateways' order: what the member area and the dialects may name in a deposit's method.
func (s *Service) PaymentMethods(ctx context.Context) ([]string, error) {
	gws, err := s.db.Gateways(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range gws {
		if !g.Enabled || g.Kind == payment.Moota {
			continue
		}
		for _, m := range g.Methods {
			if !containsFold(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CallbackIn is one callback as received at /callback/payment/{gateway}.
type CallbackIn struct {
	Gateway    string
	Header     http.Header
	Body       []byte
	RemoteAddr string
}

// CallbackOut is what to answer a callback that was taken (whatever it did): the provider's
// expected acknowledgement, so that it stops sending it.
type CallbackOut struct {
	ContentType string
	Body        string
	Results     []string // what each payment in it did, for logs and tests
}

// PaymentCallback verifies a gateway's callback on its raw body, records it (raw, with the
// verification result), and applies each payment it reports: a paid one credits its ticket
// exactly once, keyed on the provider's reference, in the same transaction as the posting. A
// replayed, duplicated or concurrent callback moves nothing and is still acknowledged.
//
// Errors: store.ErrGatewayNotFound, payment.ErrSignature (nothing in the body was read),
// payment.ErrMalformed, payment.ErrUpstream (a provider's status API did not answer: the
// provider should send it again).
func (s *Service) PaymentCallback(ctx context.Context, in CallbackIn) (*CallbackOut, error) {
	rec := &store.PaymentCallback{Gateway: in.Gateway, RemoteAddr: in.RemoteAddr, ContentType: in.Header.Get("Content-Type"),
		Headers: recordHeaders(in.Header), Body: recordBody(in.Body)}
	g, err := s.db.GatewayByName(ctx, in.Gateway)
	if err != nil {
		if errors.Is(err, store.ErrGatewayNotFound) {
			rec.Gateway, rec.Result = clip(in.Gateway, 64), "no such gateway"
			rec.Body = clip(rec.Body, 4096)
			s.recordCallback(ctx, rec)
		}
		return nil, err
	}
	rec.GatewayID = g.ID
	if !g.Enabled {
		// A disabled gateway's callbacks still count: the money was paid while it was enabled.
		s.log.Warn("payment callback for a disabled gateway", "gateway", g.Name)
	}
	adapter, err := s.gatewayAdapter(g, "")
	if err != nil {
		rec.Result = "gateway misconfigured: " + err.Error()
		s.recordCallback(ctx, rec)
		return nil, err
	}
	notices, err := adapter.Callback(ctx, in.Header, in.Body)
	if err != nil {
		rec.Verified = !errors.Is(err, payment.ErrSignature)
		rec.Result = clip(err.Error(), 500)
		if !rec.Verified {
			rec.Body = clip(rec.Body, 4096)
		}
		s.recordCallback(ctx, rec)
		s.log.Warn("payment callback refused", "gateway", g.Name, "remote", in.RemoteAddr, "err", err)
		return nil, err
	}
	rec.Verified = true
	out := &CallbackOut{}
	out.ContentType, out.Body = adapter.Ack()
	var refs []string
	for _, n := range notices {
		var res string
		if n.Mutation {
			res, err = s.applyMutation(ctx, g, n)
		} else {
			res, err = s.applyNotice(ctx, g, n)
		}
		if err != nil {
			rec.Result = clip(strings.Join(append(out.Results, n.Reference+": "+err.Error()), "; "), 1000)
			s.recordCallback(ctx, rec)
			return nil, err
		}
		refs = append(refs, n.Reference)
		out.Results = append(out.Results, n.Reference+": "+res)
	}
	if len(notices) == 0 {
		out.Results = append(out.Results, "nothing to apply")
	}
	rec.Reference = clip(strings.Join(refs, ","), 200)
	rec.Result = clip(strings.Join(out.Results, "; "), 1000)
	s.recordCallback(ctx, rec)
	return out, nil
}

// recordCallback stores a received callback. A failure to store it is logged, not answered:
// the money path does not depend on it.
func (s *Service) recordCallback(ctx context.Context, rec *store.PaymentCallback) {
	err := s.db.Batch(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		rec.ID = 0
		return tx.PaymentCallbackInsert(ctx, rec)
	})
	if err != nil {
		s.log.Error("record payment callback", "gateway", rec.Gateway, "err", err)
	}
}

// recordHeaders keeps the headers worth seeing again, with secrets (Xendit's token) redacted.
func recordHeaders(h http.Header) string {
	var keys []string
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := strings.Join(h[k], ", ")
		switch strings.ToLower(k) {
		case "x-callback-token", "authorization", "cookie":
			v = "[redacted]"
		}
		fmt.Fprintf(&b, "%s: %s\n", k, clip(v, 300))
	}
	return clip(strings.ToValidUTF8(strings.ReplaceAll(b.String(), "\x00", "\\0"), "?"), 4096)
}

// recordBody keeps a body as it came when it is text a database can hold, base64 otherwise.
func recordBody(b []byte) string {
	if utf8.Valid(b) && !strings.ContainsRune(string(b), 0) {
		return string(b)
	}
	return "base64:" + base64.StdEncoding.EncodeToString(b)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// errReplay rolls a credit's transaction back when its payment was settled meanwhile.
var errReplay = errors.New("payment already settled")

// applyNotice applies what a gateway's callback says about one payment.
func (s *Service) applyNotice(ctx context.Context, g *store.Gateway, n payment.Notice) (string, error) {
	// A storefront invoice's payment (shop_money.go); a deposit's goes on below, unchanged.
	if res, ok, err := s.shopNotice(ctx, g, n); ok || err != nil {
		return res, err
	}
	pay, err := s.db.PaymentByReference(ctx, g.ID, n.Reference)
	insert := false
	switch {
	case errors.Is(err, store.ErrPaymentNotFound):
		// Not recorded yet (the process died between asking the gateway and recording its
		// answer, or the answer is still in flight): the ticket it names is found by its code.
		t, terr := s.ticketOfGateway(ctx, g, n.OrderID)
		if terr != nil {
			return s.unmatched(ctx, g, n, "names no ticket of this gateway")
		}
		// What the payer had to pay is unknown (the gateway's answer was lost); the ticket's
		// amount is what it was asked for.
		pay = &store.Payment{GatewayID: g.ID, Reference: n.Reference, TicketID: t.ID, ResellerID: t.ResellerID, Method: n.Method,
			Amount: t.Amount, Status: store.PaymentPending, ExpiresAt: t.ExpiresAt}
		insert = true
	case err != nil:
		return "", err
	}
	if pay.TicketID == 0 {
		return "recorded already, for the operator", nil
	}
	t, err := s.db.TicketByID(ctx, pay.TicketID)
	if err != nil {
		return "", err
	}
	if n.OrderID != "" && n.OrderID != t.Code {
		return s.unmatched(ctx, g, n, fmt.Sprintf("names ticket %s but reference %s is ticket %s's", n.OrderID, n.Reference, t.Code))
	}
	switch n.Status {
	case payment.Paid:
		return s.creditPayment(ctx, g, pay, t, n, insert)
	case payment.Expired, payment.Failed:
		status := store.PaymentExpired
		if n.Status == payment.Failed {
			status = store.PaymentFailed
		}
		var ok bool
		err := s.db.BatchKey(context.WithoutCancel(ctx), t.ResellerID, func(tx *store.Tx) error {
			ok = false
			if insert {
				if _, err := tx.PaymentInsert(ctx, pay); err != nil {
					return err
				}
				if cur, err := tx.PaymentByReference(ctx, g.ID, n.Reference); err == nil {
					pay.ID = cur.ID
				}
			}
			var err error
			ok, err = tx.PaymentSettle(ctx, pay.ID, []string{store.PaymentPending}, store.Payment{Status: status, Detail: clip(n.Detail, 200)})
			return err
		})
		if err != nil {
			return "", err
		}
		if !ok {
			return "nothing to change (" + string(n.Status) + ")", nil
		}
		return string(n.Status) + ": nothing credited", nil
	case payment.Refunded:
		if pay.Status == store.PaymentPaid {
			s.log.Warn("a credited deposit payment was refunded by its gateway", "gateway", g.Name, "reference", n.Reference, "ticket", t.Code)
			return "refunded after crediting: for the operator", nil
		}
		return "refunded: nothing credited", nil
	}
	return "pending: nothing to do", nil
}

// ticketOfGateway finds the ticket a callback names by its code, if it was opened for g.
func (s *Service) ticketOfGateway(ctx context.Context, g *store.Gateway, code string) (*deposit.Ticket, error) {
	if code == "" {
		return nil, deposit.ErrNotFound
	}
	t, err := s.db.TicketByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if t.Bank != g.Name {
		return nil, deposit.ErrNotFound
	}
	return t, nil
}

// unmatched records a payment no ticket can take, for the operator; it moves no money.
func (s *Service) unmatched(ctx context.Context, g *store.Gateway, n payment.Notice, why string) (string, error) {
	if n.Status != payment.Paid {
		return string(n.Status) + ": " + why + "; nothing to do", nil
	}
	flag := "unmatched"
	if strings.HasPrefix(why, "matches ") {
		flag = "ambiguous"
	}
	p := &store.Payment{GatewayID: g.ID, Reference: n.Reference, Method: n.Method, Amount: n.Amount, PaidAmount: n.Amount, Fee: n.Fee,
		Status: store.PaymentUnmatched, Flag: flag, Detail: clip(why+"; "+n.Detail, 200), PaidAt: s.now()}
	var fresh bool
	err := s.db.Batch(context.WithoutCancel(ctx), func(tx *store.Tx) error {
		p.ID = 0
		var err error
		fresh, err = tx.PaymentInsert(ctx, p)
		return err
	})
	if err != nil {
		return "", err
	}
	if !fresh {
		return "recorded already, for the operator", nil
	}
	s.log.Warn("deposit payment left for the operator", "gateway", g.Name, "reference", n.Reference, "amount", n.Amount, "why", why)
	return why + ": left for the operator", nil
}

// creditPayment settles a paid payment and credits its ticket, once. Lock domain: the ticket's
// reseller. The payment's status guard (pending/expired/failed → paid or held) is in the same
// transaction as the ticket's (open/expired → approved) and the postings; a replay finds the
// payment settled and rolls everything back.
func (s *Service) creditPayment(ctx context.Context, g *store.Gateway, pay *store.Payment, t *deposit.Ticket, n payment.Notice, insert bool) (string, error) {
	var result string
	var credited int64
	err := s.inReseller(context.WithoutCancel(ctx), t.ResellerID, func(tx *store.Tx) error {
		var err error
		result, credited, err = s.creditPaymentTx(ctx, tx, g, pay, t, n, insert)
		return err
	})
	if errors.Is(err, errReplay) {
		return "already settled: nothing moved", nil
	}
	if err != nil {
		return "", fmt.Errorf("credit payment %s: %w", n.Reference, err)
	}
	if credited > 0 {
		s.log.Info("deposit paid through gateway", "gateway", g.Name, "reference", n.Reference, "ticket", t.Code, "reseller", t.Username,
			"amount", credited)
	} else {
		s.log.Warn("deposit payment held for the operator", "gateway", g.Name, "reference", n.Reference, "ticket", t.Code, "why", result)
	}
	return result, nil
}

// creditPaymentTx is creditPayment's transaction: the payment recorded (when insert), the
// ticket settled and credited (creditTicket), the payment settled with the fee posted. It
// returns what was done, in words, and the rupiah credited (0: held for the operator).
func (s *Service) creditPaymentTx(ctx context.Context, tx *store.Tx, g *store.Gateway, pay *store.Payment, t *deposit.Ticket, n payment.Notice,
	insert bool) (string, int64, error) {
	if insert {
		pay.ID = 0
		if _, err := tx.PaymentInsert(ctx, pay); err != nil {
			return "", 0, err
		}
		cur, err := tx.PaymentByReference(ctx, g.ID, n.Reference)
		if err != nil {
			return "", 0, err
		}
		pay.ID = cur.ID
	}
	now := s.now()
	upd := store.Payment{PaidAmount: n.Amount, Fee: n.Fee, PaidAt: now, Detail: clip(n.Detail, 200)}
	late := !pay.ExpiresAt.IsZero() && now.After(pay.ExpiresAt)
	if n.Amount != pay.Amount {
		upd.Status, upd.Flag = store.PaymentHeld, "amount"
		if err := settlePaymentOnce(ctx, tx, pay.ID, upd); err != nil {
			return "", 0, err
		}
		return fmt.Sprintf("paid %d but ticket %s asks %d: held for the operator", n.Amount, t.Code, pay.Amount), 0, nil
	}
	ra, result, credited, err := s.creditTicket(ctx, tx, g, pay, t, n, late, &upd)
	if err != nil {
		return "", 0, err
	}
	// On a replay this rolls the ticket's settlement and the credit back with it.
	if err := settlePaymentOnce(ctx, tx, pay.ID, upd); err != nil {
		return "", 0, err
	}
	if credited > 0 && n.Fee > 0 {
		return result, credited, s.postFee(ctx, tx, g, pay.ID, ra.available, n.Fee)
	}
	return result, credited, nil
}

// creditTicket settles ticket t as paid by the payment of the right amount, and credits the
// reseller what the ticket's state allows, filling in the payment's settlement upd. It returns
// the reseller's accounts, what was done in words, and the rupiah credited.
func (s *Service) creditTicket(ctx context.Context, tx *store.Tx, g *store.Gateway, pay *store.Payment, t *deposit.Ticket, n payment.Notice,
	late bool, upd *store.Payment) (resellerAccounts, string, int64, error) {
	cur, err := tx.TicketByID(ctx, t.ID)
	if err != nil {
		return resellerAccounts{}, "", 0, err
	}
	ra, err := s.resellerAccounts(ctx, tx, t.ResellerID)
	if err != nil {
		return resellerAccounts{}, "", 0, err
	}
	by := "payment:" + g.Name + ":" + n.Reference
	ok, err := tx.TicketSettle(ctx, t.ID, []deposit.Status{deposit.Open, deposit.Expired}, deposit.Approved, clip(by, 200))
	if err != nil {
		return resellerAccounts{}, "", 0, err
	}
	switch {
	case ok:
		upd.Status, upd.CreditTxn = store.PaymentPaid, "ticket:"+t.Code
		if cur.Status == deposit.Expired || late {
			upd.Flag = "late"
		}
		if err := tx.Transfer(ctx, upd.CreditTxn, s.sys.deposits, ra.available, t.Amount, "deposit "+t.Code+" via "+g.Name); err != nil {
			return resellerAccounts{}, "", 0, err
		}
		return ra, fmt.Sprintf("credited %d to %s (ticket %s)", t.Amount, t.Username, t.Code), t.Amount, nil
	case cur.Status == deposit.Rejected:
		// The money arrived: it is credited, and flagged for the operator who rejected it.
		upd.Status, upd.Flag, upd.CreditTxn = store.PaymentPaid, "rejected", fmt.Sprintf("payment:%d", pay.ID)
		if err := tx.Transfer(ctx, upd.CreditTxn, s.sys.deposits, ra.available, n.Amount, "deposit "+t.Code+" (rejected ticket) via "+g.Name); err != nil {
			return resellerAccounts{}, "", 0, err
		}
		return ra, fmt.Sprintf("credited %d to %s although ticket %s was rejected: flagged", n.Amount, t.Username, t.Code), n.Amount, nil
	default:
		// Approved otherwise (by an operator, or another payment): crediting again could pay
		// the same money twice, so the operator decides.
		upd.Status, upd.Flag = store.PaymentHeld, "settled"
		return ra, fmt.Sprintf("ticket %s was already %s: held for the operator", t.Code, cur.Status), 0, nil
	}
}

// settlePaymentOnce moves a payment not yet settled (pending, expired or failed) to upd's
// status; errReplay when another transaction settled it first, which rolls this one back.
func settlePaymentOnce(ctx context.Context, tx *store.Tx, paymentID int64, upd store.Payment) error {
	ok, err := tx.PaymentSettle(ctx, paymentID, []string{store.PaymentPending, store.PaymentExpired, store.PaymentFailed}, upd)
	if err != nil {
		return err
	}
	if !ok {
		return errReplay
	}
	return nil
}

// postFee posts a gateway's fee as its own entry ("payment:ID:fee") into the fees account: out
// of the reseller's credit when the gateway's policy says the reseller pays it, otherwise from
// deposits (the distributor bears it).
func (s *Service) postFee(ctx context.Context, tx *store.Tx, g *store.Gateway, paymentID, available, fee int64) error {
	fees, err := tx.SystemAccountEnsure(ctx, ledger.FeesCode, ledger.Fees)
	if err != nil {
		return err
	}
	src := s.sys.deposits
	if g.FeePolicy == store.FeeReseller {
		src = available
	}
	return tx.Transfer(ctx, fmt.Sprintf("payment:%d:fee", paymentID), src, fees, fee, "fee of "+g.Name)
}

// applyMutation matches a credit mutation to the one ticket holding its amount and credits it,
// once per mutation id. A mutation that matches no ticket, or several, is left for the
// operator, never guessed.
func (s *Service) applyMutation(ctx context.Context, g *store.Gateway, n payment.Notice) (string, error) {
	if _, err := s.db.PaymentByReference(ctx, g.ID, n.Reference); err == nil {
		return "recorded already: nothing moved", nil
	} else if !errors.Is(err, store.ErrPaymentNotFound) {
		return "", err
	}
	now := s.now()
	ids, err := s.db.TicketsForMutation(ctx, n.Amount, now.Add(-MutationWindow))
	if err != nil {
		return "", err
	}
	switch len(ids) {
	case 0:
		return s.unmatched(ctx, g, n, "no open ticket holds this amount")
	case 1:
	default:
		return s.unmatched(ctx, g, n, fmt.Sprintf("matches %d tickets", len(ids)))
	}
	t, err := s.db.TicketByID(ctx, ids[0])
	if err != nil {
		return "", err
	}
	var result string
	err = s.inReseller(context.WithoutCancel(ctx), t.ResellerID, func(tx *store.Tx) error {
		result = ""
		cur, err := tx.TicketByID(ctx, t.ID)
		if err != nil {
			return err
		}
		p := &store.Payment{GatewayID: g.ID, Reference: n.Reference, TicketID: t.ID, ResellerID: t.ResellerID, Method: n.Method,
			Amount: t.Amount, PaidAmount: n.Amount, Status: store.PaymentPaid, Detail: clip(n.Detail, 200), PaidAt: now}
		ok, err := tx.TicketSettle(ctx, t.ID, []deposit.Status{deposit.Open, deposit.Expired}, deposit.Approved, clip("mutation:"+g.Name+":"+n.Reference, 200))
		if err != nil {
			return err
		}
		if ok {
			p.CreditTxn = "ticket:" + t.Code
			if cur.Status == deposit.Expired {
				p.Flag = "late"
			}
		} else {
			p.Status, p.Flag = store.PaymentHeld, "settled"
		}
		fresh, err := tx.PaymentInsert(ctx, p)
		if err != nil {
			return err
		}
		if !fresh {
			return errReplay
		}
		if !ok {
			result = fmt.Sprintf("ticket %s was settled meanwhile (%s): held for the operator", t.Code, cur.Status)
			return nil
		}
		ra, err := s.resellerAccounts(ctx, tx, t.ResellerID)
		if err != nil {
			return err
		}
		result = fmt.Sprintf("credited %d to %s (ticket %s)", t.Amount, t.Username, t.Code)
		return tx.Transfer(ctx, p.CreditTxn, s.sys.deposits, ra.available, t.Amount, "deposit "+t.Code+" by transfer, "+g.Name)
	})
	if errors.Is(err, errReplay) {
		return "recorded already: nothing moved", nil
	}
	if err != nil {
		return "", fmt.Errorf("credit mutation %s: %w", n.Reference, err)
	}
	s.log.Info("bank mutation matched", "gateway", g.Name, "mutation", n.Reference, "ticket", t.Code, "result", result)
	return result, nil
}

// SandboxPay pays a sandbox payment: it sends the callback Tripay would send for it, signed with
// the sandbox's key, through the same verification path as any callback.
func (s *Service) SandboxPay(ctx context.Context, reference string) (*payment.Payment, *CallbackOut, error) {
	gws, err := s.db.Gateways(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range gws {
		if g.Kind != payment.Sandbox {
			continue
		}
		p, err := s.db.PaymentByReference(ctx, g.ID, reference)
		if errors.Is(err, store.ErrPaymentNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if !g.Enabled {
			return nil, nil, fmt.Errorf("gateway %s: %w", g.Name, ErrGatewayDisabled)
		}
		body := payment.TripayCallbackBody(p.Reference, p.Ticket, p.Method, p.Amount, 0, "PAID", s.now())
		h := http.Header{"Content-Type": {"application/json"}, "X-Callback-Event": {payment.TripayEvent},
			"X-Callback-Signature": {payment.HMACSHA256(g.PrivateKey, body)}}
		out, err := s.PaymentCallback(ctx, CallbackIn{Gateway: g.Name, Header: h, Body: body, RemoteAddr: "sandbox"})
		if err != nil {
			return nil, nil, err
		}
		cur, err := s.db.PaymentByID(ctx, p.ID)
		return cur, out, err
	}
	return nil, nil, store.ErrPaymentNotFound
}

// TicketPayment is the newest payment opened at a gateway for a ticket (store.ErrPaymentNotFound
// when the ticket is a bank transfer's): what the member area shows its payer again.
func (s *Service) TicketPayment(ctx context.Context, t *deposit.Ticket) (*payment.Payment, error) {
	g, err := s.db.GatewayByName(ctx, t.Bank)
	if errors.Is(err, store.ErrGatewayNotFound) {
		return nil, store.ErrPaymentNotFound
	}
	if err != nil {
		return nil, err
	}
	return s.db.PaymentByTicket(ctx, g.ID, t.ID)
}

// PublicURL is where payment providers reach this server ("" when not configured).
func (s *Service) PublicURL() string { return s.publicURL }

// Payments lists payments, newest first.
func (s *Service) Payments(ctx context.Context, f payment.Filter) ([]payment.Payment, error) {
	return s.db.Payments(ctx, f)
}

// PaymentCallbacks lists received payment callbacks, newest first.
func (s *Service) PaymentCallbacks(ctx context.Context, gateway string, limit int) ([]payment.Callback, error) {
	return s.db.PaymentCallbacks(ctx, gateway, limit)
}

// Gateways lists the registered gateways (secrets included: callers never show them).
func (s *Service) Gateways(ctx context.Context) ([]payment.GatewayConfig, error) {
	return s.db.Gateways(ctx)
}

// NewGateway is a gateway to register.
type NewGateway = payment.GatewayConfig

// AddGateway registers a gateway, checking that its kind gets what it needs. A sandbox without a
// private key gets a random one.
func (s *Service) AddGateway(ctx context.Context, g NewGateway) (*payment.GatewayConfig, error) {
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" || len(g.Name) > 32 || strings.Trim(g.Name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return nil, &FieldError{"name", "must be 1 to 32 of a-z, 0-9, - and _"}
	}
	g.Kind = strings.ToLower(strings.TrimSpace(g.Kind))
	var methods []string
	for _, m := range g.Methods {
		if m = strings.TrimSpace(m); m != "" {
			if len(m) > 32 || strings.ContainsAny(m, ", \t\r\n") {
				return nil, &FieldError{"methods", fmt.Sprintf("%q is not a method code", m)}
			}
			methods = append(methods, m)
		}
	}
	g.Methods = methods
	if g.FeePolicy == "" {
		g.FeePolicy = store.FeeDistributor
	}
	if g.FeePolicy != store.FeeDistributor && g.FeePolicy != store.FeeReseller {
		return nil, &FieldError{"fee_policy", "must be distributor or reseller"}
	}
	if g.BaseURL != "" {
		u, err := url.Parse(g.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &FieldError{"base_url", "must be an http or https URL"}
		}
	}
	if g.Kind == payment.Sandbox && g.PrivateKey == "" {
		g.PrivateKey = payment.NewSecret()
	}
	if _, err := s.gatewayAdapter(&g, "http://kios.invalid"); err != nil {
		return nil, err
	}
	g.Enabled = true
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		g.ID = 0
		return tx.GatewayInsert(ctx, &g)
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// SetGatewayEnabled enables or disables a gateway.
func (s *Service) SetGatewayEnabled(ctx context.Context, name string, enabled bool) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.GatewaySetEnabled(ctx, name, enabled) })
}
