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
	"net"
	"net/http"
	"strings"

	client "github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Supplier buys from a Digiswitch-style upstream.
type Supplier struct {
	name   string
	c      *client.Client
	secret string // checks the upstream's callbacks: the api key
}

// New returns a connector named name for the API at baseURL, as username with apiKey.
func New(name, baseURL, username, apiKey, callbackSecret string, opts ...client.Option) *Supplier {
	if callbackSecret == "" {
		callbackSecret = apiKey
	}
	return &Supplier{name: name, c: client.New(baseURL, username, apiKey, opts...), secret: callbackSecret}
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
	var apiErr *client.APIError
	switch {
	case err == nil:
		return result(resp), nil
	case errors.As(err, &apiErr):
		res := supplier.Result{State: supplier.Failed, Message: apiErr.Message, Raw: apiErr.Error()}
		switch apiErr.RC {
		case client.RCSign, client.RCUsername, client.RCBalance, client.RCIP, client.RCTooFast, client.RCPayload, "":
			// Refused whatever the order: our account there is unusable for now. That stops a
			// purchase, but says nothing of one sent before: a status check asks again later.
			if status {
				return supplier.Result{}, fmt.Errorf("%w: %w", supplier.ErrUnknownOutcome, err)
			}
			res.Unreachable = true
		case client.RCRefConflict:
			// Our ref_id with other data: only if two buyers share the account. Unknown.
			return supplier.Result{}, fmt.Errorf("%w: %w", supplier.ErrUnknownOutcome, err)
		}
		return res, nil
	case notSent(err) && !status:
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: err.Error()}, nil
	case notSent(err):
		// The purchase was sent before; the upstream being down now proves nothing about it.
		return supplier.Result{}, fmt.Errorf("%w: %w", supplier.ErrUnknownOutcome, err)
	default:
		return supplier.Result{}, err
	}
}

// notSent reports an error that proves the request never reached the upstream: the connection
// could not even be made.
func notSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

var _ supplier.Biller = (*Supplier)(nil)

func result(r *client.TransactionResponse) supplier.Result {
	raw, _ := json.Marshal(r)
	res := supplier.Result{SN: r.SN, Cost: r.Price, Message: r.Message, Raw: string(raw)}
	switch {
	case r.RC == client.RCSuccess:
		res.State = supplier.Success
	case client.IsPending(r.RC):
		res.State, res.SN = supplier.Pending, ""
	default:
		res.State, res.SN, res.Cost = supplier.Failed, "", 0
	}
	return res
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
	return env.Data.RefID, result(&env.Data), nil
}
