package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/session"
)

func (h *handler) overviewPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ov, err := h.overview(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	orders, err := h.as.Orders(r.Context(), order.Filter{Limit: 10})
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	resellers, err := h.as.Resellers(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	h.render(w, r, id, "overview", "Overview", map[string]any{"O": ov, "Orders": orders, "Suppliers": h.suppliers(r),
		"Resellers": resellers, "Query": ""})
}

func (h *handler) ordersPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	f, err := orderFilter(r)
	if err != nil {
		f = order.Filter{}
	}
	orders, err := h.as.Orders(r.Context(), f)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "orders", "Orders", map[string]any{"Orders": orders, "Q": f.Search, "Status": string(f.Status),
		"Query": r.URL.RawQuery})
}

// orderRows is the live order list's body, polled by htmx.
func (h *handler) orderRows(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	f, err := orderFilter(r)
	if err != nil {
		f = order.Filter{}
	}
	orders, err := h.as.Orders(r.Context(), f)
	if err != nil {
		h.log.Error("order rows", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.renderTemplate(w, "orders", "order_rows", http.StatusOK, orders)
}

func (h *handler) orderPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	d, err := h.as.Order(r.Context(), r.PathValue("invoice"))
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	audit, err := h.as.Audit(r.Context(), audit.Filter{Target: d.Order.Invoice})
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	// The latest attempt that may still be bought upstream: settling by hand then asks for
	// confirmation, and the attempt is still asked after.
	var open *order.Attempt
	for i := range d.Attempts {
		if order.AttemptOpen(d.Attempts[i].State) {
			open = &d.Attempts[i]
		}
	}
	h.render(w, r, id, "order", "Order "+d.Order.Invoice, map[string]any{"D": d, "Audit": audit, "Open": open})
}

func (h *handler) lateDeliveriesPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	list, err := h.as.LateDeliveries(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "late", "Late deliveries", map[string]any{"List": list})
}

func (h *handler) orderResolvePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	inv := r.PathValue("invoice")
	back := "/admin/orders/" + url.PathEscape(inv)
	o, err := h.as.ResolveOrder(r.Context(), h.actor(r, id), inv, order.Status(r.PostFormValue("status")),
		r.PostFormValue("sn"), r.PostFormValue("message"), r.PostFormValue("force") != "")
	var open *core.OpenAttemptError
	if errors.As(err, &open) {
		// The page shows the open attempt and the confirmation box; say why it is needed.
		h.flash(r, session.FlashErr, open.Error())
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if err != nil {
		h.failed(w, r, back, err)
		return
	}
	h.done(w, r, back, "Order marked "+string(o.Status))
}
