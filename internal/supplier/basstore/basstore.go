// Package basstore connects Kios as a buyer to an upstream that speaks the BASSTORE-style v1
// API (another Kios, or BASSTORE itself), implementing supplier.Supplier on client/basstore.
//
// Asking after an order: BASSTORE's status-order needs the upstream's invoice number, which
// only the order call's answer gives. The connector returns it as Result.UpstreamRef, and core
// stores it on the attempt before anything else happens. If that answer was lost (a timeout or
// reset after the request went out), Status sends the very same order again under the same
// referenceNumber: BASSTORE answers a repeated referenceNumber with the first order's invoice and
// charges nothing, and if the first request never arrived, this one is the only purchase. Either
// way one product is bought at most once, and the invoice is then asked after.
//
// This relies on the upstream checking referenceNumber before anything else, as Kios does: a
// refusal (4xx) of the repeated order about the order itself then means the first never arrived,
// and the attempt fails. A refusal of the account (token, deposit, IP) or a rate limit says
// nothing of the first (verdict.Basstore has the table).
package basstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	client "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/verdict"
)

// Supplier buys from a BASSTORE-style upstream.
type Supplier struct {
	name   string
	c      *client.Client
	secret string // checks the upstream's callbacks
	log    *slog.Logger
}

// New returns a connector named name for the API at baseURL, using token; callbackSecret checks
// the upstream's callbacks (the api key of Kios's reseller account there).
func New(name, baseURL, token, callbackSecret string, opts client.Options) *Supplier {
	return &Supplier{name: name, c: client.NewClient(baseURL, token, opts), secret: callbackSecret,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// WithLogger makes the connector log, to l, answers that are not about the order asked after.
func (s *Supplier) WithLogger(l *slog.Logger) *Supplier {
	if l != nil {
		s.log = l
	}
	return s
}

// Name implements supplier.Supplier.
func (s *Supplier) Name() string { return s.name }

// Purchase implements supplier.Supplier. An accepted order is Pending with the upstream's invoice.
func (s *Supplier) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	ans, err := s.c.Order(ctx, client.OrderRequest{Code: req.SKU, ReferenceNumber: req.Reference, Data: req.Destination})
	if err != nil {
		return s.refusal(req.Reference, false, err)
	}
	return supplier.Result{State: supplier.Pending, UpstreamRef: ans.InvoiceNumber, Message: "Diterima oleh " + s.name}, nil
}

// Status implements supplier.Supplier.
func (s *Supplier) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	invoice := req.UpstreamRef
	if invoice == "" {
		// The order call's answer was lost: the same order again is the status check.
		ans, err := s.c.Order(ctx, client.OrderRequest{Code: req.SKU, ReferenceNumber: req.Reference, Data: req.Destination})
		if err != nil {
			return s.refusal(req.Reference, true, err)
		}
		invoice = ans.InvoiceNumber
	}
	st, err := s.c.Status(ctx, invoice)
	if err != nil {
		// Our own order's invoice unknown or refused, or no answer: something is wrong
		// upstream; never conclude the purchase did not happen.
		return supplier.Result{}, fmt.Errorf("status of %s at %s: %w: %w", invoice, s.name, supplier.ErrUnknownOutcome, err)
	}
	if (st.InvoiceNumber != "" && st.InvoiceNumber != invoice) || (st.ReferenceNumber != "" && st.ReferenceNumber != req.Reference) {
		s.log.Warn("upstream answer names another order", "supplier", s.name, "ref", req.Reference, "invoice", invoice,
			"answered_ref", st.ReferenceNumber, "answered_invoice", st.InvoiceNumber)
		return supplier.Result{}, fmt.Errorf("status of %s at %s: answer names order %q (%q): %w", invoice, s.name,
			st.InvoiceNumber, st.ReferenceNumber, supplier.ErrUnknownOutcome)
	}
	res, ok := result(st)
	if !ok {
		return supplier.Result{}, fmt.Errorf("status of %s at %s: statusCode %q: %w", invoice, s.name, st.StatusCode, supplier.ErrUnknownOutcome)
	}
	res.UpstreamRef = invoice
	return res, nil
}

// result reads an order's status; ok is false for a statusCode that is none of BASSTORE's three.
func result(st *client.OrderStatus) (supplier.Result, bool) {
	raw, _ := json.Marshal(st)
	res := supplier.Result{SN: st.SN, Cost: st.Price, Message: st.Message, Raw: string(raw)}
	switch verdict.BasstoreStatus[st.StatusCode] {
	case verdict.Success:
		res.State = supplier.Success
	case verdict.Failed:
		res.State, res.SN, res.Cost = supplier.Failed, "", 0
	case verdict.Pending:
		res.State = supplier.Pending
	default:
		return supplier.Result{}, false
	}
	return res, true
}

// refusal maps an order call's error, for a purchase or for the order sent again as a status
// check: a 4xx answer by the table (verdict.Basstore); a request that never left is a definite,
// unavailable failure of a purchase and says nothing to a status check; anything else is an
// unknown outcome.
func (s *Supplier) refusal(ref string, status bool, err error) (supplier.Result, error) {
	var apiErr *client.APIError
	switch {
	case errors.As(err, &apiErr):
		res := supplier.Result{State: supplier.Failed, Message: apiErr.Message, Raw: apiErr.Error()}
		switch verdict.BasstoreHTTP(apiErr.Code, status) {
		case verdict.Failed:
			return res, nil
		case verdict.Unusable:
			res.Unreachable = true
			return res, nil
		}
	case !errors.Is(err, client.ErrUnknownOutcome) && !status:
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: err.Error()}, nil
	}
	return supplier.Result{}, fmt.Errorf("order %s at %s: %w: %w", ref, s.name, supplier.ErrUnknownOutcome, err)
}

// Catalog implements supplier.Cataloger: every product's variants at Kios's own price there.
func (s *Supplier) Catalog(ctx context.Context) ([]supplier.Item, error) {
	products, err := s.c.Products(ctx)
	if err != nil {
		return nil, err
	}
	var out []supplier.Item
	for _, p := range products {
		vs, err := s.c.Variants(ctx, p.Code)
		if err != nil {
			return nil, fmt.Errorf("variants of %s: %w", p.Code, err)
		}
		for _, v := range vs {
			out = append(out, supplier.Item{Code: v.Code, Name: v.Name, ProductCode: p.Code, ProductName: p.Name,
				Kind: "prepaid", Cost: v.Price, Active: p.IsActive && strings.EqualFold(v.IsActive, "active")})
		}
	}
	return out, nil
}

// Balance implements supplier.Balancer.
func (s *Supplier) Balance(ctx context.Context) (int64, error) {
	b, err := s.c.Balance(ctx)
	if err != nil {
		return 0, err
	}
	return b.Balance, nil
}

// ReadCallback implements supplier.CallbackReader for the callbacks a Kios upstream sends: the
// order as status-order shows it, signed X-Kios-Signature: sha256=HMAC(body, api key).
func (s *Supplier) ReadCallback(h http.Header, body []byte) (string, supplier.Result, error) {
	if s.secret == "" || !client.VerifyCallback(body, h.Get(client.HeaderSignature), s.secret) {
		return "", supplier.Result{}, supplier.ErrBadSignature
	}
	var env struct {
		Data client.OrderStatus `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return "", supplier.Result{}, fmt.Errorf("basstore callback: %w", err)
	}
	if env.Data.ReferenceNumber == "" {
		return "", supplier.Result{}, errors.New("basstore callback: no referenceNumber")
	}
	res, ok := result(&env.Data)
	if !ok {
		return "", supplier.Result{}, fmt.Errorf("basstore callback for %s: statusCode %q", env.Data.ReferenceNumber, env.Data.StatusCode)
	}
	res.UpstreamRef = env.Data.InvoiceNumber
	return env.Data.ReferenceNumber, res, nil
}
