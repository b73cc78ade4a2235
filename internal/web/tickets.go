package web

import (
	"context"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
)

// CoreTickets is the deposit-ticket workflow of the core (tickets opened through the digiswitch
// dialect's deposit endpoint): the default DepositTickets.
func CoreTickets(svc *core.Service) DepositTickets { return coreTickets{svc} }

type coreTickets struct{ svc *core.Service }

func (c coreTickets) Tickets(ctx context.Context, status string) ([]DepositTicket, error) {
	list, err := c.svc.Tickets(ctx, deposit.Filter{Status: deposit.Status(status)})
	if err != nil {
		return nil, err
	}
	out := make([]DepositTicket, 0, len(list))
	for i := range list {
		out = append(out, ticketOf(&list[i]))
	}
	return out, nil
}

func ticketOf(t *deposit.Ticket) DepositTicket {
	if t == nil {
		return DepositTicket{}
	}
	return DepositTicket{ID: t.ID, Code: t.Code, Reseller: t.Username, Amount: t.Amount, Bank: t.Bank,
		Status: string(t.Status), CreatedAt: t.CreatedAt}
}

// Approve credits the ticket once: approving an approved ticket again succeeds and moves nothing.
func (c coreTickets) Approve(ctx context.Context, ref string, by admin.Actor) (DepositTicket, error) {
	t, _, err := c.svc.ApproveTicket(ctx, ref, by.Name)
	return ticketOf(t), err
}

func (c coreTickets) Reject(ctx context.Context, ref string, by admin.Actor, _ string) (DepositTicket, error) {
	t, err := c.svc.RejectTicket(ctx, ref, by.Name)
	return ticketOf(t), err
}
