package storefront

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/notify"
	"github.com/kios-h2h/kios/internal/store"
)

// Notices tells buyers what became of their invoices: each invoice whose current status its
// buyer was not told of yet (shop_invoices.notified) gets one message, then is marked. A message
// not sent (the gateway down, a crash before the mark) is sent on a later round: at least once.
type Notices struct {
	Svc      *core.Service
	Notifier notify.Notifier
	// PublicURL makes the invoice links in messages ("" leaves them out).
	PublicURL string
	Log       *slog.Logger
}

// Once sends the notices due now and returns how many were sent. It stops at the first failure
// to send (the next round tries again).
func (n Notices) Once(ctx context.Context) (int, error) {
	due, err := n.Svc.ShopToNotify(ctx, 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	for i := range due {
		inv := &due[i]
		if err := n.Notifier.Notify(ctx, notify.Message{Phone: inv.Phone, Email: inv.Email, Text: n.text(inv)}); err != nil {
			return sent, fmt.Errorf("notify invoice %s: %w", inv.Code, err)
		}
		if err := n.Svc.ShopNotified(ctx, inv.ID, inv.Status); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// Every runs Once every d until ctx ends.
func (n Notices) Every(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		if _, err := n.Once(ctx); err != nil && ctx.Err() == nil {
			n.Log.Warn("storefront notices", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// text is an invoice's message, in Indonesian (buyers are reached by their WhatsApp number).
func (n Notices) text(inv *store.ShopInvoice) string {
	link := ""
	if n.PublicURL != "" {
		link = " " + strings.TrimRight(n.PublicURL, "/") + "/invoice/" + url.PathEscape(inv.Code)
	}
	what := inv.ProductName + " ke " + inv.Destination
	switch inv.Status {
	case store.ShopUnpaid:
		return fmt.Sprintf("Invoice %s: %s, total %s (%s). Bayar sebelum %s WIB.%s", inv.Code, what, ledger.FormatRupiah(inv.Amount),
			inv.Method, inv.ExpiresAt.In(catalog.Jakarta).Format("02-01-2006 15:04"), link)
	case store.ShopPending:
		return fmt.Sprintf("Pembayaran invoice %s diterima; %s sedang diproses.%s", inv.Code, what, link)
	case store.ShopSuccess:
		return fmt.Sprintf("Sukses! Invoice %s: %s. SN: %s.%s", inv.Code, what, inv.SN, link)
	case store.ShopFailed:
		return fmt.Sprintf("Maaf, invoice %s (%s) gagal diproses. Dana %s akan dikembalikan oleh penjual ke nomor ini.%s", inv.Code, what,
			ledger.FormatRupiah(inv.PaidAmount), link)
	case store.ShopRefunded:
		return fmt.Sprintf("Dana %s untuk invoice %s sudah dikembalikan.", ledger.FormatRupiah(inv.PaidAmount), inv.Code)
	case store.ShopExpired:
		return fmt.Sprintf("Invoice %s kedaluwarsa karena belum dibayar.", inv.Code)
	}
	return "Invoice " + inv.Code + ": " + inv.Status + "." + link
}
