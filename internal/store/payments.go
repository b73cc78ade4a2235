package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/payment"
)

// Errors of the gateway registry and payments.
var (
	ErrGatewayNotFound = payment.ErrGatewayNotFound
	ErrGatewayExists   = payment.ErrGatewayExists
	ErrPaymentNotFound = payment.ErrPaymentNotFound
)

// Fee policies of a gateway.
const (
	FeeDistributor = "distributor"
	FeeReseller    = "reseller"
)

// Gateway is payment.GatewayConfig.
type Gateway = payment.GatewayConfig

const gatewayCols = `id, name, kind, base_url, merchant_code, api_key, private_key, server_key, callback_token, secret, methods, fee_policy,
	enabled, created_at, updated_at`

func (q Q) scanGateway(row interface{ Scan(...any) error }) (*Gateway, error) {
	var g Gateway
	var methods string
	var c, u int64
	if err := row.Scan(&g.ID, &g.Name, &g.Kind, &g.BaseURL, &g.MerchantCode, &g.APIKey, &g.PrivateKey, &g.ServerKey, &g.CallbackToken,
		&g.Secret, &methods, &g.FeePolicy, &g.Enabled, &c, &u); err != nil {
		return nil, err
	}
	if methods != "" {
		g.Methods = strings.Split(methods, ",")
	}
	g.CreatedAt, g.UpdatedAt = fromMicros(c), fromMicros(u)
	if err := q.openAll("gateways.api_key", &g.APIKey, "gateways.private_key", &g.PrivateKey, "gateways.server_key", &g.ServerKey,
		"gateways.callback_token", &g.CallbackToken, "gateways.secret", &g.Secret); err != nil {
		return nil, fmt.Errorf("gateway %s: %w", g.Name, err)
	}
	return &g, nil
}

// GatewayInsert registers a gateway; ErrGatewayExists, changing nothing, when the name is taken.
func (tx *Tx) GatewayInsert(ctx context.Context, g *Gateway) error {
	now := tx.now()
	g.CreatedAt, g.UpdatedAt = now, now
	if g.FeePolicy == "" {
		g.FeePolicy = FeeDistributor
	}
	sealed := []string{g.APIKey, g.PrivateKey, g.ServerKey, g.CallbackToken, g.Secret}
	for i, col := range []string{"gateways.api_key", "gateways.private_key", "gateways.server_key", "gateways.callback_token", "gateways.secret"} {
		var err error
		if sealed[i], err = tx.seal(sealed[i], col); err != nil {
			return err
		}
	}
	err := tx.queryRow(ctx, `INSERT INTO gateways (name, kind, base_url, merchant_code, api_key, private_key, server_key, callback_token, secret,
			methods, fee_policy, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`,
		g.Name, g.Kind, g.BaseURL, g.MerchantCode, sealed[0], sealed[1], sealed[2], sealed[3], sealed[4],
		strings.Join(g.Methods, ","), g.FeePolicy, g.Enabled, micros(now), micros(now)).Scan(&g.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("gateway %s: %w", g.Name, ErrGatewayExists)
	}
	if err != nil {
		return fmt.Errorf("insert gateway %s: %w", g.Name, err)
	}
	return nil
}

// GatewaySetEnabled enables or disables a gateway.
func (tx *Tx) GatewaySetEnabled(ctx context.Context, name string, enabled bool) error {
	res, err := tx.exec(ctx, `UPDATE gateways SET enabled = ?, updated_at = ? WHERE name = ?`, enabled, micros(tx.now()), name)
	if err != nil {
		return fmt.Errorf("set gateway %s enabled: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("gateway %s: %w", name, ErrGatewayNotFound)
	}
	return nil
}

// Gateways lists the registered gateways by name.
func (q Q) Gateways(ctx context.Context) ([]Gateway, error) {
	rows, err := q.query(ctx, `SELECT `+gatewayCols+` FROM gateways ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list gateways: %w", err)
	}
	return collect(rows, q.scanGateway)
}

// GatewayByName finds a gateway (ErrGatewayNotFound).
func (q Q) GatewayByName(ctx context.Context, name string) (*Gateway, error) {
	g, err := q.scanGateway(q.queryRow(ctx, `SELECT `+gatewayCols+` FROM gateways WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("gateway %s: %w", name, ErrGatewayNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get gateway %s: %w", name, err)
	}
	return g, nil
}

// GatewayByID finds a gateway (ErrGatewayNotFound).
func (q Q) GatewayByID(ctx context.Context, id int64) (*Gateway, error) {
	g, err := q.scanGateway(q.queryRow(ctx, `SELECT `+gatewayCols+` FROM gateways WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("gateway %d: %w", id, ErrGatewayNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get gateway %d: %w", id, err)
	}
	return g, nil
}

// Payment statuses.
const (
	PaymentPending   = "pending"
	PaymentPaid      = "paid"
	PaymentHeld      = "held"
	PaymentUnmatched = "unmatched"
	PaymentFailed    = "failed"
	PaymentExpired   = "expired"
	PaymentRefunded  = "refunded"
)

// Payment is payment.Payment.
type Payment = payment.Payment

const paymentCols = `p.id, p.gateway_id, g.name, p.reference, COALESCE(p.ticket_id, 0), COALESCE(t.code, ''), COALESCE(p.reseller_id, 0),
	COALESCE(r.username, ''), p.method, p.amount, p.paid_amount, p.fee, p.pay_code, p.qr_string, p.checkout_url, p.status, p.flag,
	p.credit_txn, p.detail, p.created_at, p.expires_at, p.paid_at`

const paymentFrom = ` FROM payments p JOIN gateways g ON g.id = p.gateway_id LEFT JOIN deposit_tickets t ON t.id = p.ticket_id
	LEFT JOIN resellers r ON r.id = p.reseller_id`

func scanPayment(row interface{ Scan(...any) error }) (*Payment, error) {
	var p Payment
	var c, e, pd int64
	if err := row.Scan(&p.ID, &p.GatewayID, &p.Gateway, &p.Reference, &p.TicketID, &p.Ticket, &p.ResellerID, &p.Username, &p.Method,
		&p.Amount, &p.PaidAmount, &p.Fee, &p.PayCode, &p.QRString, &p.CheckoutURL, &p.Status, &p.Flag, &p.CreditTxn, &p.Detail,
		&c, &e, &pd); err != nil {
		return nil, err
	}
	p.CreatedAt, p.ExpiresAt, p.PaidAt = fromMicros(c), fromMicros(e), fromMicros(pd)
	return &p, nil
}

// PaymentInsert records a payment and sets its id. It returns false, changing nothing, when
// the gateway already has a payment under that reference: the unique key is what makes a
// replayed or concurrent callback (or mutation) find its payment taken.
func (tx *Tx) PaymentInsert(ctx context.Context, p *Payment) (bool, error) {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = tx.now()
	}
	err := tx.queryRow(ctx, `INSERT INTO payments (gateway_id, reference, ticket_id, reseller_id, method, amount, paid_amount, fee, pay_code,
			qr_string, checkout_url, status, flag, credit_txn, detail, created_at, expires_at, paid_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (gateway_id, reference) DO NOTHING RETURNING id`,
		p.GatewayID, p.Reference, nullID(p.TicketID), nullID(p.ResellerID), p.Method, p.Amount, p.PaidAmount, p.Fee, p.PayCode, p.QRString,
		p.CheckoutURL, p.Status, p.Flag, p.CreditTxn, p.Detail, micros(p.CreatedAt), micros(p.ExpiresAt), micros(p.PaidAt)).Scan(&p.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert payment %s: %w", p.Reference, err)
	}
	return true, nil
}

// PaymentSettle moves a payment out of one of the statuses in from, recording what the
// callback said. It returns false, changing nothing, when the payment is in none of them
// (settled by an earlier callback): callers move money only when it returns true, in the same
// transaction.
func (tx *Tx) PaymentSettle(ctx context.Context, id int64, from []string, p Payment) (bool, error) {
	if len(from) == 0 || len(from) > 3 {
		return false, fmt.Errorf("settle payment %d: want one to three statuses to move from", id)
	}
	f := [3]string{from[0], from[0], from[0]}
	copy(f[:], from)
	res, err := tx.exec(ctx, `UPDATE payments SET status = ?, flag = ?, credit_txn = ?, paid_amount = ?, fee = ?, detail = ?, paid_at = ?
		WHERE id = ? AND status IN (?, ?, ?)`,
		p.Status, p.Flag, p.CreditTxn, p.PaidAmount, p.Fee, p.Detail, micros(p.PaidAt), id, f[0], f[1], f[2])
	if err != nil {
		return false, fmt.Errorf("settle payment %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PaymentByReference finds a gateway's payment by the provider's reference (ErrPaymentNotFound).
func (q Q) PaymentByReference(ctx context.Context, gatewayID int64, reference string) (*Payment, error) {
	return q.paymentWhere(ctx, "p.gateway_id = ? AND p.reference = ?", gatewayID, reference)
}

// PaymentByID finds a payment (ErrPaymentNotFound).
func (q Q) PaymentByID(ctx context.Context, id int64) (*Payment, error) {
	return q.paymentWhere(ctx, "p.id = ?", id)
}

// PaymentByTicket finds the newest payment of a ticket at a gateway (ErrPaymentNotFound).
func (q Q) PaymentByTicket(ctx context.Context, gatewayID, ticketID int64) (*Payment, error) {
	return q.paymentWhere(ctx, "p.gateway_id = ? AND p.ticket_id = ? ORDER BY p.id DESC LIMIT 1", gatewayID, ticketID)
}

func (q Q) paymentWhere(ctx context.Context, where string, args ...any) (*Payment, error) {
	p, err := scanPayment(q.queryRow(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPaymentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get payment: %w", err)
	}
	return p, nil
}

// PaymentFilter narrows Payments.
type PaymentFilter = payment.Filter

// Payments lists payments, newest first.
func (q Q) Payments(ctx context.Context, f PaymentFilter) ([]Payment, error) {
	where, args := "1 = 1", []any{}
	if f.Status != "" {
		where += " AND p.status = ?"
		args = append(args, f.Status)
	}
	if f.Gateway != "" {
		where += " AND g.name = ?"
		args = append(args, f.Gateway)
	}
	if f.ResellerID != 0 {
		where += " AND p.reseller_id = ?"
		args = append(args, f.ResellerID)
	}
	if f.Flagged {
		where += " AND p.flag <> ''"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT `+paymentCols+paymentFrom+` WHERE `+where+` ORDER BY p.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list payments: %w", err)
	}
	return collect(rows, scanPayment)
}

// TicketsForMutation lists the tickets a bank mutation of amount could pay: open or expired,
// opened since since, holding exactly that amount, and not paid through a gateway (those are
// paid at their gateway, never by transfer).
func (q Q) TicketsForMutation(ctx context.Context, amount int64, since time.Time) ([]int64, error) {
	rows, err := q.query(ctx, `SELECT t.id FROM deposit_tickets t WHERE t.amount = ? AND t.status IN ('open', 'expired') AND t.created_at >= ?
		AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.ticket_id = t.id) ORDER BY t.id`, amount, micros(since))
	if err != nil {
		return nil, fmt.Errorf("tickets for mutation: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PaymentCallback is payment.Callback.
type PaymentCallback = payment.Callback

// PaymentCallbackInsert records a received callback.
func (tx *Tx) PaymentCallbackInsert(ctx context.Context, c *PaymentCallback) error {
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = tx.now()
	}
	err := tx.queryRow(ctx, `INSERT INTO payment_callbacks (gateway_id, gateway, remote_addr, content_type, headers, body, verified, result,
			reference, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(c.GatewayID), c.Gateway, c.RemoteAddr, c.ContentType, c.Headers, c.Body, c.Verified, c.Result, c.Reference,
		micros(c.ReceivedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("record payment callback: %w", err)
	}
	return nil
}

// PaymentCallbacks lists received callbacks, newest first (gateway "" for all; limit 0: 100).
func (q Q) PaymentCallbacks(ctx context.Context, gateway string, limit int) ([]PaymentCallback, error) {
	where, args := "1 = 1", []any{}
	if gateway != "" {
		where += " AND gateway = ?"
		args = append(args, gateway)
	}
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := q.query(ctx, `SELECT id, COALESCE(gateway_id, 0), gateway, remote_addr, content_type, headers, body, verified, result, reference,
		received_at FROM payment_callbacks WHERE `+where+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list payment callbacks: %w", err)
	}
	defer rows.Close()
	var out []PaymentCallback
	for rows.Next() {
		var c PaymentCallback
		var at int64
		if err := rows.Scan(&c.ID, &c.GatewayID, &c.Gateway, &c.RemoteAddr, &c.ContentType, &c.Headers, &c.Body, &c.Verified, &c.Result,
			&c.Reference, &at); err != nil {
			return nil, err
		}
		c.ReceivedAt = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (*T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// ledgerCheckPayments checks the postings of gateway payments: a payment credited under its own
// txn ("payment:ID", when its ticket was rejected) has exactly one credit of what was paid from
// deposits to its reseller's available balance; any other payment has no posting under that
// txn; only a credited payment has a fee posting ("payment:ID:fee"), at most one, of its fee.
func ledgerCheckPayments(ctx context.Context, q Q, rep *ledger.Report) error {
	rows, err := q.query(ctx, `SELECT p.id, p.credit_txn, p.paid_amount, p.fee,
		(SELECT COUNT(*) FROM postings x WHERE x.txn = 'payment:' || p.id),
		(SELECT COUNT(*) FROM postings x JOIN accounts dp ON dp.id = x.source AND dp.code = 'deposits'
			JOIN accounts av ON av.id = x.destination AND av.code = 'reseller:' || p.reseller_id || ':available'
			WHERE x.txn = 'payment:' || p.id AND x.amount = p.paid_amount),
		(SELECT COUNT(*) FROM postings x WHERE x.txn = 'payment:' || p.id || ':fee'),
		(SELECT COUNT(*) FROM postings x WHERE x.txn = 'payment:' || p.id || ':fee' AND x.amount = p.fee)
		FROM payments p ORDER BY p.id`)
	if err != nil {
		return fmt.Errorf("ledger check payments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, paid, fee, n, ok, feeN, feeOK int64
		var txn string
		if err := rows.Scan(&id, &txn, &paid, &fee, &n, &ok, &feeN, &feeOK); err != nil {
			return err
		}
		acct := fmt.Sprintf("payment:%d", id)
		bad := func(format string, args ...any) {
			rep.Discrepancies = append(rep.Discrepancies, ledger.Discrepancy{Account: acct, Problem: fmt.Sprintf(format, args...)})
		}
		own := txn == acct
		switch {
		case own && (n != 1 || ok != 1):
			bad("credited under its own txn with %d postings (%d of %d into its reseller's balance), want exactly one", n, ok, paid)
		case !own && n != 0:
			bad("%d postings under its own txn, want none (credit_txn %q)", n, txn)
		}
		switch {
		case txn == "" && feeN != 0:
			bad("%d fee postings on a payment that credited nothing", feeN)
		case feeN > 1 || feeN != feeOK:
			bad("%d fee postings (%d of its fee %d), want at most one of its fee", feeN, feeOK, fee)
		}
	}
	return rows.Err()
}
