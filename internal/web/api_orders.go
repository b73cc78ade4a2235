package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
)

// OrderView is an order as the admin API shows it.
type OrderView struct {
	Invoice     string    `json:"invoice"`
	Reseller    string    `json:"reseller,omitempty"`
	ResellerID  int64     `json:"reseller_id"`
	Reference   string    `json:"reference"`
	Variant     string    `json:"variant"`
	Product     string    `json:"product"`
	Destination string    `json:"destination"`
	Price       int64     `json:"price"`
	Cost        int64     `json:"cost"`
	Status      string    `json:"status"`
	SN          string    `json:"sn"`
	Message     string    `json:"message"`
	Testing     bool      `json:"testing"`
	Dialect     string    `json:"dialect"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func orderView(o *order.Order) OrderView {
	return OrderView{Invoice: o.Invoice, ResellerID: o.ResellerID, Reference: o.Reference, Variant: o.VariantCode, Product: o.ProductName,
		Destination: o.Destination, Price: o.Price, Cost: o.Cost, Status: string(o.Status), SN: o.SN, Message: o.Message,
		Testing: o.Testing, Dialect: o.Dialect, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func orderFilter(r *http.Request) (order.Filter, error) {
	q := r.URL.Query()
	f := order.Filter{Search: strings.TrimSpace(q.Get("q")), Status: order.Status(q.Get("status"))}
	switch f.Status {
	case "", order.Pending, order.Success, order.Failed:
	default:
		return f, &core.FieldError{Field: "status", Reason: "must be Pending, Success or Failed"}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return f, &core.FieldError{Field: "limit", Reason: "must be 1 to 1000"}
		}
		f.Limit = n
	}
	return f, nil
}

func (h *handler) apiOrders(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	f, err := orderFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u := r.URL.Query().Get("reseller"); u != "" {
		rs, err := h.svc.Reseller(r.Context(), u)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		f.ResellerID = rs.ID
	}
	list, err := h.as.Orders(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]OrderView, 0, len(list))
	for i := range list {
		out = append(out, orderView(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": out})
}

type attemptView struct {
	Supplier  string    `json:"supplier"`
	SKU       string    `json:"sku"`
	Reference string    `json:"reference"`
	State     string    `json:"state"`
	SN        string    `json:"sn"`
	Message   string    `json:"message"`
	Cost      int64     `json:"cost"`
	Polls     int       `json:"polls"`
	CreatedAt time.Time `json:"created_at"`
}

type postingView struct {
	Txn         string    `json:"txn"`
	Source      string    `json:"source"`
	Destination string    `json:"destination"`
	Amount      int64     `json:"amount"`
	Memo        string    `json:"memo"`
	At          time.Time `json:"at"`
}

func postingViews(ps []ledger.Posting) []postingView {
	out := make([]postingView, 0, len(ps))
	for _, p := range ps {
		out = append(out, postingView{Txn: p.Txn, Source: p.SourceCode, Destination: p.DestCode, Amount: p.Amount, Memo: p.Memo,
			At: time.UnixMicro(p.CreatedAt).UTC()})
	}
	return out
}

func (h *handler) apiOrder(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	d, err := h.as.Order(r.Context(), r.PathValue("invoice"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ov := orderView(d.Order)
	ov.Reseller = d.Reseller
	atts := make([]attemptView, 0, len(d.Attempts))
	for _, a := range d.Attempts {
		atts = append(atts, attemptViewOf(&a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": ov, "attempts": atts, "postings": postingViews(d.Postings)})
}

func attemptViewOf(a *order.Attempt) attemptView {
	return attemptView{a.Supplier, a.SKU, a.Reference, a.State, a.SN, a.Message, a.Cost, a.Polls, a.CreatedAt}
}

type resolveReq struct {
	Status  string `json:"status"`
	SN      string `json:"sn"`
	Message string `json:"message"`
	// Force settles the order although an upstream attempt is still open.
	Force bool `json:"force"`
}

// openAttemptAnswer is the 409 of a resolution refused because an upstream attempt is still open.
type openAttemptAnswer struct {
	Error   string      `json:"error"`
	Attempt attemptView `json:"attempt"`
}

func (h *handler) apiOrderResolve(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req resolveReq
	if !decode(w, r, &req) {
		return
	}
	o, err := h.as.ResolveOrder(r.Context(), h.actor(r, id), r.PathValue("invoice"), order.Status(req.Status), req.SN, req.Message, req.Force)
	var open *core.OpenAttemptError
	if errors.As(err, &open) {
		writeJSON(w, http.StatusConflict, openAttemptAnswer{Error: open.Error(), Attempt: attemptViewOf(&open.Attempt)})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orderView(o))
}

// lateDeliveryView is an order its supplier delivered after Kios refunded it.
type lateDeliveryView struct {
	Order     OrderView    `json:"order"`
	Attempt   *attemptView `json:"attempt"`
	Detail    string       `json:"detail"`
	FlaggedAt time.Time    `json:"flagged_at"`
}

func (h *handler) apiLateDeliveries(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.as.LateDeliveries(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]lateDeliveryView, 0, len(list))
	for _, ld := range list {
		v := lateDeliveryView{Order: orderView(ld.Order), Detail: ld.Detail, FlaggedAt: ld.FlaggedAt.UTC()}
		v.Order.Reseller = ld.Reseller
		if ld.Attempt != nil {
			av := attemptViewOf(ld.Attempt)
			v.Attempt = &av
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"late_deliveries": out})
}
