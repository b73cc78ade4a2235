package web

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/markup"
)

// markupView is a markup rule as the API shows and takes it; percent is a percentage (2.5).
type markupView struct {
	Scope   string  `json:"scope"`
	Target  string  `json:"target"`
	Tier    string  `json:"tier"`
	Fixed   int64   `json:"fixed"`
	Percent float64 `json:"percent"`
	Floor   int64   `json:"floor"`
}

func (h *handler) apiMarkup(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	rules, err := h.svc.MarkupRules(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]markupView, 0, len(rules))
	for _, m := range rules {
		out = append(out, markupView{Scope: string(m.Scope), Target: m.Target, Tier: m.Tier, Fixed: m.Fixed,
			Percent: float64(m.PercentBP) / 100, Floor: m.Floor})
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": out})
}

func (h *handler) apiMarkupSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	// The defaults are `kios markup set`'s.
	req := markupView{Scope: string(markup.ScopeDefault), Tier: markup.DefaultTier}
	if !decode(w, r, &req) {
		return
	}
	if req.Percent < 0 || req.Percent > 1000 || math.IsNaN(req.Percent) {
		writeError(w, http.StatusBadRequest, "percent must be a number from 0 to 1000", "percent")
		return
	}
	rule := markup.Rule{Scope: markup.Scope(req.Scope), Target: req.Target, Tier: req.Tier, Fixed: req.Fixed,
		PercentBP: int64(math.Round(req.Percent * 100)), Floor: req.Floor}
	// A typo in the target would save a rule that never applies (as `kios markup set` refuses).
	if rule.Scope == markup.ScopeProduct {
		if _, err := h.svc.Product(r.Context(), req.Target); err != nil {
			writeError(w, http.StatusBadRequest, "target: no product with that code", "target")
			return
		}
	} else if rule.Scope == markup.ScopeVariant {
		if _, err := h.svc.Variant(r.Context(), req.Target); err != nil {
			writeError(w, http.StatusBadRequest, "target: no variant with that code", "target")
			return
		}
	}
	target := "markup:" + req.Scope
	if req.Target != "" {
		target += ":" + req.Target
	}
	if err := h.svc.SetMarkup(h.audited(r, id, "markup.set", target, req), rule); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rule": req})
}

// marginView is one row of the margin report.
type marginView struct {
	Day         string `json:"day"`
	Supplier    string `json:"supplier"`
	Variant     string `json:"variant"`
	ProductName string `json:"product_name"`
	Orders      int64  `json:"orders"`
	Price       int64  `json:"price"`
	Cost        int64  `json:"cost"`
	Margin      int64  `json:"margin"`
}

func (h *handler) apiMarginReport(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	today := catalog.Day(time.Now())
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = today
	}
	if to == "" {
		to = today
	}
	rows, err := h.svc.MarginReport(r.Context(), from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]marginView, 0, len(rows))
	var total marginView
	for _, m := range rows {
		out = append(out, marginView{Day: m.Day, Supplier: m.Supplier, Variant: m.VariantCode, ProductName: m.ProductName,
			Orders: m.Orders, Price: m.Price, Cost: m.Cost, Margin: m.Margin()})
		total.Orders, total.Price, total.Cost = total.Orders+m.Orders, total.Price+m.Price, total.Cost+m.Cost
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "rows": out,
		"total": map[string]int64{"orders": total.Orders, "price": total.Price, "cost": total.Cost, "margin": total.Price - total.Cost}})
}

// apiCatalogExport answers the catalog as `kios catalog export` writes it, for
// POST /admin/api/catalog/import to take back.
func (h *handler) apiCatalogExport(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	products, err := h.svc.Products(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := h.svc.Variants(r.Context(), catalog.VariantFilter{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	variants := make([]catalog.Variant, len(rows))
	for i, v := range rows {
		variants[i] = v.Variant
	}
	var buf bytes.Buffer
	if err := catalog.WriteCSV(&buf, products, variants); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="catalog.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// matchView is one statement line and what it did.
type matchView struct {
	Line        int    `json:"line"`
	Date        string `json:"date"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"`
	Outcome     string `json:"outcome"` // approved, or why the line approved nothing
	Ticket      string `json:"ticket,omitempty"`
	Reseller    string `json:"reseller,omitempty"`
}

func matchViewOf(m core.Match, outcome string) matchView {
	v := matchView{Line: m.Line.N, Date: m.Line.Date, Amount: m.Line.Amount, Description: m.Line.Description, Outcome: outcome}
	if m.Ticket != nil {
		v.Ticket, v.Reseller = m.Ticket.Code, m.Ticket.Username
	}
	return v
}

// apiStatementMatch takes a bank statement (the CSV of `kios deposit match`) and approves the
// open tickets it pays, each once.
func (h *handler) apiStatementMatch(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "request body too large", "")
		return
	}
	// A file Kios cannot read is the caller's to fix (400), told before anything is matched.
	if _, err := deposit.ParseStatement(bytes.NewReader(body), h.svc.Now().In(catalog.Jakarta)); err != nil {
		writeError(w, http.StatusBadRequest, "statement: "+err.Error(), "")
		return
	}
	ctx := h.audited(r, id, "deposit.match", "statement", map[string]any{"bytes": len(body)})
	rep, err := h.svc.MatchStatement(ctx, bytes.NewReader(body))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	approved := make([]matchView, 0, len(rep.Approved))
	var credited int64
	for _, m := range rep.Approved {
		approved = append(approved, matchViewOf(m, "approved"))
		credited += m.Ticket.Amount
	}
	rest := make([]matchView, 0, len(rep.Rest))
	for _, m := range rep.Rest {
		rest = append(rest, matchViewOf(m, m.Reason))
	}
	h.auditUnchanged(ctx, r, id, "deposit.match", "statement", map[string]any{"approved": 0, "lines": len(rest)})
	writeJSON(w, http.StatusOK, map[string]any{"approved": approved, "rest": rest, "credited": credited})
}

func (h *handler) apiAdminAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	username := r.PathValue("username")
	by := h.actor(r, id)
	switch r.PathValue("action") {
	case "reset-password":
		pw, err := h.as.ResetPassword(r.Context(), by, username)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"username": username, "password": pw})
	case "reset-2fa":
		if err := h.as.ResetTwoFactor(r.Context(), by, username); err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"username": username, "two_factor": false})
	case "disable", "enable":
		disable := r.PathValue("action") == "disable"
		if err := h.as.SetDisabled(r.Context(), by, id.Username, username, disable); err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"username": username, "disabled": disable})
	default:
		writeError(w, http.StatusNotFound, "no such admin action", "")
	}
}
