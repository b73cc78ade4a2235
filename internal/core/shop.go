package core

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/shop"
	"github.com/kios-h2h/kios/internal/store"
)

// The storefront (issue 19) sells to end buyers through the same core path as a reseller's
// order: it is a system reseller, ShopUsername, of the RetailTier, whose available balance is
// the storefront's clearing account. A checkout holds nothing; the gateway's verified paid
// callback credits the invoice's payment into the clearing account and places the order (the
// invoice's code is its reference) in one transaction (PlaceParams.fund); the order's own
// settlement captures or releases as for any reseller. ShopSync then closes the invoice: a
// delivered order's surplus over its price (a price that fell after checkout) goes to revenue, a
// failed order's whole payment becomes a refund owed (ledger account shop_refunds_owed) until
// the operator refunds it (ShopRefund). docs/STOREFRONT.md draws the flow.
const (
	// ShopUsername is the storefront's system reseller. It is suspended, so that no dialect
	// accepts its credentials; the core does not look at the status.
	ShopUsername = "storefront"
	// RetailTier is the price tier the storefront sells at (markup rules and catalog prices
	// name it like any tier; a variant without a retail price sells at its default price).
	RetailTier = "retail"
	// ShopInvoicePrefix starts every storefront invoice code.
	ShopInvoicePrefix = "TOKO-"
	// ShopLifetime is how long an invoice waits for its payment.
	ShopLifetime = time.Hour
	// ShopMaxUnpaid is how many unpaid invoices one phone number may hold at once.
	ShopMaxUnpaid = 3
	// ShopDialect is the dialect recorded on the storefront's orders.
	ShopDialect = "storefront"
)

// Errors of the storefront.
var (
	ErrShopTooManyUnpaid = errors.New("too many unpaid invoices for this phone number")
	ErrShopNotRefundable = errors.New("invoice owes no refund")
	// ErrShopRefundUnderway refuses a refund by hand while one through the payment gateway may be
	// under way (asked, not yet answered done or refused): the buyer must not be paid twice. It
	// is an ErrShopNotRefundable to errors.Is.
	ErrShopRefundUnderway = fmt.Errorf("%w: a refund through the payment gateway is under way", ErrShopNotRefundable)
)

// IsShopInvoice reports whether code has the storefront's invoice shape.
func IsShopInvoice(code string) bool { return strings.HasPrefix(code, ShopInvoicePrefix) }

// newShopInvoiceCode is TOKO-YYMMDD-XXXXXXXX (eight random base-32 characters: 40 bits).
func newShopInvoiceCode(now time.Time) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	out := []byte(ShopInvoicePrefix + now.In(catalog.Jakarta).Format("060102") + "-")
	for _, c := range b {
		out = append(out, alphabet[int(c)%len(alphabet)])
	}
	return string(out)
}

// ShopReseller is the storefront's system reseller, created on first use.
func (s *Service) ShopReseller(ctx context.Context) (*reseller.Reseller, error) {
	r, err := s.Reseller(ctx, ShopUsername)
	if err == nil || !errors.Is(err, reseller.ErrNotFound) {
		return r, err
	}
	_, err = s.CreateReseller(ctx, NewReseller{Username: ShopUsername, Name: "Storefront", Membership: RetailTier})
	if err != nil && !errors.Is(err, reseller.ErrUsernameTaken) {
		return nil, fmt.Errorf("storefront reseller: %w", err)
	}
	if err == nil {
		if err := s.SetStatus(ctx, ShopUsername, reseller.Suspended); err != nil {
			return nil, fmt.Errorf("storefront reseller: %w", err)
		}
	}
	return s.db.ResellerByUsername(ctx, ShopUsername)
}

// shopAccounts are the storefront's system accounts, made on first use.
func (s *Service) shopAccounts(ctx context.Context, tx *store.Tx) (receipts, owed int64, err error) {
	if receipts, err = tx.SystemAccountEnsure(ctx, ledger.ShopReceiptsCode, ledger.Deposits); err != nil {
		return 0, 0, err
	}
	owed, err = tx.SystemAccountEnsure(ctx, ledger.RefundsOwedCode, ledger.RefundsOwed)
	return receipts, owed, err
}

// NormalizePhone reads an Indonesian mobile number as buyers type it ("0812-3456-7890",
// "+62 812 3456 7890", "62812…") and returns it as 08…, or an error.
func NormalizePhone(raw string) (string, error) {
	var d strings.Builder
	for _, c := range raw {
		switch {
		case c >= '0' && c <= '9':
			d.WriteRune(c)
		case c == ' ' || c == '-' || c == '+' || c == '.' || c == '(' || c == ')':
		default:
			return "", errors.New("must be a phone number")
		}
	}
	p := d.String()
	switch {
	case strings.HasPrefix(p, "62"):
		p = "0" + p[2:]
	case strings.HasPrefix(p, "8"):
		p = "0" + p
	}
	if !strings.HasPrefix(p, "08") || len(p) < 10 || len(p) > 14 {
		return "", errors.New("must be an Indonesian mobile number (08…, 10 to 14 digits)")
	}
	return p, nil
}

// ShopCheckoutParams is a buyer's checkout.
type ShopCheckoutParams struct {
	VariantCode string
	Destination string
	Nickname    string // as the ID check answered, shown back on the invoice
	Method      string
	Phone       string
	Email       string
	IP          string
	// PublicURL overrides the service's (Config.PublicURL), as in PayParams.
	PublicURL string
}

// ShopCheckoutResult is the invoice made and the payment opened for it.
type ShopCheckoutResult struct {
	Invoice *shop.Invoice
	Payment *payment.Payment
}

// ShopCheckout makes an invoice for a variant at its retail price and opens a payment for it at
// the first enabled gateway offering the method. It holds nothing and moves no money. The invoice
// is committed before the gateway is asked, so a callback can always find it by its code.
//
// Errors: *FieldError, store.ErrVariantNotFound, catalog.ErrInactive, catalog.ErrCutoff,
// catalog.ErrNoPrice, ErrShopTooManyUnpaid, ErrNoPublicURL, ErrGatewayDisabled, and the
// gateway's (payment.ErrUpstream, payment.ErrRefused).
func (s *Service) ShopCheckout(ctx context.Context, p ShopCheckoutParams) (*ShopCheckoutResult, error) {
	phone, err := p.validate()
	if err != nil {
		return nil, err
	}
	v, now, price, err := s.checkoutVariant(ctx, p.VariantCode)
	if err != nil {
		return nil, err
	}
	gw, err := s.checkoutGateway(ctx, p)
	if err != nil {
		return nil, err
	}
	if n, err := s.db.ShopUnpaidCount(ctx, phone, now); err != nil {
		return nil, err
	} else if n >= ShopMaxUnpaid {
		return nil, ErrShopTooManyUnpaid
	}
	shop, err := s.ShopReseller(ctx)
	if err != nil {
		return nil, err
	}
	inv := &store.ShopInvoice{Code: newShopInvoiceCode(now), VariantID: v.ID, VariantCode: v.Code, ProductName: clip(v.ProductName+" "+v.Name, 200),
		Destination: p.Destination, Nickname: clip(strings.TrimSpace(p.Nickname), 64), Amount: price, Method: gw.method, GatewayID: gw.g.ID,
		Phone: phone, Email: p.Email, IP: clip(p.IP, 64), Status: store.ShopUnpaid, CreatedAt: now, ExpiresAt: now.Add(ShopLifetime)}
	// Lock domain: the storefront reseller's key, as every movement of its money.
	err = s.inReseller(ctx, shop.ID, func(tx *store.Tx) error { inv.ID = 0; return tx.ShopInvoiceInsert(ctx, inv) })
	if err != nil {
		return nil, err
	}
	ins, err := s.checkoutCharge(ctx, gw, shop, inv)
	if err != nil {
		return nil, err
	}
	pay, err := s.checkoutPayment(ctx, gw, shop, inv, ins)
	if err != nil {
		return nil, err
	}
	s.log.Info("storefront invoice opened", "invoice", inv.Code, "variant", v.Code, "amount", price, "gateway", gw.g.Name, "reference", ins.Reference)
	return &ShopCheckoutResult{Invoice: inv, Payment: pay}, nil
}

// validate checks and tidies the buyer's fields (trimmed email and destination), before anything
// is read; it returns the phone normalised, as invoices are counted by it.
func (p *ShopCheckoutParams) validate() (phone string, err error) {
	phone, err = NormalizePhone(p.Phone)
	if err != nil {
		return "", &FieldError{"phone", err.Error()}
	}
	p.Email = strings.TrimSpace(p.Email)
	if p.Email != "" && (len(p.Email) > 254 || !strings.Contains(p.Email, "@") || strings.ContainsAny(p.Email, " \t\r\n<>\"")) {
		return "", &FieldError{"email", "must be an email address"}
	}
	p.Destination = strings.TrimSpace(p.Destination)
	if err := order.ValidateDestination(p.Destination); err != nil {
		return "", &FieldError{"data", err.Error()}
	}
	if err := plainText("nickname", p.Nickname); err != nil {
		return "", err
	}
	if strings.TrimSpace(p.VariantCode) == "" {
		return "", &FieldError{"variant", "is required"}
	}
	return phone, nil
}

// checkoutVariant is the variant a buyer checks out, sellable now, with its retail price: a
// storefront buyer pays what the retail tier says.
func (s *Service) checkoutVariant(ctx context.Context, code string) (*store.VariantRow, time.Time, int64, error) {
	v, err := s.variantForOrder(ctx, strings.TrimSpace(code))
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	if v.Kind != catalog.Prepaid {
		return nil, time.Time{}, 0, catalog.ErrInactive
	}
	now := s.now()
	if err := v.Sellable(v.ProductActive, now); err != nil {
		return nil, time.Time{}, 0, err
	}
	price, ok := v.PriceFor(RetailTier)
	if !ok || price <= 0 {
		return nil, time.Time{}, 0, catalog.ErrNoPrice
	}
	return v, now, price, nil
}

// checkoutGW is the gateway a checkout pays through, with what talks to it.
type checkoutGW struct {
	g         *store.Gateway
	adapter   payment.Gateway
	publicURL string // without a trailing slash; may be empty
	method    string // as the gateway spells it
}

// checkoutGateway picks the first enabled gateway offering the buyer's method. A gateway that
// calls back (Duitku, a sandbox without its own base) needs a public URL to reach us.
func (s *Service) checkoutGateway(ctx context.Context, p ShopCheckoutParams) (checkoutGW, error) {
	g, err := s.gatewayForMethod(ctx, strings.TrimSpace(p.Method))
	if err != nil {
		return checkoutGW{}, err
	}
	publicURL := strings.TrimRight(nonEmpty(p.PublicURL, s.publicURL), "/")
	if publicURL == "" && (g.Kind == payment.Sandbox && g.BaseURL == "" || g.Kind == payment.Duitku) {
		return checkoutGW{}, ErrNoPublicURL
	}
	method := strings.TrimSpace(p.Method)
	for _, m := range g.Methods {
		if strings.EqualFold(m, method) {
			method = m
		}
	}
	adapter, err := s.gatewayAdapter(g, publicURL)
	if err != nil {
		return checkoutGW{}, err
	}
	return checkoutGW{g: g, adapter: adapter, publicURL: publicURL, method: method}, nil
}

// checkoutCharge asks the gateway for the committed invoice's payment. A refusal closes the
// invoice, which can then never be paid.
func (s *Service) checkoutCharge(ctx context.Context, gw checkoutGW, shop *reseller.Reseller, inv *store.ShopInvoice) (*payment.Instructions, error) {
	charge := payment.Charge{OrderID: inv.Code, Amount: inv.Amount, Method: gw.method, CustomerName: inv.Phone, CustomerEmail: inv.Email,
		CustomerPhone: inv.Phone, ExpiresAt: inv.ExpiresAt}
	if gw.publicURL != "" {
		charge.CallbackURL = gw.publicURL + "/callback/payment/" + url.PathEscape(gw.g.Name)
		charge.ReturnURL = gw.publicURL + "/invoice/" + url.PathEscape(inv.Code)
	}
	ins, err := gw.adapter.Create(ctx, charge)
	if err != nil {
		if !errors.Is(err, payment.ErrUpstream) {
			// Refused: the invoice can never be paid. An unclear answer leaves it unpaid, to
			// expire, as a payment made anyway is still credited when its callback names it.
			s.shopClose(context.WithoutCancel(ctx), shop.ID, inv, store.ShopExpired, "gateway "+gw.g.Name+" refused")
		}
		return nil, fmt.Errorf("invoice %s at gateway %s: %w", inv.Code, gw.g.Name, err)
	}
	return ins, nil
}

// checkoutPayment records the gateway's payment and attaches it to the invoice. It runs even
// when the buyer has gone: the gateway has the payment, so Kios must know it.
func (s *Service) checkoutPayment(ctx context.Context, gw checkoutGW, shop *reseller.Reseller, inv *store.ShopInvoice, ins *payment.Instructions) (*store.Payment, error) {
	g := gw.g
	pay := &store.Payment{GatewayID: g.ID, Gateway: g.Name, Reference: ins.Reference, ResellerID: shop.ID, Username: shop.Username,
		Method: nonEmpty(ins.Method, gw.method), Amount: ins.Amount, PayCode: ins.PayCode, QRString: ins.QRString, CheckoutURL: ins.CheckoutURL,
		Status: store.PaymentPending, ExpiresAt: ins.ExpiresAt}
	if pay.ExpiresAt.IsZero() {
		pay.ExpiresAt = inv.ExpiresAt
	}
	err := s.inReseller(context.WithoutCancel(ctx), shop.ID, func(tx *store.Tx) error {
		pay.ID = 0
		fresh, err := tx.PaymentInsert(ctx, pay)
		if err != nil {
			return err
		}
		if !fresh {
			// Its callback came first and recorded it.
			cur, err := tx.PaymentByReference(ctx, g.ID, ins.Reference)
			if err != nil {
				return err
			}
			pay.ID = cur.ID
		}
		return tx.ShopInvoiceAttach(ctx, inv.ID, g.ID, pay.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("record payment %s of invoice %s: %w", ins.Reference, inv.Code, err)
	}
	inv.PaymentID = pay.ID
	return pay, nil
}

// shopClose moves an unpaid invoice to a closed status that moved no money, logging a failure.
func (s *Service) shopClose(ctx context.Context, shopID int64, inv *store.ShopInvoice, status, reason string) bool {
	upd := *inv
	upd.Status, upd.Reason, upd.DoneAt = status, clip(reason, 200), s.now()
	var ok bool
	err := s.inReseller(ctx, shopID, func(tx *store.Tx) error {
		var err error
		ok, err = tx.ShopInvoiceSettle(ctx, inv.ID, []string{store.ShopUnpaid}, upd)
		return err
	})
	if err != nil {
		s.log.Error("close storefront invoice", "invoice", inv.Code, "err", err)
		return false
	}
	return ok
}

// ShopInvoice finds an invoice by its code, brought up to date with its order (ShopSync).
func (s *Service) ShopInvoice(ctx context.Context, code string) (*shop.Invoice, error) {
	inv, err := s.db.ShopInvoiceByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.ShopSync(ctx, inv)
}

// ShopPayment is the payment opened for an invoice (store.ErrPaymentNotFound before it has one).
func (s *Service) ShopPayment(ctx context.Context, inv *shop.Invoice) (*payment.Payment, error) {
	if inv.PaymentID == 0 {
		return nil, store.ErrPaymentNotFound
	}
	return s.db.PaymentByID(ctx, inv.PaymentID)
}

// ShopInvoiceOfPayment finds the invoice a gateway payment was opened for.
func (s *Service) ShopInvoiceOfPayment(ctx context.Context, paymentID int64) (*shop.Invoice, error) {
	return s.db.ShopInvoiceByPayment(ctx, paymentID)
}

// ShopInvoices lists invoices, newest first.
func (s *Service) ShopInvoices(ctx context.Context, f shop.Filter) ([]shop.Invoice, error) {
	return s.db.ShopInvoices(ctx, f)
}

// ShopToNotify lists the invoices of the last two days whose buyer was not told their status.
func (s *Service) ShopToNotify(ctx context.Context, limit int) ([]shop.Invoice, error) {
	return s.db.ShopToNotify(ctx, s.now().Add(-48*time.Hour), limit)
}

// ShopNotified records that an invoice's buyer was told of status (no money moves).
func (s *Service) ShopNotified(ctx context.Context, id int64, status string) error {
	return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.ShopNotified(ctx, id, status) })
}
