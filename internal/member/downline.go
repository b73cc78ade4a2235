package member

import (
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/session"
)

// The downline tree in the member area (issue 21): the reseller's direct downlines and the
// transfers it sent or received, and a form to send balance to a downline.

func (h *handler) downlinePage(w http.ResponseWriter, r *http.Request, cl *caller) {
	ctx := r.Context()
	downs, err := h.svc.DirectDownlines(ctx, cl.r.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ts, err := h.svc.Transfers(ctx, cl.r.ID, 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	views, err := h.svc.ViewTransfers(ctx, ts...)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	comm, err := h.svc.CommissionBalance(ctx, cl.r.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, cl, "downline", tr(cl.lang, "nav.downline"), map[string]any{"Downlines": downs, "Transfers": views,
		"Me": cl.r.Username, "Commission": comm,
		// A reference made with the form: posting it twice (a double tap, a resent form) sends once.
		"Reference": "M" + reseller.NewSecret(8)})
}

func (h *handler) downlinePost(w http.ResponseWriter, r *http.Request, cl *caller) {
	switch r.PathValue("action") {
	case "transfer":
		h.transferPost(w, r, cl)
	case "exchange":
		moved, err := h.svc.ExchangeCommission(r.Context(), cl.r.ID)
		if err != nil {
			h.failed(w, r, cl, "/member/downline", err)
			return
		}
		if moved == 0 {
			h.back(w, r, cl, "/member/downline", session.FlashErr, tr(cl.lang, "dl.nothing"))
			return
		}
		h.log.Info("commission exchanged in the member area", "reseller", cl.r.Username, "amount", moved)
		h.back(w, r, cl, "/member/downline", session.FlashOK, tr(cl.lang, "dl.exchanged")+" "+ledger.FormatRupiah(moved))
	default:
		h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
	}
}

func (h *handler) transferPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	const to = "/member/downline"
	amount, err := parseAmount(r.PostFormValue("amount"))
	if err != nil {
		h.failed(w, r, cl, to, &core.FieldError{Field: "amount", Reason: "must be a positive number of rupiah"})
		return
	}
	res, err := h.svc.TransferDown(r.Context(), core.TransferParams{Upline: cl.r, Downline: strings.TrimSpace(r.PostFormValue("downline")),
		Amount: amount, Reference: r.PostFormValue("reference"), Actor: "member:" + cl.r.Username, IP: h.clientIP(r)})
	if err != nil {
		h.failed(w, r, cl, to, err)
		return
	}
	msg := tr(cl.lang, "dl.sent")
	if !res.Created {
		msg = tr(cl.lang, "dl.sent.before")
	}
	h.back(w, r, cl, to, session.FlashOK, msg+" "+ledger.FormatRupiah(res.Transfer.Amount)+" → "+res.Downline.Username)
}
