package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

// Transfers down the tree (issue 21): an upline moves part of its available balance to a reseller
// below it in the tree (a direct downline or one further down), never sideways nor up. Money
// moves in two writes, each under one reseller's lock key, since BatchKey never holds two
// (docs/ARCHITECTURE.md, Lock domains):
//
//  1. Send (the upline's key): the transfer row is recorded under its reference, the amount moves
//     from the upline's available balance to the transit account (failing, changing nothing,
//     when the upline has less), and a JobTransfer is queued, in one transaction.
//  2. Land (the downline's key): the row goes from transit to done, the amount moves from the
//     transit account to the downline's available balance, and the job is deleted.
//
// TransferDown runs both at once; if the second fails (or the process dies between them) the job
// lands the transfer later. Landing twice is impossible: the status update is the guard.

// ErrTransferReference is a transfer reference the upline already used for another transfer.
var ErrTransferReference = errors.New("reference already used for a different transfer")

// TransferParams is one transfer down the tree.
type TransferParams struct {
	Upline    *reseller.Reseller
	Downline  string // username of a reseller below Upline in the tree, at any depth
	Amount    int64
	Reference string // unique per upline: the same reference again is the same transfer
	// Actor names who asked, for the audit row ("telegram:123", an admin's username,
	// "member:budi"); IP is where from, when known.
	Actor, IP string
}

// TransferResult is a transfer's outcome.
type TransferResult struct {
	Transfer *reseller.Transfer
	Downline *reseller.Reseller
	Created  bool  // false: the reference named a transfer made before; nothing moved now
	Balance  int64 // the upline's available balance after it
}

// TransferDown moves p.Amount from p.Upline's available balance to its downline's.
func (s *Service) TransferDown(ctx context.Context, p TransferParams) (TransferResult, error) {
	var res TransferResult
	if err := p.validate(); err != nil {
		return res, err
	}
	down, err := s.transferDownline(ctx, p)
	// Set on a refusal too, once the downline is found, as it always was.
	res.Downline = down
	if err != nil {
		return res, err
	}
	res.Transfer, res.Created, err = s.sendTransfer(ctx, p, down)
	if err != nil {
		return TransferResult{}, fmt.Errorf("transfer %s from %s: %w", p.Reference, p.Upline.Username, err)
	}
	if res.Transfer.Status == store.TransferTransit {
		res.Transfer = s.landNow(ctx, res.Transfer)
	}
	if res.Balance, err = s.Balance(ctx, p.Upline.ID); err != nil {
		return res, err
	}
	if res.Created {
		s.log.Info("transfer down", "upline", p.Upline.Username, "downline", down.Username, "amount", p.Amount, "reference", p.Reference, "actor", p.Actor)
	}
	return res, nil
}

// validate checks the transfer's own fields and that its upline may send.
func (p *TransferParams) validate() error {
	if p.Upline == nil {
		return errors.New("transfer: no upline")
	}
	if p.Amount <= 0 || p.Amount > ledger.MaxAmount {
		return &FieldError{"amount", "must be a positive number of rupiah"}
	}
	if err := order.ValidateReference(p.Reference); err != nil {
		return &FieldError{"reference", err.Error()}
	}
	if p.Upline.Status != reseller.Active {
		return &FieldError{"upline", "is not active"}
	}
	return nil
}

// transferDownline finds p.Downline and checks it may receive from p.Upline: active, and below
// it in the tree. It returns the downline it found even with a refusal.
func (s *Service) transferDownline(ctx context.Context, p TransferParams) (*reseller.Reseller, error) {
	down, err := s.db.ResellerByUsername(ctx, p.Downline)
	if errors.Is(err, reseller.ErrNotFound) {
		return nil, &FieldError{"downline", "no reseller " + strconv.Quote(p.Downline)}
	}
	if err != nil {
		return nil, err
	}
	if down.ID == p.Upline.ID {
		return down, fmt.Errorf("transfer to itself: %w", ErrNotBelow)
	}
	// Down the tree at any depth (issue 21: "an upline moves balance to its own downline ...
	// never sideways or up"): a downline's downline is still below its sender.
	below, err := s.isBelow(ctx, p.Upline.ID, down.ID)
	if err != nil {
		return down, err
	}
	if !below {
		// Sideways (under another upline), up (one of its uplines) or to a top reseller.
		return down, fmt.Errorf("transfer from %s to %s: %w", p.Upline.Username, down.Username, ErrNotBelow)
	}
	if down.Status != reseller.Active {
		return down, &FieldError{"downline", "is not active"}
	}
	return down, nil
}

// sendTransfer is the first half of a transfer (see above), under the upline's key: the amount
// leaves the upline's balance for transit, with the transfer's row, its landing job and its
// audit row. A reference used before answers that transfer (created false), or
// ErrTransferReference when it named another.
func (s *Service) sendTransfer(ctx context.Context, p TransferParams, down *reseller.Reseller) (*store.DownlineTransfer, bool, error) {
	after, _ := json.Marshal(map[string]any{"downline": down.Username, "amount": p.Amount, "reference": p.Reference})
	var sent *store.DownlineTransfer
	var created bool
	err := s.inReseller(ctx, p.Upline.ID, func(tx *store.Tx) error {
		sent, created = nil, false
		prev, err := tx.DownlineTransferByRef(ctx, p.Upline.ID, p.Reference)
		if err == nil {
			if prev.DownlineID != down.ID || prev.Amount != p.Amount {
				return ErrTransferReference
			}
			sent = prev
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		ra, err := s.resellerAccounts(ctx, tx, p.Upline.ID)
		if err != nil {
			return err
		}
		t := &store.DownlineTransfer{UplineID: p.Upline.ID, DownlineID: down.ID, Amount: p.Amount, Reference: p.Reference, Actor: p.Actor}
		if err := tx.DownlineTransferInsert(ctx, t); err != nil {
			return err
		}
		err = tx.Transfer(ctx, store.TransferSendTxn(t.ID), ra.available, s.sys.transit, p.Amount, "transfer to "+down.Username+" ("+p.Reference+")")
		if errors.Is(err, store.ErrInsufficientFunds) {
			return order.ErrInsufficientBalance
		}
		if err != nil {
			return err
		}
		if err := tx.JobInsert(ctx, store.JobTransfer, t.ID, s.now()); err != nil {
			return err
		}
		if err := tx.AuditInsert(ctx, &store.AuditEntry{Actor: p.Actor, IP: p.IP, Action: "downline.transfer",
			Target: "reseller:" + p.Upline.Username, After: string(after)}); err != nil {
			return err
		}
		sent, created = t, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return sent, created, nil
}

// landNow lands a transfer in transit at once, so the downline sees its money in the answer,
// and returns it as it now stands. A failure is left to the transfer's job: the money is sent
// and recorded either way.
func (s *Service) landNow(ctx context.Context, t *store.DownlineTransfer) *store.DownlineTransfer {
	if err := s.landTransfer(ctx, t.ID); err != nil {
		// Sent and recorded: the job lands it.
		s.log.Warn("transfer not landed yet; its job will", "transfer", t.ID, "err", err)
		s.wake()
		return t
	}
	if landed, err := s.db.DownlineTransferByID(ctx, t.ID); err == nil {
		return landed
	}
	return t
}

// landTransfer credits a transfer in transit to its downline, under the downline's key; a
// transfer landed already is left alone.
func (s *Service) landTransfer(ctx context.Context, id int64) error {
	t, err := s.db.DownlineTransferByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return s.db.Batch(ctx, func(tx *store.Tx) error { return tx.JobDeleteFor(ctx, store.JobTransfer, id) })
	}
	if err != nil {
		return err
	}
	err = s.inReseller(ctx, t.DownlineID, func(tx *store.Tx) error {
		ok, err := tx.DownlineTransferLand(ctx, id)
		if err != nil {
			return err
		}
		if ok {
			ra, err := s.resellerAccounts(ctx, tx, t.DownlineID)
			if err != nil {
				return err
			}
			if err := tx.Transfer(ctx, store.TransferLandTxn(id), s.sys.transit, ra.available, t.Amount, "transfer "+t.Reference+" from upline"); err != nil {
				return err
			}
		}
		return tx.JobDeleteFor(ctx, store.JobTransfer, id)
	})
	if err != nil {
		return fmt.Errorf("land transfer %d: %w", id, err)
	}
	return nil
}

// Transfers lists the transfers a reseller sent or received, newest first.
func (s *Service) Transfers(ctx context.Context, resellerID int64, limit int) ([]reseller.Transfer, error) {
	return s.db.DownlineTransfers(ctx, resellerID, limit)
}

// ledgerJob runs a job that only moves money inside the ledger (no upstream call): paying a
// settled order's commissions, landing a transfer.
func (s *Service) ledgerJob(ctx context.Context, j store.Job) error {
	if j.Kind == store.JobTransfer {
		return s.landTransfer(ctx, j.OrderID)
	}
	return s.payCommissions(ctx, j)
}

// TransferView is a transfer as the admin API and the member area show it (JSON keys of the
// admin API).
type TransferView struct {
	ID        int64     `json:"id"`
	Upline    string    `json:"upline"`
	Downline  string    `json:"downline"`
	Amount    int64     `json:"amount"`
	Reference string    `json:"reference"`
	Status    string    `json:"status"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
	LandedAt  time.Time `json:"landed_at,omitzero"`
}

// ViewTransfers names the resellers of ts.
func (s *Service) ViewTransfers(ctx context.Context, ts ...reseller.Transfer) ([]TransferView, error) {
	names := map[int64]string{}
	name := func(id int64) (string, error) {
		if n, ok := names[id]; ok {
			return n, nil
		}
		r, err := s.db.ResellerByID(ctx, id)
		if err != nil {
			return "", err
		}
		names[id] = r.Username
		return r.Username, nil
	}
	out := make([]TransferView, 0, len(ts))
	for _, t := range ts {
		up, err := name(t.UplineID)
		if err != nil {
			return nil, err
		}
		down, err := name(t.DownlineID)
		if err != nil {
			return nil, err
		}
		out = append(out, TransferView{ID: t.ID, Upline: up, Downline: down, Amount: t.Amount, Reference: t.Reference, Status: t.Status,
			Actor: t.Actor, CreatedAt: t.CreatedAt, LandedAt: t.LandedAt})
	}
	return out, nil
}
