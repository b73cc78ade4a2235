package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/ledger"
)

func (h *handler) suppliersPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	h.render(w, r, id, "suppliers", "Suppliers", map[string]any{"Suppliers": h.suppliers(r)})
}

func (h *handler) ledgerPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	accs, err := h.svc.Accounts(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	names, err := h.accountNames(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	data := map[string]any{"Accounts": accs, "Names": names}
	if code := r.URL.Query().Get("account"); code != "" {
		ps, err := h.svc.Postings(r.Context(), code, 200)
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

// accountHolder says whose a ledger account is, for the ledger page: an account id alone
// ("reseller:7:held") does not tell the operator which reseller or supplier it belongs to.
type accountHolder struct {
	Name string // "budi (Toko Budi)", "digiflazz-1", "Kios revenue"
	Link string // the holder's page, or ""
	Role string // "available", "held", "deposit at supplier", …
}

// accountNames names every account by its code.
func (h *handler) accountNames(ctx context.Context) (map[string]accountHolder, error) {
	out := map[string]accountHolder{
		ledger.RevenueCode:  {Name: "Kios", Role: "revenue"},
		ledger.DepositsCode: {Name: "Kios", Role: "money resellers paid in"},
		ledger.CostCode:     {Name: "Kios", Role: "cost of goods bought upstream"},
		ledger.FeesCode:     {Name: "Kios", Role: "payment gateway fees"},
	}
	rs, err := h.svc.ResellerList(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		name := r.Username
		if r.Name != "" && r.Name != r.Username {
			name += " (" + r.Name + ")"
		}
		link := "/admin/resellers/" + url.PathEscape(r.Username)
		out[ledger.AvailableCode(r.ID)] = accountHolder{Name: name, Link: link, Role: "available balance"}
		out[ledger.HeldCode(r.ID)] = accountHolder{Name: name, Link: link, Role: "held for pending orders"}
	}
	sups, err := h.svc.Suppliers(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range sups {
		out[ledger.SupplierCode(s.ID)] = accountHolder{Name: s.Name, Link: "/admin/suppliers", Role: "deposit at the supplier"}
	}
	return out, nil
}
