package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/reseller"
)

// OtomaxMember is reseller.OtomaxMember, the name the store's reads were written with.
type OtomaxMember = reseller.OtomaxMember

// OtomaxMemberPut sets a reseller's Otomax PIN and plain setting.
func (tx *Tx) OtomaxMemberPut(ctx context.Context, m OtomaxMember) error {
	pin, err := tx.seal(m.PIN, "reseller_otomax.pin")
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO reseller_otomax (reseller_id, pin, plain, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (reseller_id) DO UPDATE SET pin = excluded.pin, plain = excluded.plain, updated_at = excluded.updated_at`,
		m.ResellerID, pin, m.Plain, micros(tx.now()))
	if err != nil {
		return fmt.Errorf("set otomax member %d: %w", m.ResellerID, err)
	}
	return nil
}

// OtomaxMemberRemove takes a reseller's Otomax access away; it reports whether there was any.
func (tx *Tx) OtomaxMemberRemove(ctx context.Context, resellerID int64) (bool, error) {
	res, err := tx.exec(ctx, `DELETE FROM reseller_otomax WHERE reseller_id = ?`, resellerID)
	if err != nil {
		return false, fmt.Errorf("remove otomax member %d: %w", resellerID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// OtomaxMember reads a reseller's Otomax credentials (ErrNotFound: the reseller has no Otomax
// access).
func (q Q) OtomaxMember(ctx context.Context, resellerID int64) (*OtomaxMember, error) {
	m := OtomaxMember{ResellerID: resellerID}
	err := q.queryRow(ctx, `SELECT pin, plain FROM reseller_otomax WHERE reseller_id = ?`, resellerID).Scan(&m.PIN, &m.Plain)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("otomax member %d: %w", resellerID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get otomax member %d: %w", resellerID, err)
	}
	if err := q.openAll("reseller_otomax.pin", &m.PIN); err != nil {
		return nil, err
	}
	return &m, nil
}
