// Package digiswitch connects Kios as a buyer to an upstream that speaks the Digiswitch-style
// H2H 1.0 API (another Kios, or a Digiswitch tenant), implementing supplier.Supplier on
// client/digiswitch.
//
// Asking after an order: a prepaid transaction is idempotent on ref_id, so Status sends the very
// same transaction again; the upstream answers with the first one's state and charges nothing,
// and if the first never arrived, this one is the only purchase.
package digiswitch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	client "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/verdict"
)

// Supplier buys from a Digiswitch-style upstream.
type Supplier struct {
	name   string
	c      *client.Client
	secret string // checks the upstream's callbacks: the api key
	log    *slog.Logger
}

// New returns a connector named name for the API at baseURL, as username with apiKey.
func New(name, baseURL, username, apiKey, callbackSecret string, opts ...client.Option) *Supplier {
	if callbackSecret == "" {
		callbackSecret = apiKey
	}
	return &Supplier{name: name, c: client.New(baseURL, username, apiKey, opts...), secret: callbackSecret,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// WithLogger makes the connector log, to l, answers that are not about the purchase asked after.
func (s *Supplier) WithLogger(l *slog.Logger) *Supplier {
	if l != nil {
		s.log = l
	}
	return s
}

// Name implements supplier.Supplier.
func (s *Supplier) Name() string { return s.name }

// Purchase implements supplier.Supplier. A bill (req.BillRef set) is paid with pay-pasca under the
// reference it was inquired under, which the upstream answers again with the same payment.
func (s *Supplier) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	return s.transaction(ctx, req, false)
}

// Status implements supplier.Supplier: the same transaction again; for a bill, status-pasca.
func (s *Supplier) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	return s.transaction(ctx, req, true)
}

// Inquire implements supplier.Biller with inq-pasca under req.Reference, which the payment then
// uses. "Bill not available" (rc 60) is supplier.ErrNoBill and a wrong customer number (rc 54)
// supplier.ErrUnknownCustomer.
func (s *Supplier) Inquire(ctx context.Context, req supplier.BillRequest) (supplier.Bill, error) {
	resp, err := s.c.Postpaid(ctx, client.CommandInquiry, client.TransactionRequest{Code: req.SKU, CustomerNo: req.CustomerNo, RefID: req.Reference})
	var apiErr *client.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.RC == client.RCBillUnavailable:
		return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: %w: %w", s.name, req.CustomerNo, supplier.ErrNoBill, err)
	case errors.As(err, &apiErr) && apiErr.RC == client.RCDestination:
		return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: %w: %w", s.name, req.CustomerNo, supplier.ErrUnknownCustomer, err)
	case err != nil:
		return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: %w", s.name, req.CustomerNo, err)
	case resp.RC != client.RCSuccess:
		return supplier.Bill{}, fmt.Errorf("%s inq-pasca %s: rc %s %s", s.name, req.CustomerNo, resp.RC, resp.Message)
	}
	return supplier.BillFromAnswer(req.CustomerNo, resp.Name, resp.Desc, resp.SellingPrice, resp.Admin)
}

func (s *Supplier) transaction(ctx context.Context, req supplier.Request, status bool) (supplier.Result, error) {
	var resp *client.TransactionResponse
	var err error
	if req.BillRef != "" {
		cmd := client.CommandPay
		if status {
			cmd = client.CommandStatus
		}
		var pr *client.PostpaidResponse
		pr, err = s.c.Postpaid(ctx, cmd, client.TransactionRequest{Code: req.SKU, CustomerNo: req.Destination, RefID: req.BillRef})
		var notFound *client.APIError
		if status && errors.As(err, &notFound) && notFound.RC == client.RCNotFound {
			// No payment upstream under the reference: the pay-pasca never arrived. Send it now,
			// as a prepaid status check does; the upstream answers one sent twice with its payment.
			pr, err = s.c.Postpaid(ctx, client.CommandPay, client.TransactionRequest{Code: req.SKU, CustomerNo: req.Destination, RefID: req.BillRef})
		}
		if pr != nil {
			resp = &client.TransactionResponse{RefID: pr.RefID, CustomerNo: pr.CustomerNo, Code: pr.Code, Message: pr.Message,
				Status: pr.Status, SN: pr.SN, RC: pr.RC, Balance: pr.Balance, Price: pr.Price}
		}
	} else {
		resp, err = s.c.Transaction(ctx, client.TransactionRequest{Code: req.SKU, CustomerNo: req.Destination, RefID: req.Reference, MaxPrice: req.MaxPrice})
	}
	ref := req.Reference
	if req.BillRef != "" {
		ref = req.BillRef
	}
	return s.outcome(ref, status, resp, err)
}

// outcome reads a transaction's answer by the family's table (verdict.Flazz), for a purchase or a
// status check. A request that never left (no connection) is a failure of a purchase, unreachable,
// and says nothing to a status check. An answer naming another ref_id than ours, or whose status
// word contradicts its rc, is not about this purchase: unknown. A success must name our ref_id.
func (s *Supplier) outcome(ref string, status bool, resp *client.TransactionResponse, err error) (supplier.Result, error) {
	var apiErr *client.APIError
	switch {
	case err == nil:
	case errors.As(err, &apiErr) && flazz.IsRefusal(apiErr.RC):
		if resp == nil {
			resp = &client.TransactionResponse{}
		}
		resp.RC, resp.Status, resp.Message = apiErr.RC, apiErr.Status, apiErr.Message
	case supplier.NotSent(err) && !status:
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: err.Error()}, nil
	default:
		// An unknown outcome, a request that never left on a status check (the purchase was sent
		// before; the upstream being down now proves nothing about it), or an HTTP refusal
		// without an rc, which something in front of the API may have given.
		return supplier.Result{}, fmt.Errorf("%s transaction %s: %w: %w", s.name, ref, supplier.ErrUnknownOutcome, err)
	}
	v := verdict.FlazzRC(resp.RC, status)
	switch {
	case resp.RefID != "" && resp.RefID != ref, v == verdict.Success && resp.RefID == "":
		s.log.Warn("upstream answer names another reference", "supplier", s.name, "ref", ref, "answered_ref", resp.RefID, "rc", resp.RC)
		return supplier.Result{}, fmt.Errorf("%s transaction %s: answer names ref_id %q: %w", s.name, ref, resp.RefID, supplier.ErrUnknownOutcome)
	case resp.Status != "" && resp.Status != client.StatusOf(resp.RC):
		s.log.Warn("upstream answer contradicts itself", "supplier", s.name, "ref", ref, "rc", resp.RC, "status", resp.Status)
		return supplier.Result{}, fmt.Errorf("%s transaction %s: rc %s with status %q: %w", s.name, ref, resp.RC, resp.Status, supplier.ErrUnknownOutcome)
	}
	res, ok := result(resp, v)
	if !ok {
		return supplier.Result{}, fmt.Errorf("%s transaction %s: rc %s %s: %w", s.name, ref, resp.RC, resp.Message, supplier.ErrUnknownOutcome)
	}
	return res, nil
}

var _ supplier.Biller = (*Supplier)(nil)

// result is the answer r under its verdict v; ok is false when v is Unknown.
func result(r *client.TransactionResponse, v verdict.Verdict) (res supplier.Result, ok bool) {
	raw, _ := json.Marshal(r)
	res = supplier.Result{Message: r.Message, Raw: string(raw)}
	switch v {
	case verdict.Success:
		res.State, res.SN, res.Cost = supplier.Success, r.SN, r.Price
	case verdict.Pending:
		res.State, res.Cost = supplier.Pending, r.Price
	case verdict.Failed, verdict.Unusable:
		res.State, res.Unreachable = supplier.Failed, v == verdict.Unusable
		res.Customer = v == verdict.Failed && verdict.FlazzCustomer[r.RC]
	default:
		return supplier.Result{}, false
	}
	return res, true
}

// Catalog implements supplier.Cataloger with the prepaid and the postpaid ("pasca") price
// lists. They are different commands, so one sync stays within the full-list limit of each.
func (s *Supplier) Catalog(ctx context.Context) ([]supplier.Item, error) {
	pre, err := s.CatalogKind(ctx, "prepaid")
	if err != nil {
		return nil, err
	}
	post, err := s.CatalogKind(ctx, "postpaid")
	if err != nil {
		return nil, err
	}
	return append(pre, post...), nil
}

// CatalogKind implements supplier.KindCataloger: one price list, "prepaid" or "postpaid".
func (s *Supplier) CatalogKind(ctx context.Context, kind string) ([]supplier.Item, error) {
	if kind == "postpaid" {
		pasca, err := s.c.PriceListPasca(ctx, "")
		if err != nil {
			return nil, fmt.Errorf("pasca price list: %w", err)
		}
		out := make([]supplier.Item, 0, len(pasca))
		for _, it := range pasca {
			out = append(out, supplier.Item{Code: it.Code, Name: it.Name, ProductCode: it.Brand, ProductName: title(it.Brand),
				Category: it.Category, Kind: "postpaid", Admin: it.Admin, Commission: it.Commission, Active: it.Status})
		}
		return out, nil
	}
	items, err := s.c.PriceListPrepaid(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("prepaid price list: %w", err)
	}
	out := make([]supplier.Item, 0, len(items))
	for _, it := range items {
		out = append(out, supplier.Item{Code: it.Code, Name: it.Name, ProductCode: it.Brand, ProductName: title(it.Brand),
			Category: it.Category, Kind: "prepaid", Cost: it.Price, Active: it.Status})
	}
	return out, nil
}

func title(brand string) string {
	words := strings.Fields(strings.ToLower(brand))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// Balance implements supplier.Balancer.
func (s *Supplier) Balance(ctx context.Context) (int64, error) { return s.c.Balance(ctx) }

// ReadCallback implements supplier.CallbackReader: {"data":{…transaction…}} signed
// X-Hub-Signature: sha1=HMAC(body, api key).
func (s *Supplier) ReadCallback(h http.Header, body []byte) (string, supplier.Result, error) {
	if s.secret == "" || !client.VerifyCallback(body, h.Get(client.HeaderSignature), s.secret) {
		return "", supplier.Result{}, supplier.ErrBadSignature
	}
	var env client.Envelope[client.TransactionResponse]
	if err := json.Unmarshal(body, &env); err != nil {
		return "", supplier.Result{}, fmt.Errorf("digiswitch callback: %w", err)
	}
	if env.Data.RefID == "" || env.Data.RC == "" {
		return "", supplier.Result{}, errors.New("digiswitch callback: no ref_id or rc")
	}
	// A callback is read as a status answer: what would not settle a status check does not
	// settle a callback; Status asks again.
	res, ok := result(&env.Data, verdict.FlazzRC(env.Data.RC, true))
	if !ok {
		return "", supplier.Result{}, fmt.Errorf("digiswitch callback for %s: rc %s is not an outcome", env.Data.RefID, env.Data.RC)
	}
	res.Unreachable = false
	return env.Data.RefID, res, nil
}
