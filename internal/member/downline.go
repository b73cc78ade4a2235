package member

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/audit"
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
	// Transfers may go further down than the direct downlines (issue 21).
	below, err := h.svc.Descendants(ctx, cl.r.ID)
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
	h.render(w, r, cl, "downline", tr(cl.lang, "nav.downline"), map[string]any{"Downlines": downs, "Below": below, "Transfers": views,
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
	case "register":
		h.registerPost(w, r, cl)
	case "markup":
		h.markupPost(w, r, cl)
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

// registerPost registers a direct downline of the caller and shows its username and member-area
// password once.
func (h *handler) registerPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	const to = "/member/downline"
	markup, err := parseAmount(r.PostFormValue("markup"))
	if strings.TrimSpace(r.PostFormValue("markup")) == "" {
		markup, err = 0, nil
	}
	if err != nil {
		h.failed(w, r, cl, to, &core.FieldError{Field: "markup", Reason: "must be a whole number of rupiah, 0 or more"})
		return
	}
	n := core.NewReseller{Name: r.PostFormValue("name"), Phone: strings.TrimSpace(r.PostFormValue("phone")), Upline: cl.r.Username, Markup: markup}
	rec, _ := json.Marshal(map[string]any{"name": n.Name, "phone": n.Phone, "markup": markup})
	ctx := audit.With(r.Context(), audit.Entry{Actor: "member:" + cl.r.Username, IP: h.clientIP(r), Action: "downline.register",
		Target: "reseller:" + cl.r.Username, After: string(rec)})
	cr, err := h.svc.CreateReseller(ctx, n)
	if err != nil {
		h.failed(w, r, cl, to, err)
		return
	}
	pw, err := SetPassword(r.Context(), h.svc, cr.Reseller.Username, h.opts.Session.BcryptCost)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log.Info("downline registered in the member area", "upline", cl.r.Username, "downline", cr.Reseller.Username, "markup", markup)
	h.render(w, r, cl, "secret", tr(cl.lang, "dl.registered"), map[string]any{"Secrets": [][2]string{
		{tr(cl.lang, "username"), cr.Reseller.Username}, {tr(cl.lang, "password"), pw}}, "Next": to})
}

// markupPost sets what the caller charges a direct downline: its default markup (no code), or
// its override on a variant or product (a variant code first, then a product code).
func (h *handler) markupPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	const to = "/member/downline"
	rupiah, err := parseAmount(r.PostFormValue("rupiah"))
	if err != nil {
		h.failed(w, r, cl, to, &core.FieldError{Field: "rupiah", Reason: "must be a whole number of rupiah, 0 or more"})
		return
	}
	m := core.MarkupSet{Downline: strings.TrimSpace(r.PostFormValue("downline")), Upline: cl.r.Username, Rupiah: rupiah}
	if code := strings.TrimSpace(r.PostFormValue("code")); code != "" {
		// As typed, then in upper and lower case: a variant first, then a product.
	find:
		for _, c := range []string{code, strings.ToUpper(code), strings.ToLower(code)} {
			if v, err := h.svc.Variant(r.Context(), c); err == nil {
				m.Variant = v.Code
				break find
			}
			if p, err := h.svc.Product(r.Context(), c); err == nil {
				m.Product = p.Code
				break find
			}
		}
		if m.Variant == "" && m.Product == "" {
			h.failed(w, r, cl, to, &core.FieldError{Field: "code", Reason: "no product or variant " + code})
			return
		}
	}
	ctx := audit.With(r.Context(), audit.Entry{Actor: "member:" + cl.r.Username, IP: h.clientIP(r), Action: "downline.markup",
		Target: "reseller:" + m.Downline, After: fmt.Sprintf(`{"product":%q,"variant":%q,"rupiah":%d}`, m.Product, m.Variant, rupiah)})
	if err := h.svc.SetDownlineMarkup(ctx, m); err != nil {
		h.failed(w, r, cl, to, err)
		return
	}
	h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "dl.markup.saved")+" "+m.Downline+" "+ledger.FormatRupiah(rupiah))
}

// downlineReportPage is GET /member/downline/laporan?from=&to= (YYYY-MM-DD, Jakarta; the last 7
// days by default): each downline's delivered orders, spend and the commission earned on them,
// per day, with totals; ?format=csv downloads it.
func (h *handler) downlineReportPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	q := r.URL.Query()
	from, err := day(q.Get("from"), "from", 0)
	if err == nil && from.IsZero() {
		from = dayStart(h.svc.Now()).AddDate(0, 0, -6)
	}
	to, err2 := day(q.Get("to"), "to", 0)
	if err2 == nil && to.IsZero() {
		to = dayStart(h.svc.Now())
	}
	if err = errors.Join(err, err2); err != nil {
		h.renderStatus(w, r, cl, http.StatusBadRequest, "notfound", errorText(cl.lang, err), nil)
		return
	}
	if to.Before(from) || to.Sub(from) > 366*24*time.Hour {
		h.renderStatus(w, r, cl, http.StatusBadRequest, "notfound", tr(cl.lang, "dl.report.range"), nil)
		return
	}
	fromDay, toDay := from.Format("2006-01-02"), to.Format("2006-01-02")
	rows, err := h.svc.DownlineReport(r.Context(), cl.r.ID, fromDay, toDay)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		out := [][]string{{"day", "downline", "level", "orders", "spend", "commission"}}
		for _, x := range rows {
			out = append(out, []string{x.Day, x.Downline, strconv.Itoa(x.Level), itoa(x.Orders), itoa(x.Spend), itoa(x.Commission)})
		}
		writeCSV(w, "downline-"+cl.r.Username+"-"+fromDay+"-"+toDay+".csv", out)
		return
	}
	var total core.DownlineReportRow
	for _, x := range rows {
		total.Orders += x.Orders
		total.Spend += x.Spend
		total.Commission += x.Commission
	}
	h.render(w, r, cl, "downline_report", tr(cl.lang, "dl.report"), map[string]any{"Rows": rows, "Total": total, "From": fromDay, "To": toDay})
}
