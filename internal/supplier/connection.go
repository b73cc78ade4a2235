package supplier

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
)

// ErrUnsupported is a Connection's answer to a call of a capability its connector lacks.
var ErrUnsupported = errors.New("not supported by this supplier's connector")

// Capability is one of the optional interfaces a connector may implement.
type Capability uint8

// The capabilities a Connection reports with Offers.
const (
	CanCatalog       Capability = 1 << iota // Cataloger (CatalogKind then filters its lists, unless KindCataloger)
	CanBalance                              // Balancer
	CanBill                                 // Biller
	CanCheckPLN                             // PLNChecker
	CanCallback                             // CallbackReader
	CanCallbackQuery                        // QueryCallbackReader
)

// Connection is a connector as the upstream side holds it: every optional capability is a
// method, so that wrappers (the router's breaker, the metrics decorator) forward each one
// explicitly and no caller probes beneath them. A capability the connector lacks answers
// ErrUnsupported; Offers tells beforehand, for callers whose answer differs before any call
// (a callback from a supplier that sends none is refused before its body is read).
type Connection interface {
	Supplier
	Starter
	Cataloger
	KindCataloger
	Balancer
	Biller
	PLNChecker
	CallbackReader
	QueryCallbackReader
	Offers(Capability) bool
}

// AsConnection is s as a Connection: s itself when it is one, else s with each capability it
// lacks answering ErrUnsupported. The optional interfaces are looked for here, once per
// connector, and nowhere above.
func AsConnection(s Supplier) Connection {
	if c, ok := s.(Connection); ok {
		return c
	}
	c := &connection{Supplier: s}
	c.starter, _ = s.(Starter)
	c.cataloger, _ = s.(Cataloger)
	c.kindCataloger, _ = s.(KindCataloger)
	c.balancer, _ = s.(Balancer)
	c.biller, _ = s.(Biller)
	c.plnChecker, _ = s.(PLNChecker)
	c.callbacks, _ = s.(CallbackReader)
	c.queryCallbacks, _ = s.(QueryCallbackReader)
	return c
}

type connection struct {
	Supplier
	starter        Starter
	cataloger      Cataloger
	kindCataloger  KindCataloger
	balancer       Balancer
	biller         Biller
	plnChecker     PLNChecker
	callbacks      CallbackReader
	queryCallbacks QueryCallbackReader
}

func (c *connection) Offers(what Capability) bool {
	switch what {
	case CanCatalog:
		return c.cataloger != nil || c.kindCataloger != nil
	case CanBalance:
		return c.balancer != nil
	case CanBill:
		return c.biller != nil
	case CanCheckPLN:
		return c.plnChecker != nil
	case CanCallback:
		return c.callbacks != nil
	case CanCallbackQuery:
		return c.queryCallbacks != nil
	}
	return false
}

// StartPurchase is the connector's own when it is a Starter; otherwise Purchase, answered from
// a goroutine of its own.
func (c *connection) StartPurchase(ctx context.Context, req Request, done func(Result, error)) {
	if c.starter != nil {
		c.starter.StartPurchase(ctx, req, done)
		return
	}
	go func() { done(c.Purchase(ctx, req)) }()
}

// Catalog is every list the connector has (ErrUnsupported from a KindCataloger alone: it
// cannot list everything at once).
func (c *connection) Catalog(ctx context.Context) ([]Item, error) {
	if c.cataloger == nil {
		return nil, ErrUnsupported
	}
	return c.cataloger.Catalog(ctx)
}

// CatalogKind is one kind of list ("prepaid" or "postpaid"): the connector's own, or its whole
// catalog with the other kind left out.
func (c *connection) CatalogKind(ctx context.Context, kind string) ([]Item, error) {
	if c.kindCataloger != nil {
		return c.kindCataloger.CatalogKind(ctx, kind)
	}
	if c.cataloger == nil {
		return nil, ErrUnsupported
	}
	items, err := c.cataloger.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(items, func(it Item) bool { return (it.Kind == "postpaid") != (kind == "postpaid") }), nil
}

func (c *connection) Balance(ctx context.Context) (int64, error) {
	if c.balancer == nil {
		return 0, ErrUnsupported
	}
	return c.balancer.Balance(ctx)
}

func (c *connection) Inquire(ctx context.Context, req BillRequest) (Bill, error) {
	if c.biller == nil {
		return Bill{}, ErrUnsupported
	}
	return c.biller.Inquire(ctx, req)
}

func (c *connection) PLNCustomer(ctx context.Context, customerNo string) (PLNCustomer, error) {
	if c.plnChecker == nil {
		return PLNCustomer{}, ErrUnsupported
	}
	return c.plnChecker.PLNCustomer(ctx, customerNo)
}

func (c *connection) ReadCallback(h http.Header, body []byte) (string, Result, error) {
	if c.callbacks == nil {
		return "", Result{}, ErrUnsupported
	}
	return c.callbacks.ReadCallback(h, body)
}

func (c *connection) ReadCallbackQuery(q url.Values) (string, Result, error) {
	if c.queryCallbacks == nil {
		return "", Result{}, ErrUnsupported
	}
	return c.queryCallbacks.ReadCallbackQuery(q)
}
