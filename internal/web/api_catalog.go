package web

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/catalog"
)

func (h *handler) apiProducts(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	ps, err := h.as.Products(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]productView, 0, len(ps))
	for i := range ps {
		out = append(out, productViewOf(&ps[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"products": out})
}

// productView is a product as the admin API shows it.
type productView struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	Category       string `json:"category"`
	Brand          string `json:"brand"`
	Active         bool   `json:"active"`
	RequireValidID bool   `json:"require_valid_id"`
	DestFormat     string `json:"dest_format"`
	DestPattern    string `json:"dest_pattern"`
	Image          string `json:"image"`
}

func productViewOf(p *catalog.Product) productView {
	return productView{p.Code, p.Name, p.Category, p.Brand, p.Active, p.RequireValidID, p.DestFormat, p.DestPattern, p.Image}
}

func (h *handler) apiVariants(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	vs, err := h.as.Variants(r.Context(), r.URL.Query().Get("product"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"variants": vs})
}

func (h *handler) apiVariantEdit(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var e admin.VariantEdit
	if !decode(w, r, &e) {
		return
	}
	if e.Code != "" && e.Code != r.PathValue("code") {
		writeError(w, http.StatusBadRequest, "code in the body differs from the URL", "code")
		return
	}
	e.Code = r.PathValue("code")
	out, err := h.as.EditVariants(r.Context(), h.actor(r, id), []admin.VariantEdit{e})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out[0])
}

// apiCatalogBulk applies many edits at once, all or nothing.
// apiCatalogImport loads a catalog CSV (the format of `kios catalog export`), all or nothing.
func (h *handler) apiCatalogImport(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		writeError(w, http.StatusUnsupportedMediaType, "send the catalog as text/csv", "")
		return
	}
	np, nv, err := h.as.ImportCatalog(r.Context(), h.actor(r, id), r.Body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"products": np, "variants": nv})
}

func (h *handler) apiCatalogBulk(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Edits []admin.VariantEdit `json:"edits"`
	}
	if !decode(w, r, &req) {
		return
	}
	if len(req.Edits) == 0 {
		writeError(w, http.StatusBadRequest, "edits is required", "edits")
		return
	}
	out, err := h.as.EditVariants(r.Context(), h.actor(r, id), req.Edits)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"variants": out})
}

// apiVariantLimits answers what purchases of a variant may cost upstream (core.VariantLimits).
func (h *handler) apiVariantLimits(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	l, err := h.svc.Limits(r.Context(), r.PathValue("code"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

// apiVariantLimitsSet replaces a variant's limits: {"max_loss": N} sets its own max loss,
// {"max_loss": null} (or {}) gives it back to the server's --max-loss. Audited with the change.
func (h *handler) apiVariantLimitsSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	// Each key is applied when given; null gives the setting back to its default. A body without
	// sn_required sets max_loss (left out: null), as before sn_required existed.
	var req struct {
		MaxLoss    json.RawMessage `json:"max_loss"`
		SNRequired json.RawMessage `json:"sn_required"`
	}
	if !decode(w, r, &req) {
		return
	}
	var maxLoss *int64
	var sn *bool
	if err := jsonOrNull(req.MaxLoss, &maxLoss); err != nil {
		writeError(w, http.StatusBadRequest, "max_loss must be rupiah or null", "max_loss")
		return
	}
	if err := jsonOrNull(req.SNRequired, &sn); err != nil {
		writeError(w, http.StatusBadRequest, "sn_required must be true, false or null", "sn_required")
		return
	}
	setLoss, setSN := req.MaxLoss != nil || req.SNRequired == nil, req.SNRequired != nil
	code := r.PathValue("code")
	before, err := h.svc.Limits(r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	by := h.actor(r, id)
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(req)
	ctx := audit.With(r.Context(), audit.Entry{Actor: by.Name, IP: by.IP, Action: "catalog.limits", Target: "variant:" + code,
		Before: string(b), After: string(a)})
	l := before
	if setLoss {
		l, err = h.svc.SetLimits(ctx, code, maxLoss)
	}
	if err == nil && setSN {
		l, err = h.svc.SetSNRequired(ctx, code, sn)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, l)
}

// jsonOrNull decodes raw into *dst, leaving it nil for a missing value or null.
func jsonOrNull[T any](raw json.RawMessage, dst **T) error {
	if raw == nil || string(raw) == "null" {
		return nil
	}
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	*dst = &v
	return nil
}
