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
// refusal (4xx) of the repeated order then means the first never arrived, and the attempt fails.
package basstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	client "github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Supplier buys from a BASSTORE-style upstream.
type Supplier struct {
	name   string
	c      *client.Client
	secret string // checks the upstream's callbacks
}

// New returns a connector named name for the API at baseURL, using token; callbackSecret checks
// the upstream's callbacks (the api key of Kios's reseller account there).
func New(name, baseURL, token, callbackSecret string, opts client.Options) *Supplier {
	return &Supplier{name: name, c: client.NewClient(baseURL, token, opts), secret: callbackSecret}
}

// Name implements supplier.Supplier.
func (s *Supplier) Name() string { return s.name }

// Purchase implements supplier.Supplier. An accepted order is Pending with the upstream's invoice.
func (s *Supplier) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	ans, err := s.c.Order(ctx, client.OrderRequest{Code: req.SKU, ReferenceNumber: req.Reference, Data: req.Destination})
	if err != nil {
		return refusal(err)
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
			return refusal(err)
		}
		invoice = ans.InvoiceNumber
	}
	st, err := s.c.Status(ctx, invoice)
	if err != nil {
		var apiErr *client.APIError
		if errors.As(err, &apiErr) {
			// Our own order's invoice unknown or refused: something is wrong upstream; never
			// conclude the purchase did not happen.
			return supplier.Result{}, fmt.Errorf("status of %s at %s: %w: %w", invoice, s.name, supplier.ErrUnknownOutcome, err)
		}
		return supplier.Result{}, err
	}
	res := result(st)
	res.UpstreamRef = invoice
	return res, nil
}

func result(st *client.OrderStatus) supplier.Result {
	raw, _ := json.Marshal(st)
	res := supplier.Result{SN: st.SN, Cost: st.Price, Message: st.Message, Raw: string(raw)}
	switch st.StatusCode {
	case client.StatusSuccess:
		res.State = supplier.Success
	case client.StatusFailed:
		res.State, res.SN, res.Cost = supplier.Failed, "", 0
	default:
		res.State = supplier.Pending
	}
	return res
}

// refusal maps an order call's error: a 4xx answer is a definite refusal (one the supplier
// gives every order — bad token, no deposit, rate limit — also marks it unavailable); a request
// that never left is a definite, unavailable failure; anything else is an unknown outcome.
func refusal(err error) (supplier.Result, error) {
	var apiErr *client.APIError
	switch {
	case errors.As(err, &apiErr):
		res := supplier.Result{State: supplier.Failed, Message: apiErr.Message, Raw: apiErr.Error()}
		switch apiErr.Code {
		case http.StatusUnauthorized, http.StatusPaymentRequired, http.StatusForbidden, http.StatusTooManyRequests:
			res.Unreachable = true
		case http.StatusConflict:
			// Our reference, used with other data: cannot happen unless two Kios share an
			// account upstream. Whether something was bought is unknown.
			return supplier.Result{}, fmt.Errorf("%w: %w", supplier.ErrUnknownOutcome, err)
		}
		return res, nil
	case errors.Is(err, client.ErrUnknownOutcome):
		return supplier.Result{}, err
	default:
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: err.Error()}, nil
	}
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
	res := result(&env.Data)
	res.UpstreamRef = env.Data.InvoiceNumber
	return env.Data.ReferenceNumber, res, nil
}
