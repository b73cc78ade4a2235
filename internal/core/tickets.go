package core

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// DepositParams is a reseller's request to deposit.
type DepositParams struct {
	Reseller  *reseller.Reseller
	Amount    int64
	Bank      string
	OwnerName string
}

// OpenTicket opens a deposit ticket for the requested amount plus a unique tail of 1 to
// deposit.MaxTail rupiah, chosen at random among the tails no open ticket holds. It moves no
// money: the balance is credited when the ticket is approved.
//
// Errors: deposit.ErrAmount, *FieldError, deposit.ErrTooManyOpen, deposit.ErrNoFreeAmount.
func (s *Service) OpenTicket(ctx context.Context, p DepositParams) (*deposit.Ticket, error) {
	if p.Amount < deposit.MinAmount || p.Amount > deposit.MaxAmount {
		return nil, deposit.ErrAmount
	}
	p.Bank, p.OwnerName = strings.TrimSpace(p.Bank), strings.TrimSpace(p.OwnerName)
	if len(p.Bank) > 64 {
		return nil, &FieldError{"bank", "is longer than 64 characters"}
	}
	if len(p.OwnerName) > 128 {
		return nil, &FieldError{"owner_name", "is longer than 128 characters"}
	}
	if err := plainText("bank", p.Bank, "owner_name", p.OwnerName); err != nil {
		return nil, err
	}
	now := s.now()
	var out *deposit.Ticket
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		out = nil
		if _, err := tx.TicketsExpire(ctx, now); err != nil {
			return err
		}
		n, err := tx.TicketOpenCount(ctx, p.Reseller.ID)
		if err != nil {
			return err
		}
		if n >= deposit.MaxOpenPerReseller {
			return deposit.ErrTooManyOpen
		}
		held, err := tx.TicketOpenAmounts(ctx, p.Amount+1, p.Amount+deposit.MaxTail)
		if err != nil {
			return err
		}
		start := randomTail()
		for i := 0; i < deposit.MaxTail; i++ {
			amount := p.Amount + 1 + int64((start+i)%deposit.MaxTail)
			if held[amount] {
				continue
			}
			code := deposit.NewCode()
			t := &deposit.Ticket{Code: code, ResellerID: p.Reseller.ID, Username: p.Reseller.Username, Requested: p.Amount,
				Amount: amount, Bank: p.Bank, OwnerName: p.OwnerName, Notes: code, CreatedAt: now, ExpiresAt: now.Add(deposit.Lifetime)}
			ok, err := tx.TicketInsert(ctx, t)
			if err != nil {
				return err
			}
			if ok {
				out = t
				return nil
			}
			// Taken by a concurrent request on another node since the read: try the next tail.
		}
		return deposit.ErrNoFreeAmount
	})
	if err != nil {
		return nil, fmt.Errorf("open deposit ticket for %s: %w", p.Reseller.Username, err)
	}
	s.log.Info("deposit ticket opened", "ticket", out.Code, "reseller", p.Reseller.Username, "amount", out.Amount)
	return out, nil
}

func randomTail() int {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return int(binary.BigEndian.Uint64(b[:]) % deposit.MaxTail)
}

// Tickets lists deposit tickets, newest first, after expiring those whose time ran out.
func (s *Service) Tickets(ctx context.Context, f deposit.Filter) ([]deposit.Ticket, error) {
	if _, err := s.ExpireTickets(ctx); err != nil {
		return nil, err
	}
	return s.db.TicketList(ctx, f)
}

// Ticket finds a ticket by its code ("DEP-…") or its numeric id.
func (s *Service) Ticket(ctx context.Context, ref string) (*deposit.Ticket, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.db.TicketByID(ctx, id)
	}
	return s.db.TicketByCode(ctx, strings.ToUpper(ref))
}

// ExpireTickets expires open tickets older than deposit.Lifetime and returns how many.
func (s *Service) ExpireTickets(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Batch(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.TicketsExpire(ctx, s.now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("expire deposit tickets: %w", err)
	}
	return n, nil
}

// ApproveTicket approves a ticket (by code or id) and credits its amount to the reseller's
// balance, in one transaction whose status guard makes the credit happen once: approving an
// approved ticket again returns credited false and moves nothing. An expired ticket may be
// approved (its money arrived late); a rejected one may not (deposit.ErrSettled).
func (s *Service) ApproveTicket(ctx context.Context, ref, by string) (t *deposit.Ticket, credited bool, err error) {
	t, err = s.Ticket(ctx, ref)
	if err != nil {
		return nil, false, err
	}
	if by == "" {
		by = "operator"
	}
	err = s.inReseller(ctx, t.ResellerID, func(tx *store.Tx) error {
		credited = false
		var err error
		credited, err = s.approve(ctx, tx, t, by)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("approve ticket %s: %w", t.Code, err)
	}
	cur, err := s.db.TicketByID(ctx, t.ID)
	if err != nil {
		return nil, false, err
	}
	if !credited && cur.Status != deposit.Approved {
		return cur, false, fmt.Errorf("approve ticket %s: %w (%s)", t.Code, deposit.ErrSettled, cur.Status)
	}
	if credited {
		s.log.Info("deposit ticket approved", "ticket", t.Code, "reseller", t.Username, "amount", t.Amount, "by", by)
	}
	return cur, credited, nil
}

// approve settles t as approved and posts the credit, inside tx; false when t was not open or
// expired (approved already, or rejected).
func (s *Service) approve(ctx context.Context, tx *store.Tx, t *deposit.Ticket, by string) (bool, error) {
	ok, err := tx.TicketSettle(ctx, t.ID, []deposit.Status{deposit.Open, deposit.Expired}, deposit.Approved, by)
	if err != nil || !ok {
		return false, err
	}
	ra, err := s.resellerAccounts(ctx, tx, t.ResellerID)
	if err != nil {
		return false, err
	}
	if err := tx.Transfer(ctx, "ticket:"+t.Code, s.sys.deposits, ra.available, t.Amount, "deposit ticket "+t.Code); err != nil {
		return false, err
	}
	return true, nil
}

// RejectTicket rejects an open (or expired) ticket: no money came, or it was a mistake.
func (s *Service) RejectTicket(ctx context.Context, ref, by string) (*deposit.Ticket, error) {
	t, err := s.Ticket(ctx, ref)
	if err != nil {
		return nil, err
	}
	if by == "" {
		by = "operator"
	}
	var ok bool
	// The ticket's reseller's domain, as its approval: the two then queue on one write loop.
	err = s.inReseller(ctx, t.ResellerID, func(tx *store.Tx) error {
		var err error
		ok, err = tx.TicketSettle(ctx, t.ID, []deposit.Status{deposit.Open, deposit.Expired}, deposit.Rejected, by)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reject ticket %s: %w", t.Code, err)
	}
	cur, err := s.db.TicketByID(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	if !ok && cur.Status != deposit.Rejected {
		return cur, fmt.Errorf("reject ticket %s: %w (%s)", t.Code, deposit.ErrSettled, cur.Status)
	}
	return cur, nil
}

// Match is what one statement line did.
type Match struct {
	Line     deposit.Line
	Ticket   *deposit.Ticket // the ticket approved (or approved by an earlier import), if any
	Credited bool            // true when this import credited the ticket
	Reason   string          // why a line approved nothing
}

// MatchReport is the outcome of MatchStatement.
type MatchReport struct {
	Approved []Match // lines that approved a ticket now
	Rest     []Match // every other line, with its reason
}

// MatchStatement reads a bank statement (see deposit.ParseStatement) and approves, each exactly
// once, the open tickets whose amounts appear on credit lines dated no earlier than the ticket's
// day. A line that approved a ticket is recorded, so importing the same statement again credits
// nothing twice; two lines of one amount approve one ticket. Tickets are expired after matching,
// so that a statement imported late still finds tickets whose money came in time.
func (s *Service) MatchStatement(ctx context.Context, r io.Reader) (MatchReport, error) {
	var rep MatchReport
	lines, err := deposit.ParseStatement(r, s.now().In(catalog.Jakarta))
	if err != nil {
		return rep, err
	}
	for _, l := range lines {
		m := Match{Line: l}
		switch {
		case l.Err != nil:
			m.Reason = "unreadable: " + l.Err.Error()
		case !l.Credit:
			m.Reason = "debit"
		default:
			if err := s.matchLine(ctx, &m); err != nil {
				return rep, err
			}
		}
		if m.Credited {
			rep.Approved = append(rep.Approved, m)
		} else {
			rep.Rest = append(rep.Rest, m)
		}
	}
	if _, err := s.ExpireTickets(ctx); err != nil {
		return rep, err
	}
	return rep, nil
}

var errLineTaken = errors.New("statement line already recorded")

func (s *Service) matchLine(ctx context.Context, m *Match) error {
	l := m.Line
	if id, err := s.db.StatementLineTicket(ctx, l.Hash); err != nil {
		return err
	} else if id != 0 {
		m.Ticket, _ = s.db.TicketByID(ctx, id)
		m.Reason = "already imported"
		return nil
	}
	t, err := s.db.TicketOpenByAmount(ctx, l.Amount)
	if errors.Is(err, deposit.ErrNotFound) {
		m.Reason = "no open ticket with this amount"
		return nil
	} else if err != nil {
		return err
	}
	if l.Date < catalog.Day(t.CreatedAt) {
		m.Reason = "dated before ticket " + t.Code + " was opened"
		return nil
	}
	by := fmt.Sprintf("statement: line %d: %s", l.N, l.Description)
	if len(by) > 200 {
		by = by[:200]
	}
	err = s.inReseller(ctx, t.ResellerID, func(tx *store.Tx) error {
		fresh, err := tx.StatementLineInsert(ctx, l.Hash, t.ID, l.Date+" "+l.Description+" "+strconv.FormatInt(l.Amount, 10))
		if err != nil {
			return err
		}
		if !fresh {
			return errLineTaken
		}
		ok, err := s.approve(ctx, tx, t, by)
		if err != nil {
			return err
		}
		if !ok {
			return deposit.ErrSettled // rolls the line's record back with it
		}
		return nil
	})
	switch {
	case errors.Is(err, errLineTaken):
		m.Reason = "already imported"
	case errors.Is(err, deposit.ErrSettled):
		m.Reason = "ticket " + t.Code + " is no longer open"
	case err != nil:
		return fmt.Errorf("match statement line %d: %w", l.N, err)
	default:
		m.Credited = true
		t.Status = deposit.Approved
		s.log.Info("deposit ticket approved", "ticket", t.Code, "reseller", t.Username, "amount", t.Amount, "by", by)
	}
	m.Ticket = t
	return nil
}
