package admin

import (
	"context"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
)

// OrderDetail is an order with its upstream attempts and ledger postings.
type OrderDetail struct {
	Order    *order.Order
	Reseller string
	Attempts []order.Attempt
	Postings []ledger.Posting
}

// Order finds an order by invoice with its attempts and postings.
func (s *Service) Order(ctx context.Context, invoice string) (*OrderDetail, error) {
	o, err := s.svc.Order(ctx, 0, invoice)
	if err != nil {
		return nil, err
	}
	d := &OrderDetail{Order: o}
	if r, err := s.svc.ResellerByID(ctx, o.ResellerID); err == nil {
		d.Reseller = r.Username
	}
	if d.Attempts, err = s.svc.Attempts(ctx, o.ID); err != nil {
		return nil, err
	}
	if d.Postings, err = s.svc.PostingsByTxnPrefix(ctx, "order:"+o.Invoice+":"); err != nil {
		return nil, err
	}
	return d, nil
}

// Orders searches orders.
func (s *Service) Orders(ctx context.Context, f order.Filter) ([]order.Order, error) {
	return s.svc.Orders(ctx, f)
}

// ResolveOrder settles a pending order by hand; see core.(*Service).ResolveOrder. force settles it
// although an upstream attempt is still open (else *core.OpenAttemptError).
func (s *Service) ResolveOrder(ctx context.Context, by Actor, invoice string, status order.Status, sn, message string, force bool) (*order.Order, error) {
	return s.svc.ResolveOrder(ctx, core.Resolution{Invoice: invoice, Status: status, SN: sn, Message: message, Actor: by.Name, IP: by.IP, Force: force})
}

// LateDeliveries lists the orders a supplier delivered after Kios refunded them.
func (s *Service) LateDeliveries(ctx context.Context) ([]core.LateDelivery, error) {
	return s.svc.LateDeliveries(ctx)
}
