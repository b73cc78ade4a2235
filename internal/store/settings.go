package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SettingPut sets the operator's setting name to value.
func (tx *Tx) SettingPut(ctx context.Context, name, value string) error {
	_, err := tx.exec(ctx, `INSERT INTO settings (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, name, value, micros(tx.now()))
	if err != nil {
		return fmt.Errorf("save setting %s: %w", name, err)
	}
	return nil
}

// SettingClear removes the setting name: it has its default again. False when it was not set.
func (tx *Tx) SettingClear(ctx context.Context, name string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM settings WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("clear setting %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Settings are the settings the operator has set, by name.
func (q Q) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := q.query(ctx, `SELECT name, value FROM settings`)
	if err != nil {
		return nil, fmt.Errorf("list settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			return nil, err
		}
		out[n] = v
	}
	return out, rows.Err()
}

// Setting is the value of the setting name, and whether the operator has set it.
func (q Q) Setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := q.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("setting %s: %w", name, err)
	}
	return v, true, nil
}

// BankAccount is an account of the distributor's that resellers transfer deposits to.
type BankAccount struct {
	Bank          string // upper case, one account per bank
	AccountNo     string
	Holder        string
	PaymentMethod string
	CreatedAt     time.Time
}

// BankAccountPut adds the account of a bank, or replaces the bank's account.
func (tx *Tx) BankAccountPut(ctx context.Context, a BankAccount) error {
	_, err := tx.exec(ctx, `INSERT INTO bank_accounts (bank, account_no, holder, payment_method, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (bank) DO UPDATE SET account_no = excluded.account_no, holder = excluded.holder,
			payment_method = excluded.payment_method`, a.Bank, a.AccountNo, a.Holder, a.PaymentMethod, micros(tx.now()))
	if err != nil {
		return fmt.Errorf("save bank account %s: %w", a.Bank, err)
	}
	return nil
}

// BankAccountRemove removes the account of a bank; false when there was none.
func (tx *Tx) BankAccountRemove(ctx context.Context, bank string) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM bank_accounts WHERE bank = ?`, bank)
	if err != nil {
		return false, fmt.Errorf("remove bank account %s: %w", bank, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// BankAccounts lists the distributor's accounts in the order they were added.
func (q Q) BankAccounts(ctx context.Context) ([]BankAccount, error) {
	rows, err := q.query(ctx, `SELECT bank, account_no, holder, payment_method, created_at FROM bank_accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list bank accounts: %w", err)
	}
	defer rows.Close()
	var out []BankAccount
	for rows.Next() {
		var a BankAccount
		var created int64
		if err := rows.Scan(&a.Bank, &a.AccountNo, &a.Holder, &a.PaymentMethod, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = fromMicros(created)
		out = append(out, a)
	}
	return out, rows.Err()
}
