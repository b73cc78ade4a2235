package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
)

func (h *handler) suppliersPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	h.render(w, r, id, "suppliers", "Suppliers", h.suppliers(r))
}

func (h *handler) ledgerPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	db := h.svc.DB()
	accs, err := db.Accounts(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	data := map[string]any{"Accounts": accs}
	if code := r.URL.Query().Get("account"); code != "" {
		ps, err := db.Postings(r.Context(), code, 200)
		if err != nil {
			h.failed(w, r, "/admin/ledger", err)
			return
		}
		data["Account"], data["Postings"] = code, ps
	}
	if r.URL.Query().Get("check") != "" {
		rep, err := h.svc.LedgerCheck(r.Context())
		if err != nil {
			h.failed(w, r, "/admin/ledger", err)
			return
		}
		data["Check"] = rep
	}
	h.render(w, r, id, "ledger", "Ledger", data)
}

func (h *handler) auditPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	f := auditFilter(r)
	list, err := h.as.Audit(r.Context(), f)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	data := map[string]any{"Entries": list, "F": f}
	lim := f.Limit
	if lim == 0 {
		lim = 100
	}
	if len(list) == lim {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		data["Older"] = q.Encode()
	}
	h.render(w, r, id, "audit", "Audit log", data)
}

func (h *handler) adminsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	us, err := h.as.Admins(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	ts, err := h.as.Tokens(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	tf, err := h.twoFactorData(r, id)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "admins", "Admins and tokens", map[string]any{"Admins": us, "Tokens": ts, "TwoFactor": tf})
}

func (h *handler) adminCreatePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	u := strings.TrimSpace(r.PostFormValue("username"))
	pw, err := h.as.CreateAdmin(r.Context(), h.actor(r, id), u)
	if err != nil {
		h.failed(w, r, "/admin/admins", err)
		return
	}
	h.showSecrets(w, r, id, "Admin "+u+" created", "/admin/admins", [][2]string{{"Username", u}, {"Password", pw}})
}

func (h *handler) tokenCreatePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tok, t, err := h.as.CreateToken(r.Context(), id, h.guard.ClientIP(r).String(), r.PostFormValue("name"))
	if err != nil {
		h.failed(w, r, "/admin/admins", err)
		return
	}
	h.showSecrets(w, r, id, "API token "+t.Name+" created", "/admin/admins", [][2]string{{"Name", t.Name}, {"Token", tok}})
}

func (h *handler) tokenRevokePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if err := h.as.RevokeToken(r.Context(), h.actor(r, id), tid); err != nil {
		h.failed(w, r, "/admin/admins", err)
		return
	}
	h.done(w, r, "/admin/admins", "Token revoked")
}
