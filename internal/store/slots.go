package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/ledger"
)

// Balance slots (issue 23; docs/ARCHITECTURE.md, "One hot reseller"). A reseller's orders all run
// under its key, and on PostgreSQL one key is one write loop whose batches run one after another:
// one reseller's orders are bounded by one loop. A reseller given slots > 0 has that many more
// pairs of accounts, reseller:ID:available:S and reseller:ID:held:S, each pair the lock domain of
// its own key (SlotKey), so that as many loops take its orders at once. An order held in slot S
// is settled from slot S's held account under the same key.
//
// Nothing debits a slot's available account but a conditional debit (Transfer's), so no slot goes
// below zero, and neither does their sum, the reseller's available balance. Money moves between
// the reseller's own slots only under its own key (slot 0's), which covers all of its slots: such
// a write locks slot 0's account, then the slots' in slot order, the order in which every batch
// takes keys (keyCompare), so it waits on the slots' batches and never the reverse.

// slotShift places a balance slot's number above a reseller's id in a lock key.
const slotShift = 48

// SlotKey is the lock key of reseller resellerID's balance slot slot; slot 0's is the reseller's
// id, its own key.
func SlotKey(resellerID int64, slot int) int64 { return resellerID | int64(slot)<<slotShift }

// keyParts splits a lock key into its reseller (or other domain) and slot.
func keyParts(k int64) (family, slot int64) { return k & (1<<slotShift - 1), k >> slotShift }

// keyCompare orders lock keys by reseller, then slot: a reseller's slots right after its own key,
// so that a write under its own key that takes its slots' rows takes them in batch order.
func keyCompare(a, b int64) int {
	fa, sa := keyParts(a)
	fb, sb := keyParts(b)
	if fa != fb {
		if fa < fb {
			return -1
		}
		return 1
	}
	switch {
	case sa < sb:
		return -1
	case sa > sb:
		return 1
	}
	return 0
}

// slotOfCode is the balance slot of a reseller's account code (0 unless it ends ":S").
func slotOfCode(code string) int {
	if strings.Count(code, ":") != 3 {
		return 0
	}
	n, err := strconv.Atoi(code[strings.LastIndexByte(code, ':')+1:])
	if err != nil {
		return 0
	}
	return n
}

// resellerBalanceCode parses a reseller's available or held code (ledger.AvailableCode,
// HeldCode): the balance that sums its slots.
func resellerBalanceCode(code string) (int64, string, bool) {
	rest, ok := strings.CutPrefix(code, "reseller:")
	if !ok {
		return 0, "", false
	}
	id, kind, ok := strings.Cut(rest, ":")
	if !ok || (kind != "available" && kind != "held") {
		return 0, "", false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, kind, true
}

// resellerBalance is the sum of a reseller's accounts of kind (available or held) over its slots.
func (q Q) resellerBalance(ctx context.Context, resellerID int64, kind string) (int64, error) {
	var b int64
	if err := q.queryRow(ctx, `SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE reseller_id = ? AND kind = ?`,
		resellerID, kind).Scan(&b); err != nil {
		return 0, fmt.Errorf("balance of reseller %d %s: %w", resellerID, kind, err)
	}
	return b, nil
}

// slotAccount is one of a reseller's available accounts, locked.
type slotAccount struct {
	id, balance int64
	slot        int
}

// lockSlots locks a reseller's available accounts (slot 0's first, then the slots' in slot
// order: they are created in that order, so by id) and returns them with their balances.
func (tx *Tx) lockSlots(ctx context.Context, resellerID int64) ([]slotAccount, error) {
	rows, err := tx.query(ctx, `SELECT id, balance, code FROM accounts WHERE reseller_id = ? AND kind = 'available' ORDER BY id `+tx.d.ForUpdate, resellerID)
	if err != nil {
		return nil, fmt.Errorf("lock balance slots of reseller %d: %w", resellerID, err)
	}
	defer rows.Close()
	var out []slotAccount
	for rows.Next() {
		var a slotAccount
		var code string
		if err := rows.Scan(&a.id, &a.balance, &code); err != nil {
			return nil, err
		}
		a.slot = slotOfCode(code)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 || out[0].slot != 0 {
		return nil, fmt.Errorf("balance slots of reseller %d: no slot 0 account first", resellerID)
	}
	return out, nil
}

// gatherSlots runs after a debit of src failed for want of funds. When src is a reseller's own
// available account (slot 0) and the caller runs under that reseller's own key, it moves every
// slot's available balance into src and reports whether it moved anything: a debit the slots
// together cover then passes. Under a slot's key, or for any other account, it does nothing.
func (tx *Tx) gatherSlots(ctx context.Context, src int64) (bool, error) {
	t, err := tx.traits(ctx, src)
	if err != nil {
		return false, err
	}
	if t.reseller == 0 || t.kind != "available" || t.slot != 0 || tx.key != t.reseller {
		return false, nil
	}
	accts, err := tx.lockSlots(ctx, t.reseller)
	if err != nil {
		return false, err
	}
	moved := false
	for _, a := range accts[1:] {
		if a.balance <= 0 {
			continue
		}
		if _, err := tx.transferRows(ctx, postingKey{txn: slotsTxn(t.reseller)}, a.id, src, a.balance, "balance slots gathered", false, false); err != nil {
			return false, fmt.Errorf("gather slot %d: %w", a.slot, err)
		}
		moved = true
	}
	return moved, nil
}

// slotsTxn is the txn of the postings that move a reseller's money between its own slots.
func slotsTxn(resellerID int64) string {
	return "reseller:" + strconv.FormatInt(resellerID, 10) + ":slots"
}

// SlotsSpread refills reseller resellerID's balance slots 1..slots from its own available
// account (slot 0), under its own key: the available balance over all of them is shared equally
// (slot 0 keeps the remainder), and a slot above slots (the count was lowered) is emptied into
// slot 0. Only money in slot 0 moves out, and never more than it holds, so the total stays.
func (tx *Tx) SlotsSpread(ctx context.Context, resellerID int64, slots int) error {
	if tx.key != resellerID {
		return fmt.Errorf("spread balance slots of reseller %d under key %d: %w", resellerID, tx.key, ErrLockDomain)
	}
	accts, err := tx.lockSlots(ctx, resellerID)
	if err != nil {
		return err
	}
	if len(accts) == 1 {
		return nil
	}
	var total int64
	for _, a := range accts {
		total += a.balance
	}
	share := total / int64(slots+1)
	txn := slotsTxn(resellerID)
	for _, a := range accts[1:] {
		switch {
		case a.slot > slots && a.balance > 0:
			if _, err := tx.transferRows(ctx, postingKey{txn: txn}, a.id, accts[0].id, a.balance, "balance slot emptied", false, false); err != nil {
				return fmt.Errorf("empty slot %d: %w", a.slot, err)
			}
		case a.slot <= slots && a.balance < share:
			_, err := tx.transferRows(ctx, postingKey{txn: txn}, accts[0].id, a.id, share-a.balance, "balance slot refilled", false, false)
			if errors.Is(err, ErrInsufficientFunds) {
				return nil // slot 0 has given what it had; the rest wait for the next spread
			}
			if err != nil {
				return fmt.Errorf("refill slot %d: %w", a.slot, err)
			}
		}
	}
	return nil
}

// ResellerSlotsSet gives a reseller slots balance slots (0 to ledger.MaxSlots; 0 is one account
// pair, the layout without slots), creating their accounts in slot order. Lowering the count
// leaves the higher slots' accounts: their pending orders settle there, and the next spread
// empties them into slot 0. Under the reseller's own key.
func (tx *Tx) ResellerSlotsSet(ctx context.Context, resellerID int64, slots int) error {
	if slots < 0 || slots > ledger.MaxSlots {
		return fmt.Errorf("balance slots %d: between 0 and %d", slots, ledger.MaxSlots)
	}
	tx.resellersChanged = true
	res, err := tx.exec(ctx, `UPDATE resellers SET slots = ? WHERE id = ?`, slots, resellerID)
	if err != nil {
		return fmt.Errorf("set balance slots of reseller %d: %w", resellerID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("set balance slots of reseller %d: %w", resellerID, ErrNotFound)
	}
	for s := 1; s <= slots; s++ {
		if _, err := tx.accountEnsure(ctx, ledger.SlotAvailableCode(resellerID, s), "available", resellerID, false); err != nil {
			return err
		}
		if _, err := tx.accountEnsure(ctx, ledger.SlotHeldCode(resellerID, s), "held", resellerID, false); err != nil {
			return err
		}
	}
	return nil
}
