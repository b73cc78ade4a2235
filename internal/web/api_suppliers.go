package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/supplier"
)

// audited returns r's context carrying the audit row of what the request is about to change:
// the change commits together with the row (audit.With), so the log cannot miss a change
// nor record one that did not happen.
func (h *handler) audited(r *http.Request, id *admin.Identity, action, target string, after any) context.Context {
	a := h.actor(r, id)
	return audit.With(r.Context(), audit.Entry{Actor: a.Name, IP: a.IP, Action: action, Target: target, After: jsonText(after)})
}

// auditUnchanged records an action that committed no change of its own (a statement that
// matched nothing new, a sync that found nothing to save), so every admin action is on record.
func (h *handler) auditUnchanged(ctx context.Context, r *http.Request, id *admin.Identity, action, target string, after any) {
	if audit.Written(ctx) {
		return
	}
	h.as.Record(r.Context(), h.actor(r, id), action, target, nil, after)
}

// supplierReq registers a supplier: the fields of `kios supplier add`.
type supplierReq struct {
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	BaseURL        string `json:"base_url"`
	Token          string `json:"token"`
	Username       string `json:"username"`
	APIKey         string `json:"api_key"`
	CallbackSecret string `json:"callback_secret"`
	// MaxInflight (0: the default, 1000) and Rate (requests per second, 0: none) bound the
	// requests sent to it.
	MaxInflight int     `json:"max_inflight"`
	Rate        float64 `json:"rate"`
	// Kind otomax: its credentials at the center (stored as username, token, api_key) and the
	// patterns that read its replies (client/otomax.PatternTexts; absent: the defaults).
	MemberID      string          `json:"member_id"`
	PIN           string          `json:"pin"`
	Password      string          `json:"password"`
	ReplyPatterns json.RawMessage `json:"reply_patterns"`
}

func (h *handler) apiSupplierAdd(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req supplierReq
	if !decode(w, r, &req) {
		return
	}
	// The audit row names what was set, never the secrets themselves.
	n := core.NewSupplier{Name: req.Name, Kind: req.Kind, BaseURL: req.BaseURL, Token: req.Token,
		Username: req.Username, APIKey: req.APIKey, CallbackSecret: req.CallbackSecret, MaxInflight: req.MaxInflight, Rate: req.Rate,
		ReplyPatterns: patternsJSON(req.ReplyPatterns)}
	if req.Kind == supplier.KindOtomax {
		n.Username, n.Token, n.APIKey = firstOf(req.MemberID, req.Username), firstOf(req.PIN, req.Token), firstOf(req.Password, req.APIKey)
	}
	after := map[string]any{"name": req.Name, "kind": req.Kind, "base_url": req.BaseURL,
		"credentials": n.Token != "" || n.APIKey != "" || req.CallbackSecret != "", "max_inflight": req.MaxInflight, "rate": req.Rate}
	if n.ReplyPatterns != "" {
		after["reply_patterns"] = json.RawMessage(n.ReplyPatterns)
	}
	ctx := h.audited(r, id, "supplier.add", "supplier:"+req.Name, after)
	sup, err := h.svc.AddSupplier(ctx, n)
	if err == nil && sup.Kind == supplier.KindOtomax {
		// The report-back key is shown once, here, as `kios supplier add` shows it.
		h.supplierChanged()
		list := h.suppliers(r)
		for _, s := range list {
			if s.Name == sup.Name {
				writeJSON(w, http.StatusCreated, map[string]any{"supplier": s, "report_url_path": "/callback/" + sup.Name + "?key=" + sup.CallbackSecret})
				return
			}
		}
	}
	h.supplierSaved(w, r, err, http.StatusCreated, req.Name)
}

// supplierSaved answers a change to supplier name: err as 400 naming the JSON key when it is a
// core.FieldError, else as it is; otherwise the supplier as listed, with status.
func (h *handler) supplierSaved(w http.ResponseWriter, r *http.Request, err error, status int, name string) {
	if fe, ok := core.IsFieldError(err); ok {
		// The core names fields as the CLI's flags; the API's are the JSON keys.
		writeError(w, http.StatusBadRequest, strings.ReplaceAll(fe.Field, "-", "_")+" "+fe.Reason, strings.ReplaceAll(fe.Field, "-", "_"))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.supplierChanged()
	h.writeSupplier(w, r, status, name)
}

// apiSupplierSet is `kios supplier set`: PATCH /admin/api/suppliers/{name} with max_inflight
// and/or rate (requests per second, 0: none); a key left out keeps its value.
func (h *handler) apiSupplierSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	name := r.PathValue("name")
	var req struct {
		MaxInflight *int     `json:"max_inflight"`
		Rate        *float64 `json:"rate"`
		// ReplyPatterns (otomax): an object of pattern lists; {} or null gives the defaults back.
		ReplyPatterns json.RawMessage `json:"reply_patterns"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.ReplyPatterns != nil {
		p := patternsJSON(req.ReplyPatterns)
		ctx := h.audited(r, id, "supplier.set", "supplier:"+name, map[string]any{"reply_patterns": json.RawMessage(firstOf(p, "{}"))})
		if err := h.svc.SetSupplierReplyPatterns(ctx, name, p); err != nil || req.MaxInflight == nil && req.Rate == nil {
			h.supplierSaved(w, r, err, http.StatusOK, name)
			return
		}
	}
	if req.MaxInflight == nil && req.Rate == nil {
		writeError(w, http.StatusBadRequest, "nothing to set: give max_inflight, rate or reply_patterns", "max_inflight")
		return
	}
	cur, err := h.svc.SupplierByName(r.Context(), name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	maxInflight, rate := cur.MaxInflight, cur.Rate
	if req.MaxInflight != nil {
		maxInflight = *req.MaxInflight
	}
	if req.Rate != nil {
		rate = *req.Rate
	}
	ctx := h.audited(r, id, "supplier.set", "supplier:"+name, map[string]any{"max_inflight": maxInflight, "rate": rate})
	h.supplierSaved(w, r, h.svc.SetSupplierBounds(ctx, name, maxInflight, rate), http.StatusOK, name)
}

// supplierChanged makes the router read the registry again, so a change applies to the next order.
func (h *handler) supplierChanged() {
	if h.opts.Health != nil {
		h.opts.Health.Invalidate()
	}
}

// writeSupplier answers one supplier as GET /admin/api/suppliers lists it.
func (h *handler) writeSupplier(w http.ResponseWriter, r *http.Request, status int, name string) {
	list := h.suppliers(r)
	for _, s := range list {
		if s.Name == name {
			writeJSON(w, status, map[string]any{"supplier": s})
			return
		}
	}
	h.fail(w, r, supplier.ErrNotFound)
}

func (h *handler) apiSupplier(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	h.writeSupplier(w, r, http.StatusOK, r.PathValue("name"))
}

func (h *handler) apiSupplierAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	name := r.PathValue("name")
	target := "supplier:" + name
	switch action := r.PathValue("action"); action {
	case "enable", "disable":
		ctx := h.audited(r, id, "supplier."+action, target, map[string]bool{"enabled": action == "enable"})
		if err := h.svc.SetSupplierEnabled(ctx, name, action == "enable"); err != nil {
			h.fail(w, r, err)
			return
		}
		h.supplierChanged()
		h.writeSupplier(w, r, http.StatusOK, name)
	case "map":
		var req struct {
			SKU      string `json:"sku"`
			Variant  string `json:"variant"`
			Priority int    `json:"priority"`
		}
		if !decode(w, r, &req) {
			return
		}
		if req.SKU == "" || req.Variant == "" {
			writeError(w, http.StatusBadRequest, "sku and variant are required", "sku")
			return
		}
		ctx := h.audited(r, id, "supplier.map", target, req)
		if err := h.svc.MapSupplierProduct(ctx, name, req.SKU, req.Variant, req.Priority); err != nil {
			h.fail(w, r, err)
			return
		}
		h.supplierChanged()
		h.writeSupplier(w, r, http.StatusOK, name)
	case "deposit":
		var req struct {
			Amount int64  `json:"amount"`
			Note   string `json:"note"`
		}
		if !decode(w, r, &req) {
			return
		}
		ctx := h.audited(r, id, "supplier.deposit", target, req)
		books, err := h.svc.CreditSupplier(ctx, name, req.Amount, req.Note+" (by "+h.actor(r, id).Name+")")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"supplier": name, "amount": req.Amount, "ledger_balance": books})
	case "balance":
		if h.opts.Pull == nil {
			writeError(w, http.StatusServiceUnavailable, "this server cannot reach suppliers", "")
			return
		}
		if _, err := h.svc.SupplierByName(r.Context(), name); err != nil {
			h.fail(w, r, err)
			return
		}
		ctx := h.audited(r, id, "supplier.balance", target, nil)
		if _, err := h.opts.Pull.Balance(ctx, name); err != nil {
			h.upstreamFailed(w, r, err)
			return
		}
		h.writeSupplier(w, r, http.StatusOK, name)
	case "reply-test":
		h.apiReplyTest(w, r, id)
	default:
		writeError(w, http.StatusNotFound, "no such supplier action", "")
	}
}

// upstreamFailed answers 502 for a supplier that could not be asked: the reason is the admin's
// to see (it names the supplier's address, never a secret).
func (h *handler) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	if status, _, _ := errorStatus(err); status != http.StatusInternalServerError {
		h.fail(w, r, err)
		return
	}
	h.log.Warn("admin api: supplier call failed", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusBadGateway, "supplier: "+err.Error(), "")
}

// patternsJSON is reply_patterns as the core takes it: "" for absent or null.
func patternsJSON(raw json.RawMessage) string {
	if t := strings.TrimSpace(string(raw)); t != "" && t != "null" {
		return t
	}
	return ""
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// jsonText is v as JSON for an audit row; nil is no JSON at all.
func jsonText(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
