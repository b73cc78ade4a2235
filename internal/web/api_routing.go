package web

import (
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
)

// Routing that learns, over the admin API: what each node's router learned of every supplier
// SKU (kios supplier stats), the routing policy (kios routing) and the operator prefix table
// (kios prefix).
func (h *handler) routeRoutingAPI(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/suppliers/stats", h.apiSupplierStats)
	a("GET /admin/api/routing", h.apiRouting)
	a("POST /admin/api/routing", h.apiRoutingSet)
	a("GET /admin/api/prefixes", h.apiPrefixes)
	a("POST /admin/api/prefixes", h.apiPrefixSet)
	a("DELETE /admin/api/prefixes/{prefix}", h.apiPrefixRemove)
}

func (h *handler) apiSupplierStats(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	stats, err := h.svc.RoutingStats(r.Context(), r.URL.Query().Get("supplier"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if stats == nil {
		stats = []core.SKUStats{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"stats": stats})
}

// routing is the routing policy as the API shows it.
type routing struct {
	Policy   string                        `json:"policy"`
	Products map[string]core.RoutingPolicy `json:"products"`
}

func (h *handler) routingNow(r *http.Request) (routing, error) {
	out := routing{Policy: string(core.PolicyCheapest)}
	ss, err := h.svc.Settings(r.Context())
	if err != nil {
		return out, err
	}
	for _, s := range ss {
		if s.Name == core.SettingRoutingPolicy {
			out.Policy = s.Value
		}
	}
	out.Products, err = h.svc.ProductRouting(r.Context())
	return out, err
}

func (h *handler) apiRouting(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	rt, err := h.routingNow(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rt)
}

// apiRoutingSet sets {"policy": P} globally, or {"product": CODE, "policy": P} for one product
// ("" policy: the default again).
func (h *handler) apiRoutingSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Product string `json:"product"`
		Policy  string `json:"policy"`
	}
	if !decode(w, r, &req) {
		return
	}
	target := "routing:global"
	if req.Product != "" {
		target = "product:" + req.Product
	}
	ctx := h.audited(r, id, "routing.set", target, map[string]any{"policy": req.Policy})
	var err error
	if req.Product == "" {
		err = h.svc.SetSetting(ctx, core.SettingRoutingPolicy, req.Policy)
	} else {
		err = h.svc.SetProductRouting(ctx, req.Product, req.Policy)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.apiRouting(w, r, id)
}

func (h *handler) apiPrefixes(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	rows, err := h.svc.OperatorPrefixes(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []core.OperatorPrefix{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"prefixes": rows})
}

func (h *handler) apiPrefixSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req core.OperatorPrefix
	if !decode(w, r, &req) {
		return
	}
	ctx := h.audited(r, id, "prefix.set", "prefix:"+req.Prefix, map[string]any{"operator": req.Operator})
	if err := h.svc.SetOperatorPrefix(ctx, req.Prefix, req.Operator); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"prefix": core.OperatorPrefix{Prefix: strings.TrimSpace(req.Prefix), Operator: core.OperatorName(req.Operator)}})
}

func (h *handler) apiPrefixRemove(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	prefix := r.PathValue("prefix")
	ctx := h.audited(r, id, "prefix.remove", "prefix:"+prefix, nil)
	if err := h.svc.RemoveOperatorPrefix(ctx, prefix); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
