// Package digiflazz is a supplier connector for the Digiflazz buyer API: Kios buys from
// Digiflazz itself, or from another Kios through its Digiflazz-compatible API.
//
// A purchase is a prepaid transaction under the attempt's reference as ref_id. Digiflazz's status
// check is the same request sent again, so Status re-sends it: upstream, an existing ref_id is
// reported on and never bought twice. What each rc means to a purchase and to a status check is
// the family's table, verdict.Flazz: refusals of the request rather than the transaction
// (signature, IP, balance) are definite failures of a purchase but say nothing about an earlier
// one, so Status reports them as an unknown outcome; a rate limit is unknown either way.
package digiflazz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/verdict"
)

// Kind is the supplier kind this connector implements ("kios supplier add --kind digiflazz").
const Kind = "digiflazz"

// Config configures a connector.
type Config struct {
	// Name identifies the supplier in Kios's records; "" means "digiflazz".
	Name string
	// BaseURL is the API's base URL, ending in /v1; "" means Digiflazz's own.
	BaseURL  string
	Username string
	APIKey   string
	// CallbackSecret checks the webhooks the upstream POSTs to /callback/{name}; "" means the
	// api key, which is what Kios signs its own Digiflazz webhooks with.
	CallbackSecret string
	// Testing sends every transaction with testing: true (Digiflazz's development mode).
	Testing bool
	// Timeout bounds each call; 0 means 30 seconds. The caller's context applies as well.
	Timeout time.Duration
	// HTTPClient is used when set (transports, proxies); Timeout still applies.
	HTTPClient *http.Client
	// Logger records answers that are not about the purchase asked after; nil logs nothing.
	Logger *slog.Logger
}

// Supplier buys through a Digiflazz-compatible API.
type Supplier struct {
	name    string
	client  *wire.Client
	testing bool
	secret  string
	log     *slog.Logger
	// pascaFirst: the last sync's postpaid list was refused by the price list limit.
	pascaFirst atomic.Bool
}

var (
	_ supplier.Supplier   = (*Supplier)(nil)
	_ supplier.PLNChecker = (*Supplier)(nil)
	_ supplier.Biller     = (*Supplier)(nil)

	_ supplier.Cataloger      = (*Supplier)(nil)
	_ supplier.KindCataloger  = (*Supplier)(nil)
	_ supplier.Balancer       = (*Supplier)(nil)
	_ supplier.CallbackReader = (*Supplier)(nil)
)

// New returns a connector for cfg.
func New(cfg Config) (*Supplier, error) {
	if cfg.Username == "" || cfg.APIKey == "" {
		return nil, errors.New("digiflazz supplier: username and api key are required")
	}
	if cfg.Name == "" {
		cfg.Name = Kind
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	var opts []wire.Option
	if cfg.HTTPClient != nil {
		opts = append(opts, wire.WithHTTPClient(cfg.HTTPClient))
	}
	opts = append(opts, wire.WithTimeout(cfg.Timeout))
	if cfg.CallbackSecret == "" {
		cfg.CallbackSecret = cfg.APIKey
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Supplier{name: cfg.Name, client: wire.New(cfg.BaseURL, cfg.Username, cfg.APIKey, opts...), testing: cfg.Testing,
		secret: cfg.CallbackSecret, log: cfg.Logger}, nil
}

// Name implements supplier.Supplier.
func (s *Supplier) Name() string { return s.name }

// Purchase implements supplier.Supplier. A bill (req.BillRef set) is paid with pay-pasca under the
// reference it was inquired under.
func (s *Supplier) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if req.BillRef != "" {
		return s.pasca(ctx, req, false)
	}
	return s.send(ctx, req, false)
}

// Status implements supplier.Supplier by sending the purchase again, Digiflazz's status check;
// for a bill, status-pasca under the inquiry's reference.
func (s *Supplier) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	if req.BillRef != "" {
		return s.pasca(ctx, req, true)
	}
	return s.send(ctx, req, true)
}

// Inquire implements supplier.Biller with inq-pasca under req.Reference, which the payment then
// uses (pay-pasca) as Digiflazz requires. "Bill not available" (rc 60) is supplier.ErrNoBill and a
// wrong customer number (rc 54) supplier.ErrUnknownCustomer.
func (s *Supplier) Inquire(ctx context.Context, req supplier.BillRequest) (supplier.Bill, error) {
	d, err := s.client.Pasca(ctx, wire.CommandInquiry, wire.TransactionRequest{BuyerSKUCode: req.SKU, CustomerNo: req.CustomerNo,
		RefID: req.Reference, Testing: s.testing})
	if err != nil {
		if e, ok := wire.AsRCError(err); ok {
			switch e.RC {
			case wire.RCBillUnavailable:
				return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: %w: %w", s.name, req.CustomerNo, supplier.ErrNoBill, err)
			case wire.RCDestination:
				return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: %w: %w", s.name, req.CustomerNo, supplier.ErrUnknownCustomer, err)
			}
		}
		return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: %w", s.name, req.CustomerNo, err)
	}
	if d.RC != wire.RCSuccess {
		return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: rc %s %s", s.name, req.CustomerNo, d.RC, d.Message)
	}
	return supplier.BillFromAnswer(req.CustomerNo, d.CustomerName, d.Desc, d.SellingPrice, d.Admin)
}

// pasca pays a bill (pay-pasca) or asks after its payment (status-pasca) under the inquiry's
// reference. When the upstream has no payment under it (rc 50: the pay-pasca never arrived), the
// status check sends the payment again, as a prepaid status check does: a pay-pasca sent again
// under one ref_id is answered with that payment, and a bill is paid only once upstream. That
// payment is still part of a status check, and its answer is read as one.
func (s *Supplier) pasca(ctx context.Context, req supplier.Request, status bool) (supplier.Result, error) {
	return s.pascaSend(ctx, req, status, status)
}

func (s *Supplier) pascaSend(ctx context.Context, req supplier.Request, status, asStatus bool) (supplier.Result, error) {
	op, cmd := "pay", wire.CommandPay
	if status {
		op, cmd = "status", wire.CommandStatus
	}
	d, err := s.client.Pasca(ctx, cmd, wire.TransactionRequest{BuyerSKUCode: req.SKU, CustomerNo: req.Destination,
		RefID: req.BillRef, Testing: s.testing})
	if e, ok := wire.AsRCError(err); ok && status && e.RC == wire.RCNotFound && (d.RefID == "" || d.RefID == req.BillRef) {
		return s.pascaSend(ctx, req, false, true)
	}
	return s.outcome(op, req.BillRef, asStatus, err, answer{d.RC, d.Status, d.Message, d.SN, d.RefID, d.Price, d})
}

func (s *Supplier) send(ctx context.Context, req supplier.Request, status bool) (supplier.Result, error) {
	op := "purchase"
	if status {
		op = "status"
	}
	d, err := s.client.Transaction(ctx, wire.TransactionRequest{
		BuyerSKUCode: req.SKU, CustomerNo: req.Destination, RefID: req.Reference,
		MaxPrice: req.MaxPrice, Testing: s.testing,
	})
	return s.outcome(op, req.Reference, status, err, answer{d.RC, d.Status, d.Message, d.SN, d.RefID, d.Price, d})
}

// answer is what outcome reads of a transaction's answer, prepaid or postpaid; data is the whole
// answer, kept raw with the attempt.
type answer struct {
	rc, status, message, sn, ref string
	price                        int64
	data                         any
}

// outcome turns a transaction's answer (or the error of a call) into a result, by the family's
// table (verdict.Flazz): the rc's verdict for a purchase or for a status check. Before the table:
// a request that never left (no connection) is a failure of a purchase, unreachable, and says
// nothing to a status check; an error that is not a refusal is an unknown outcome. After it: an
// answer about another ref_id than ours, or whose status word contradicts its rc, is not an
// answer about this purchase (unknown); a success must name our ref_id.
func (s *Supplier) outcome(op, ref string, status bool, err error, a answer) (supplier.Result, error) {
	if err != nil {
		rcErr, ok := wire.AsRCError(err)
		switch {
		case ok:
			a.rc = rcErr.RC
		case supplier.NotSent(err) && !status:
			// The client calls a failed dial an unknown outcome, to be safe; it is not one.
			return supplier.Result{State: supplier.Failed, Unreachable: true, Message: err.Error()}, nil
		default:
			return supplier.Result{}, fmt.Errorf("%s %s %s: %w: %w", s.name, op, ref, supplier.ErrUnknownOutcome, err)
		}
	}
	v := verdict.FlazzRC(a.rc, status)
	switch {
	case a.ref != "" && a.ref != ref, v == verdict.Success && a.ref == "":
		s.log.Warn("upstream answer names another reference", "supplier", s.name, "op", op, "ref", ref, "answered_ref", a.ref, "rc", a.rc)
		return supplier.Result{}, fmt.Errorf("%s %s %s: answer names ref_id %q: %w", s.name, op, ref, a.ref, supplier.ErrUnknownOutcome)
	case a.status != "" && a.status != wire.StatusOf(a.rc):
		s.log.Warn("upstream answer contradicts itself", "supplier", s.name, "op", op, "ref", ref, "rc", a.rc, "status", a.status)
		return supplier.Result{}, fmt.Errorf("%s %s %s: rc %s with status %q: %w", s.name, op, ref, a.rc, a.status, supplier.ErrUnknownOutcome)
	}
	res := supplier.Result{Message: a.message, Raw: raw(a.data)}
	switch v {
	case verdict.Success:
		res.State, res.SN, res.Cost = supplier.Success, a.sn, a.price
	case verdict.Pending:
		res.State = supplier.Pending
	case verdict.Failed, verdict.Unusable:
		res.State, res.Unreachable = supplier.Failed, v == verdict.Unusable
		res.Customer = v == verdict.Failed && verdict.FlazzCustomer[a.rc]
	default:
		return supplier.Result{}, fmt.Errorf("%s %s %s: rc %s %s: %w", s.name, op, ref, a.rc, a.message, supplier.ErrUnknownOutcome)
	}
	return res, nil
}

func raw(d any) string {
	b, err := json.Marshal(d)
	if err != nil {
		return ""
	}
	return string(b)
}

// PLNCustomer implements supplier.PLNChecker with inquiry-pln. A customer number the API refuses
// as wrong (rc 54) is supplier.ErrUnknownCustomer; any other failure is an error.
func (s *Supplier) PLNCustomer(ctx context.Context, customerNo string) (supplier.PLNCustomer, error) {
	d, err := s.client.InquiryPLN(ctx, customerNo)
	if err != nil {
		if e, ok := wire.AsRCError(err); ok && e.RC == wire.RCDestination {
			return supplier.PLNCustomer{}, fmt.Errorf("%s inquiry-pln %s: %w: %w", s.name, customerNo, supplier.ErrUnknownCustomer, err)
		}
		return supplier.PLNCustomer{}, fmt.Errorf("%s inquiry-pln %s: %w", s.name, customerNo, err)
	}
	return supplier.PLNCustomer(d.PLNCustomer), nil
}

// Catalog implements supplier.Cataloger with the prepaid and the postpaid ("pasca") price lists.
// An item is active when the buyer may order it and the seller can deliver it now.
//
// Digiflazz allows one full price list per 5 minutes (rc 83), and an upstream may count both
// lists together, as Kios's own Digiflazz API does: then the second list of a sync is refused.
// That list is left out this time (the sync keeps what it knows of that kind) and asked first
// next time, so a scheduled sync brings both kinds in turn.
func (s *Supplier) Catalog(ctx context.Context) ([]supplier.Item, error) {
	kinds := []string{wire.CmdPrepaid, wire.CmdPasca}
	if s.pascaFirst.Load() {
		kinds[0], kinds[1] = kinds[1], kinds[0]
	}
	var out []supplier.Item
	for i, kind := range kinds {
		items, err := s.priceList(ctx, kind)
		if e, ok := wire.AsRCError(err); ok && e.RC == wire.RCPriceListLimited && i > 0 {
			s.pascaFirst.Store(kind == wire.CmdPasca)
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s price list: %w", s.name, kind, err)
		}
		out = append(out, items...)
	}
	return out, nil
}

// CatalogKind implements supplier.KindCataloger: one price list, "prepaid" or "postpaid".
func (s *Supplier) CatalogKind(ctx context.Context, kind string) ([]supplier.Item, error) {
	cmd := wire.CmdPrepaid
	if kind == "postpaid" {
		cmd = wire.CmdPasca
	}
	items, err := s.priceList(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("%s %s price list: %w", s.name, cmd, err)
	}
	if cmd == wire.CmdPasca {
		s.pascaFirst.Store(false) // the pasca list is known now: the next full sync starts with prepaid
	}
	return items, nil
}

func (s *Supplier) priceList(ctx context.Context, kind string) ([]supplier.Item, error) {
	if kind == wire.CmdPasca {
		pasca, err := s.client.PascaPriceList(ctx, wire.PriceFilter{})
		out := make([]supplier.Item, 0, len(pasca))
		for _, it := range pasca {
			out = append(out, supplier.Item{Code: it.BuyerSKUCode, Name: it.ProductName, ProductCode: it.Brand, ProductName: title(it.Brand),
				Category: it.Category, Kind: "postpaid", Admin: it.Admin, Commission: it.Commission,
				Active: it.BuyerProductStatus && it.SellerProductStatus})
		}
		return out, err
	}
	pre, err := s.client.PriceList(ctx, wire.PriceFilter{})
	out := make([]supplier.Item, 0, len(pre))
	for _, it := range pre {
		out = append(out, supplier.Item{Code: it.BuyerSKUCode, Name: it.ProductName, ProductCode: it.Brand, ProductName: title(it.Brand),
			Category: it.Category, Kind: "prepaid", Cost: it.Price, Active: it.BuyerProductStatus && it.SellerProductStatus})
	}
	return out, err
}

func title(brand string) string {
	words := strings.Fields(strings.ToLower(brand))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// Balance implements supplier.Balancer with cek-saldo.
func (s *Supplier) Balance(ctx context.Context) (int64, error) {
	b, err := s.client.Balance(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s cek-saldo: %w", s.name, err)
	}
	return b, nil
}

// ReadCallback implements supplier.CallbackReader for Digiflazz's webhook: {"data":{…}} signed
// X-Hub-Signature: sha1=HMAC-SHA1(body, secret). Its ref_id is the attempt's reference. The
// postpaid hookshot's data carries the same fields, so both read alike.
func (s *Supplier) ReadCallback(h http.Header, body []byte) (string, supplier.Result, error) {
	if s.secret == "" || !wire.WebhookSignatureValid(s.secret, body, h.Get(wire.HeaderSignature)) {
		return "", supplier.Result{}, supplier.ErrBadSignature
	}
	var env wire.Envelope[wire.WebhookData]
	if err := json.Unmarshal(body, &env); err != nil {
		return "", supplier.Result{}, fmt.Errorf("%s webhook: %w", s.name, err)
	}
	d := env.Data
	if d.RefID == "" || d.RC == "" {
		return "", supplier.Result{}, fmt.Errorf("%s webhook: no ref_id or rc", s.name)
	}
	// A callback is read as a status answer: what would not settle a status check does not
	// settle a callback (rc 49: not an outcome of our purchase); Status asks again.
	res := supplier.Result{Message: d.Message, Raw: string(body)}
	switch v := verdict.FlazzRC(d.RC, true); v {
	case verdict.Success:
		res.State, res.SN, res.Cost = supplier.Success, d.SN, d.Price
	case verdict.Pending:
		res.State = supplier.Pending
	case verdict.Failed, verdict.Unusable:
		res.State = supplier.Failed
	default:
		return "", supplier.Result{}, fmt.Errorf("%s webhook for %s: rc %s is not an outcome", s.name, d.RefID, d.RC)
	}
	return d.RefID, res, nil
}
