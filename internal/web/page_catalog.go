package web

import (
	"encoding/json"
	"fmt"
	"github.com/kios-h2h/kios/internal/catalog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
)

func (h *handler) catalogPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	vs, err := h.as.Variants(r.Context(), r.URL.Query().Get("product"))
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	ps, err := h.as.Products(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "catalog", "Catalog", map[string]any{"Variants": vs, "Products": ps, "Product": r.URL.Query().Get("product")})
}

func (h *handler) variantPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	code := r.PathValue("code")
	back := "/admin/catalog"
	if p := r.PostFormValue("product"); p != "" {
		back += "?product=" + url.QueryEscape(p)
	}
	e := admin.VariantEdit{Code: code}
	if s := strings.TrimSpace(r.PostFormValue("price")); s != "" {
		p, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64)
		if err != nil {
			h.failed(w, r, back, &core.FieldError{Field: "price", Reason: "must be a whole number of rupiah"})
			return
		}
		tier := strings.TrimSpace(r.PostFormValue("tier"))
		if tier == "" {
			tier = "default"
		}
		e.Prices = map[string]int64{tier: p}
	}
	active := r.PostFormValue("active") == "on"
	e.Active = &active
	unlimited := r.PostFormValue("unlimited_stock") == "on"
	e.UnlimitedStock = &unlimited
	if s := strings.TrimSpace(r.PostFormValue("stock")); s != "" && !unlimited {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.failed(w, r, back, &core.FieldError{Field: "stock", Reason: "must be a whole number"})
			return
		}
		e.Stock = &n
	}
	if _, err := h.as.EditVariants(r.Context(), h.actor(r, id), []admin.VariantEdit{e}); err != nil {
		h.failed(w, r, back, err)
		return
	}
	h.done(w, r, back, "Saved "+code)
}

// productPost saves a product's settings from the dashboard: require_valid_id, the destination's
// format and pattern, and its image URL (what the CSV's columns and the admin API carry).
func (h *handler) productPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	code := r.PathValue("code")
	back := "/admin/catalog"
	if p := r.PostFormValue("product"); p != "" {
		back += "?product=" + url.QueryEscape(p)
	}
	req := struct {
		RequireValidID bool   `json:"require_valid_id"`
		Format         string `json:"format"`
		Pattern        string `json:"pattern"`
		Image          string `json:"image"`
	}{r.PostFormValue("require_valid_id") == "on", r.PostFormValue("dest_format"), r.PostFormValue("dest_pattern"), r.PostFormValue("image")}
	ctx := h.audited(r, id, "catalog.product", "product:"+code, req)
	// A bad image URL or pattern refuses the whole form, nothing changed: the image is checked
	// first, then the destination is saved (checked as it is), then the rest.
	if err := catalog.CheckImage(strings.TrimSpace(req.Image)); err != nil {
		h.failed(w, r, back, &core.FieldError{Field: "image", Reason: err.Error()})
		return
	}
	if err := h.svc.SetProductDest(ctx, code, req.Format, req.Pattern); err != nil {
		h.failed(w, r, back, err)
		return
	}
	if err := h.svc.SetProductImage(ctx, code, req.Image); err != nil {
		h.failed(w, r, back, err)
		return
	}
	if err := h.svc.SetRequireValidID(ctx, code, req.RequireValidID); err != nil {
		h.failed(w, r, back, err)
		return
	}
	h.done(w, r, back, "Saved "+code)
}

func (h *handler) catalogBulkPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var edits []admin.VariantEdit
	dec := json.NewDecoder(strings.NewReader(r.PostFormValue("edits")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&edits); err != nil {
		h.failed(w, r, "/admin/catalog", &core.FieldError{Field: "edits", Reason: "must be a JSON array of edits: " + err.Error()})
		return
	}
	out, err := h.as.EditVariants(r.Context(), h.actor(r, id), edits)
	if err != nil {
		h.failed(w, r, "/admin/catalog", err)
		return
	}
	h.done(w, r, "/admin/catalog", "Saved "+strconv.Itoa(len(out))+" variants")
}

func (h *handler) catalogImportPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	f, _, err := r.FormFile("file")
	if err != nil {
		h.failed(w, r, "/admin/catalog", &core.FieldError{Field: "file", Reason: "choose a CSV file"})
		return
	}
	defer f.Close()
	np, nv, err := h.as.ImportCatalog(r.Context(), h.actor(r, id), f)
	if err != nil {
		h.failed(w, r, "/admin/catalog", err)
		return
	}
	h.done(w, r, "/admin/catalog", fmt.Sprintf("Imported %d products and %d variants", np, nv))
}
